import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { sql } from 'kysely';
import { validateXML } from 'xmllint-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type Config } from '../../config.js';
import { saveArticle } from '../../store/articles.js';
import { addSection } from '../../store/categories.js';
import type { Store } from '../../store/db.js';
import { saveSitePage } from '../../store/site-pages.js';
import { ensureSource } from '../../store/sources.js';
import { openTestStore, skipStoreTests } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { PageCache } from '../cache.js';
import { ARTICLE_PATH_BOUND, itemsPerFile, LIST_PATH_BOUND, monthParts, SITEMAP_LIMITS, urlsPerFile } from './plan.js';
import { urlEntryBound } from './xml.js';
import { registerSitemaps } from './routes.js';

const NOW = '2026-12-06T08:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const HOUR = 3600_000;
const ORIGIN = 'https://news.example';
const TZ = 'Europe/Istanbul';
const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

const config = (file: Record<string, unknown> = {}, env: Record<string, string> = {}): Config =>
  parseConfig({ siteName: 'Jarida & Co', databaseUrl: 'sqlite::memory:', timeZone: TZ, ...file }, { JARIDA_NOW: NOW, ...env });

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => ['url', 'sitemap', 'xhtml:link'].includes(name) });
type UrlEntry = { loc: string; lastmod?: string; 'xhtml:link'?: { '@hreflang': string; '@href': string }[]; 'news:news'?: Record<string, any> };

/** Parses a sitemap strictly (well-formed, one root) into its entries. */
function parse(xml: string): { urls: UrlEntry[]; sitemaps: { loc: string; lastmod?: string }[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml);
  return { urls: doc.urlset?.url ?? [], sitemaps: doc.sitemapindex?.sitemap ?? [] };
}

/** Validates a urlset (with its xhtml:link alternates) or a sitemap index against the sitemaps.org schemas. */
async function validateSchema(xml: string, kind: 'urlset' | 'index'): Promise<string[]> {
  const result = kind === 'index'
    ? await validateXML({ xml: [{ fileName: 'index.xml', contents: xml }], schema: [testdata('siteindex.xsd')], maxMemoryPages: 16384 })
    : await validateXML({
      xml: [{ fileName: 'file.xml', contents: xml }],
      schema: [testdata('sitemap-with-alternates.xsd')],
      preload: [{ fileName: 'sitemap.xsd', contents: testdata('sitemap.xsd') }, { fileName: 'xhtml-link.xsd', contents: testdata('xhtml-link.xsd') }],
      maxMemoryPages: 16384,
    });
  return result.errors.map((e) => e.rawMessage);
}

/** Each enabled language's prefix, in the order entries and alternates come (LANGS order, the default `en` at `/`). */
const PREFIXES: [string, string][] = [['en', ''], ['tr', '/tr'], ['ar', '/ar']];

/** Returns every language version of default-language paths, as absolute URLs: each path's versions together. */
const everyLanguage = (paths: string[]) => paths.flatMap((p) => PREFIXES.map(([, prefix]) => `${ORIGIN}${prefix}${p}`));

/**
 * Checks that every entry's alternates are the full set of its path's versions, itself included
 * (its own hreflang pointing at its loc), and x-default at the default language's URL.
 */
function expectFullAlternates(urls: UrlEntry[]) {
  for (const u of urls) {
    const path = u.loc.slice(ORIGIN.length).replace(/^\/(tr|ar)\//, '/');
    const links = u['xhtml:link']!.map((l) => [l['@hreflang'], l['@href']]);
    expect(links, u.loc).toEqual([...PREFIXES.map(([lang, prefix]) => [lang, `${ORIGIN}${prefix}${path}`]), ['x-default', `${ORIGIN}${path}`]]);
    expect(links.filter(([lang, href]) => lang !== 'x-default' && href === u.loc), u.loc).toHaveLength(1);
  }
}

/** The exact lastmod of a set of published articles, straight from the table. */
async function truthLastmod(store: Store, where: (q: any) => any): Promise<string | null> {
  const r = await where(store.db.selectFrom('articles').select([sql<string>`max(published_at)`.as('p'), sql<string>`max(updated_at)`.as('u')]).where('status', '=', 'published')).executeTakeFirst();
  return [r?.p, r?.u].filter(Boolean).sort().pop() ?? null;
}

describe.skipIf(await skipStoreTests())('sitemaps', () => {
  let store: Store;
  let app: FastifyInstance;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    store = await openTestStore();
    await addSection(store.db, 'economy', { name: 'Economy', en: 'Economy', tr: 'Ekonomi', ar: 'اقتصاد' });
    const wire = await ensureSource(store.db, { kind: 'feed', title: 'Wire', url: 'https://wire.example/feed.xml', siteUrl: 'https://wire.example/' });
    const save = async (key: string, hoursAgo: number, extra: Record<string, unknown> = {}) => {
      const r = await saveArticle(store.db, { sourceId: wire, guid: key, title: `Title ${key} & <co>`, language: 'en', categories: ['Economy', 'Banks'], publishedAt: new Date(NOW_MS - hoursAgo * HOUR), ...extra }, TZ);
      ids[key] = r.id;
    };
    // November (local time): ten articles.
    for (let i = 0; i < 10; i++) await save(`nov-${i}`, 6 * 24 + 30 + i * 24, { language: i % 2 ? 'tr' : 'ar-EG' });
    // December: the news window's edges, a future one, and what never shows.
    await save('in-47h59m', 47 + 59 / 60);
    await save('out-48h01m', 48 + 1 / 60);
    await save('recent', 1, { title: 'Son dakika: ekonomi', language: 'tr' });
    await save('future', -1);
    await save('hidden', 5, { status: 'hidden' });
    await save('draft', 6, { status: 'draft' });
    await save('scheduled', -5, { status: 'scheduled' });
    await saveSitePage(store.db, { slug: 'about', lang: 'en', title: 'About', body: 'Us', format: 'markdown', html: '<p>Us</p>' }, new Date('2026-10-01T00:00:00Z'));
    await saveSitePage(store.db, { slug: 'about', lang: 'tr', title: 'Hakkımızda', body: 'Biz', format: 'markdown', html: '<p>Biz</p>' }, new Date('2026-11-02T00:00:00Z'));
    app = await buildApp({ store, config: config({ siteUrl: `${ORIGIN}/` }) });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const get = async (url: string, a = app) => {
    const res = await a.inject({ url });
    expect(res.statusCode, url).toBe(200);
    return res;
  };

  it('the index lists the news sitemap, pages, sections, tags, sources and one file per month, each with its exact lastmod', async () => {
    const res = await get('/sitemap.xml');
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.headers['surrogate-key']).toBe('home');
    const { sitemaps } = parse(res.body);
    const locs = sitemaps.map((s) => s.loc.replace(`${ORIGIN}/sitemaps/`, ''));
    expect(locs).toEqual(['news.xml', 'pages.xml', 'sections.xml', 'tags.xml', 'sources.xml', 'articles-2026-12.xml', 'articles-2026-11.xml']);
    const lastmod = (name: string) => sitemaps.find((s) => s.loc.endsWith(`/${name}`))!.lastmod;
    expect(lastmod('articles-2026-11.xml')).toBe(await truthLastmod(store, (q) => q.where('local_day', 'like', '2026-11-%')));
    expect(lastmod('articles-2026-12.xml')).toBe(await truthLastmod(store, (q) => q.where('local_day', 'like', '2026-12-%')));
    expect(lastmod('pages.xml')).toBe('2026-11-02T00:00:00.000Z');
    expect(lastmod('news.xml')).toBe(await truthLastmod(store, (q) => q.where('published_at', '>=', new Date(NOW_MS - 48 * HOUR).toISOString()).where('published_at', '<=', NOW)));
    expect(await validateSchema(res.body, 'index')).toEqual([]);
  });

  it('a month file lists each published article once per enabled language (hidden, draft and scheduled never), with lastmod and the full hreflang set in every entry', async () => {
    const res = await get('/sitemaps/articles-2026-12.xml');
    expect(res.headers['surrogate-key']).toBe('month-2026-12');
    const { urls } = parse(res.body);
    const rows = await store.db.selectFrom('articles').select(['id', 'slug', 'local_day', 'published_at', 'updated_at']).where('status', '=', 'published').where('local_day', 'like', '2026-12-%').orderBy('published_at').execute();
    expect(urls.map((u) => u.loc)).toEqual(everyLanguage(rows.map((r) => `/${r.local_day.replaceAll('-', '/')}/${r.slug}/`)));
    expect(urls.map((u) => u.lastmod)).toEqual(rows.flatMap((r) => PREFIXES.map(() => (r.updated_at > r.published_at ? r.updated_at : r.published_at))));
    expectFullAlternates(urls);
    for (const key of ['hidden', 'draft', 'scheduled']) expect(res.body).not.toContain(`/${(await store.db.selectFrom('articles').select('slug').where('id', '=', ids[key]!).executeTakeFirstOrThrow()).slug}/`);
    const first = urls[0]!;
    const path = first.loc.slice(ORIGIN.length);
    expect(first['xhtml:link']!.map((l) => [l['@hreflang'], l['@href']])).toEqual([
      ['en', `${ORIGIN}${path}`],
      ['tr', `${ORIGIN}/tr${path}`],
      ['ar', `${ORIGIN}/ar${path}`],
      ['x-default', `${ORIGIN}${path}`],
    ]);
    expect(urls[1]!.loc).toBe(`${ORIGIN}/tr${path}`);
    expect(urls[1]!['xhtml:link']).toEqual(first['xhtml:link']);
    // Every listed URL answers.
    for (const u of urls.slice(0, 6)) expect((await app.inject({ url: u.loc.slice(ORIGIN.length) })).statusCode, u.loc).toBe(200);
    expect(await validateSchema(res.body, 'urlset')).toEqual([]);
  });

  it('sections, tags, sources and own pages: an entry per language, each with the full hreflang set, lastmod of their newest article', async () => {
    const sectionsXml = (await get('/sitemaps/sections.xml')).body;
    const sections = parse(sectionsXml).urls;
    expect(sections.map((u) => u.loc)).toEqual(everyLanguage(['/section/economy/']));
    const tags = parse((await get('/sitemaps/tags.xml')).body).urls;
    expect(tags.map((u) => u.loc)).toEqual(everyLanguage(['/tag/banks/']));
    const newestFiled = await store.db.selectFrom('article_categories').select(sql<string>`max(published_at)`.as('m')).where('published', '=', 1).executeTakeFirstOrThrow();
    expect(new Set(tags.map((u) => u.lastmod))).toEqual(new Set([newestFiled.m]));
    const sources = parse((await get('/sitemaps/sources.xml')).body).urls;
    expect(sources.map((u) => u.loc)).toEqual(everyLanguage(['/source/wire/']));
    const pagesXml = (await get('/sitemaps/pages.xml')).body;
    const pages = parse(pagesXml).urls;
    expect(pages.map((u) => [u.loc, u.lastmod])).toEqual(everyLanguage(['/about/']).map((loc) => [loc, '2026-11-02T00:00:00.000Z']));
    for (const list of [sections, tags, sources, pages]) expectFullAlternates(list);
    for (const u of [...sections, ...tags, ...sources, ...pages]) expect((await app.inject({ url: u.loc.slice(ORIGIN.length) })).statusCode, u.loc).toBe(200);
    expect(await validateSchema(sectionsXml, 'urlset')).toEqual([]);
    expect(await validateSchema(pagesXml, 'urlset')).toEqual([]);
  });

  it('the news sitemap holds exactly the articles of the last 48 hours by the clock (47h59m in, 48h01m out, the future out)', async () => {
    const res = await get('/sitemaps/news.xml');
    const { urls } = parse(res.body);
    const slugOf = async (key: string) => (await store.db.selectFrom('articles').select('slug').where('id', '=', ids[key]!).executeTakeFirstOrThrow()).slug;
    const listed = urls.map((u) => u.loc.split('/').at(-2));
    // Once per article, at the default language's URL: no /tr/ or /ar/ copies, no alternates.
    expect(listed).toEqual([await slugOf('recent'), await slugOf('in-47h59m')]);
    expect(urls.map((u) => u.loc.slice(ORIGIN.length))).toEqual(urls.map((u) => expect.stringMatching(/^\/2026\//)));
    expect(urls.every((u) => !u['xhtml:link'])).toBe(true);
    const news = urls[0]!['news:news']!;
    expect(news['news:publication']).toEqual({ 'news:name': 'Jarida & Co', 'news:language': 'tr' });
    expect(news['news:publication_date']).toBe(new Date(NOW_MS - HOUR).toISOString());
    expect(news['news:title']).toBe('Son dakika: ekonomi');
    expect(res.body).toContain('<news:title>Title in-47h59m &amp; &lt;co&gt;</news:title>');
  });

  it('a lowered per-file limit splits a month into numbered parts: the cap counts entries (cap / 3 articles with three languages), every version once, index and files agreeing, lastmods exact', async () => {
    const small = Fastify();
    registerSitemaps(small, { store, config: config({ siteUrl: ORIGIN }), now: () => new Date(NOW) }, { ...SITEMAP_LIMITS, maxUrls: 7, batch: 2 });
    const index = parse((await get('/sitemap.xml', small)).body).sitemaps;
    const months = index.filter((s) => s.loc.includes('/articles-2026-11'));
    // Ten articles, two (six entries) a file.
    expect(months.map((s) => s.loc.replace(`${ORIGIN}/sitemaps/`, ''))).toEqual(['articles-2026-11.xml', 'articles-2026-11-2.xml', 'articles-2026-11-3.xml', 'articles-2026-11-4.xml', 'articles-2026-11-5.xml']);
    const seen: string[] = [];
    for (const m of months) {
      const { urls } = parse((await get(m.loc.slice(ORIGIN.length), small)).body);
      expect(urls.length).toBe(6);
      expect(m.lastmod).toBe(urls.map((u) => u.lastmod!).sort().pop());
      expectFullAlternates(urls);
      seen.push(...urls.map((u) => u.loc));
    }
    const nov = await store.db.selectFrom('articles').select(['slug', 'local_day']).where('status', '=', 'published').where('local_day', 'like', '2026-11-%').orderBy('published_at').execute();
    expect(seen).toEqual(everyLanguage(nov.map((r) => `/${r.local_day.replaceAll('-', '/')}/${r.slug}/`)));
    for (const url of ['/sitemaps/articles-2026-11-6.xml', '/sitemaps/articles-2026-11-1.xml', '/sitemaps/articles-2026-10.xml', '/sitemaps/articles-2026-13.xml', '/sitemaps/news-2.xml', '/sitemaps/nope.xml']) {
      expect((await small.inject({ url })).statusCode, url).toBe(404);
    }
    await small.close();
  });

  it('a one-language site is unchanged: one entry per article, section and page, no alternates, the cap counting articles', async () => {
    const one = Fastify();
    registerSitemaps(one, { store, config: config({ siteUrl: ORIGIN, languages: ['en'] }), now: () => new Date(NOW) }, { ...SITEMAP_LIMITS, maxUrls: 3, batch: 2 });
    const index = parse((await get('/sitemap.xml', one)).body).sitemaps;
    const months = index.filter((s) => s.loc.includes('/articles-2026-11'));
    expect(months).toHaveLength(4);
    const seen: UrlEntry[] = [];
    for (const m of months) seen.push(...parse((await get(m.loc.slice(ORIGIN.length), one)).body).urls);
    const nov = await store.db.selectFrom('articles').select(['slug', 'local_day']).where('status', '=', 'published').where('local_day', 'like', '2026-11-%').orderBy('published_at').execute();
    expect(seen.map((u) => u.loc)).toEqual(nov.map((r) => `${ORIGIN}/${r.local_day.replaceAll('-', '/')}/${r.slug}/`));
    const sections = parse((await get('/sitemaps/sections.xml', one)).body).urls;
    const pagesXml = (await get('/sitemaps/pages.xml', one)).body;
    expect(sections.map((u) => u.loc)).toEqual([`${ORIGIN}/section/economy/`]);
    expect(parse(pagesXml).urls.map((u) => u.loc)).toEqual([`${ORIGIN}/about/`]);
    for (const u of [...seen, ...sections]) expect(u['xhtml:link']).toBeUndefined();
    expect(await validateSchema(pagesXml, 'urlset')).toEqual([]);
    await one.close();
  });

  it('plans files within the limits: entries per file under 50,000 and 50 MB at the longest paths, a file holding entries / languages items', () => {
    for (const origin of [ORIGIN, `https://${'x'.repeat(200)}.example`]) {
      for (const [bound, languages] of [[ARTICLE_PATH_BOUND, 1], [ARTICLE_PATH_BOUND, 3], [LIST_PATH_BOUND, 2], [LIST_PATH_BOUND, 3]] as const) {
        const entries = urlsPerFile(SITEMAP_LIMITS, origin, languages, bound);
        const items = itemsPerFile(SITEMAP_LIMITS, origin, languages, bound);
        expect(items).toBe(Math.floor(entries / languages));
        expect(items * languages).toBeLessThanOrEqual(50_000);
        expect(items * languages * urlEntryBound(origin, bound, languages > 1 ? languages + 1 : 0) + 500).toBeLessThanOrEqual(52_428_800);
      }
    }
    // Short paths fit the URL cap before the byte cap: 16,666 articles (49,998 entries) with three languages.
    expect(itemsPerFile({ ...SITEMAP_LIMITS, maxBytes: 200 << 20 }, ORIGIN, 3, 60)).toBe(16_666);
    expect(itemsPerFile({ ...SITEMAP_LIMITS, maxUrls: 2 }, ORIGIN, 3, 60)).toBe(1); // never zero
  });

  it('a file over cacheBytes is streamed (gzip when asked), same bytes as made whole', async () => {
    const whole = (await get('/sitemaps/articles-2026-11.xml')).body;
    const streaming = Fastify();
    registerSitemaps(streaming, { store, config: config({ siteUrl: ORIGIN }), now: () => new Date(NOW) }, { ...SITEMAP_LIMITS, cacheBytes: 100, batch: 3 });
    const plain = await streaming.inject({ url: '/sitemaps/articles-2026-11.xml' });
    expect(plain.body).toBe(whole);
    expect(plain.headers['surrogate-key']).toBe('month-2026-11');
    expect(plain.headers['cache-control']).toMatch(/s-maxage=/);
    const gz = await streaming.inject({ url: '/sitemaps/articles-2026-11.xml', headers: { 'accept-encoding': 'br, gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(whole);
    const brOnly = await streaming.inject({ url: '/sitemaps/articles-2026-11.xml', headers: { 'accept-encoding': 'br, gzip;q=0' } });
    expect(brOnly.headers['content-encoding']).toBeUndefined();
    const head = await streaming.inject({ method: 'HEAD', url: '/sitemaps/articles-2026-11.xml' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    await streaming.close();
  });

  it('robots.txt names both sitemaps and disallows the desk, search pages and the configured paths', async () => {
    const c = config({ siteUrl: ORIGIN, robots: { disallow: ['/print/', '/*?utm_'] } });
    const a = await buildApp({ store, config: c });
    const res = await get('/robots.txt', a);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe([
      'User-agent: *',
      'Disallow: /admin',
      'Disallow: /api/admin',
      'Disallow: /search',
      'Disallow: /tr/search',
      'Disallow: /ar/search',
      'Disallow: /print/',
      'Disallow: /*?utm_',
      '',
      `Sitemap: ${ORIGIN}/sitemap.xml`,
      `Sitemap: ${ORIGIN}/sitemaps/news.xml`,
      '',
    ].join('\n'));
    await a.close();
  });

  it('without a siteUrl: links from the Host header, never cached; a bad Host is a 400', async () => {
    const a = await buildApp({ store, config: config() });
    const robots = await a.inject({ url: '/robots.txt', headers: { host: 'mirror.example:8080' } });
    expect(robots.body).toContain('Sitemap: http://mirror.example:8080/sitemap.xml');
    expect(robots.headers['surrogate-key']).toBeUndefined();
    const index = await a.inject({ url: '/sitemap.xml', headers: { host: 'mirror.example:8080' } });
    expect(parse(index.body).sitemaps[0]!.loc).toBe('http://mirror.example:8080/sitemaps/news.xml');
    expect(index.headers.etag).toBeUndefined();
    const bad = await a.inject({ url: '/sitemaps/articles-2026-11.xml', headers: { host: 'evil.example/"><x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['cache-control']).toBe('no-store');
    await a.close();
  });

  it('served from the page cache; a change in one month drops just that month file', async () => {
    const c = config({ siteUrl: ORIGIN });
    const cache = new PageCache({ maxBytes: 8 << 20, timeZone: TZ, now: () => new Date(NOW) });
    const a = await buildApp({ store, config: c, cache });
    const base = await a.listen({ port: 0, host: '127.0.0.1' });
    try {
      const fetchCache = async (path: string) => (await fetch(`${base}${path}`)).headers.get('x-cache');
      expect(await fetchCache('/sitemaps/articles-2026-11.xml')).toBe('miss');
      expect(await fetchCache('/sitemaps/articles-2026-12.xml')).toBe('miss');
      expect(await fetchCache('/sitemaps/articles-2026-11.xml')).toBe('hit');
      // What an edited December article signals (web/cache.ts invalidationOf): its month's tag, home …
      cache.invalidate({ tags: ['home', 'month-2026-12'] });
      expect(await fetchCache('/sitemaps/articles-2026-11.xml')).toBe('hit');
      expect(await fetchCache('/sitemaps/articles-2026-12.xml')).not.toBe('hit');
      expect(await fetchCache('/robots.txt')).toBe('miss');
      expect(await fetchCache('/robots.txt')).toBe('hit');
      // The news sitemap's window moves with the clock: made per request, kept by CDNs for s-maxage only.
      const news = await fetch(`${base}/sitemaps/news.xml`);
      expect(news.headers.get('x-cache')).toBeNull();
      expect(news.headers.get('cache-control')).toMatch(/s-maxage=60/);
      expect((await fetch(`${base}/sitemaps/news.xml`)).headers.get('x-cache')).toBeNull();
    } finally {
      await a.close();
    }
  });
});

describe.skipIf(await skipStoreTests())('sitemaps of an empty site', () => {
  it('makes the news sitemap again when the clock reaches the next minute, not for each request (NEWS_MEMO_MS at most)', async () => {
    const store = await openTestStore();
    let clock = NOW_MS;
    const a = await buildApp({ store, config: config({ siteUrl: ORIGIN }), now: () => new Date(clock) });
    try {
      const titles = async () => parse((await a.inject({ url: '/sitemaps/news.xml' })).body).urls.map((u) => u['news:news']!['news:title']);
      expect(await titles()).toEqual([]);
      const wire = await ensureSource(store.db, { kind: 'feed', title: 'Wire', url: 'https://wire.example/feed.xml' });
      await saveArticle(store.db, { sourceId: wire, guid: 'n1', title: 'Fresh', language: 'en', publishedAt: new Date(NOW_MS - HOUR) }, TZ);
      expect(await titles()).toEqual([]); // the same minute: the one made a moment ago
      clock += 60_000;
      expect(await titles()).toEqual(['Fresh']);
    } finally {
      await a.close();
      await store.close();
    }
  });

  it('answers without a 500: an empty index and news sitemap, 404 for files with nothing to list', async () => {
    const empty = await openTestStore();
    const a = await buildApp({ store: empty, config: config({ siteUrl: ORIGIN }) });
    try {
      const index = await a.inject({ url: '/sitemap.xml' });
      expect(index.statusCode).toBe(200);
      expect(parse(index.body).sitemaps).toEqual([]);
      const news = await a.inject({ url: '/sitemaps/news.xml' });
      expect(news.statusCode).toBe(200);
      expect(parse(news.body).urls).toEqual([]);
      for (const url of ['/sitemaps/articles-2026-11.xml', '/sitemaps/pages.xml', '/sitemaps/sections.xml', '/sitemaps/tags.xml', '/sitemaps/sources.xml']) {
        expect((await a.inject({ url })).statusCode, url).toBe(404);
      }
    } finally {
      await a.close();
      await empty.close();
    }
  });
});

describe('monthParts: a month\'s files hold whole days', () => {
  const day = (d: number, count: number) => ({ day: `2026-11-${String(d).padStart(2, '0')}`, count, lastmod: `2026-11-${String(d).padStart(2, '0')}T12:00:00.000Z` });
  const shape = (parts: ReturnType<typeof monthParts>) => parts.map((p) => p.map((s) => `${s.day.day.slice(8)}:${s.skip}+${s.take}`).join(' '));

  it('packs whole days up to the per-file count, and cuts only a day larger than a file', () => {
    expect(shape(monthParts([day(1, 1), day(2, 5), day(3, 2), day(4, 1)], 2))).toEqual(['01:0+1', '02:0+2', '02:2+2', '02:4+1', '03:0+2', '04:0+1']);
    expect(shape(monthParts([day(1, 3), day(2, 3), day(3, 3)], 7))).toEqual(['01:0+3 02:0+3', '03:0+3']);
    expect(shape(monthParts([day(1, 4), day(2, 4)], 4))).toEqual(['01:0+4', '02:0+4']);
    expect(monthParts([], 10)).toEqual([]);
  });

  it('lists every article of the month once, in order, in files of at most perFile, for any counts', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let round = 0; round < 500; round++) {
      const days = Array.from({ length: 1 + rand(31) }, (_, i) => day(i + 1, 1 + rand(rand(4) === 0 ? 40 : 6)));
      const perFile = 1 + rand(12);
      const parts = monthParts(days, perFile);
      const listed = parts.flatMap((p) => p.flatMap((s) => Array.from({ length: s.take }, (_, k) => `${s.day.day}#${s.skip + k}`)));
      expect(listed).toEqual(days.flatMap((d) => Array.from({ length: d.count }, (_, k) => `${d.day}#${k}`)));
      for (const p of parts) {
        expect(p.reduce((n, s) => n + s.take, 0)).toBeLessThanOrEqual(perFile);
        expect(p.length).toBeGreaterThan(0);
        // A cut day is alone in its file; in a file of several runs every run is a whole day.
        if (p.some((s) => s.take < s.day.count)) expect(p).toHaveLength(1);
        if (p.length === 1 && p[0]!.take < p[0]!.day.count) expect(p[0]!.day.count).toBeGreaterThan(perFile);
      }
      // Files are as full as whole days allow: the next day did not fit in the file before it.
      for (let i = 1; i < parts.length; i++) {
        const held = parts[i - 1]!.reduce((n, s) => n + s.take, 0);
        const next = parts[i]![0]!;
        if (next.skip === 0 && parts[i - 1]!.every((s) => s.take === s.day.count)) expect(held + next.day.count).toBeGreaterThan(perFile);
      }
    }
  });
});

describe.skipIf(await skipStoreTests())('sitemaps: a month of uneven days in parts', () => {
  it('index and files agree on parts of whole days, a day larger than a file cut by count, each lastmod exact', async () => {
    const store = await openTestStore();
    const app = Fastify();
    const get = async (url: string, a: FastifyInstance) => {
      const res = await a.inject({ url });
      expect(res.statusCode, url).toBe(200);
      return res;
    };
    try {
      const wire = await ensureSource(store.db, { kind: 'feed', title: 'Wire', url: 'https://wire.example/feed.xml', siteUrl: 'https://wire.example/' });
      // Local days of November (Istanbul, UTC+3) with 1, 5, 2 and 1 articles; one edited later.
      const counts = [1, 5, 2, 1];
      for (const [i, n] of counts.entries()) {
        for (let k = 0; k < n; k++) {
          const publishedAt = new Date(Date.UTC(2026, 10, 10 + i, 6, 10 * k));
          await saveArticle(store.db, { sourceId: wire, guid: `d${i}-${k}`, title: `Day ${i} story ${k}`, language: 'en', publishedAt }, TZ);
        }
      }
      await sql`update articles set updated_at = published_at`.execute(store.db);
      await sql`update articles set updated_at = ${'2026-12-01T09:00:00.000Z'} where guid = ${'d1-1'}`.execute(store.db);
      // Seven URLs a file with three languages: two articles.
      registerSitemaps(app, { store, config: config({ siteUrl: ORIGIN }), now: () => new Date(NOW) }, { ...SITEMAP_LIMITS, maxUrls: 7, batch: 2 });
      const files = parse((await get('/sitemap.xml', app)).body).sitemaps.filter((f) => f.loc.includes('/articles-2026-11'));
      expect(files.map((f) => f.loc.replace(`${ORIGIN}/sitemaps/articles-2026-11`, ''))).toEqual(['.xml', '-2.xml', '-3.xml', '-4.xml', '-5.xml', '-6.xml']);
      const perFile: string[][] = [];
      for (const f of files) {
        const { urls } = parse((await get(f.loc.slice(ORIGIN.length), app)).body);
        expect(f.lastmod, f.loc).toBe(urls.map((u) => u.lastmod!).sort().pop());
        perFile.push(urls.filter((u) => !/\/(tr|ar)\//.test(u.loc)).map((u) => u.loc.replace(/^.*\/(\d{2})\/day-(\d)-story-(\d)\/$/, '$1 $2.$3')));
      }
      expect(perFile).toEqual([['10 0.0'], ['11 1.0', '11 1.1'], ['11 1.2', '11 1.3'], ['11 1.4'], ['12 2.0', '12 2.1'], ['13 3.0']]);
      expect(files[1]!.lastmod).toBe('2026-12-01T09:00:00.000Z'); // the edit, in the cut day's part that holds it
      expect(files[2]!.lastmod).toBe('2026-11-11T06:30:00.000Z');
      expect((await app.inject({ url: '/sitemaps/articles-2026-11-7.xml' })).statusCode).toBe(404);
    } finally {
      await app.close();
      await store.close();
    }
  });
});

describe('robots config', () => {
  it('reads robots.disallow from the file or JARIDA_ROBOTS_DISALLOW (comma-separated), each a path starting with /', () => {
    expect(config().robots.disallow).toEqual([]);
    expect(config({ robots: { disallow: ['/print/'] } }).robots.disallow).toEqual(['/print/']);
    expect(config({ robots: { disallow: ['/print/'] } }, { JARIDA_ROBOTS_DISALLOW: '/a/, /b' }).robots.disallow).toEqual(['/a/', '/b']);
    const problems = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as ConfigError).problems.map((p) => p.field);
      }
      return [];
    };
    expect(problems(() => config({ robots: { disallow: ['print/'] } }))).toEqual(['robots.disallow[0]']);
    expect(problems(() => config({ robots: { disallow: ['/a\nSitemap: https://evil.example/'] } }))).toEqual(['robots.disallow[0]']);
    expect(problems(() => config({ robots: { disallow: '/a' } }))).toEqual([]);
    expect(problems(() => config({ robots: { disallow: 42 } }))).toEqual(['robots.disallow']);
    expect(problems(() => config({ robots: { allow: ['/'] } }))).toEqual(['robots.allow']);
    expect(problems(() => config({}, { JARIDA_ROBOTS_DISALLOW: 'nope' }))).toEqual(['robots.disallow[0]']);
  });
});
