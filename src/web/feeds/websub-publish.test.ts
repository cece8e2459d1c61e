/**
 * The WebSub publisher against a hub on 127.0.0.1 (a node:http server recording what it is sent):
 * the feeds a change moved, in one debounced form-encoded ping; failures logged and dropped. Then
 * `jarida serve --workers 2` with JARIDA_WEBSUB_HUB: an article stored by another process (as
 * ingestion does) reaches the hub once, from one worker.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { saveArticle } from '../../store/articles.js';
import { addSection, mapSource } from '../../store/categories.js';
import { openMigratedStore, type Store } from '../../store/db.js';
import { ensureDaysInTimeZone } from '../../store/day-zone.js';
import { ensureSource, findSourceById } from '../../store/sources.js';
import { createTestDatabase, openTestStore, skipStoreTests, testStoreKind, type TestDatabase } from '../../store/testing.js';
import { startServe } from '../../cli/testing.js';
import { changedFeedUrls, startHubPinger } from './websub-publish.js';

const TZ = 'Europe/Istanbul';
const SITE = 'https://news.example';
const skip = await skipStoreTests();

/** A hub that records each request's method, content type and form; answers `status` (202, as hubs do). */
async function startHub(status = 202): Promise<{ url: string; pings: { method: string; type: string; form: URLSearchParams }[]; server: Server; status: number }> {
  const hub = { url: '', pings: [] as { method: string; type: string; form: URLSearchParams }[], server: undefined as unknown as Server, status };
  hub.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hub.pings.push({ method: req.method ?? '', type: req.headers['content-type'] ?? '', form: new URLSearchParams(body) });
      res.writeHead(hub.status).end();
    });
  });
  await new Promise<void>((r) => hub.server.listen(0, '127.0.0.1', r));
  hub.url = `http://127.0.0.1:${(hub.server.address() as AddressInfo).port}/hub`;
  return hub;
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(skip)(`the WebSub publisher, on the ${testStoreKind()} store`, () => {
  let store: Store;
  let hub: Awaited<ReturnType<typeof startHub>>;
  let wire: number;
  const site = parseConfig({ siteUrl: SITE, languages: ['en', 'ar'] }).site;
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const log = createLogger('silent');
  for (const level of ['info', 'warn'] as const) {
    (log as unknown as Record<string, unknown>)[level] = (obj: Record<string, unknown>, msg: string) => lines.push({ level, msg, obj });
  }

  beforeAll(async () => {
    store = await openTestStore();
    hub = await startHub();
    await addSection(store.db, 'world', { name: 'World' });
    wire = await ensureSource(store.db, { kind: 'feed', title: 'Wire', siteUrl: 'https://wire.example/' });
    await mapSource(store.db, wire, { words: [['World', 'world']] });
  });
  afterAll(async () => {
    await store?.close();
    await new Promise((r) => hub?.server.close(r));
  });

  it('names the feeds a change moved: the site, the article languages, its section, tags and source, in every page language and format', async () => {
    const { id } = await saveArticle(store.db, { sourceId: wire, guid: 'a', title: 'A', language: 'tr', categories: ['World', 'Oil'], publishedAt: new Date('2019-02-14T10:00:00Z') }, TZ);
    const slug = (await findSourceById(store.db, wire))!.slug;
    const urls = await changedFeedUrls(store, site, [{ origin: 'x', articles: [id], tags: ['section-world', 'tag-oil', `source-${wire}`, 'day-2019-02-14'] }]);
    const paths = ['/feed', '/language/tr/feed', '/section/world/feed', '/tag/oil/feed', `/source/${slug}/feed`];
    expect(urls.sort()).toEqual(paths.flatMap((p) => ['', '/ar'].flatMap((pre) => ['xml', 'atom', 'json'].map((x) => `${SITE}${pre}${p}.${x}`))).sort());
  });

  it('pings once for a burst of changes, form-encoded, one hub.url per feed; a refusal or a dead hub is logged and dropped', async () => {
    const pinger = startHubPinger({ hub: hub.url, store, site: () => site, log, debounceMs: 150 });
    const { id } = await saveArticle(store.db, { sourceId: wire, guid: 'b', title: 'B', language: 'ar', publishedAt: new Date('2019-02-14T11:00:00Z') }, TZ);
    for (let i = 0; i < 5; i++) pinger.notice({ origin: 'x', articles: [id], days: ['2019-02-14'] });
    pinger.notice({ origin: 'x', settings: true }); // a settings change without `all` moves no feed on its own
    await new Promise((r) => setTimeout(r, 60));
    expect(hub.pings).toHaveLength(0); // gathered first
    await until('the ping', () => hub.pings.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.pings).toHaveLength(1);
    const [ping] = hub.pings;
    expect(ping!.method).toBe('POST');
    expect(ping!.type).toBe('application/x-www-form-urlencoded');
    expect(ping!.form.get('hub.mode')).toBe('publish');
    expect(ping!.form.getAll('hub.url').sort()).toEqual(
      ['/feed', '/language/ar/feed'].flatMap((p) => ['', '/ar'].flatMap((pre) => ['xml', 'atom', 'json'].map((x) => `${SITE}${pre}${p}.${x}`))).sort(),
    );
    expect(lines.at(-1)).toMatchObject({ level: 'info', msg: 'websub: hub pinged' });

    hub.status = 500;
    pinger.notice({ origin: 'x', articles: [id] });
    await pinger.flush();
    expect(hub.pings).toHaveLength(2);
    expect(lines.at(-1)).toMatchObject({ level: 'warn', msg: 'websub: the hub refused the ping', obj: { status: 500 } });
    hub.status = 202;
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.pings).toHaveLength(2); // not retried

    const dead = startHubPinger({ hub: 'http://127.0.0.1:9/hub', store, site: () => site, log, debounceMs: 10 });
    dead.notice({ origin: 'x', articles: [id] });
    await dead.stop();
    expect(lines.at(-1)).toMatchObject({ level: 'warn', msg: 'websub: could not reach the hub' });
    await pinger.stop();
  });

  it('without siteUrl it does not ping (the feed URLs would follow the Host header) and says so once', async () => {
    const noUrl = parseConfig({}).site;
    const before = hub.pings.length;
    const pinger = startHubPinger({ hub: hub.url, store, site: () => noUrl, log, debounceMs: 10 });
    pinger.notice({ origin: 'x', all: true });
    await pinger.flush();
    pinger.notice({ origin: 'x', all: true });
    await pinger.stop();
    expect(hub.pings.length).toBe(before);
    expect(lines.filter((l) => l.msg.startsWith('websub: siteUrl is not set'))).toHaveLength(1);
  });

  it('the hub URL is validated as an http(s) URL; JARIDA_WEBSUB_HUB overrides the file', () => {
    expect(parseConfig({ websub: { hub: 'http://127.0.0.1:8080/hub' } }).websub.hub).toBe('http://127.0.0.1:8080/hub');
    expect(parseConfig({ websub: { hub: 'https://a.example/' } }, { JARIDA_WEBSUB_HUB: 'https://b.example/hub' }).websub.hub).toBe('https://b.example/hub');
    expect(parseConfig({}).websub.hub).toBeNull();
    expect(() => parseConfig({ websub: { hub: 'ftp://x.example/' } })).toThrow(/websub\.hub/);
    expect(() => parseConfig({ websub: { hub: 'https://x.example/', secret: 1 } })).toThrow(/websub\.secret: unknown setting/);
  });
});

describe.skipIf(skip)(`jarida serve --workers 2 with a hub, on the ${testStoreKind()} store`, () => {
  let database: TestDatabase;
  let store: Store;
  let serve: { child: ChildProcess; url: string } | undefined;
  let hub: Awaited<ReturnType<typeof startHub>>;

  beforeAll(async () => {
    hub = await startHub();
    database = await createTestDatabase();
    store = await openMigratedStore(database.url);
    await ensureDaysInTimeZone(store, TZ);
    serve = await startServe({ DATABASE_URL: database.url, JARIDA_WORKERS: '2', JARIDA_TIME_ZONE: TZ, JARIDA_DEMO: 'false', JARIDA_INGEST: '0', JARIDA_SITE_URL: SITE, JARIDA_WEBSUB_HUB: hub.url, JARIDA_LANGUAGES: 'en' });
  });
  afterAll(async () => {
    if (serve) {
      const exited = new Promise((r) => serve!.child.once('exit', r));
      serve.child.kill('SIGTERM');
      await exited;
    }
    await store?.close();
    await database?.drop();
    await new Promise((r) => hub?.server.close(r));
  });

  it('an article stored by another process is pinged to the hub once, and the feeds name the hub', async () => {
    const feed = await (await fetch(`${serve!.url}/feed.atom`)).text();
    expect(feed).toContain(`<link rel="hub" href="${hub.url}"/>`);
    const source = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await saveArticle(store.db, { sourceId: source, guid: 'n', title: 'News', language: 'en', publishedAt: new Date('2019-02-14T12:00:00Z') }, TZ);
    await until('the ping', () => hub.pings.length >= 1, 20_000);
    await new Promise((r) => setTimeout(r, 4000)); // a second worker would have pinged by now
    expect(hub.pings).toHaveLength(1);
    expect(hub.pings[0]!.form.getAll('hub.url')).toEqual(expect.arrayContaining([`${SITE}/feed.xml`, `${SITE}/feed.atom`, `${SITE}/feed.json`, `${SITE}/language/en/feed.xml`]));
  });
});
