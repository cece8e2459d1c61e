import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import type { ArticleInput } from '../model/types.js';
import { insertArticles } from './articles.js';
import { backupStore, restoreStore } from './backup.js';
import { openMigratedStore, openStore, type Store } from './db.js';
import { ensureSource } from './sources.js';
import { createTestDatabase, createTestRestoreTarget, skipStoreTests, testStoreKind, type TestDatabase } from './testing.js';

const TZ = 'Europe/Istanbul';
const PREFILL = 4000;
const postgres = testStoreKind() === 'postgres';
const dir = mkdtempSync(join(tmpdir(), 'jarida-backup-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Returns a new empty database, dropped after the file's tests. */
async function database(): Promise<TestDatabase> {
  const d = await createTestDatabase();
  cleanups.push(() => d.drop());
  return d;
}

/** A fresh place to restore into, dropped after the tests. */
async function restoreTarget(from: string): Promise<string> {
  const target = await createTestRestoreTarget(from);
  cleanups.push(() => target.drop());
  return target.url;
}

/** Article i of the prefill: uneven days (day i² mod 23 of February 2019), a body of its own. */
function prefill(i: number, sourceId: number): ArticleInput {
  return {
    sourceId,
    guid: `a-${i}`,
    slug: `a-${i}`,
    title: `Article ${i}`,
    contentHtml: `<p>Body of article ${i}: ${'lorem ipsum '.repeat(i % 40)}</p>`,
    publishedAt: new Date(Date.UTC(2019, 1, 1 + ((i * i) % 23), (i * 7) % 24, i % 60, i % 13)),
  };
}

/** Starts src/store/testdata/backup-writer.ts against `url`; `committed` follows what it reports. */
function startWriter(url: string, sourceId: number) {
  const child: ChildProcess = spawn(
    join(PROJECT_ROOT, 'node_modules', '.bin', 'vite-node'),
    [join(PROJECT_ROOT, 'src', 'store', 'testdata', 'backup-writer.ts'), url, String(sourceId)],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const w = { committed: 0, child };
  let buf = '';
  child.stdout!.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (/^\d+$/.test(l)) w.committed = Number(l);
  });
  cleanups.push(() => stopWriter(child));
  return w;
}

async function stopWriter(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Asserts day_counts and the published total equal a count over the articles. */
async function expectConsistent(store: Store): Promise<number> {
  const published = await store.db.selectFrom('articles').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'published').executeTakeFirstOrThrow();
  const days = await store.db.selectFrom('day_counts').select(sql<number>`coalesce(sum(count), 0)`.as('n')).executeTakeFirstOrThrow();
  const total = await store.db.selectFrom('counters').select('value').where('name', '=', 'published_total').executeTakeFirstOrThrow();
  expect(Number(days.n)).toBe(Number(published.n));
  expect(Number(total.value)).toBe(Number(published.n));
  return Number(published.n);
}

describe.skipIf(await skipStoreTests())('backup and restore', () => {
  it('backs up a consistent snapshot while a writer inserts, and restores every article committed before it began', async () => {
    const source = await database();
    const store = await openMigratedStore(source.url);
    cleanups.push(() => store.close());
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await insertArticles(store.db, Array.from({ length: PREFILL }, (_, i) => prefill(i, sourceId)), TZ);

    const writer = startWriter(source.url, sourceId);
    await until(() => writer.committed >= 100, 'the writer to commit');
    const committedBefore = writer.committed;
    const file = join(dir, postgres ? 'jarida.dump' : 'jarida.db');
    const result = await backupStore(source.url, file);
    const committedAfter = writer.committed;
    await until(() => writer.committed > committedAfter, 'the writer to go on after the backup');
    await stopWriter(writer.child);

    expect(result.file).toBe(file);
    expect(result.bytes).toBeGreaterThan(100_000);
    expect(result.articles).toBeGreaterThanOrEqual(PREFILL + committedBefore);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const target = await restoreTarget(source.url);
    const restoredResult = await restoreStore(target, file);
    expect(restoredResult.articles).toBe(result.articles);

    let restored = openStore(target);
    cleanups.push(() => restored.close());
    const rows = await restored.db.selectFrom('articles').select(['slug', 'title', 'content_html', 'published_at']).execute();
    const bySlug = new Map(rows.map((r) => [r.slug, r]));
    for (let i = 0; i < PREFILL; i++) {
      const a = prefill(i, sourceId);
      expect(bySlug.get(a.slug!), a.slug).toMatchObject({ title: a.title, content_html: a.contentHtml, published_at: a.publishedAt.toISOString() });
    }
    for (let i = 0; i < committedBefore; i++) {
      expect(bySlug.get(`w-${i}`)?.content_html, `w-${i}`).toBe(`<p>Written during the backup, number ${i}.</p>`);
    }
    // The snapshot is one instant: the writer's articles in it are a prefix, counts agree with rows.
    const written = rows.filter((r) => r.slug.startsWith('w-')).length;
    for (let i = 0; i < written; i++) expect(bySlug.has(`w-${i}`), `w-${i}`).toBe(true);
    expect(await expectConsistent(restored)).toBe(rows.length);
    expect(rows.length).toBe(result.articles);

    // A store that is open (here, in this process) is not replaced: what its users cached would be stale.
    await expect(restoreStore(target, file, { force: true })).rejects.toMatchObject({ code: 'IN_USE' });
    await restored.close();
    // A store that has articles is replaced only with --force.
    await expect(restoreStore(target, file)).rejects.toThrow(/already has \d+ articles; --force replaces them/);
    expect((await restoreStore(target, file, { force: true })).articles).toBe(result.articles);
    restored = openStore(target);
    expect(await expectConsistent(restored)).toBe(result.articles);
  }, 120_000);

  it('refuses to restore into a store another process has open, naming it, and restores once it has stopped', async () => {
    const source = await database();
    const store = await openMigratedStore(source.url);
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await insertArticles(store.db, Array.from({ length: 10 }, (_, i) => prefill(i, sourceId)), TZ);
    await store.close();
    const file = join(dir, postgres ? 'in-use.dump' : 'in-use.db');
    await backupStore(source.url, file);

    const target = await restoreTarget(source.url);
    const t = await openMigratedStore(target);
    const targetSource = await ensureSource(t.db, { kind: 'manual', title: 'Desk' });
    await t.close();
    const writer = startWriter(target, targetSource);
    await until(() => writer.committed >= 20, 'the writer to commit');
    const refused = await restoreStore(target, file, { force: true }).catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: 'IN_USE' });
    expect((refused as Error).message).toMatch(new RegExp(`^restore: .+ is in use by pid ${writer.child.pid} \\(node\\); stop it first$`));
    await stopWriter(writer.child);
    expect((await restoreStore(target, file, { force: true })).articles).toBe(10);
  }, 120_000);

  it('refuses an existing file without --force, and overwrites it with --force', async () => {
    const source = await database();
    const store = await openMigratedStore(source.url);
    await insertArticles(store.db, [prefill(1, await ensureSource(store.db, { kind: 'manual', title: 'Desk' }))], TZ);
    await store.close();
    const file = join(dir, 'exists.bak');
    writeFileSync(file, 'keep me');
    await expect(backupStore(source.url, file)).rejects.toMatchObject({ code: 'EXISTS', message: `backup: ${file} exists; --force overwrites it` });
    const r = await backupStore(source.url, file, { force: true });
    expect(r.articles).toBe(1);
    expect(r.bytes).toBeGreaterThan(7);
  });

  it('refuses a file that is not a backup', async () => {
    const target = await database();
    const file = join(dir, 'not-a-backup.txt');
    writeFileSync(file, 'hello, this is not a database\n'.repeat(100));
    await expect(restoreStore(target.url, file)).rejects.toMatchObject({ code: 'NOT_JARIDA' });
  });

  it.skipIf(postgres)('refuses an in-memory store, and a failed backup leaves no file behind', async () => {
    await expect(backupStore('sqlite::memory:', join(dir, 'm.db'))).rejects.toMatchObject({ code: 'MEMORY' });
    const file = join(dir, 'missing.db');
    await expect(backupStore(`sqlite:${join(dir, 'nope', 'x.db')}`, file)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
