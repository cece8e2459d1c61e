/**
 * The sitemaps of a 200,000-article site in three languages (SQLite only: the filling is what takes
 * time): every file within the protocol's limits, every article's URL in every language exactly
 * once, each entry with the full set of alternates, schema-checked, the lastmods exact, the news
 * sitemap exactly the last 48 hours (once per article).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { sql } from 'kysely';
import { validateXML } from 'xmllint-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { setArticleStatus } from '../../store/articles.js';
import type { Store } from '../../store/db.js';
import { fillTestArticles, openTestStore, testStoreKind } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { sitemapFile } from './files.js';
import { SITEMAP_LIMITS } from './plan.js';

const TOTAL = 200_000;
const NOW = '2026-12-06T08:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const HOUR = 3600_000;
const ORIGIN = 'https://news.example';
const TZ = 'Europe/Istanbul';
const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => ['url', 'sitemap', 'xhtml:link'].includes(name) });
type UrlEntry = { loc: string; lastmod: string; 'xhtml:link'?: { '@hreflang': string; '@href': string }[] };

/** Each enabled language's prefix (LANGS order, `en` the default at `/`). */
const PREFIXES: [string, string][] = [['en', ''], ['tr', '/tr'], ['ar', '/ar']];

/** The alternates every version of a default-language path carries: each language's URL, then x-default. */
const alternatesOf = (path: string) =>
  PREFIXES.map(([lang, prefix]) => `<xhtml:link rel="alternate" hreflang="${lang}" href="${ORIGIN}${prefix}${path}"/>`).join('') +
  `<xhtml:link rel="alternate" hreflang="x-default" href="${ORIGIN}${path}"/>`;

/**
 * Returns a urlset's entries read with one regular expression (600,000 of them: a full parse of each
 * would double the test's time), after checking that it matched every `<url>` of the file.
 */
function scanUrls(xml: string): { loc: string; lastmod: string; links: string }[] {
  const out = [...xml.matchAll(/<url><loc>([^<]*)<\/loc><lastmod>([^<]*)<\/lastmod>((?:<xhtml:link [^>]*\/>)*)<\/url>\n/g)].map((m) => ({ loc: m[1]!, lastmod: m[2]!, links: m[3]! }));
  expect(out.length).toBe(xml.split('<url>').length - 1);
  return out;
}

describe.skipIf(testStoreKind() !== 'sqlite')('sitemaps of a 200,000-article site', () => {
  let store: Store;
  let app: FastifyInstance;
  const hidden = new Set<string>();

  beforeAll(async () => {
    store = await openTestStore();
    const t0 = performance.now();
    // 100 days ending 40 hours ago (~83 an hour): some 8 hours of them in the news window.
    await fillTestArticles(store, TOTAL, { endMs: NOW_MS - 40 * HOUR, spanMs: 100 * 24 * HOUR, timeZone: TZ });
    console.log(`filled ${TOTAL} articles in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const i of [0, 77_777, 199_999]) {
      const r = await store.db.selectFrom('articles').select(['id', 'slug']).where('slug', '=', `a-${i}`).executeTakeFirstOrThrow();
      await setArticleStatus(store.db, Number(r.id), 'hidden');
      hidden.add(r.slug);
    }
    app = await buildApp({ store, config: parseConfig({ siteUrl: ORIGIN, databaseUrl: 'sqlite::memory:', timeZone: TZ }, { JARIDA_NOW: NOW }) });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('every file within 50,000 URLs and 50 MB, every published article once in each language with the full alternates, lastmods exact, the news sitemap exactly the last 48 hours', async () => {
    const t0 = performance.now();
    const indexRes = await app.inject({ url: '/sitemap.xml' });
    console.log(`index in ${(performance.now() - t0).toFixed(0)} ms`);
    const index = parser.parse(indexRes.body).sitemapindex.sitemap as { loc: string; lastmod: string }[];
    expect((await validateXML({ xml: indexRes.body, schema: [testdata('siteindex.xsd')] })).errors).toEqual([]);
    const seen = new Map<string, string>();
    const twice: string[] = [];
    const badAlternates: string[] = [];
    let months = 0;
    let validated = false;
    for (const s of index) {
      const res = await app.inject({ url: s.loc.slice(ORIGIN.length) });
      expect(res.statusCode, s.loc).toBe(200);
      expect(res.rawPayload.length, s.loc).toBeLessThanOrEqual(52_428_800);
      if (!s.loc.includes('/articles-')) {
        expect(((parser.parse(res.body).urlset.url ?? []) as UrlEntry[]).length, s.loc).toBeLessThanOrEqual(50_000);
        continue;
      }
      const urls = scanUrls(res.body);
      expect(urls.length, s.loc).toBeLessThanOrEqual(50_000);
      expect(urls.length % 3, s.loc).toBe(0); // every article's three versions in the same file
      months++;
      // The index's lastmod is the newest of the file's.
      expect(s.lastmod, s.loc).toBe(urls.reduce((m, u) => (u.lastmod > m ? u.lastmod : m), ''));
      for (const u of urls) {
        if (seen.has(u.loc)) twice.push(u.loc);
        seen.set(u.loc, u.lastmod);
        // The same full set in each version's entry, itself included.
        if (u.links !== alternatesOf(u.loc.slice(ORIGIN.length).replace(/^\/(tr|ar)\//, '/'))) badAlternates.push(u.loc);
      }
      if (!validated) {
        const checked = await validateXML({
          xml: [{ fileName: 'month.xml', contents: res.body }],
          schema: [testdata('sitemap-with-alternates.xsd')],
          preload: [{ fileName: 'sitemap.xsd', contents: testdata('sitemap.xsd') }, { fileName: 'xhtml-link.xsd', contents: testdata('xhtml-link.xsd') }],
          maxMemoryPages: 32768,
        });
        expect(checked.errors.map((e) => e.rawMessage)).toEqual([]);
        validated = true;
      }
    }
    expect(months).toBeGreaterThan(4); // 100 days: 4 months, the busy ones split
    expect(twice).toEqual([]);
    expect(badAlternates).toEqual([]);
    expect(seen.size).toBe(3 * (TOTAL - hidden.size));
    // Every published article listed in every language, with its own lastmod: the later of its publication and last update.
    const rows = await store.db.selectFrom('articles').select(['slug', 'local_day', 'published_at', 'updated_at']).where('status', '=', 'published').execute();
    const wrong = rows.filter((r) => PREFIXES.some(([, prefix]) => seen.get(`${ORIGIN}${prefix}/${r.local_day.replaceAll('-', '/')}/${r.slug}/`) !== (r.updated_at > r.published_at ? r.updated_at : r.published_at)));
    expect(wrong).toEqual([]);
    expect(rows.filter((r) => r.updated_at > r.published_at).length).toBeGreaterThan(TOTAL / 8);
    for (const slug of hidden) expect([...seen.keys()].some((u) => u.endsWith(`/${slug}/`))).toBe(false);

    const news = parser.parse((await app.inject({ url: '/sitemaps/news.xml' })).body).urlset.url as UrlEntry[];
    const since = new Date(NOW_MS - 48 * HOUR).toISOString();
    const inWindow = await store.db.selectFrom('articles').select(['slug', 'local_day']).where('status', '=', 'published').where('published_at', '>=', since).where('published_at', '<=', NOW).orderBy('published_at', 'desc').orderBy('id', 'desc').execute();
    expect(inWindow.length).toBeGreaterThan(500);
    expect(news.map((u) => u.loc)).toEqual(inWindow.map((r) => `${ORIGIN}/${r.local_day.replaceAll('-', '/')}/${r.slug}/`));
    const stats = await store.db.selectFrom('articles').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(Number(stats.n)).toBe(TOTAL);
  }, 240_000);

  it('a file of ~48,000 URLs with their alternates (~24 MB) is written in chunks, never whole in memory', async () => {
    // maxBytes raised so that one file takes the protocol's 50,000 URLs (short ASCII slugs fit): 16,666 articles in three languages,
    // of which a file holds as many whole days as fit (plan.ts monthParts).
    const limits = { ...SITEMAP_LIMITS, maxBytes: 200 << 20 };
    const file = await sitemapFile(store.db, { kind: 'articles', month: '2026-11', part: 1 }, { origin: ORIGIN, siteName: 'J', defaultLanguage: 'en', languages: ['en', 'tr', 'ar'], now: new Date(NOW), limits });
    // What stays alive while writing (after a full collection), not young garbage: measured at every 50th chunk.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let retained = 0;
    let bytes = 0;
    let chunks = 0;
    let entries = 0;
    for await (const c of file!.chunks) {
      bytes += Buffer.byteLength(c);
      entries += c.split('<url>').length - 1;
      if (++chunks % 50 === 0) {
        gc();
        retained = Math.max(retained, process.memoryUsage().heapUsed - before);
      }
    }
    console.log(`${entries} URLs: ${(bytes / 2 ** 20).toFixed(1)} MB in ${chunks} chunks; at most ${(retained / 2 ** 20).toFixed(2)} MB more kept alive meanwhile`);
    expect(bytes).toBeGreaterThan(20 * 2 ** 20);
    expect(bytes).toBeLessThanOrEqual(52_428_800);
    expect(chunks).toBeGreaterThan(300);
    const days = await store.db.selectFrom('day_counts').select(['local_day', 'count']).where('local_day', 'like', '2026-11-%').orderBy('local_day').execute();
    let fit = 0;
    for (const d of days) {
      if (fit + Number(d.count) > 16_666) break;
      fit += Number(d.count);
    }
    expect(entries).toBe(3 * fit);
    expect(entries).toBeGreaterThan(45_000);
    expect(retained).toBeLessThan(4 * 2 ** 20);
  });
});
