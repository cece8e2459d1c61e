import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { findPublishedTotal } from '../store/day-counts.js';
import { openStore } from '../store/db.js';
import { createTestDatabase, createTestRestoreTarget, skipStoreTests, testStoreKind } from '../store/testing.js';
import { MAIN, startServe } from './testing.js';

const postgres = testStoreKind() === 'postgres';
const cwd = mkdtempSync(join(tmpdir(), 'jarida-backup-cli-'));
const cleanups: (() => Promise<void>)[] = [];

beforeAll(() => {
  // `npm test` builds first; a bare `vitest` run builds here.
  if (!existsSync(MAIN)) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}, 120_000);
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function jarida(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function expectOneLineError(r: { code: number | null; err: string }, message: RegExp) {
  expect(r.code).not.toBe(0);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.err.trim()).toMatch(message);
}

async function tempDb(): Promise<string> {
  const d = await createTestDatabase();
  cleanups.push(() => d.drop());
  return d.url;
}

/** A fresh place to restore into, dropped after the tests. */
async function restoreTarget(from: string): Promise<string> {
  const target = await createTestRestoreTarget(from);
  cleanups.push(() => target.drop());
  return target.url;
}

describe.skipIf(testStoreKind() === 'postgres')('jarida backup on a memory store', () => {
  it('refuses sqlite::memory: in one line', () => {
    expectOneLineError(jarida(['backup', 'x.db'], { DATABASE_URL: 'sqlite::memory:' }), /^jarida: backup: the store is in memory \(sqlite::memory:\); there is no file to back up$/);
    expect(existsSync(join(cwd, 'x.db'))).toBe(false);
  });
});

describe.skipIf(await skipStoreTests())('jarida backup and restore', () => {
  it('backs up, refuses to overwrite without --force, restores into a fresh store and refuses a store with articles', async () => {
    const db = await tempDb();
    expect(jarida(['demo'], { DATABASE_URL: db }).code).toBe(0);
    const file = `demo-${randomBytes(3).toString('hex')}.bak`;

    const first = jarida(['backup', file], { DATABASE_URL: db });
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const n = Number(/^backup: wrote .+\.bak \(\d+\.\d (KB|MB), (\d+) articles\) in \d+\.\d\d s\n$/.exec(first.out)?.[2]);
    expect(n).toBeGreaterThanOrEqual(30);

    expectOneLineError(jarida(['backup', file], { DATABASE_URL: db }), /^jarida: backup: .+\.bak exists; --force overwrites it$/);
    expect(jarida(['backup', file, '--force'], { DATABASE_URL: db }).code).toBe(0);

    const target = await restoreTarget(db);
    const restored = jarida(['restore', file], { DATABASE_URL: target });
    expect(restored.err).toBe('');
    expect(restored.out).toMatch(new RegExp(`^restore: ${n} articles from .+\\.bak into .+ in \\d+\\.\\d\\d s\\n$`));
    const store = openStore(target);
    expect(await findPublishedTotal(store.db)).toBe(n);
    await store.close();
    // The restored store serves: a command that migrates and reads it works.
    expect(jarida(['migrate'], { DATABASE_URL: target }).out).toBe('up to date\n');

    expectOneLineError(jarida(['restore', file], { DATABASE_URL: target }), new RegExp(`^jarida: restore: .+ already has ${n} articles; --force replaces them$`));
    expect(jarida(['restore', file, '--force'], { DATABASE_URL: target }).code).toBe(0);
  });

  it('refuses to restore while jarida serve has the store open, naming it, and restores once it has stopped', async () => {
    const db = await tempDb();
    expect(jarida(['demo'], { DATABASE_URL: db }).code).toBe(0);
    const file = `serve-${randomBytes(3).toString('hex')}.bak`;
    expect(jarida(['backup', file], { DATABASE_URL: db }).code).toBe(0);
    const target = await restoreTarget(db);
    expect(jarida(['restore', file], { DATABASE_URL: target }).code).toBe(0);
    // One article more in the live store than in the backup.
    expect(jarida(['article', 'add', '--title', 'Written after the backup', '--published', '2019-02-15T10:00:00+03:00'], { DATABASE_URL: target }).code).toBe(0);
    const total = (html: string) => Number(/Total: ([\d,]+) content/.exec(html)?.[1]?.replaceAll(',', ''));

    // Two web workers and their primary: the refusal names the primary, the process to stop.
    const { child, url } = await startServe({ DATABASE_URL: target, JARIDA_WORKERS: '2', JARIDA_DEMO: 'false' });
    try {
      const before = total(await (await fetch(`${url}/`)).text());
      const refused = jarida(['restore', file, '--force'], { DATABASE_URL: target });
      expectOneLineError(refused, new RegExp(`^jarida: restore: .+ is in use by pid ${child.pid} \\(jarida serve\\); stop it first$`));
      // Nothing changed under the running site.
      expect(total(await (await fetch(`${url}/`)).text())).toBe(before);
    } finally {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    const restored = jarida(['restore', file, '--force'], { DATABASE_URL: target });
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
  }, 120_000);

  it('refuses to restore a file that is not a backup, in one line', async () => {
    const file = join(cwd, 'notes.txt');
    writeFileSync(file, 'not a database\n');
    expectOneLineError(
      jarida(['restore', file], { DATABASE_URL: await tempDb() }),
      postgres ? /^jarida: restore: .+notes\.txt is not a Jarida PostgreSQL backup \(not a pg_dump custom archive\)$/ : /^jarida: restore: .+notes\.txt is not a Jarida SQLite database \(not a SQLite file\)$/,
    );
    expectOneLineError(jarida(['restore', join(cwd, 'absent.bak')], { DATABASE_URL: await tempDb() }), /^jarida: restore: no file .+absent\.bak$/);
  });

  it.skipIf(!postgres)('says to install postgresql-client when pg_dump is missing', async () => {
    const r = jarida(['backup', 'no-tool.dump'], { DATABASE_URL: await tempDb(), PATH: '/nonexistent' });
    expectOneLineError(r, /^jarida: backup: pg_dump not found; install postgresql-client/);
    expect(existsSync(join(cwd, 'no-tool.dump'))).toBe(false);
  });
});
