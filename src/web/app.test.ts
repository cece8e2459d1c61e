import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPublishedTotal } from '../store/day-counts.js';
import { openStore, type Store } from '../store/db.js';
import { skipStoreTests } from '../store/testing.js';
import { buildApp } from './app.js';
import { REFERENCE_TOTAL, referenceConfig, referenceStore } from './testdata/reference-site.js';

let store: Store;
let app: FastifyInstance;
const config = referenceConfig();
const skip = await skipStoreTests();

beforeAll(async () => {
  store = await referenceStore(config);
  app = await buildApp({ store, config });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const get = (url: string) => app.inject({ method: 'GET', url });
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe.skipIf(skip)('the reference page', () => {
  it('has the header of the reference page on the home page', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    const t = text(res.body);
    expect(t).toContain('Islamic Invitation Turkey');
    expect(t).toContain('15 February 2019 - Friday - 10 Jumada al-Thani 1440');
    expect(t).toContain('14/02/2019 (26) 13/02/2019 (20) 12/02/2019 (1) 11/02/2019 (1) 10/02/2019 (2)');
    expect(t).toContain('Total: 147,805 content');
    expect(t).toMatch(/Facebook Twitter Youtube/);
    expect(t).toContain('Scroll Up');
    expect(res.body).toContain('href="/2019/02/14/"');
    expect(res.body).toContain('<html lang="en" dir="ltr">');
  });

  it('shows the article with its time, body, source and original link', async () => {
    const res = await get('/2017/06/30/isis-in-trouble-as-syrian-army-reaches-southern-deir-ezzor-countryside/');
    expect(res.statusCode).toBe(200);
    const t = text(res.body);
    expect(t).toContain('ISIS in trouble as Syrian Army reaches southern Deir Ezzor countryside');
    expect(t).toContain('30 June 2017 14:33');
    expect(t).toContain('According to a military source close to Al-Masdar News');
    // The source's name links to its page here; its own site follows, by its host.
    expect(res.body).toMatch(/Source: <a href="\/source\/al-masdar-news\/"><bdi>Al-Masdar News<\/bdi><\/a> \(<a class="site" href="https:\/\/www.almasdarnews.com\/"[^>]*><bdi>almasdarnews.com<\/bdi><\/a>\)/);
    expect(res.body).toContain('<link rel="canonical" href="https://www.almasdarnews.com/article/isis-in-trouble">');
    expect(res.body).toContain('rel="prev"');
    expect(res.body).toContain('rel="next"');
  });

  it('names the copy here canonical when its source says so', async () => {
    const { updateSource } = await import('../store/sources.js');
    const url = '/2017/06/30/isis-in-trouble-as-syrian-army-reaches-southern-deir-ezzor-countryside/';
    await updateSource(store.db, 1, { canonicalHere: true });
    const withSite = await buildApp({ store, config: referenceConfig({ siteUrl: 'https://news.example/' }) });
    expect((await withSite.inject({ url })).body).toContain(`<link rel="canonical" href="https://news.example${url}">`);
    await withSite.close();
    await updateSource(store.db, 1, { canonicalHere: false });
    expect((await get(url)).body).toContain('<link rel="canonical" href="https://www.almasdarnews.com/article/isis-in-trouble">');
  });

  it('redirects an article URL with a wrong day to its own', async () => {
    const res = await get('/2017/06/29/isis-in-trouble-as-syrian-army-reaches-southern-deir-ezzor-countryside/');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/2017/06/30/isis-in-trouble-as-syrian-army-reaches-southern-deir-ezzor-countryside/');
  });
});

describe.skipIf(skip)('archives', () => {
  it('lists a day with its number of articles, paginated', async () => {
    const res = await get('/2019/02/14/');
    expect(res.statusCode).toBe(200);
    const t = text(res.body);
    expect(t).toContain('26 articles');
    expect(res.body.match(/class="card"/g)).toHaveLength(20);
    expect(res.body).toContain('href="/2019/02/14/?page=2"');
    const p2 = await get('/2019/02/14/?page=2');
    expect(p2.body.match(/class="card"/g)).toHaveLength(6);
    expect((await get('/2019/02/14/?page=3')).statusCode).toBe(404);
  });

  it('lists the days of a month and the months of a year with counts', async () => {
    const m = await get('/2019/02/');
    expect(m.statusCode).toBe(200);
    expect(text(m.body)).toContain('14 February 2019 - Thursday - 9 Jumada al-Thani 1440 (26)');
    expect(m.body).toContain('href="/2019/02/10/"');
    const y = await get('/2019/');
    expect(y.statusCode).toBe(200);
    expect(text(y.body)).toMatch(/February 2019 \(\d[\d,]*\)/);
    expect(y.body).toContain('href="/2019/02/"');
  });

  it('counts a day with no article as (0) and shows it empty', async () => {
    const res = await get('/2019/02/16/');
    expect(res.statusCode).toBe(200);
    expect(text(res.body)).toContain('0 articles');
  });

  it('paginates the home page up to the last page', async () => {
    const last = Math.ceil(REFERENCE_TOTAL / 20);
    expect((await get(`/?page=${last}`)).statusCode).toBe(200);
    expect((await get(`/?page=${last + 1}`)).statusCode).toBe(404);
  });
});

describe.skipIf(skip)('languages', () => {
  it('has the header in Turkish at /tr/', async () => {
    const res = await get('/tr/');
    expect(res.statusCode).toBe(200);
    const t = text(res.body);
    expect(res.body).toContain('<html lang="tr" dir="ltr">');
    expect(t).toContain('15 Şubat 2019 - Cuma - 10 Cemaziyelahir 1440');
    expect(t).toContain('14/02/2019 (26) 13/02/2019 (20)');
    expect(t).toContain('Toplam: 147.805 içerik');
    expect(t).toContain('Yukarı Çık');
    expect(res.body).toContain('href="/tr/2019/02/14/"');
  });

  it('has the header in Arabic at /ar/, right to left', async () => {
    const res = await get('/ar/');
    expect(res.statusCode).toBe(200);
    const t = text(res.body);
    expect(res.body).toContain('<html lang="ar" dir="rtl">');
    expect(t).toContain('١٥ فبراير ٢٠١٩ - الجمعة - ١٠ جمادى الآخرة ١٤٤٠');
    expect(t).toContain('١٤/٠٢/٢٠١٩ (٢٦)');
    expect(t).toContain('المجموع: ١٤٧٬٨٠٥ محتوى');
  });

  it('keeps each article in its own language and direction', async () => {
    const res = await get('/ar/2017/06/30/isis-in-trouble-as-syrian-army-reaches-southern-deir-ezzor-countryside/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="ar" dir="rtl">');
    expect(res.body).toMatch(/<article class="article" lang="en" dir="ltr">/);
    const home = await get('/');
    expect(home.body).toMatch(/<h2 lang="ar" dir="rtl">/);
  });

  it('redirects the default language prefix to the root', async () => {
    const res = await get('/en/2019/02/');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/2019/02/');
  });

  it('redirects the prefix only to a path on this site, never to another host', async () => {
    for (const [url, to] of [
      ['/en//evil.example/', '/evil.example/'],
      ['/en/\\evil.example/', '/evil.example/'],
      ['/en/\\/evil.example/', '/evil.example/'],
      ['/en///evil.example/a?b=1', '/evil.example/a?b=1'],
      ['/en/%2F%2Fevil.example/', '/%2F%2Fevil.example/'],
      ['/en/?q=1', '/?q=1'],
    ]) {
      const res = await get(url!);
      expect(res.statusCode, url).toBe(301);
      expect(res.headers.location, url).toBe(to);
      // What a browser makes of it: a URL on this site.
      expect(new URL(String(res.headers.location), 'http://site.example/').host, url).toBe('site.example');
    }
  });
});

describe.skipIf(skip)('bad URLs', () => {
  const cases: [string, number][] = [
    ['/2019/13/45/', 404],
    ['/2019/02/30/', 404],
    ['/2019/00/', 404],
    ['/abcd/', 404],
    ['/0000/', 404],
    ['/?page=-1', 400],
    ['/?page=abc', 400],
    ['/?page=0', 400],
    ['/?page=1.5', 400],
    ['/?page=1&page=2', 400],
    ['/?page=99999999', 404],
    ['/?page=9999999999999999999999', 400],
    ['/2019/02/14/?page=abc', 400],
    ['/2019/02/14/no-such-article/', 404],
    ['/no/such/page/at/all/', 404],
    [`/?q=${'x'.repeat(10 * 1024)}`, 400],
    [`/2019/02/14/${'a'.repeat(3000)}/`, 404],
    ['/%E0%A4%A/', 400],
    ['/tr/2019/13/45/', 404],
  ];
  for (const [url, status] of cases) {
    it(`${url.slice(0, 60)} → ${status} in the site's look`, async () => {
      const res = await get(url);
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('Islamic Invitation Turkey');
      expect(text(res.body)).toContain(url.startsWith('/tr/') ? 'Toplam: 147.805 içerik' : 'Total: 147,805 content');
    });
  }

  it('escapes what the URL carries', async () => {
    const res = await get('/?page=%3Cscript%3Ealert(1)%3C/script%3E');
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('&lt;script&gt;');
  });
});

describe.skipIf(skip)('service', () => {
  it('answers /healthz and serves the hashed stylesheet as immutable', async () => {
    expect((await get('/healthz')).json()).toEqual({ ok: true });
    const home = await get('/');
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(home.body)![1]!;
    expect(href).toMatch(/^\/assets\/style\.[0-9a-f]{12}\.css$/);
    const css = await get(href);
    expect(css.statusCode).toBe(200);
    expect(css.headers['cache-control']).toContain('immutable');
    expect(css.body).toContain('inset-inline-end');
  });
});

describe.skipIf(skip)('the header follows the settings and the clock', () => {
  it('shows days without articles as (0), and today when asked to', async () => {
    const later = referenceConfig({ strip: { days: 3, includeToday: true } }, { JARIDA_NOW: '2019-02-17T01:00:00+03:00' });
    const other = await buildApp({ store, config: later });
    const t = text((await other.inject({ url: '/' })).body);
    expect(t).toContain('17 February 2019 - Sunday - 12 Jumada al-Thani 1440');
    expect(t).toContain('17/02/2019 (0) 16/02/2019 (0) 15/02/2019 (0) Total');
    await other.close();
  });

  it('shifts the Hijri date by the adjustment and changes variant', async () => {
    const plus = await buildApp({ store, config: referenceConfig({ hijri: { adjustment: 1 } }) });
    expect(text((await plus.inject({ url: '/' })).body)).toContain('15 February 2019 - Friday - 11 Jumada al-Thani 1440');
    await plus.close();
    const minus = await buildApp({ store, config: referenceConfig({ hijri: { adjustment: -2, monthNames: { en: ['M1', 'M2', 'M3', 'M4', 'M5', 'Jumada II', 'M7', 'M8', 'M9', 'M10', 'M11', 'M12'] } } }) });
    expect(text((await minus.inject({ url: '/' })).body)).toContain('15 February 2019 - Friday - 8 Jumada II 1440');
    await minus.close();
  });

  it('uses Latin digits on Arabic pages when configured', async () => {
    const latin = await buildApp({ store, config: referenceConfig({ arabicDigits: false }) });
    const t = text((await latin.inject({ url: '/ar/' })).body);
    expect(t).toContain('15 فبراير 2019 - الجمعة - 10 جمادى الآخرة 1440');
    expect(t).toContain('14/02/2019 (26)');
    await latin.close();
  });

  it('serves only the enabled languages, the default one at /', async () => {
    const tr = await buildApp({ store, config: referenceConfig({ defaultLanguage: 'tr', languages: ['tr', 'en'] }) });
    expect((await tr.inject({ url: '/' })).body).toContain('<html lang="tr" dir="ltr">');
    expect((await tr.inject({ url: '/en/' })).body).toContain('<html lang="en" dir="ltr">');
    expect((await tr.inject({ url: '/ar/' })).statusCode).toBe(404);
    expect((await tr.inject({ url: '/tr/2019/' })).headers.location).toBe('/2019/');
    await tr.close();
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/2019/02/14/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });
});

describe('the store out of reach', () => {
  it('answers 503 with Retry-After, not a 500 (plain text: the page header needs the store too)', async () => {
    // Nothing listens on port 1: every query fails to connect (a database down, or a pool exhausted).
    const down = openStore('postgres://postgres@127.0.0.1:1/none');
    const site = await buildApp({ store: down, config });
    try {
      const res = await site.inject({ url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toBe('503\n');
      // The desk and its API too: 503, never a 500.
      for (const url of ['/admin/login', '/admin/articles']) {
        const desk = await site.inject({ url });
        expect(desk.statusCode, url).toBe(503);
        expect(desk.headers['retry-after']).toBe('5');
        expect(desk.headers['cache-control']).toBe('private, no-store');
      }
      expect((await site.inject({ url: '/api/admin/v1/me', headers: { authorization: 'Bearer jrd_x' } })).statusCode).toBe(503);
    } finally {
      await site.close();
      await down.close();
    }
  });
});

describe.skipIf(skip)('closing', () => {
  it('waits for a handler whose reader left, before the search threads (and then the store) go', async () => {
    const own = await buildApp({ store, config });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    let read: number | undefined;
    own.get('/slow-for-test', async () => {
      started = true;
      await gate;
      read = await findPublishedTotal(store.db); // the store is still there
      return 'done';
    });
    const address = await own.listen({ port: 0, host: '127.0.0.1' });
    const leaving = new AbortController();
    const answer = fetch(`${address}/slow-for-test`, { signal: leaving.signal }).catch(() => 'left');
    while (!started) await new Promise((r) => setTimeout(r, 5));
    leaving.abort();
    expect(await answer).toBe('left');
    let closed = false;
    const closing = own.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(closed).toBe(false); // every connection is gone; the handler is not
    release();
    await closing;
    expect(read).toBeGreaterThan(0);
  });
});
