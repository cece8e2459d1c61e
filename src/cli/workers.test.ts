/**
 * `jarida serve --workers 2`: two processes answer on one port, each with its own page cache, and a
 * change made anywhere (here: another process, as `jarida import` or cron ingestion would) reaches
 * both caches. SQLite stays consistent with several processes writing at once.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { updateSiteSettings } from '../settings/site.js';
import { saveArticle } from '../store/articles.js';
import { findPublishedTotal } from '../store/day-counts.js';
import { openMigratedStore, type Store } from '../store/db.js';
import { ensureDaysInTimeZone } from '../store/day-zone.js';
import { ensureSource } from '../store/sources.js';
import { saveDeskArticle } from '../store/desk-articles.js';
import { createTestDatabase, findCountDrift, skipStoreTests, testStoreKind, type TestDatabase } from '../store/testing.js';
import { webExecArgv } from './serve.js';
import { freshGet, MAIN, startServe } from './testing.js';

const TZ = 'Europe/Istanbul';
const skip = await skipStoreTests();
let database: TestDatabase;
let store: Store;
let serve: { child: ChildProcess; url: string } | undefined;
let sourceId: number;
const dir = mkdtempSync(join(tmpdir(), 'jarida-workers-'));

/** The pids of a process's children. */
function childrenOf(pid: number): number[] {
  return spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
}

async function until(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  if (skip) return;
  database = await createTestDatabase();
  store = await openMigratedStore(database.url);
  await ensureDaysInTimeZone(store, TZ);
  sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
  for (const [i, day] of ['2019-02-13', '2019-02-14'].entries()) {
    await saveArticle(store.db, { sourceId, guid: `seed-${i}`, title: `Seed story ${i}`, publishedAt: new Date(`${day}T10:00:00Z`) }, TZ);
  }
  serve = await startServe({ DATABASE_URL: database.url, JARIDA_WORKERS: '2', JARIDA_TIME_ZONE: TZ, JARIDA_NOW: '2019-02-15T09:00:00Z', JARIDA_DEMO: 'false', JARIDA_INGEST: '0' });
});

afterAll(async () => {
  if (serve) {
    const exited = new Promise((r) => serve!.child.once('exit', r));
    serve.child.kill('SIGTERM');
    await exited;
  }
  await store?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('serve --workers 2', () => {
  it('answers from two processes with a cache each, and a change made elsewhere reaches both', async () => {
    const { url } = serve!;
    // Each worker renders the home page once, then answers from its cache.
    const first = [];
    for (let i = 0; i < 6; i++) first.push(await freshGet(`${url}/`));
    expect(first.every((r) => r.status === 200)).toBe(true);
    expect(first.filter((r) => r.cache === 'miss')).toHaveLength(2);
    expect(first.slice(2).every((r) => r.cache === 'hit')).toBe(true);
    for (let i = 0; i < 2; i++) await freshGet(`${url}/2019/02/13/`);

    // Another process publishes: within a moment both workers show it, with the new counts, and
    // never the old page after (each request below goes to the workers in turn).
    await saveArticle(store.db, { sourceId, guid: 'news', title: 'Workers hear this', publishedAt: new Date('2019-02-14T12:00:00Z') }, TZ);
    await until('both workers to show the new article', async () => {
      const rs = await Promise.all([freshGet(`${url}/`), freshGet(`${url}/`)]);
      return rs.every((r) => r.body.includes('Workers hear this'));
    });
    for (let i = 0; i < 6; i++) {
      const home = await freshGet(`${url}/`);
      expect(home.body).toContain('Workers hear this');
      expect(home.body).toContain('Total: 3 content');
      const other = await freshGet(`${url}/2019/02/13/`);
      expect(other.body).toContain('Total: 3 content'); // untouched page, counts of now
    }
    const hits = await Promise.all(Array.from({ length: 4 }, () => freshGet(`${url}/2019/02/13/`)));
    expect(hits.every((r) => r.cache === 'hit')).toBe(true);
  });

  it('applies a change of the site settings made elsewhere in both workers, without a restart', async () => {
    const { url } = serve!;
    const fileSite = parseConfig({ timeZone: TZ }).site;
    // As the desk would, from another process: one call; both workers hear it (SQLite's change log, or NOTIFY).
    await updateSiteSettings(store, fileSite, { hijri: { adjustment: 1 }, languages: ['en', 'tr'] });
    await until('both workers to show the new Hijri date', async () => {
      const rs = await Promise.all([freshGet(`${url}/`), freshGet(`${url}/`)]);
      return rs.every((r) => r.body.includes('11 Jumada al-Thani 1440'));
    }, 3000);
    for (let i = 0; i < 4; i++) {
      expect((await freshGet(`${url}/`)).body).toContain('11 Jumada al-Thani 1440');
      expect((await freshGet(`${url}/ar/`)).status).toBe(404);
    }
    await updateSiteSettings(store, fileSite, { hijri: null, languages: null });
    await until('both workers to show the config file\'s again', async () => {
      const rs = await Promise.all([freshGet(`${url}/`), freshGet(`${url}/ar/`)]);
      return rs[0]!.body.includes('10 Jumada al-Thani 1440') && rs[1]!.status === 200;
    }, 3000);
  });

  it('keeps SQLite or PostgreSQL consistent with two processes writing at once', async () => {
    const files = [0, 1].map((k) => {
      const f = join(dir, `part-${k}.ndjson`);
      const lines = Array.from({ length: 150 }, (_, i) => JSON.stringify({ guid: `bulk-${k}-${i}`, title: `Bulk ${k} story ${i}`, published: `2019-01-${String(1 + (i % 28)).padStart(2, '0')}T08:00:00Z`, content: `<p>Part ${k}, item ${i}.</p>` }));
      writeFileSync(f, lines.join('\n') + '\n');
      return f;
    });
    const before = await findPublishedTotal(store.db);
    const runs = await Promise.all(files.map((f) => new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(process.execPath, [MAIN, 'import', f, '--source', 'Bulk'], { env: { PATH: process.env.PATH, DATABASE_URL: database.url, JARIDA_TIME_ZONE: TZ, LOG_LEVEL: 'warn' } });
      let err = '';
      c.stderr.on('data', (d) => (err += d));
      c.on('exit', (code) => resolve({ code, err }));
    })));
    for (const r of runs) expect(r.code, r.err).toBe(0);
    expect(await findPublishedTotal(store.db)).toBe(before + 300);
    await until('the workers to count them', async () => (await freshGet(`${serve!.url}/`)).body.includes(`Total: ${before + 300} content`));
  });

  it('starts a worker again when one dies', async () => {
    const pids = childrenOf(serve!.child.pid!);
    expect(pids).toHaveLength(2);
    process.kill(pids[0]!, 'SIGKILL');
    await until('a new worker', async () => {
      const now = childrenOf(serve!.child.pid!);
      return now.length === 2 && !now.includes(pids[0]!);
    }, 10_000);
    for (let i = 0; i < 4; i++) expect((await freshGet(`${serve!.url}/`)).status).toBe(200);
  });

  it('publishes a scheduled article from the workers\' publishers, counted once', async () => {
    const before = await findPublishedTotal(store.db);
    // Scheduled as the desk would, an hour before the servers' clock (JARIDA_NOW) reaches it.
    const a = await saveDeskArticle(store.db, { sourceId, title: 'Scheduled story', contentHtml: '<p>Body</p>', bodySource: 'Body', publishedAt: new Date('2019-02-15T08:30:00Z'), status: 'published' },
      { userId: null, email: null }, TZ, new Date('2019-02-15T07:30:00Z'));
    expect(a.status).toBe('scheduled');
    await until('a worker to publish it', async () => (await freshGet(`${serve!.url}/`)).body.includes('Scheduled story'), 15_000);
    expect(await findPublishedTotal(store.db)).toBe(before + 1);
    expect(await findCountDrift(store.db)).toEqual([]);
  });
});

describe('serve --workers: how the processes are laid out', () => {
  it('gives web workers a fixed young generation unless the operator chose one', () => {
    expect(webExecArgv([], '')).toEqual(['--max-semi-space-size=16', '--single-threaded-gc']);
    expect(webExecArgv(['--enable-source-maps'], '')).toEqual(['--enable-source-maps', '--max-semi-space-size=16', '--single-threaded-gc']);
    expect(webExecArgv(['--max_semi_space_size=32'], '')).toEqual(['--max_semi_space_size=32', '--single-threaded-gc']);
    expect(webExecArgv(['--single-threaded-gc'], '--max-old-space-size=512 --max-semi-space-size=8')).toEqual(['--single-threaded-gc']);
  });

  // A new database: the setup process migrates it and loads the demo; the primary opens no store.
  it.skipIf(skip || !existsSync('/proc/self/maps'))('keeps the primary free of the store: setup and ingestion run in a process of their own, the cache budget is shared', async () => {
    const fresh2 = await createTestDatabase();
    const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0'], {
      env: { PATH: process.env.PATH, DATABASE_URL: fresh2.url, JARIDA_WORKERS: '2', JARIDA_INGEST: '1', JARIDA_PAGE_CACHE_MB: '10', LOG_LEVEL: 'info', JARIDA_NOW: '2019-02-15T09:00:00Z' },
    });
    let out = '';
    let log = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (log += d));
    try {
      await until('serve to listen', async () => /is serving .* at http:\/\/127\.0\.0\.1:\d+/.test(out), 20_000);
      const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      expect((await freshGet(`${url}/`)).body).toContain('<html'); // the demo, loaded by the setup process
      await until('the ingestion process to start', async () => log.includes('ingest: running in this process'));
      const lines = log.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; pid: number; pageCacheMb?: number });
      const listening = lines.filter((l) => l.msg === 'web: listening');
      expect(listening.map((l) => l.pageCacheMb)).toEqual([5, 5]); // 10 MB for the site, half in each worker
      const ingester = lines.find((l) => l.msg === 'ingest: running in this process')!.pid;
      const kids = childrenOf(child.pid!);
      expect(kids.sort()).toEqual([ingester, ...listening.map((l) => l.pid)].sort());
      // The primary never loaded SQLite's native module; the workers did (on SQLite), and run with their own flags and malloc arenas.
      expect(readFileSync(`/proc/${child.pid}/maps`, 'utf8')).not.toContain('better_sqlite3.node');
      for (const w of listening) {
        if (testStoreKind() === 'sqlite') expect(readFileSync(`/proc/${w.pid}/maps`, 'utf8')).toContain('better_sqlite3.node');
        expect(readFileSync(`/proc/${w.pid}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['--max-semi-space-size=16', '--single-threaded-gc']));
        expect(readFileSync(`/proc/${w.pid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
      }
      // The ingestion process, killed, is started again.
      process.kill(ingester, 'SIGKILL');
      await until('another ingestion process', async () => (log.match(/ingest: running in this process/g) ?? []).length === 2, 10_000);
      expect(childrenOf(child.pid!)).toHaveLength(3);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      await fresh2.drop();
    }
    expect(childrenOf(child.pid!)).toEqual([]);
  });
});
