import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { saveArticle } from '../store/articles.js';
import { watchChanges, type StopWatching } from '../store/changes.js';
import type { Store } from '../store/db.js';
import { ensureSource } from '../store/sources.js';
import { openTestStore } from '../store/testing.js';
import { buildApp } from './app.js';
import { PageCache, pageCacheKey } from './cache.js';

const TZ = 'Europe/Istanbul';
const page = (body: string) => ({ body, contentType: 'text/html; charset=utf-8' });

describe('the page cache', () => {
  it('keys a page by language, path and sorted query', () => {
    expect(pageCacheKey('en', '/')).toBe('en /');
    expect(pageCacheKey('tr', '/tr/2019/02/?page=2&b=1')).toBe(pageCacheKey('tr', '/tr/2019/02/?b=1&page=2'));
    expect(pageCacheKey('en', '/?')).toBe('en /');
  });

  it('keeps the most recently used pages within its bytes', () => {
    const cache = new PageCache({ maxBytes: 3 * (100 + 5), timeZone: TZ, now: () => new Date('2019-02-15T09:00:00Z') });
    for (const k of ['en /a', 'en /b', 'en /c']) expect(cache.set(k, page('x'.repeat(100)))).toBe(true);
    expect(cache.get('en /a')?.body).toHaveLength(100); // /a now the most recent; /b the least
    cache.set('en /d', page('x'.repeat(100)));
    expect(cache.get('en /b')).toBeUndefined();
    expect(cache.get('en /a')).toBeDefined();
    expect(cache.get('en /c')).toBeDefined();
    expect(cache.get('en /d')).toBeDefined();
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 3 * 105 });
    // Counted in UTF-8 bytes: 2 per Arabic letter; a page over the whole budget is not kept.
    expect(cache.set('ar /', page('ع'.repeat(200)))).toBe(false);
    expect(cache.stats().entries).toBe(3);
  });

  it('forgets every page at midnight in the site time zone', () => {
    let now = new Date('2019-02-15T20:59:59Z'); // 23:59:59 in Istanbul (UTC+3)
    const cache = new PageCache({ maxBytes: 1 << 20, timeZone: TZ, now: () => now });
    cache.set('en /', page('today is the 15th'));
    expect(cache.get('en /')).toBeDefined();
    now = new Date('2019-02-15T21:00:00Z');
    expect(cache.get('en /')).toBeUndefined();
    cache.set('en /', page('today is the 16th'));
    now = new Date('2019-02-16T20:59:59Z');
    expect(cache.get('en /')?.body).toBe('today is the 16th');
  });

  it('does not keep a page rendered before a clear', () => {
    const cache = new PageCache({ maxBytes: 1 << 20, timeZone: TZ, now: () => new Date() });
    const generation = cache.generation;
    cache.clear(); // a change committed while the page was rendered from older data
    expect(cache.set('en /', page('stale'), generation)).toBe(false);
    expect(cache.get('en /')).toBeUndefined();
  });
});

describe('pages served through the cache', () => {
  let store: Store;
  let app: FastifyInstance;
  let cache: PageCache;
  let stop: StopWatching;
  let sourceId: number;
  const now = () => new Date('2019-02-15T09:00:00Z');

  beforeAll(async () => {
    store = await openTestStore();
    sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await saveArticle(store.db, { sourceId, guid: 'a', title: 'First story', publishedAt: new Date('2019-02-14T10:00:00Z') }, TZ);
    const config = parseConfig({ timeZone: TZ });
    cache = new PageCache({ maxBytes: 1 << 20, timeZone: TZ, now });
    stop = watchChanges(store, () => cache.clear());
    await stop.ready;
    app = await buildApp({ store, config, now, cache });
  });
  afterAll(async () => {
    await app.close();
    await stop();
    await store.close();
  });
  const get = (url: string) => app.inject({ method: 'GET', url });

  it('answers a page from the cache the second time, and renders it again after a change', async () => {
    const first = await get('/');
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBe('miss');
    const second = await get('/');
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe('text/html; charset=utf-8');

    await saveArticle(store.db, { sourceId, guid: 'b', title: 'Second story', publishedAt: new Date('2019-02-15T08:00:00Z') }, TZ);
    await new Promise((r) => setImmediate(r)); // delivered after commit
    const third = await get('/');
    expect(third.headers['x-cache']).toBe('miss');
    expect(third.body).toContain('Second story');
  });

  it('keeps other query strings and languages apart', async () => {
    await get('/tr/');
    expect((await get('/tr/')).headers['x-cache']).toBe('hit');
    expect((await get('/?page=1')).headers['x-cache']).toBe('miss');
  });

  it('never keeps error pages, redirects or other content', async () => {
    for (const url of ['/2019/13/45/', '/en/2019/', '/healthz', '/?page=abc']) {
      await get(url);
      const again = await get(url);
      expect(again.headers['x-cache'], url).toBeUndefined();
    }
    expect((await get('/2019/13/45/')).statusCode).toBe(404);
  });
});
