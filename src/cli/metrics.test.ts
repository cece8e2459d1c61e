/**
 * `jarida serve --workers 2` with metrics: one scrape covers both web workers and the ingestion
 * process — on the site behind the token (a worker asks the primary), or on the metrics' own address
 * (the primary answers).
 */
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape, type Scrape } from '../metrics/testing.js';
import { rss } from '../ingest/testdata/feeds.js';
import { saveArticle } from '../store/articles.js';
import { openMigratedStore, type Store } from '../store/db.js';
import { ensureDaysInTimeZone } from '../store/day-zone.js';
import { ensureSource, insertSource } from '../store/sources.js';
import { createTestDatabase, skipStoreTests, type TestDatabase } from '../store/testing.js';
import { freshGet, startServe } from './testing.js';

const TZ = 'Europe/Istanbul';
const TOKEN = 'metrics-token-0123456789';
const skip = await skipStoreTests();
let database: TestDatabase;
let store: Store;
let feeds: Server;
const serves: ChildProcess[] = [];

/** Returns a TCP port free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await check();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function serve(env: Record<string, string>): Promise<string> {
  const s = await startServe({ DATABASE_URL: database.url, JARIDA_WORKERS: '2', JARIDA_TIME_ZONE: TZ, JARIDA_DEMO: 'false', JARIDA_INGEST: '1', JARIDA_ALLOW_PRIVATE: '127.0.0.1/32', ...env });
  serves.push(s.child);
  return s.url;
}

beforeAll(async () => {
  if (skip) return;
  feeds = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
    res.end(rss([{ guid: 'f1', title: 'Fetched story', link: 'http://127.0.0.1/f1', date: 'Thu, 14 Feb 2019 10:00:00 GMT', content: '<p>A fetched story with words enough to be its own body, and a few more.</p>' }]));
  });
  await new Promise<void>((r) => feeds.listen(0, '127.0.0.1', r));
  database = await createTestDatabase();
  store = await openMigratedStore(database.url);
  await ensureDaysInTimeZone(store, TZ);
  const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
  await saveArticle(store.db, { sourceId, guid: 'seed', title: 'Seed story', publishedAt: new Date('2019-02-14T10:00:00Z') }, TZ);
  await insertSource(store.db, { kind: 'feed', title: 'Local feed', url: `http://127.0.0.1:${(feeds.address() as AddressInfo).port}/feed` });
});

afterAll(async () => {
  for (const child of serves) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await store?.close();
  await database?.drop();
  await new Promise((r) => (feeds ? feeds.close(r) : r(undefined)));
});

describe.skipIf(skip)('serve --workers 2: metrics of the whole server', () => {
  it('on the site behind the token: both workers\' pages and the ingestion process\'s fetches', async () => {
    const url = await serve({ JARIDA_METRICS_TOKEN: TOKEN });
    const read = async (): Promise<Scrape> => {
      const r = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(200);
      return scrape(await r.text());
    };
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const before = await read();
    const got = [];
    for (let i = 0; i < 6; i++) got.push(await freshGet(`${url}/`));
    expect(got.filter((r) => r.cache === 'miss')).toHaveLength(2); // one render per worker
    const after = await read();
    expect(after.value('jarida_http_requests_total', { route: '/' }) - before.value('jarida_http_requests_total', { route: '/' })).toBe(2);
    expect(after.value('jarida_http_requests_total', { route: 'cache' }) - before.value('jarida_http_requests_total', { route: 'cache' })).toBe(4);
    expect(after.value('jarida_page_cache_entries')).toBeGreaterThanOrEqual(2); // both workers' caches, summed
    // The ingestion process fetched the local feed.
    const fetched = await until('a fetch in the metrics', async () => {
      const s = await read();
      return s.value('jarida_fetches_total', { outcome: 'ok' }) >= 1 ? s : undefined;
    });
    expect(fetched.value('jarida_items_stored_total', { kind: 'created' })).toBeGreaterThanOrEqual(1);
    expect(fetched.families.find((f) => f.name === 'jarida_ingest_lag_seconds')?.metrics.length).toBe(1);
    expect(fetched.value('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('on its own address, answered by the primary; the site\'s /metrics is 404', async () => {
    const port = await freePort();
    const url = await serve({ JARIDA_METRICS_LISTEN: `127.0.0.1:${port}`, JARIDA_METRICS_TOKEN: TOKEN });
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    for (let i = 0; i < 4; i++) await freshGet(`${url}/`);
    const r = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(r.status).toBe(200);
    const s = scrape(await r.text());
    expect(s.value('jarida_http_requests_total', { route: '/' }) + s.value('jarida_http_requests_total', { route: 'cache' })).toBeGreaterThanOrEqual(4);
    expect(s.value('jarida_page_cache_misses_total')).toBeGreaterThanOrEqual(2);
  });

  it('in one process (--workers 1) too, on its own address', async () => {
    const port = await freePort();
    const url = await serve({ JARIDA_WORKERS: '1', JARIDA_METRICS_LISTEN: `127.0.0.1:${port}` });
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    await fetch(`${url}/`);
    const s = scrape(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    expect(s.value('jarida_http_requests_total', { route: '/' })).toBe(1);
    expect(s.count('jarida_store_query_duration_seconds', { kind: 'select' })).toBeGreaterThan(0);
    // A search's own queries (raw SQL: the count, the matches), made on its thread on SQLite, are
    // counted too: a search moves the count of raw queries more than a day's page does (each
    // between two scrapes, which read the store themselves).
    const raw = async () => scrape(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).count('jarida_store_query_duration_seconds', { kind: 'raw' });
    const r0 = await raw();
    expect((await fetch(`${url}/2019/02/14/`)).status).toBe(200);
    const r1 = await raw();
    const found = await fetch(`${url}/search?q=seed`);
    expect(found.status).toBe(200);
    expect(await found.text()).toMatch(/<mark>Seed<\/mark> story/);
    const r2 = await raw();
    expect(r2 - r1 - (r1 - r0)).toBeGreaterThanOrEqual(2);
  });
});
