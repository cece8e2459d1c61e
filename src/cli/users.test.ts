/**
 * `jarida users …` as an operator runs it: an account and its one-time link, which then sets the
 * password in the desk; a reset link; one-line errors for bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { openStore } from '../store/db.js';
import { createTestDatabase, skipStoreTests, testStoreKind, type TestDatabase } from '../store/testing.js';
import { buildApp } from '../web/app.js';
import { DeskClient } from '../web/admin/testing.js';
import { runJarida } from './testing.js';

const skip = await skipStoreTests();
let database: TestDatabase;

beforeAll(async () => {
  if (!skip) database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const jarida = (args: string[]) => runJarida(args, { DATABASE_URL: database.url, LOG_LEVEL: 'warn', JARIDA_SITE_URL: 'https://news.example' });

describe.skipIf(skip)(`jarida users, on the ${testStoreKind()} store`, () => {
  it('adds an account and prints a one-time link that sets its password in the desk', async () => {
    const added = await jarida(['users', 'add', 'Editor@News.example', '--role', 'admin', '--name', 'Zeynep']);
    expect(added.err).toBe('');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/^user 1: editor@news\.example \(admin\)\nset the password, once, before \d{4}-\d\d-\d\dT[\d:.]+Z:\nhttps:\/\/news\.example\/admin\/password\/[A-Za-z0-9_-]{43}\n$/);
    const path = new URL(added.out.trim().split('\n').pop()!).pathname;

    const store = openStore(database.url);
    const app = await buildApp({ store, config: parseConfig({ demo: false }, {}) });
    try {
      const c = new DeskClient(app);
      expect((await c.get(path)).body).toContain('editor@news.example');
      expect((await c.post(path, { password: 'the tide comes in twice' })).statusCode).toBe(303);
      expect((await c.login('editor@news.example', 'the tide comes in twice')).statusCode).toBe(303);
      expect((await c.get('/admin/users')).statusCode).toBe(200);
      // A reset: the new link works, the used one stays used.
      const reset = await jarida(['users', 'reset', 'editor@news.example']);
      expect(reset.code).toBe(0);
      const again = new URL(reset.out.trim().split('\n').pop()!).pathname;
      expect((await new DeskClient(app).get(again)).statusCode).toBe(200);
      expect((await new DeskClient(app).get(path)).statusCode).toBe(410);
    } finally {
      await app.close();
      await store.close();
    }
    expect((await jarida(['users', 'list'])).out).toBe('   1  editor@news.example  admin  active\n');
  });

  it('refuses bad input with one line and a non-zero status', async () => {
    const role = await jarida(['users', 'add', 'a@news.example', '--role', 'owner']);
    expect(role.code).not.toBe(0);
    expect(role.err.trim().split('\n')).toHaveLength(1);
    expect(role.err).toContain('owner');
    const email = await jarida(['users', 'add', 'not-an-email', '--role', 'author']);
    expect(email.err).toBe('jarida: email: not an email address\n');
    expect(email.code).toBe(1);
    const twice = await jarida(['users', 'add', 'editor@news.example', '--role', 'author']);
    expect(twice.err).toBe('jarida: email: editor@news.example has an account already\n');
    expect((await jarida(['users', 'reset', 'nobody@news.example'])).err).toBe('jarida: users: no account nobody@news.example\n');
  });
});
