import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { saveArticles } from '../store/articles.js';
import type { Store } from '../store/db.js';
import { ensureSource } from '../store/sources.js';
import { openTestStore, skipStoreTests } from '../store/testing.js';
import { buildApp } from './app.js';

let store: Store;
let app: FastifyInstance;
let wire: number;
const skip = await skipStoreTests();
const config = parseConfig({ siteName: 'Jarida Test', timeZone: 'Europe/Istanbul', languages: ['en', 'tr', 'ar'], siteUrl: 'https://news.example' }, {});

beforeAll(async () => {
  if (skip) return;
  store = await openTestStore();
  const desk = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
  wire = await ensureSource(store.db, { kind: 'manual', title: 'Wire' });
  const at = (d: string) => new Date(`${d}T09:00:00Z`);
  await saveArticles(store.db, [
    { sourceId: desk, guid: '1', title: 'İstanbul’da metro hattı açıldı', contentHtml: '<p>Yeni hat <b>Kadıköy</b> ile Kartal arasında çalışacak.</p>', publishedAt: at('2024-03-01'), language: 'tr' },
    { sourceId: wire, guid: '2', title: 'Central bank raises rates', contentHtml: '<p>The central bank raised interest rates <i>again</i>, citing &lt;inflation&gt;.</p>', publishedAt: at('2024-03-06'), language: 'en' },
    { sourceId: desk, guid: '3', title: 'افتتاح المكتبة الوطنية', contentHtml: '<p>قالت وزارة الثقافة إن المَكْتَبَةَ ستفتح أبوابها للقراء.</p>', publishedAt: at('2024-03-04'), language: 'ar' },
    { sourceId: desk, guid: '4', title: 'Bank holiday traffic', summary: 'Roads were busy near the bank.', publishedAt: at('2024-03-07'), language: 'en' },
  ], config.site.timeZone);
  app = await buildApp({ store, config, now: () => new Date('2024-03-08T12:00:00Z') });
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

const get = (url: string) => app.inject({ method: 'GET', url });
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe.skipIf(skip)('search pages', () => {
  it('finds articles, marks the words and keeps the page out of search engines', async () => {
    const res = await get('/search?q=ISTANBUL');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<mark>İstanbul</mark>’da metro hattı açıldı');
    expect(res.body).toContain('<meta name="robots" content="noindex">');
    expect(text(res.body)).toContain('1 result');
    expect(text(res.body)).not.toContain('1 results');
    expect(res.body).toContain('href="/2024/03/01/');
    const bank = await get('/search?q=bank');
    expect(text(bank.body)).toContain('2 results');
    // The snippet is the body's text, escaped, words marked.
    expect(bank.body).toContain('The central <mark>bank</mark> raised interest rates again, citing &lt;inflation&gt;.');
  });

  it('shows the form alone without a query, and a search box on every page', async () => {
    const res = await get('/search');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<form class="search-form"');
    expect(res.body).not.toContain('class="count"');
    const home = await get('/');
    expect(home.body).toContain('<form class="header-search" role="search" action="/search"');
    expect((await get('/tr/')).body).toContain('action="/tr/search"');
  });

  it('speaks the page language: Turkish and Arabic (right to left)', async () => {
    const tr = await get('/tr/search?q=kadikoy');
    expect(text(tr.body)).toContain('1 sonuç');
    expect(tr.body).toContain('<mark>Kadıköy</mark>');
    const ar = await get(`/ar/search?q=${encodeURIComponent('مكتبه')}`);
    expect(ar.body).toContain('<html lang="ar" dir="rtl">');
    expect(ar.body).toContain('<mark>المكتبة</mark>');
    expect(ar.body).toContain('<mark>المَكْتَبَةَ</mark>');
    expect(text(ar.body)).toContain('نتيجة واحدة');
  });

  it('says why when there is nothing to search for', async () => {
    expect(text((await get('/search?q=the+of+and')).body)).toContain('Those words are too common to search for');
    expect(text((await get(`/search?q=${encodeURIComponent('😀🎉')}`)).body)).toContain('Type a word to search for.');
    expect(text((await get('/search?q=-bank')).body)).toContain('-word only leaves words out');
    expect(text((await get('/search?q=zebra')).body)).toContain('Nothing found for “zebra”.');
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    expect(text((await get(`/search?q=${long}`)).body)).toContain('Only the first 12 words were searched.');
  });

  it('never fails on any query: operators, quotes, SQL, markup, control characters, long strings', async () => {
    const queries = [
      '"', '""', "'", '*', 'bank*', '^bank', 'title:bank', 'NEAR(bank rates)', 'bank AND', 'OR', 'NOT bank', '(', ')', '-', '--', '- -bank',
      'bank OR rates', 'a & b | !c', 'x:* <-> y', "' OR 1=1 --", 'bank; drop table articles', '%', '_', '\\', '{}', '[]',
      '<script>alert(1)</script>', '\u0000bank', '\u202ebank', 'bank\u200b', 'ّّّ', 'ـــ', '0', '١٢٣', 'b'.repeat(1500),
      Array.from({ length: 300 }, () => 'x').join(' '),
    ];
    for (const q of queries) {
      for (const path of ['/search', '/search.json']) {
        const res = await get(`${path}?q=${encodeURIComponent(q)}`);
        expect(res.statusCode, `${path} ${JSON.stringify(q.slice(0, 30))}`).toBe(200);
        if (path === '/search.json') expect(() => JSON.parse(res.body)).not.toThrow();
        else expect(res.body).not.toContain('<script>alert');
      }
    }
    // Malformed percent-encoding in the query: read with U+FFFD, as browsers do.
    for (const url of ['/search?q=%C3%28bank', '/search?q=%E0%A4%A', '/search.json?q=%FF%FE']) expect((await get(url)).statusCode, url).toBe(200);
    // The store still answers afterwards.
    expect(text((await get('/search?q=bank')).body)).toContain('2 results');
  });

  it('answers bad parameters with 400 (and a URL too long to read at all)', async () => {
    for (const url of [
      '/search?q=bank&from=2024-13-01', '/search?q=bank&to=yesterday', '/search?q=bank&from=2024-03-07&to=2024-03-01',
      '/search?q=bank&source=abc', '/search?q=bank&source=-1', '/search?q=bank&page=0', '/search?q=a&q=b',
      `/search?q=${'x'.repeat(10_000)}`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
    }
    expect((await get('/search?q=bank&page=2')).statusCode).toBe(404);
    const json = await get('/search.json?q=bank&from=nope');
    expect(json.statusCode).toBe(400);
    expect(json.headers['content-type']).toContain('application/json');
    expect(JSON.parse(json.body).error).toBe('from must be a day YYYY-MM-DD, got "nope"');
  });

  it('filters by day range and source', async () => {
    expect(text((await get('/search?q=bank&from=2024-03-07')).body)).toContain('1 result');
    expect((await get('/search?q=bank&from=2024-03-07')).body).toContain('<mark>Bank</mark> holiday traffic');
    const bySource = await get(`/search?q=bank&source=${wire}`);
    expect(text(bySource.body)).toContain('1 result');
    expect(bySource.body).toContain('raises rates');
    expect(bySource.body).toContain(`name="source" value="${wire}"`);
  });

  it('answers in JSON with URLs, snippets and counts', async () => {
    const res = await get('/search.json?q=central+bank');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ query: 'central bank', page: 1, pages: 1, total: 1, more: false, message: null });
    expect(body.results[0]).toMatchObject({
      title: 'Central bank raises rates',
      url: 'https://news.example/2024/03/06/central-bank-raises-rates/',
      day: '2024-03-06',
      source: 'Wire',
      language: 'en',
      snippet: 'The central bank raised interest rates again, citing <inflation>.',
      snippet_html: 'The <mark>central</mark> <mark>bank</mark> raised interest rates again, citing &lt;inflation&gt;.',
    });
    const common = JSON.parse((await get('/tr/search.json?q=ve+bir')).body);
    expect(common).toMatchObject({ total: 0, results: [], message: 'Bu kelimeler aranamayacak kadar yaygın. Daha belirgin bir kelime ekleyin.' });
  });
});

describe.skipIf(skip)('search pages: each language analysed as that language', () => {
  let store2: Store;
  let app2: FastifyInstance;
  beforeAll(async () => {
    store2 = await openTestStore();
    const desk = await ensureSource(store2.db, { kind: 'manual', title: 'Desk' });
    const at = (d: string) => new Date(`${d}T09:00:00Z`);
    await saveArticles(store2.db, [
      { sourceId: desk, guid: 'k', title: 'İstanbul\'da kış', contentHtml: '<p>Kar yağışı şehirde hayatı durdurdu.</p>', publishedAt: at('2024-03-01'), language: 'tr' },
      { sourceId: desk, guid: 'e', title: 'Elections in the region', contentHtml: '<p>Voters went to the polls.</p>', publishedAt: at('2024-03-02'), language: 'en' },
    ], config.site.timeZone);
    app2 = await buildApp({ store: store2, config, now: () => new Date('2024-03-08T12:00:00Z') });
  });
  afterAll(async () => {
    await app2?.close();
    await store2?.close();
  });

  it('finds İstanbul’da kış for kış, kis and KIŞ on every page (no longer "too common"), and still stems English', async () => {
    for (const q of ['kış', 'kis', 'KIŞ']) {
      for (const page of ['', '/tr', '/ar']) {
        const res = await app2.inject({ method: 'GET', url: `${page}/search?q=${encodeURIComponent(q)}` });
        expect(res.statusCode).toBe(200);
        expect(text(res.body), `${page}/search?q=${q}`).not.toContain('Those words are too common');
        expect(res.body, `${page}/search?q=${q}`).toContain('İstanbul&#39;da <mark>kış</mark>');
      }
    }
    expect(text((await app2.inject({ method: 'GET', url: '/search?q=k%C4%B1%C5%9F' })).body)).toContain('1 result');
    // English stemming stays: election finds Elections.
    const res = await app2.inject({ method: 'GET', url: '/search?q=election' });
    expect(text(res.body)).toContain('1 result');
    expect(res.body).toContain('<mark>Elections</mark> in the region');
  });
});
