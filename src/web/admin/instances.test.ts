/**
 * Two instances of the site on one store (two `serve` processes behind a load balancer): a login on
 * one is a session on the other, a form from one posts to the other (one CSRF key for the site), a
 * logout on one ends the session on both.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { openMigratedStore, type Store } from '../../store/db.js';
import { createTestDatabase, skipStoreTests, testStoreKind, type TestDatabase } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { addTestUser, DeskClient, TEST_PASSWORD } from './testing.js';

const skip = await skipStoreTests();
let database: TestDatabase;
const stores: Store[] = [];
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  if (skip) return;
  database = await createTestDatabase();
  const config = parseConfig({ demo: false }, {});
  for (let i = 0; i < 2; i++) {
    const store = await openMigratedStore(database.url);
    stores.push(store);
    apps.push(await buildApp({ store, config }));
  }
});
afterAll(async () => {
  for (const a of apps) await a.close();
  for (const s of stores) await s.close();
  await database?.drop();
});

describe.skipIf(skip)(`two instances on one ${testStoreKind()} store`, () => {
  it('share sessions, CSRF and logouts', async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    await addTestUser(a, stores[0]!, 'both@news.example', 'admin', new Date());
    const onA = new DeskClient(a);
    expect((await onA.login('both@news.example', TEST_PASSWORD)).statusCode).toBe(303);
    // The same browser, its next request answered by the other instance.
    const onB = new DeskClient(b);
    onB.cookies = onA.cookies;
    const page = await onB.get('/admin/users');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('both@news.example');
    // A form rendered by B, posted to A.
    onA.csrf = onB.csrf;
    expect((await onA.post('/admin/users', { email: 'second@news.example', role: 'author' })).statusCode).toBe(200);
    expect((await onB.get('/admin/users')).body).toContain('second@news.example');
    // Logging out on B ends the session on A.
    const kept = new Map(onB.cookies);
    expect((await onB.post('/admin/logout', {})).statusCode).toBe(303);
    const again = new DeskClient(a);
    again.cookies = kept; // the cookie as it was: the store says the session ended
    expect((await again.get('/admin/users')).statusCode).toBe(401);
  });
});
