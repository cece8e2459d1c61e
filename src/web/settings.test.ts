/**
 * The site settings changed at runtime (settings/live.ts) reach the next page: name, header date,
 * strip, languages, page size and time zone, and the page cache starts again.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SitePatch } from '../config.js';
import { LiveSettings } from '../settings/live.js';
import { watchChanges, type StopWatching } from '../store/changes.js';
import type { Store } from '../store/db.js';
import { skipStoreTests } from '../store/testing.js';
import { buildApp } from './app.js';
import { invalidationOf, PageCache } from './cache.js';
import { REFERENCE_NOW, referenceConfig, referenceStore } from './testdata/reference-site.js';

const skip = await skipStoreTests();
const config = referenceConfig();
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
/** Every override removed: the config file's settings again. */
const FILE_AGAIN: SitePatch = { siteName: null, timeZone: null, languages: null, social: null, strip: null, hijri: null, pageSize: null };

let store: Store;
beforeAll(async () => {
  store = await referenceStore(config, 500);
});
afterAll(async () => {
  await store?.close();
});

describe.skipIf(skip)('site settings changed at runtime, on the next page', () => {
  let app: FastifyInstance;
  let live: LiveSettings;
  beforeAll(async () => {
    live = await LiveSettings.open(store, config.site);
    app = await buildApp({ store, config, settings: live });
  });
  afterEach(async () => {
    await live.update(FILE_AGAIN);
  });
  afterAll(async () => {
    await app?.close();
  });
  const get = (url: string) => app.inject({ method: 'GET', url });

  it('moves the Hijri date in the header with hijri.adjustment', async () => {
    expect(text((await get('/')).body)).toContain('15 February 2019 - Friday - 10 Jumada al-Thani 1440');
    await live.update({ hijri: { adjustment: 1 } });
    expect(text((await get('/')).body)).toContain('15 February 2019 - Friday - 11 Jumada al-Thani 1440');
    await live.update({ hijri: { adjustment: null } });
    expect(text((await get('/')).body)).toContain('10 Jumada al-Thani 1440');
  });

  it('shows the new site name and strip', async () => {
    await live.update({ siteName: 'The Desk Times', strip: { days: 3, includeToday: true } });
    const t = text((await get('/2019/02/13/')).body);
    expect(t).toContain('The Desk Times');
    expect(t).not.toContain('Islamic Invitation Turkey');
    expect(t).toContain('15/02/2019 (0) 14/02/2019 (26) 13/02/2019 (20) Total');
  });

  it('answers 404 for a language disabled, and 200 once enabled again', async () => {
    expect((await get('/ar/')).statusCode).toBe(200);
    await live.update({ languages: ['en', 'tr'] });
    for (const url of ['/ar/', '/ar/2019/02/14/', '/ar/feed.xml', '/ar/search.json?q=news']) expect((await get(url)).statusCode, url).toBe(404);
    const home = await get('/');
    expect(home.body).not.toContain('href="/ar/"');
    expect((await get('/tr/')).statusCode).toBe(200);
    await live.update({ languages: ['en', 'tr', 'ar'] });
    expect((await get('/ar/')).statusCode).toBe(200);
    expect((await get('/')).body).toContain('href="/ar/"');
  });

  it('lists pageSize articles a page', async () => {
    expect((await get('/2019/02/14/')).body.match(/class="card"/g)).toHaveLength(20);
    await live.update({ pageSize: 10 });
    const res = await get('/2019/02/14/');
    expect(res.body.match(/class="card"/g)).toHaveLength(10);
    expect((await get('/2019/02/14/?page=3')).body.match(/class="card"/g)).toHaveLength(6);
  });

  it('recounts the days in a new time zone: the strip and day archives follow', async () => {
    // The strip's articles are at 08:00-21:59 Istanbul time: those from 18:00 on are the next day in Tokyo (+6 h).
    const r = await live.update({ timeZone: 'Asia/Tokyo' });
    expect(r.recounted?.from).toBe('Europe/Istanbul');
    expect(r.recounted?.moved).toBeGreaterThanOrEqual(11); // and archive items from 18:00 on
    const t = text((await get('/')).body);
    expect(t).toContain('14/02/2019 (24) 13/02/2019 (16) 12/02/2019 (1) 11/02/2019 (1) 10/02/2019 (3)');
    expect(text((await get('/2019/02/15/')).body)).toContain('6 articles');
    await live.update({ timeZone: null });
    expect(text((await get('/')).body)).toContain('14/02/2019 (26) 13/02/2019 (20) 12/02/2019 (1) 11/02/2019 (1) 10/02/2019 (2)');
  });

  it('refuses a bad value naming the field, and changes nothing', async () => {
    await expect(live.update({ hijri: { adjustment: 3 } })).rejects.toThrow('config: hijri.adjustment: must be an integer from -2 to 2, got 3');
    await expect(live.update({ social: [{ name: 'x', url: 'javascript:alert(1)' }] })).rejects.toThrow('config: social[0].url: "javascript:alert(1)" is not an http(s) URL');
    expect(text((await get('/')).body)).toContain('10 Jumada al-Thani 1440');
  });
});

describe.skipIf(skip)('site settings changed at runtime, through the page cache', () => {
  let app: FastifyInstance;
  let live: LiveSettings;
  let stop: StopWatching;
  let base: string;
  let heardSettings = 0;
  beforeAll(async () => {
    // As serve's startWeb wires it: one watcher feeds the cache and the settings.
    live = await LiveSettings.open(store, config.site);
    const cache = new PageCache({ maxBytes: 1 << 24, timeZone: live.current().timeZone, now: () => new Date(REFERENCE_NOW) });
    stop = watchChanges(store, (c) => {
      cache.invalidate(invalidationOf(c));
      live.heard(c);
      if (c.settings) heardSettings++;
    });
    await stop.ready;
    app = await buildApp({ store, config, cache, settings: live });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await live?.update(FILE_AGAIN);
    await app?.close();
    await stop?.();
  });

  it('never serves a page rendered with the old settings again', async () => {
    const page = async (path: string) => {
      const r = await fetch(base + path);
      return { cache: r.headers.get('x-cache'), text: text(await r.text()) };
    };
    await page('/');
    await page('/2019/02/13/');
    expect((await page('/')).cache).toBe('hit');
    expect((await page('/2019/02/13/')).cache).toBe('hit');
    await live.update({ hijri: { adjustment: 1 }, siteName: 'Cached No More' });
    // Applied before update() resolves; the signal of it comes back through the watcher too (at
    // once on SQLite, a moment later on PostgreSQL), marking the pages stale once more: let it pass.
    for (const end = Date.now() + 3000; heardSettings === 0; await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() > end) throw new Error('the watcher never heard the change');
    }
    for (const path of ['/', '/2019/02/13/']) {
      const p = await page(path);
      expect(p.cache, path).toBe('miss');
      expect(p.text).toContain('11 Jumada al-Thani 1440');
      expect(p.text).toContain('Cached No More');
    }
    expect((await page('/')).cache).toBe('hit');
  });
});
