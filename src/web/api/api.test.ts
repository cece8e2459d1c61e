/**
 * The public content API end to end on a real store: its header is the HTML header's for the same
 * JARIDA_NOW; cursors give every article once while articles are added between pages; each filter;
 * ETag/304, CORS and the preflight; the rate limit; a table of hostile parameters, each a 400 (or
 * 404) naming the parameter, never a 500; the OpenAPI description validated, and real answers
 * checked against the response schemas in it.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import type { ArticleInput } from '../../model/types.js';
import { saveArticle, saveArticles } from '../../store/articles.js';
import { addSection } from '../../store/categories.js';
import { saveUploadedMedia } from '../../store/media.js';
import type { Store } from '../../store/db.js';
import { ensureSource } from '../../store/sources.js';
import { openTestStore, skipStoreTests } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { invalidationOf, PageCache } from '../cache.js';
import type { AddressInfo } from 'node:net';
import { watchChanges } from '../../store/changes.js';
import { CONTENT_ROUTES } from './routes.js';

const TZ = 'Europe/Istanbul';
const NOW = '2024-03-08T12:00:00Z';
const config = parseConfig({ siteName: 'API Test', timeZone: TZ, languages: ['en', 'tr', 'ar'], siteUrl: 'https://news.example', api: { rateLimit: 0 } }, { JARIDA_NOW: NOW });
const skip = await skipStoreTests();
let store: Store;
let app: FastifyInstance;
let desk: number;
let wire: number;
/** The published articles seeded, newest first: [id, publishedAt]. */
let published: { id: number; at: string; day: string; source: number; lang: string | null; cats: string[] }[] = [];
let hiddenId: number;
let guid = 0;

const article = (sourceId: number, at: string, extra: Partial<ArticleInput> = {}): ArticleInput => ({
  sourceId, guid: `g${++guid}`, title: `Story ${guid}`, summary: `Summary of story ${guid}`, contentHtml: `<p>Body of story ${guid}.</p>`, publishedAt: new Date(at), language: 'en', ...extra,
});

beforeAll(async () => {
  if (skip) return;
  store = await openTestStore();
  await addSection(store.db, 'world', { name: 'World', tr: 'Dünya', ar: 'العالم' });
  desk = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
  wire = await ensureSource(store.db, { kind: 'manual', title: 'Wire' });
  const inputs: ArticleInput[] = [];
  for (let i = 0; i < 24; i++) {
    // Two a day from 2024-02-26, some at the same instant (ties broken by id).
    const day = new Date(Date.UTC(2024, 1, 26 + Math.floor(i / 2), 9, i % 2 === 0 ? 0 : 0));
    inputs.push(article(i % 3 === 0 ? wire : desk, day.toISOString(), {
      language: i % 4 === 0 ? 'tr' : i % 5 === 0 ? null : 'en',
      categories: i % 2 === 0 ? ['World', 'Economy'] : ['Economy'],
      ...(i === 7 ? { title: 'Central bank raises rates', contentHtml: '<p>The central bank raised interest rates.</p>' } : {}),
      ...(i === 15 ? { title: 'Bank holiday traffic', contentHtml: '<p>Roads were busy.</p>', imageUrl: 'https://img.example/a.jpg', author: 'A. Writer' } : {}),
    }));
  }
  const saved = await saveArticles(store.db, inputs, TZ);
  hiddenId = (await saveArticle(store.db, article(desk, '2024-03-05T10:00:00Z', { status: 'hidden', title: 'Hidden bank story' }), TZ)).id;
  await saveArticle(store.db, article(desk, '2024-03-05T11:00:00Z', { status: 'draft', title: 'Draft bank story' }), TZ);
  await saveArticle(store.db, article(desk, '2024-03-20T11:00:00Z', { status: 'scheduled', title: 'Scheduled bank story' }), TZ);
  published = saved.map((s, i) => ({
    id: s.id, at: inputs[i]!.publishedAt.toISOString(), day: inputs[i]!.publishedAt.toISOString().slice(0, 10), source: inputs[i]!.sourceId,
    lang: inputs[i]!.language ?? null, cats: inputs[i]!.categories!,
  })).sort((a, b) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1));
  app = await buildApp({ store, config });
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const json = async (url: string) => {
  const res = await get(url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json();
};
/** Every id of a list, following `next`. */
async function walk(url: string, between?: (page: number) => Promise<void>): Promise<number[]> {
  const ids: number[] = [];
  let next: string | null = null;
  for (let page = 0; page < 100; page++) {
    const body = await json(`${url}${url.includes('?') ? '&' : '?'}limit=5${next ? `&cursor=${next}` : ''}`);
    ids.push(...body.articles.map((a: { id: number }) => a.id));
    next = body.next;
    if (!next) break;
    await between?.(page);
  }
  return ids;
}

describe.skipIf(skip)('the content API', () => {
  it("gives the header the HTML pages show for the same JARIDA_NOW, in every language", async () => {
    for (const [lang, path] of [['en', '/'], ['tr', '/tr/'], ['ar', '/ar/']] as const) {
      const api = await json(`/api/v1/header?lang=${lang}`);
      const page = await get(path);
      expect(page.statusCode).toBe(200);
      const { document } = parseHTML(page.body);
      const today = document.querySelector('p.today time')!;
      expect(api.today.text).toBe(today.textContent);
      expect(api.today.day).toBe(today.getAttribute('datetime'));
      expect(api.today.day).toBe('2024-03-08');
      const strip = [...document.querySelectorAll('nav.strip a')].map((a) => ({
        day: a.querySelector('time')!.getAttribute('datetime'),
        label: a.querySelector('time')!.textContent,
        count_text: a.querySelector('.n')!.textContent!.replace(/^\((.*)\)$/, '$1'),
        url: `https://news.example${a.getAttribute('href')}`,
      }));
      expect(strip.length).toBeGreaterThan(0);
      expect(api.strip.map(({ count: _c, ...d }: { count: number }) => d)).toEqual(strip);
      expect(api.total.text).toBe(document.querySelector('p.total')!.textContent);
      expect(api.total.count).toBe(published.length);
      for (const d of api.strip) expect(d.count).toBe(published.filter((a) => a.day === d.day).length);
    }
    // Hijri in numbers beside the text: 8 March 2024 is 27 Sha'ban 1445 (Umm al-Qura).
    expect((await json('/api/v1/header')).today.hijri).toEqual({ year: 1445, month: 8, day: 27 });
  });

  it('walks the list by cursor: every article once, newest first, while articles are added between pages', async () => {
    const before = published.map((a) => a.id);
    const added: number[] = [];
    const ids = await walk('/api/v1/articles', async (page) => {
      // Newer than all (never shifts a page), older than the cursor (comes once, later), at the cursor's very instant.
      const at = page === 0 ? '2024-03-08T11:00:00Z' : page === 1 ? '2024-02-27T09:00:00Z' : '2024-03-01T09:00:00Z';
      added.push((await saveArticle(store.db, article(desk, at, { title: `Added ${page}` }), TZ)).id);
    });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => before.includes(id))).toEqual(before);
    // The ones added behind the cursor come once; the one newer than the first page does not.
    expect(ids).not.toContain(added[0]);
    expect(ids).toContain(added[1]);
    // And again in the search order (newest published first: the search keys), with the text filter:
    // articles added behind the cursor (older) come once, after the ones there before.
    const first = (await json('/api/v1/articles?q=story&limit=100')).articles as { id: number; published_at: string }[];
    const expected = first.map((a) => a.id);
    expect(first.map((a) => a.published_at)).toEqual(first.map((a) => a.published_at).sort().reverse());
    const addedBehind: number[] = [];
    const text = await walk('/api/v1/articles?q=story', async () => void addedBehind.push((await saveArticle(store.db, article(desk, '2024-02-20T09:00:00Z', { title: 'Another story' }), TZ)).id));
    expect(new Set(text).size).toBe(text.length);
    expect(text.filter((id) => expected.includes(id))).toEqual(expected);
    const extra = text.filter((id) => !expected.includes(id));
    expect(extra.length).toBeGreaterThan(0);
    expect(extra.every((id) => addedBehind.includes(id))).toBe(true);
    added.push(...addedBehind);
    expect(expected.length).toBeGreaterThan(10);
    published = []; // changed: later tests read the list afresh
  });

  it('filters by day range, section, tag, source, language and text; only what the site shows', async () => {
    const all = (await json('/api/v1/articles?limit=100')).articles as { id: number; day: string; source: { id: number; slug: string }; language: string; sections: string[]; tags: string[]; title: string }[];
    expect(all.map((a) => a.id)).not.toContain(hiddenId);
    expect(all.some((a) => /Draft|Scheduled/.test(a.title))).toBe(false);
    const ids = async (q: string) => (await json(`/api/v1/articles?limit=100&${q}`)).articles.map((a: { id: number }) => a.id);
    expect(await ids('from=2024-03-01&to=2024-03-03')).toEqual(all.filter((a) => a.day >= '2024-03-01' && a.day <= '2024-03-03').map((a) => a.id));
    expect(await ids('section=world')).toEqual(all.filter((a) => a.sections.includes('world')).map((a) => a.id));
    expect(await ids('tag=economy')).toEqual(all.filter((a) => a.tags.includes('economy')).map((a) => a.id));
    expect(await ids('section=world&tag=economy&from=2024-03-02')).toEqual(all.filter((a) => a.sections.includes('world') && a.tags.includes('economy') && a.day >= '2024-03-02').map((a) => a.id));
    const wireIds = all.filter((a) => a.source.id === wire).map((a) => a.id);
    expect(wireIds.length).toBeGreaterThan(0);
    expect(await ids(`source=${wire}`)).toEqual(wireIds);
    expect(await ids('source=wire')).toEqual(wireIds);
    expect(await ids('lang=tr')).toEqual(all.filter((a) => a.language === 'tr').map((a) => a.id));
    // The site's default language also takes the articles stored without one (shown as en).
    expect(await ids('lang=en')).toEqual(all.filter((a) => a.language === 'en').map((a) => a.id));
    const bank = await json('/api/v1/articles?q=bank');
    expect(bank.order).toBe('published');
    expect(bank.articles.map((a: { title: string }) => a.title).sort()).toEqual(['Bank holiday traffic', 'Central bank raises rates']);
    expect((await json('/api/v1/articles?q=bank&source=wire')).articles.map((a: { title: string }) => a.title)).toEqual(
      all.filter((a) => a.source.id === wire && /bank/i.test(a.title)).map((a) => a.title));
    expect((await json('/api/v1/articles?q=the')).text).toBe('common');
    // Unknown names: 404 naming the parameter.
    for (const q of ['section=nowhere', 'tag=nowhere', 'source=nowhere', 'source=99999']) {
      const res = await get(`/api/v1/articles?${q}`);
      expect(res.statusCode, q).toBe(404);
      expect(res.json().field).toBe(q.split('=')[0]);
    }
  });

  it('gives one article in full, absolute URLs; hidden, draft and unknown ids are 404', async () => {
    const list = (await json('/api/v1/articles?q=holiday')).articles;
    const a = await json(`/api/v1/articles/${list[0].id}`);
    expect(a).toMatchObject({ title: 'Bank holiday traffic', author: 'A. Writer', body_html: '<p>Roads were busy.</p>', language: 'en', day: '2024-03-04' });
    expect(a.url).toMatch(/^https:\/\/news\.example\/2024\/03\/04\/[^/]+\/$/);
    expect(a.canonical_url).toBe(a.url);
    expect(a.image).toEqual({ original: 'https://img.example/a.jpg', src: null, width: null, height: null, variants: [] });
    expect((await get(a.url.replace('https://news.example', ''))).statusCode).toBe(200);
    for (const id of [String(hiddenId), '99999999', '0', '0x10', '1e3', '-1', '1.5', 'abc']) {
      const res = await get(`/api/v1/articles/${id}`);
      expect(res.statusCode, id).toBe(/^[1-9]\d*$/.test(id) ? 404 : 400);
      expect(res.json().field).toBe('id');
    }
  });

  it("gives a stored image's every width and format, and the body's images as the site's copies, at absolute URLs", async () => {
    const variants = [640, 1280].flatMap((w) => (['jpg', 'webp'] as const).map((f) => ({ w, h: w / 2, f, b: 1000 })));
    await saveUploadedMedia(store.db, 'https://img.example/b.jpg', { hash: 'ab12cd', width: 1280, height: 640, variants, bytes: 4000 }, new Date(NOW));
    const { id } = await saveArticle(store.db, article(wire, '2024-02-10T09:00:00Z', {
      title: 'Pictured', imageUrl: 'https://img.example/b.jpg', contentHtml: '<p>Text</p><p><img src="https://img.example/b.jpg" alt="B"></p>',
    }), TZ);
    const a = await json(`/api/v1/articles/${id}`);
    expect(a.image).toEqual({
      original: 'https://img.example/b.jpg', src: 'https://news.example/media/ab12cd-640.jpg', width: 1280, height: 640,
      variants: [
        { url: 'https://news.example/media/ab12cd-640.jpg', width: 640, type: 'image/jpeg' },
        { url: 'https://news.example/media/ab12cd-1280.jpg', width: 1280, type: 'image/jpeg' },
        { url: 'https://news.example/media/ab12cd-640.webp', width: 640, type: 'image/webp' },
        { url: 'https://news.example/media/ab12cd-1280.webp', width: 1280, type: 'image/webp' },
      ],
    });
    expect(a.body_html).toContain('srcset="https://news.example/media/ab12cd-640.webp 640w, https://news.example/media/ab12cd-1280.webp 1280w"');
    expect(a.body_html).toContain('src="https://news.example/media/ab12cd-640.jpg"');
    expect(a.body_html).not.toMatch(/="\/media\//);
    const listed = (await json('/api/v1/articles?from=2024-02-10&to=2024-02-10')).articles;
    expect(listed.map((x: { id: number }) => x.id)).toEqual([id]);
    expect(listed[0].image).toEqual(a.image);
  });

  it('counts per day, and refuses more than 366 days', async () => {
    const body = await json('/api/v1/days?from=2024-02-25&to=2024-03-09');
    expect(body.days).toHaveLength(14);
    expect(body.days[0].day).toBe('2024-03-09');
    const list = (await json('/api/v1/articles?limit=100')).articles as { day: string }[];
    for (const d of body.days) expect(d.count, d.day).toBe(list.filter((a) => a.day === d.day).length);
    expect(body.total).toBe(list.filter((a) => a.day >= '2024-02-25' && a.day <= '2024-03-09').length);
    expect((await json('/api/v1/days')).to).toBe('2024-03-08');
    const far = await get('/api/v1/days?from=2020-01-01&to=2024-01-01');
    expect(far.statusCode).toBe(400);
    expect(far.json()).toMatchObject({ field: 'from' });
  });

  it('lists sections, tags and sources with public fields only', async () => {
    const s = await json('/api/v1/sections?lang=tr');
    expect(s.sections).toEqual([expect.objectContaining({ slug: 'world', name: 'Dünya', url: 'https://news.example/tr/section/world/' })]);
    expect(s.tags.map((t: { slug: string }) => t.slug)).toContain('economy');
    const src = await json('/api/v1/sources');
    expect(src.sources.map((x: { title: string }) => x.title)).toEqual(['Desk', 'Wire']);
    for (const x of src.sources) expect(Object.keys(x).sort()).toEqual(['articles_url', 'count', 'id', 'language', 'site_url', 'slug', 'title', 'url']);
  });

  it('answers with a strong ETag, 304 for If-None-Match, a short public max-age', async () => {
    const first = await get('/api/v1/articles?limit=3');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=30');
    const again = await get('/api/v1/articles?limit=3', { 'if-none-match': `"x", ${etag}` });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect((await get('/api/v1/articles?limit=3', { 'if-none-match': 'W/"other"' })).statusCode).toBe(200);
    expect((await get('/api/v1/articles?limit=4')).headers.etag).not.toBe(etag);
    expect((await app.inject({ method: 'HEAD', url: '/api/v1/header' })).statusCode).toBe(200);
  });

  it('allows any origin to read (GET), answers the preflight, keeps the security headers', async () => {
    for (const url of ['/api/v1/header', '/api/v1/articles?limit=x', '/api/v1/nope']) {
      const res = await get(url, { origin: 'https://elsewhere.example' });
      expect(res.headers['access-control-allow-origin'], url).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBeDefined();
    }
    const pre = await app.inject({ method: 'OPTIONS', url: '/api/v1/articles', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD, OPTIONS' });
    expect((await app.inject({ method: 'POST', url: '/api/v1/articles' })).statusCode).toBe(404);
    // Paths the site's own routes would take (`/:year/:month/:day/`, an article's) are the API's 404s.
    for (const url of ['/api/v1/nope', '/api/v1/2024/03/x', '/api/v1/articles/5/more', '/api/v1']) {
      const nope = await get(url);
      expect(nope.statusCode, url).toBe(404);
      expect(nope.json().error).toMatch(/no such endpoint/);
    }
  });

  it("is kept by serve's page cache with its own headers, until a change; not without a siteUrl", async () => {
    const cache = new PageCache({ maxBytes: 1 << 22, timeZone: TZ, now: () => new Date(NOW) });
    const stop = watchChanges(store, (c) => cache.invalidate(invalidationOf(c)));
    await stop.ready;
    const served = await buildApp({ store, config, cache });
    await served.listen({ port: 0, host: '127.0.0.1' });
    const bare = await buildApp({ store, config: parseConfig({ timeZone: TZ }, { JARIDA_NOW: NOW }), cache: new PageCache({ maxBytes: 1 << 22, timeZone: TZ, now: () => new Date(NOW) }) });
    await bare.listen({ port: 0, host: '127.0.0.1' });
    try {
      const base = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const url = `${base(served)}/api/v1/articles?limit=2`;
      const first = await fetch(url);
      const firstBody = await first.json();
      expect(first.headers.get('x-cache')).toBe('miss');
      const answers = await Promise.all([fetch(url), fetch(`${base(served)}/api/v1/articles?limit=2&`)]);
      for (const r of [first, ...answers]) {
        expect(r.status).toBe(200);
        expect(r.headers.get('access-control-allow-origin')).toBe('*');
        expect(r.headers.get('cache-control')).toBe('public, max-age=30');
        expect(r.headers.get('content-type')).toMatch(/^application\/json/);
        expect(r.headers.get('etag')).toBe(first.headers.get('etag'));
      }
      expect(answers.map((r) => r.headers.get('x-cache'))).toEqual(['hit', 'hit']);
      for (const r of answers) expect(await r.json()).toEqual(firstBody);
      const notModified = await fetch(url, { headers: { 'if-none-match': first.headers.get('etag')! } });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get('access-control-allow-origin')).toBe('*');
      // A new article clears the lists (here on the change signal, as in serve).
      const { id } = await saveArticle(store.db, article(desk, '2024-03-08T11:30:00Z', { title: 'Breaking' }), TZ);
      await expect.poll(async () => (await (await fetch(url)).json()).articles[0].id, { timeout: 5000 }).toBe(id);
      // Without a siteUrl the links come from the Host header: never kept.
      const hostUrl = `${base(bare)}/api/v1/articles?limit=2`;
      for (let i = 0; i < 2; i++) {
        const r = await fetch(hostUrl);
        expect(r.headers.get('x-cache')).toBeNull();
        expect((await r.json()).articles[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      }
    } finally {
      await served.close();
      await bare.close();
      await stop();
    }
  });

  it('limits requests per address: 429 JSON with Retry-After beyond the limit', async () => {
    const limited = await buildApp({ store, config: parseConfig({ timeZone: TZ, api: { rateLimit: 3 }, http: { trustProxy: true } }, {}) });
    try {
      const from = (ip: string) => limited.inject({ method: 'GET', url: '/api/v1/sources', headers: { 'x-forwarded-for': ip } });
      for (let i = 0; i < 3; i++) expect((await from('203.0.113.7')).statusCode).toBe(200);
      const over = await from('203.0.113.7');
      expect(over.statusCode).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(over.json().error).toMatch(/rate limit/);
      expect(over.headers['access-control-allow-origin']).toBe('*');
      expect(over.headers['cache-control']).toBe('no-store');
      // Another address has its own count; the site's pages are not limited.
      expect((await from('203.0.113.8')).statusCode).toBe(200);
      expect((await limited.inject({ method: 'GET', url: '/', headers: { 'x-forwarded-for': '203.0.113.7' } })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
    expect(parseConfig({}, { JARIDA_API_RATE_LIMIT: '0' }).api.rateLimit).toBe(0);
    expect(parseConfig({}, {}).api.rateLimit).toBe(600);
    expect(() => parseConfig({ api: { rateLimit: -1 } }, {})).toThrow(/api\.rateLimit/);
  });

  it('refuses hostile parameters with a 400 naming them, never a 500', async () => {
    const cursor = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const table: [string, string, number?][] = [
      ['/api/v1/articles?from=2024-02-30', 'from'],
      ['/api/v1/articles?from=2024-3-1', 'from'],
      ['/api/v1/articles?to=yesterday', 'to'],
      ['/api/v1/articles?from=2024-03-05&to=2024-03-01', 'from'],
      ['/api/v1/articles?limit=0', 'limit'],
      ['/api/v1/articles?limit=101', 'limit'],
      ['/api/v1/articles?limit=1e1', 'limit'],
      ['/api/v1/articles?limit=-5', 'limit'],
      ['/api/v1/articles?limit=10&limit=20', 'limit'],
      ['/api/v1/articles?section=a&section=b', 'section'],
      ['/api/v1/articles?q=a&q=b', 'q'],
      ['/api/v1/articles?q[$ne]=x', 'q[$ne]'],
      [`/api/v1/articles?q=${'word%20'.repeat(60)}`, 'q'],
      ['/api/v1/articles?q=%00bank', 'q'],
      ['/api/v1/articles?q=bank%0a', 'q'],
      ['/api/v1/articles?section=%00', 'section'],
      ["/api/v1/articles?section=world'%20or%201=1--", 'section'],
      ['/api/v1/articles?tag=../../etc', 'tag'],
      ['/api/v1/articles?source=%F0%9F%92%A9', 'source'],
      ['/api/v1/articles?lang=english!', 'lang'],
      ['/api/v1/articles?cursor=not*base64', 'cursor'],
      ['/api/v1/articles?cursor=e30', 'cursor'],
      [`/api/v1/articles?cursor=${cursor({ k: 'p', t: "x' or 1=1", i: 1 })}`, 'cursor'],
      [`/api/v1/articles?cursor=${cursor({ k: 'p', t: '2024-03-01T09:00:00.000Z', i: 1e300 })}`, 'cursor'],
      [`/api/v1/articles?cursor=${cursor({ k: 't', i: 5, x: false })}`, 'cursor'],
      [`/api/v1/articles?q=bank&cursor=${cursor({ k: 'p', t: '2024-03-01T09:00:00.000Z', i: 5 })}`, 'cursor'],
      ['/api/v1/articles?utm_source=x', 'utm_source'],
      ['/api/v1/articles/5?full=1', 'full'],
      ['/api/v1/days?from=0000-00-00', 'from'],
      ['/api/v1/days?to=2024-03-08&from=2023-03-06', 'from'],
      ['/api/v1/header?lang=de', 'lang'],
      ['/api/v1/header?lang=en&lang=tr', 'lang'],
      ['/api/v1/sections?lang=%D8%B9', 'lang'],
      ['/api/v1/sources?x=1', 'x'],
      [`/api/v1/articles/${'9'.repeat(40)}`, 'id'],
    ];
    for (const [url, field, status = 400] of table) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
      expect(res.headers['content-type'], url).toMatch(/^application\/json/);
      expect(res.json().field, url).toBe(field);
    }
    // Numbers as large as the parameters allow: a 404 or an empty page, not a database error.
    const big = 9007199254740991;
    for (const [url, status] of [
      ['/api/v1/articles/999999999999999', 404],
      ['/api/v1/articles?source=999999999999999', 404],
      [`/api/v1/articles?cursor=${cursor({ k: 'p', t: '2024-03-01T09:00:00.000Z', i: big })}`, 200],
      [`/api/v1/articles?q=bank&cursor=${cursor({ k: 't', i: big, x: false })}`, 200],
      [`/api/v1/articles?cursor=${cursor({ k: 'p', t: '9999-12-31T23:59:59.999Z', i: 1 })}`, 200],
    ] as const) expect((await get(url)).statusCode, url).toBe(status);
    // Bytes that are no UTF-8, lone surrogates, odd encodings: a 400, an empty list or a 404, never a 500.
    for (const url of ['/api/v1/articles?q=%FF%FE', '/api/v1/articles?q=%ED%A0%80', '/api/v1/articles?section=%E0%A4', '/api/v1/articles?q=%', '/api/v1/articles?q=%%%', '/api/v1/articles?source=%C0%AF',
      '/api/v1/articles?q=' + encodeURIComponent('"unclosed phrase'), '/api/v1/articles?q=' + encodeURIComponent('-only -excluded'), '/api/v1/articles?q=' + encodeURIComponent('a* OR b NEAR(c) ^d {e} :f'),
      `/api/v1/articles?tag=${'x'.repeat(201)}`, '/api/v1/articles?lang=EN', '/api/v1/days?from=2024-03-08&to=2024-03-08', '/api/v1/articles%00', '/api/v1/articles/%00']) {
      const res = await get(url);
      expect([200, 400, 404], `${url}: ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
    }
    // A query string over the site's limit: the site's 400 page (before any route).
    expect((await get(`/api/v1/articles?q=${'a'.repeat(3000)}`)).statusCode).toBe(400);
  });

  it('serves an OpenAPI 3.1 description a validator accepts, and real answers match its schemas', async () => {
    const res = await get('/api/v1/openapi.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const doc = res.json();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(doc, 'doc');
    // Each answer against the schema the document gives its path (by JSON pointer into the document).
    const check = (path: string, status: string, body: unknown) => {
      const pointer = `doc#/paths/${encodeURIComponent(path.replaceAll('~', '~0').replaceAll('/', '~1'))}/get/responses/${status}/content/application~1json/schema`;
      const validate = ajv.compile({ $ref: pointer });
      return { ok: validate(body), errors: validate.errors };
    };
    // The check has teeth: an answer missing a field, or with a wrong type, fails.
    expect(check('/api/v1/days', '200', { from: '2024-01-01', to: '2024-01-02', days: [] }).ok).toBe(false);
    expect(check('/api/v1/header', '200', { ...(await json('/api/v1/header')), total: { count: '5', text: 'x' } }).ok).toBe(false);
    for (const r of CONTENT_ROUTES) {
      const op = doc.paths[`/api/v1${r.url.replace(/:(\w+)/g, '{$1}')}`]?.get;
      expect(op, r.url).toBeDefined();
      // Every parameter described; every answer a schema (errors: the shared Error).
      for (const p of op.parameters ?? []) expect(p.description, `${r.url} ${p.name}`).toMatch(/\w/);
      expect(op.responses['200'].content['application/json'].schema.type).toBe('object');
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '304', '400', '429']));
    }
    const first = (await json('/api/v1/articles?limit=100')).articles[0];
    const answers: [string, string][] = [
      ['/api/v1/articles', '/api/v1/articles?limit=3'],
      ['/api/v1/articles', '/api/v1/articles?q=bank'],
      ['/api/v1/articles', '/api/v1/articles?q=the'],
      ['/api/v1/articles/{id}', `/api/v1/articles/${first.id}`],
      ['/api/v1/days', '/api/v1/days'],
      ['/api/v1/header', '/api/v1/header?lang=ar'],
      ['/api/v1/sections', '/api/v1/sections'],
      ['/api/v1/sources', '/api/v1/sources'],
    ];
    for (const [path, url] of answers) {
      const { ok, errors } = check(path, '200', await json(url));
      expect(ok, `${url}: ${JSON.stringify(errors)}`).toBe(true);
    }
    const bad = await get('/api/v1/articles?limit=0');
    const errorSchema = ajv.compile({ $ref: 'doc#/components/schemas/Error' });
    expect(errorSchema(bad.json())).toBe(true);
  });
});
