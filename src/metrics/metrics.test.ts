/**
 * The metrics end to end: a real listening app with the page cache, its `/metrics` read by an
 * independent Prometheus text parser, moving with page requests (cached and not) and with fetches
 * from a feed server on 127.0.0.1; the token and the separate address; `/readyz` and its reasons.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../config.js';
import { inlineDigester } from '../ingest/digest.js';
import { parseAllowList } from '../ingest/fetch/guard.js';
import { refreshSource } from '../ingest/refresh.js';
import { rss } from '../ingest/testdata/feeds.js';
import { createLogger } from '../log.js';
import { saveArticle } from '../store/articles.js';
import { openMigratedStore, type Store } from '../store/db.js';
import { findSourcesLastSuccess } from '../store/health.js';
import { ensureSource, findSourceById, insertSource } from '../store/sources.js';
import { createTestDatabase, openTestStore, skipStoreTests, testStoreKind } from '../store/testing.js';
import { buildApp } from '../web/app.js';
import { PageCache } from '../web/cache.js';
import { bearerMatches } from './http.js';
import { createMetrics, fetchErrorKind, type Metrics } from './metrics.js';
import { startMetricsServer } from './server.js';
import { scrape } from './testing.js';

const skip = await skipStoreTests();
const TZ = 'Europe/Istanbul';
const NOW = new Date('2019-02-15T09:00:00Z');
const now = () => NOW;
const TOKEN = 'metrics-token-0123456789';

/** A migrated test store whose queries are timed into `metrics` (the `onQuery` option serve passes). */
async function openMeteredStore(metrics: Metrics): Promise<Store> {
  if (testStoreKind() === 'sqlite') return openMigratedStore('sqlite::memory:', { onQuery: metrics.query });
  const database = await createTestDatabase();
  const store = await openMigratedStore(database.url, { onQuery: metrics.query });
  return { ...store, close: async () => (await store.close(), await database.drop()) };
}

/** A listening app with a page cache and these metrics. */
async function startSite(store: Store, metrics: Metrics, config: Config): Promise<{ app: FastifyInstance; base: string }> {
  const cache = new PageCache({ maxBytes: 1 << 22, timeZone: TZ, now });
  const app = await buildApp({ store, config, now, cache, metrics });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

describe('metrics', () => {
  it('two sets live side by side (no global registry)', async () => {
    const a = createMetrics({ defaults: false });
    const b = createMetrics({ defaults: false });
    a.request('/', 200, 0.01);
    expect(scrape(await a.expose()).value('jarida_http_requests_total')).toBe(1);
    expect(scrape(await b.expose()).value('jarida_http_requests_total')).toBe(0);
  });

  it('takes exactly `Bearer <token>`', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer  ${TOKEN}`, TOKEN)).toBe(true);
    for (const h of [undefined, TOKEN, `Basic ${TOKEN}`, `Bearer ${TOKEN.slice(1)}`, `Bearer ${TOKEN} x`, 'Bearer ']) expect(bearerMatches(h, TOKEN)).toBe(false);
  });

  it('names a fetch error by its FetchError code, anything else "other"', () => {
    expect(fetchErrorKind(Object.assign(new Error('x'), { code: 'JARIDA_FETCH_PRIVATE_ADDRESS' }))).toBe('private-address');
    expect(fetchErrorKind(new Error('parse: not a feed'))).toBe('other');
  });
});

describe.skipIf(skip)('/metrics on a serving site', () => {
  let store: Store;
  let metrics: Metrics;
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    metrics = createMetrics();
    store = await openMeteredStore(metrics);
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await saveArticle(store.db, { sourceId, guid: 'a', title: 'First story', publishedAt: new Date('2019-02-14T10:00:00Z') }, TZ);
    ({ app, base } = await startSite(store, metrics, parseConfig({ timeZone: TZ, metrics: { token: TOKEN } })));
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });
  const read = async () => {
    const r = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('x-cache')).toBeNull();
    return scrape(await r.text());
  };

  it('refuses a scrape without the token, or with another', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await wrong.text()).not.toContain('jarida_');
  });

  it('moves with pages rendered and pages served from the cache', async () => {
    const before = await read();
    expect((await fetch(`${base}/`)).headers.get('x-cache')).toBe('miss');
    expect((await fetch(`${base}/`)).headers.get('x-cache')).toBe('hit');
    expect((await fetch(`${base}/`)).headers.get('x-cache')).toBe('hit');
    expect((await fetch(`${base}/2019/`)).status).toBe(200);
    expect((await fetch(`${base}/no/such/page/at/all/`)).status).toBe(404);
    const after = await read();
    const moved = (name: string, labels?: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(moved('jarida_http_requests_total', { route: '/', status: '200' })).toBe(1);
    expect(moved('jarida_http_requests_total', { route: 'cache', status: '200' })).toBe(2);
    // The route pattern, never the URL.
    expect(moved('jarida_http_requests_total', { route: '/:year/', status: '200' })).toBe(1);
    expect(moved('jarida_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect((await fetch(`${base}/%E0%A4%A/`)).status).toBe(400); // refused by Fastify before its hooks
    expect(scrape(await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text()).value('jarida_http_requests_total', { route: 'unmatched', status: '400' })).toBe(1);
    expect(JSON.stringify(after.families)).not.toContain('/no/such/page');
    expect(after.count('jarida_http_request_duration_seconds', { route: 'cache' }) - before.count('jarida_http_request_duration_seconds', { route: 'cache' })).toBe(2);
    expect(moved('jarida_page_cache_hits_total')).toBe(2);
    expect(moved('jarida_page_cache_misses_total')).toBeGreaterThanOrEqual(2);
    expect(after.value('jarida_page_cache_entries')).toBeGreaterThanOrEqual(2);
    expect(after.value('jarida_page_cache_bytes')).toBeGreaterThan(1000);
    expect(after.count('jarida_store_query_duration_seconds', { kind: 'select' })).toBeGreaterThan(before.count('jarida_store_query_duration_seconds', { kind: 'select' }));
    // prom-client's defaults: memory and event-loop lag.
    expect(after.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(after.families.some((f) => f.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('answers /readyz and /healthz, never cached', async () => {
    for (const path of ['/readyz', '/readyz', '/healthz']) {
      const r = await fetch(base + path);
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-cache')).toBeNull();
    }
  });
});

describe.skipIf(skip)('who may read /metrics', () => {
  let store: Store;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await store.close();
  });

  it('nobody on the site without a token: 404, like any unknown page', async () => {
    const { app, base } = await startSite(store, createMetrics({ defaults: false }), parseConfig({ timeZone: TZ }));
    apps.push(app);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });

  it('with `listen`: only on that address, the site answering 404 even with the token', async () => {
    const metrics = createMetrics({ defaults: false });
    const config = parseConfig({ timeZone: TZ, metrics: { token: TOKEN, listen: '127.0.0.1:0' } });
    const { app, base } = await startSite(store, metrics, config);
    apps.push(app);
    const own = await startMetricsServer(config.metrics.listen!, () => metrics.expose());
    try {
      expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
      await fetch(`${base}/`);
      const r = await fetch(`${own.address}/metrics`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(scrape(await r.text()).value('jarida_http_requests_total', { route: '/' })).toBe(1);
      expect((await fetch(`${own.address}/`)).status).toBe(404);
    } finally {
      await own.close();
    }
  });

  it('refuses a bad metrics config, naming the field', () => {
    expect(() => parseConfig({ metrics: { listen: 'nowhere' } })).toThrow(/metrics\.listen/);
    expect(() => parseConfig({ metrics: { token: 'short' } })).toThrow(/metrics\.token/);
    expect(parseConfig({}, { JARIDA_METRICS_LISTEN: '[::1]:9464' }).metrics.listen).toEqual({ host: '::1', port: 9464 });
  });
});

describe.skipIf(skip)('metrics of fetches', () => {
  let feeds: Server;
  let feedBase: string;
  let store: Store;
  let status = 200;
  beforeAll(async () => {
    feeds = createServer((req, res) => {
      if (status !== 200) return void res.writeHead(status).end('no');
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"' });
      res.end(rss([
        { guid: 'a', title: 'One', link: `${feedBase}/a`, date: 'Thu, 14 Feb 2019 10:00:00 GMT', content: '<p>A story with words enough to stand as its own body text, and a few more of them.</p>' },
        { guid: 'b', title: 'Two', link: `${feedBase}/b`, date: 'Wed, 13 Feb 2019 10:00:00 GMT', content: '<p>Another story with words enough to stand as its own body text, and more.</p>' },
      ]));
    });
    await new Promise<void>((r) => feeds.listen(0, '127.0.0.1', r));
    feedBase = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;
    store = await openTestStore();
  });
  afterAll(async () => {
    await store.close();
    await new Promise<void>((r) => feeds.close(() => r()));
  });

  it('counts fetches by outcome, their time, the articles stored, and each source\'s lag', async () => {
    const metrics = createMetrics({ defaults: false });
    const config = parseConfig({ timeZone: TZ, fetch: { timeoutSeconds: 2, connectTimeoutSeconds: 1, allowPrivateAddresses: ['127.0.0.1/32'] } });
    const deps = { store, config, allow: parseAllowList(config.ingest.allowPrivateAddresses), log: createLogger('silent'), now, digester: inlineDigester(), metrics };
    metrics.watchIngestLag(() => findSourcesLastSuccess(store.db), () => new Date(NOW.getTime() + 90_000));
    const id = await insertSource(store.db, { kind: 'feed', title: 'Local', url: `${feedBase}/feed` });
    const refresh = async () => refreshSource(deps, (await findSourceById(store.db, id))!);
    expect((await refresh()).status).toBe('ok');
    expect((await refresh()).status).toBe('not-modified');
    status = 503;
    expect((await refresh()).status).toBe('error');
    status = 200;
    const s = scrape(await metrics.expose());
    expect(s.value('jarida_fetches_total', { outcome: 'ok' })).toBe(1);
    expect(s.value('jarida_fetches_total', { outcome: 'not-modified' })).toBe(1);
    expect(s.value('jarida_fetches_total', { outcome: 'error-http' })).toBe(1);
    expect(s.families.find((f) => f.name === 'jarida_fetch_duration_seconds')?.metrics[0]?.count).toBe('3');
    expect(s.value('jarida_items_stored_total', { kind: 'created' })).toBe(2);
    // Last success at NOW (the not-modified fetch), read 90 s later.
    expect(s.value('jarida_ingest_lag_seconds', { source: String(id) })).toBe(90);
  });
});

describe.skipIf(skip)('/readyz', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close().catch(() => {});
    store = undefined;
  });
  const readyz = async (s: Store, file: Record<string, unknown> = {}) => {
    const app = await buildApp({ store: s, config: parseConfig({ timeZone: TZ, ...file }), now });
    try {
      const r = await app.inject('/readyz');
      return { status: r.statusCode, body: r.json() as { ready: boolean; reasons: string[]; ingest: { inServe: boolean; ageSeconds: number | null } }, cache: r.headers['cache-control'] };
    } finally {
      await app.close();
    }
  };

  it('is ready with the store answering, migrations current and ingestion fresh', async () => {
    store = await openTestStore();
    const r = await readyz(store, { ingest: { inServe: true } });
    expect(r).toMatchObject({ status: 200, cache: 'no-store', body: { ready: true, reasons: [] } });
  });

  it('says ingestion is stale when the newest fetch is older than the limit, and only when this server ingests', async () => {
    store = await openTestStore();
    const id = await insertSource(store.db, { kind: 'feed', title: 'Old', url: 'https://example.org/feed' });
    await store.db.updateTable('sources').set({ last_fetched_at: '2019-02-15T07:00:00.000Z' }).where('id', '=', id).execute();
    const stale = await readyz(store, { ingest: { inServe: true }, metrics: { maxIngestAgeSeconds: 3600 } });
    expect(stale.status).toBe(503);
    expect(stale.body.reasons).toEqual(['ingest stale: last fetch 7200 s ago, over 3600 s']);
    const elsewhere = await readyz(store, { ingest: { inServe: false }, metrics: { maxIngestAgeSeconds: 3600 } });
    expect(elsewhere).toMatchObject({ status: 200, body: { ready: true, ingest: { inServe: false, ageSeconds: 7200 } } });
    expect((await readyz(store, { ingest: { inServe: true }, metrics: { maxIngestAgeSeconds: 7200 } })).status).toBe(200);
  });

  it('names the migrations missing', async () => {
    store = await openTestStore();
    await sql`delete from kysely_migration where name = '0013_totp_step'`.execute(store.db);
    const r = await readyz(store);
    expect(r.status).toBe(503);
    expect(r.body.reasons).toEqual(['migrations pending: 0013_totp_step (run jarida migrate)']);
  });

  it('says the store is unreachable when it is closed; /healthz stays alive', async () => {
    const closed = await openTestStore();
    const app = await buildApp({ store: closed, config: parseConfig({ timeZone: TZ }), now });
    await closed.close();
    try {
      const r = await app.inject('/readyz');
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ ready: false, store: 'unreachable' });
      expect(r.json().reasons[0]).toMatch(/^store unreachable: /);
      expect((await app.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
