import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { saveArticle } from '../store/articles.js';
import { watchChanges, type StopWatching } from '../store/changes.js';
import type { Store } from '../store/db.js';
import { ensureSource } from '../store/sources.js';
import { openTestStore } from '../store/testing.js';
import { buildApp } from './app.js';
import { invalidationOf, PageCache, pageCacheKey, tags, type PageMeta } from './cache.js';
import { CDN_TAGS_MAX, cdnTagHeaders, isNotModified, PageBody, pickEncoding, utf8Bytes } from './http.js';
import { loadTheme } from './theme.js';

const TZ = 'Europe/Istanbul';
const html = (s: string) => ({ contentType: 'text/html; charset=utf-8', body: new PageBody(Buffer.from(s), 0), countsGen: 0 });
const meta = (...t: string[]): PageMeta => ({ tags: t });

describe('the page cache', () => {
  const now = () => new Date('2019-02-15T09:00:00Z');

  it('keys a page by path and sorted query', () => {
    expect(pageCacheKey('/')).toBe('/');
    expect(pageCacheKey('/tr/2019/02/?page=2&b=1')).toBe(pageCacheKey('/tr/2019/02/?b=1&page=2'));
    expect(pageCacheKey('/?')).toBe('/');
  });

  it('keeps the most recently used pages within its bytes', () => {
    const one = 100 + 3 + 512; // body, key, bookkeeping
    const cache = new PageCache({ maxBytes: 3 * one, timeZone: TZ, now });
    for (const k of ['/a/', '/b/', '/c/']) cache.store(k, { ...html('x'.repeat(100)), meta: meta() }, cache.mark);
    expect(cache.get('/a/')?.body.bytes).toHaveLength(100); // /a now the most recent; /b the least
    cache.store('/d/', { ...html('x'.repeat(100)), meta: meta() }, cache.mark);
    expect(cache.get('/b/')).toBeUndefined();
    for (const k of ['/a/', '/c/', '/d/']) expect(cache.get(k), k).toBeDefined();
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 3 * one });
    // Counted in UTF-8 bytes: 2 per Arabic letter; a page over the whole budget is not kept.
    cache.store('/ar/', { ...html('ع'.repeat(1000)), meta: meta() }, cache.mark);
    expect(cache.get('/ar/')).toBeUndefined();
    expect(cache.stats().entries).toBe(3);
  });

  it('marks stale only the pages whose tags a change names', () => {
    const cache = new PageCache({ maxBytes: 1 << 20, timeZone: TZ, now });
    cache.store('/', { ...html('home'), meta: meta(tags.home, tags.article(1), tags.article(2)) }, cache.mark);
    cache.store('/2019/02/14/', { ...html('day 14'), meta: meta(tags.day('2019-02-14'), tags.article(1)) }, cache.mark);
    cache.store('/2019/02/13/', { ...html('day 13'), meta: meta(tags.day('2019-02-13'), tags.article(2)) }, cache.mark);
    cache.store('/2019/02/', { ...html('month'), meta: meta(tags.month('2019-02-01')) }, cache.mark);
    cache.store('/2018/', { ...html('2018'), meta: meta(tags.year('2018-01-01')) }, cache.mark);
    cache.invalidate(invalidationOf({ origin: 'x', articles: [1], days: ['2019-02-14'] }));
    const stale = (k: string) => cache.get(k)!.stale;
    expect(stale('/')).toBe(true);
    expect(stale('/2019/02/14/')).toBe(true);
    expect(stale('/2019/02/')).toBe(true);
    expect(stale('/2019/02/13/')).toBe(false);
    expect(stale('/2018/')).toBe(false);
    // The counts moved: every page's counts are pasted in anew, but the pages stay.
    expect(cache.countsGen).toBe(1);
  });

  it('marks stale the article pages a new article sits between', () => {
    const cache = new PageCache({ maxBytes: 1 << 20, timeZone: TZ, now });
    const at = (iso: string) => Date.parse(iso);
    const page = (key: string, span: [number, number]) =>
      cache.store(key, { ...html(key), meta: { tags: [tags.article(key.length)], span } }, cache.mark);
    page('/a/', [at('2019-02-10T00:00:00Z'), at('2019-02-12T00:00:00Z')]);
    page('/bb/', [at('2019-02-12T00:00:00Z'), at('2019-02-14T00:00:00Z')]);
    page('/ccc/', [-Infinity, at('2019-02-10T00:00:00Z')]);
    cache.invalidate({ times: [at('2019-02-13T08:00:00Z')] });
    expect(cache.get('/a/')!.stale).toBe(false);
    expect(cache.get('/bb/')!.stale).toBe(true);
    expect(cache.get('/ccc/')!.stale).toBe(false);
  });

  it('stores stale a page whose render a change overtook', () => {
    const cache = new PageCache({ maxBytes: 1 << 20, timeZone: TZ, now });
    const mark = cache.mark;
    cache.invalidate({ tags: [tags.day('2019-02-14')] }); // committed while the pages below were rendered
    expect(cache.store('/2019/02/14/', { ...html('old'), meta: meta(tags.day('2019-02-14')) }, mark).stale).toBe(true);
    expect(cache.store('/2019/02/13/', { ...html('fine'), meta: meta(tags.day('2019-02-13')) }, mark).stale).toBe(false);
  });

  it('forgets every page at midnight in the site time zone', () => {
    let t = new Date('2019-02-15T20:59:59Z'); // 23:59:59 in Istanbul (UTC+3)
    const cache = new PageCache({ maxBytes: 1 << 20, timeZone: TZ, now: () => t });
    cache.store('/', { ...html('today is the 15th'), meta: meta() }, cache.mark);
    expect(cache.get('/')).toBeDefined();
    t = new Date('2019-02-15T21:00:00Z');
    expect(cache.get('/')).toBeUndefined();
    cache.store('/', { ...html('today is the 16th'), meta: meta() }, cache.mark);
    t = new Date('2019-02-16T20:59:59Z');
    expect(cache.get('/')?.body.bytes.toString()).toBe('today is the 16th');
  });

  it('forgets every page when the site settings change, and follows their time zone to midnight', () => {
    let t = new Date('2019-02-15T20:30:00Z'); // 23:30 in Istanbul, 20:30 in London
    const cache = new PageCache({ maxBytes: 1 << 20, timeZone: TZ, now: () => t });
    cache.store('/', { ...html('old name'), meta: meta() }, cache.mark);
    const gen = cache.countsGen;
    cache.reset('Europe/London');
    expect(cache.get('/')).toBeUndefined();
    expect(cache.countsGen).toBeGreaterThan(gen);
    cache.store('/', { ...html('new name'), meta: meta() }, cache.mark);
    t = new Date('2019-02-15T21:30:00Z'); // past midnight in Istanbul, not in London
    expect(cache.get('/')?.body.bytes.toString()).toBe('new name');
    t = new Date('2019-02-16T00:00:00Z');
    expect(cache.get('/')).toBeUndefined();
  });

  it('renders the header counts once per language and change, however many ask', async () => {
    const cache = new PageCache({ maxBytes: 1 << 20, timeZone: TZ, now });
    let renders = 0;
    cache.renderCounts = async (lang) => `${lang} ${++renders}`;
    const all = await Promise.all([cache.counts('en'), cache.counts('en'), cache.counts('ar')]);
    expect(all.map(String)).toEqual(['en 1', 'en 1', 'ar 2']);
    expect(String(await cache.counts('en'))).toBe('en 1');
    cache.invalidate({ counts: true });
    expect(String(await cache.counts('en'))).toBe('en 3');
  });
});

describe('HTTP validators and encodings', () => {
  it('names at most CDN_TAGS_MAX characters of tags to a CDN, the broad ones first, whole tags only', () => {
    const many = ['home', ...Array.from({ length: 2000 }, (_, i) => tags.article(1_000_000 - i))];
    const h = cdnTagHeaders(many);
    expect(h['surrogate-key'].length).toBeLessThanOrEqual(CDN_TAGS_MAX);
    expect(h['surrogate-key'].length).toBeGreaterThan(CDN_TAGS_MAX - 16);
    const kept = h['surrogate-key'].split(' ');
    expect(kept[0]).toBe('home');
    expect(kept).toEqual(many.slice(0, kept.length)); // no tag cut in the middle
    expect(h['cache-tag']).toBe(kept.join(','));
    expect(cdnTagHeaders(['home', 'feed'])).toEqual({ 'surrogate-key': 'home feed', 'cache-tag': 'home,feed' });
  });

  it('picks brotli, then gzip, honouring q=0', () => {
    expect(pickEncoding(undefined)).toBe('identity');
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('gzip;q=1.0, br;q=0')).toBe('gzip');
    expect(pickEncoding('deflate')).toBe('identity');
    expect(pickEncoding('*')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0.0')).toBe('identity');
  });

  it('answers If-None-Match in any encoding, and If-Modified-Since when there is no tag', () => {
    const b = new PageBody(Buffer.from('page'), Date.parse('2019-02-15T09:00:00.700Z'));
    expect(b.lastModified).toBe('Fri, 15 Feb 2019 09:00:00 GMT');
    expect(isNotModified({ 'if-none-match': b.etag }, b)).toBe(true);
    expect(isNotModified({ 'if-none-match': `"other", W/${b.etagOf('br')}` }, b)).toBe(true);
    expect(isNotModified({ 'if-none-match': b.etagOf('gzip') }, b)).toBe(true);
    expect(isNotModified({ 'if-none-match': '"other"', 'if-modified-since': b.lastModified }, b)).toBe(false);
    expect(isNotModified({ 'if-modified-since': b.lastModified }, b)).toBe(true);
    expect(isNotModified({ 'if-modified-since': 'Fri, 15 Feb 2019 08:59:59 GMT' }, b)).toBe(false);
    expect(isNotModified({ 'if-modified-since': 'not a date' }, b)).toBe(false);
  });

  it('keeps each compressed form in memory of its own size, which the cache counts', async () => {
    const items = Array.from({ length: 150 }, (_, i) => `<li><a href="/2019/02/${(i % 28) + 1}/story-${i * 7919}">Story ${i}: ${['budget', 'weather', 'الطقس', 'ekonomi'][i % 4]} news</a></li>`);
    const page = Buffer.from(`<!doctype html><html><body><ul>${items.join('')}</ul></body></html>`); // ~14 KB, ~2 KB compressed
    const b = new PageBody(page, 0);
    for (const enc of ['gzip', 'br'] as const) {
      const z = await b.encode(enc);
      expect(z.length).toBeLessThan(page.length / 2);
      expect(z.buffer.byteLength).toBe(z.length); // zlib hands back a view of its 16 KB chunk; that must not stay alive
      expect(b.ready(enc)).toBe(z);
    }
    expect(b.compressedBytes).toBe(b.ready('gzip')!.length + b.ready('br')!.length);
  });
});

describe('pages served through the cache over HTTP', () => {
  let store: Store;
  let app: FastifyInstance;
  let cache: PageCache;
  let stop: StopWatching;
  let sourceId: number;
  let base: string;
  const renders = new Map<string, number>();
  const now = () => new Date('2019-02-15T09:00:00Z');
  const save = (guid: string, title: string, iso: string) => saveArticle(store.db, { sourceId, guid, title, publishedAt: new Date(iso) }, TZ);

  beforeAll(async () => {
    store = await openTestStore();
    sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await save('a', 'First story', '2019-02-14T10:00:00Z');
    await save('b', 'Story of the 13th', '2019-02-13T10:00:00Z');
    await save('c', 'Story of the 12th', '2019-02-12T10:00:00Z');
    const config = parseConfig({ timeZone: TZ });
    cache = new PageCache({ maxBytes: 1 << 22, timeZone: TZ, now });
    stop = watchChanges(store, (c) => cache.invalidate(invalidationOf(c)));
    await stop.ready;
    // A theme that counts its renders (slow enough for a burst to overlap one).
    const theme = loadTheme(null);
    const render = theme.render;
    theme.render = async (template, context) => {
      renders.set(template, (renders.get(template) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 20));
      return render(template, context);
    };
    app = await buildApp({ store, config, now, cache, theme });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await stop();
    await store.close();
  });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers: { 'accept-encoding': 'identity', ...headers } });
  const text = async (path: string) => {
    const r = await get(path);
    return { status: r.status, cache: r.headers.get('x-cache'), body: await r.text(), headers: r.headers };
  };

  it('answers a page from the cache the second time, with validators, CDN headers and Surrogate-Key', async () => {
    const first = await text('/');
    expect(first.status).toBe(200);
    expect(first.cache).toBe('miss');
    const second = await text('/');
    expect(second.cache).toBe('hit');
    expect(second.body).toBe(first.body);
    const h = second.headers;
    expect(h.get('content-type')).toBe('text/html; charset=utf-8');
    expect(h.get('etag')).toMatch(/^"[\w-]{27}"$/);
    expect(h.get('etag')).toBe(first.headers.get('etag'));
    expect(h.get('last-modified')).toMatch(/GMT$/);
    expect(h.get('cache-control')).toBe('public, max-age=0, s-maxage=60, stale-while-revalidate=600');
    expect(h.get('vary')).toBe('Accept-Encoding');
    expect(h.get('surrogate-key')!.split(' ')).toEqual(expect.arrayContaining(['home', 'article-1', 'article-2', 'article-3']));
    expect(h.get('cache-tag')).toBe(h.get('surrogate-key')!.replaceAll(' ', ','));

    const notModified = await get('/', { 'if-none-match': h.get('etag')! });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(notModified.headers.get('etag')).toBe(h.get('etag'));
    expect((await get('/', { 'if-modified-since': h.get('last-modified')! })).status).toBe(304);
    expect((await get('/', { 'if-none-match': '"something-else"' })).status).toBe(200);
  });

  it('sends gzip and brotli made once, and answers HEAD with the headers alone', async () => {
    const plain = (await text('/2019/02/13/')).body;
    const raw = (path: string, enc: string) => new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      import('node:http').then(({ get: httpGet }) => httpGet(base + path, { headers: { 'accept-encoding': enc } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject));
    });
    const br = await raw('/2019/02/13/', 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toBe(plain);
    expect(br.headers['etag']).toMatch(/-br"$/);
    const gz = await raw('/2019/02/13/', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(plain);
    expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
    const stats = cache.stats().bytes;
    await raw('/2019/02/13/', 'gzip'); // made once: the cache holds no more bytes
    expect(cache.stats().bytes).toBe(stats);

    const head = await fetch(`${base}/2019/02/13/`, { method: 'HEAD', headers: { 'accept-encoding': 'identity' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(plain)));
    expect(head.headers.get('etag')).toBeTruthy();
    expect(await head.text()).toBe('');
  });

  it('publishes an article and immediately shows it on home, its day, its archives and the header counts, and nowhere else anew', async () => {
    const paths = ['/', '/2019/02/14/', '/2019/02/', '/2019/', '/2019/02/13/', '/2019/02/12/', '/2019/02/14/first-story/', '/2019/02/12/story-of-the-12th/', '/tr/2019/02/13/'];
    for (const p of paths) await text(p);
    for (const p of paths) expect((await text(p)).cache, p).toBe('hit');
    const before = await text('/2019/02/13/');
    expect(before.body).toContain('Total: 3 content');

    await save('d', 'Fresh news at noon', '2019-02-14T12:00:00Z');
    await new Promise((r) => setImmediate(r)); // the change is delivered after the commit

    const home = await text('/');
    expect(home.cache).toBe('miss');
    expect(home.body).toContain('Fresh news at noon');
    const day = await text('/2019/02/14/');
    expect(day.cache).toBe('miss');
    expect(day.body).toContain('Fresh news at noon');
    for (const p of ['/2019/02/', '/2019/']) expect((await text(p)).cache, p).toBe('miss');
    // The article before it now links to it as the next one.
    const older = await text('/2019/02/14/first-story/');
    expect(older.cache).toBe('miss');
    expect(older.body).toContain('Fresh news at noon');
    // Untouched pages stay cached, with the header counts of now.
    for (const p of ['/2019/02/13/', '/2019/02/12/', '/2019/02/12/story-of-the-12th/', '/tr/2019/02/13/']) {
      const r = await text(p);
      expect(r.cache, p).toBe('hit');
      expect(r.body, p).toMatch(p.startsWith('/tr/') ? /Toplam: 4/ : /Total: 4 content/);
    }
    const after = await text('/2019/02/13/');
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag')); // the bytes changed
    expect(after.body).toContain('<span class="n">(2)</span>'); // the strip counts the 14th anew
  });

  it('renders a cold page once for a burst of requests', async () => {
    const before = renders.get('month') ?? 0;
    const all = await Promise.all(Array.from({ length: 20 }, () => text('/2018/11/')));
    expect(all.every((r) => r.status === 200 && r.body === all[0]!.body)).toBe(true);
    expect((renders.get('month') ?? 0) - before).toBe(1);
    expect(all.filter((r) => r.cache === 'miss')).toHaveLength(1);
  });

  it('renders a stale page once, serving the others the page as it was meanwhile', async () => {
    await text('/2019/');
    cache.invalidate({ tags: [tags.year('2019-01-01')] });
    const before = renders.get('year') ?? 0;
    const all = await Promise.all(Array.from({ length: 10 }, () => text('/2019/')));
    expect((renders.get('year') ?? 0) - before).toBe(1);
    expect(all.map((r) => r.cache).sort()).toEqual(['miss', ...Array(9).fill('stale')]);
    expect((await text('/2019/')).cache).toBe('hit');
  });

  it('keeps query strings and languages apart, and never keeps error pages or redirects', async () => {
    await text('/tr/');
    expect((await text('/tr/')).cache).toBe('hit');
    expect((await text('/?page=1')).cache).toBe('miss');
    for (const url of ['/2019/13/45/', '/en/2019/', '/healthz', '/?page=abc']) {
      await get(url, {});
      const again = await fetch(base + url, { redirect: 'manual' });
      expect(again.headers.get('x-cache'), url).toBeNull();
      if (again.status >= 400) expect(again.headers.get('cache-control'), url).toBe('public, max-age=0, s-maxage=60');
    }
    expect((await text('/2019/13/45/')).status).toBe(404);
  });

  it('caches search JSON until an article changes, and never a feed whose links come from the Host header', async () => {
    const first = await text('/search.json?q=story');
    expect(first.status).toBe(200);
    expect(first.cache).toBe('miss');
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const again = await text('/search.json?q=story');
    expect(again.cache).toBe('hit');
    expect(again.headers.get('surrogate-key')).toBe('search');
    await save('e', 'Another story arrives', '2019-02-13T12:00:00Z');
    await new Promise((r) => setImmediate(r));
    const after = await text('/search.json?q=story');
    expect(after.cache).toBe('miss');
    expect(JSON.parse(after.body).total).toBe(JSON.parse(first.body).total + 1);
    // No siteUrl here: the feed's links come from the request, so it is rendered every time.
    for (let i = 0; i < 2; i++) {
      const feed = await text('/feed.xml');
      expect(feed.status).toBe(200);
      expect(feed.cache).toBeNull();
    }
  });

  it('serves the stylesheet under a content-hashed name, immutable, compressed', async () => {
    const page = (await text('/')).body;
    const href = /href="(\/assets\/style\.[0-9a-f]{12}\.css)"/.exec(page)![1]!;
    const css = await get(href, { 'accept-encoding': 'br' });
    expect(css.status).toBe(200);
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(css.headers.get('content-encoding')).toBe('br');
    expect((await css.text()).length).toBeGreaterThan(100);
    expect((await get(href, { 'if-none-match': css.headers.get('etag')! })).status).toBe(304);
  });
});

describe('page bytes', () => {
  it('encodes a page as Buffer.from does, whatever it holds and however long, one after another', () => {
    let seed = 16;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const units = [0x41, 0xe9, 0x131, 0x627, 0x2026, 0xd83d, 0xde00, 0xdc00, 0xd800, 0xfffd, 0x0, 0x7f, 0x80, 0x7ff, 0x800, 0xffff];
    const texts = ['', 'Kadıköy', 'الْمَكْتَبَةِ', 'x😀y', 'a\ud800b', '\udc00', 'end\ud83d'];
    for (let i = 0; i < 200; i++) texts.push(String.fromCharCode(...Array.from({ length: Math.floor(random() * 300) }, () => units[Math.floor(random() * units.length)]!)));
    texts.push('ع'.repeat(300_000), 'short after a long one'); // past the scratch buffer, then through it again
    for (const t of texts) {
      const b = utf8Bytes(t);
      expect(b.equals(Buffer.from(t)), JSON.stringify(t.slice(0, 20))).toBe(true);
      expect(b.buffer.byteLength).toBe(b.length); // a buffer of its own size: the cache counts its bytes
    }
  });
});
