/**
 * Sections, tags and sources end to end: a real feed over HTTP whose items say Dünya, World and عالم,
 * mapped to one section, lands there; the section, tag and source pages list what they hold with
 * their counts, in every language; the article names its section and tags; a new article clears
 * exactly the pages of its section, tags and source in the page cache.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { parseAllowList } from '../ingest/fetch/guard.js';
import { inlineDigester } from '../ingest/digest.js';
import { refreshSource } from '../ingest/refresh.js';
import { createLogger } from '../log.js';
import { saveArticle } from '../store/articles.js';
import { addSection, mapSource } from '../store/categories.js';
import { watchChanges, type StopWatching } from '../store/changes.js';
import type { Store } from '../store/db.js';
import { findSourceById, insertSource } from '../store/sources.js';
import { openTestStore, skipStoreTests, testStoreKind } from '../store/testing.js';
import { buildApp } from './app.js';
import { invalidationOf, PageCache } from './cache.js';

const TZ = 'Europe/Istanbul';
const NOW = new Date('2019-02-15T09:00:00Z');
const item = (n: number, cats: string[], day = 14) => `<item><guid>s${n}</guid><title>Story ${n}</title><link>https://haber.example/${n}</link>
<pubDate>${new Date(Date.UTC(2019, 1, day, 6 + n)).toUTCString()}</pubDate>${cats.map((c) => `<category>${c}</category>`).join('')}<description>Summary ${n}</description></item>`;
const feed = (items: string[]) => `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Haber Ajansı</title><link>https://haber.example/</link><description>d</description>${items.join('\n')}</channel></rss>`;

let server: Server;
let body = '';
let store: Store;
let app: FastifyInstance;
let cached: FastifyInstance;
let cache: PageCache;
let stop: StopWatching;
let cachedBase: string;
let sourceId: number;
const config = parseConfig({ timeZone: TZ, fetch: { allowPrivateAddresses: ['127.0.0.1/32'] } }, { JARIDA_NOW: NOW.toISOString() });
const skip = await skipStoreTests();

beforeAll(async () => {
  if (skip) return;
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  store = await openTestStore();
  await addSection(store.db, 'world', { name: 'World', tr: 'Dünya', ar: 'العالم' });
  await addSection(store.db, 'sport', { name: 'Sport', tr: 'Spor' });
  sourceId = await insertSource(store.db, { kind: 'feed', title: 'Haber Ajansı', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml` });
  await mapSource(store.db, sourceId, { words: [['Dünya', 'world'], ['عالم', 'world']] });
  body = feed([item(1, ['Dünya', 'Ekonomi']), item(2, ['World']), item(3, ['عالم', 'DÜNYA']), item(4, ['Spor']), item(5, ['Ekonomi'], 13)]);
  const deps = { store, config, allow: parseAllowList(config.ingest.allowPrivateAddresses), log: createLogger('silent'), now: () => NOW, digester: inlineDigester() };
  await refreshSource(deps, (await findSourceById(store.db, sourceId))!);
  app = await buildApp({ store, config });
  cache = new PageCache({ maxBytes: 1 << 22, timeZone: TZ, now: () => NOW });
  stop = watchChanges(store, (c) => cache.invalidate(invalidationOf(c)));
  await stop.ready;
  cached = await buildApp({ store, config, cache });
  await cached.listen({ port: 0, host: '127.0.0.1' });
  cachedBase = `http://127.0.0.1:${(cached.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (skip) return;
  await app.close();
  await cached.close();
  await stop();
  await store.close();
  await new Promise<void>((r) => server.close(() => r()));
});

const titles = (html: string) => [...html.matchAll(/<h2[^>]*><a href="[^"]+">(Story \d+)<\/a>/g)].map((m) => m[1]);

describe.skipIf(skip)(`sections, tags and sources on pages, on the ${testStoreKind()} store`, () => {
  it('a section page lists the mapped spellings with its count, named in each language', async () => {
    const en = await app.inject({ url: '/section/world/' });
    expect(en.statusCode).toBe(200);
    expect(titles(en.body)).toEqual(['Story 3', 'Story 2', 'Story 1']);
    expect(en.body).toContain('<h1 class="section">World</h1>\n<p class="count">3 articles</p>');
    const tr = await app.inject({ url: '/tr/section/world/' });
    expect(tr.body).toContain('<h1 class="section">Dünya</h1>');
    const ar = await app.inject({ url: '/ar/section/world/' });
    expect(ar.body).toContain('<h1 class="section">العالم</h1>');
    expect(ar.body).toContain('<p class="count">٣ خبر</p>');
    // The menu: the site's sections in order, in the page's language, the current one marked.
    expect(tr.body).toMatch(/<nav class="sections" aria-label="Bölümler"><ul><li><a href="\/tr\/section\/world\/" aria-current="page">Dünya<\/a><\/li><li><a href="\/tr\/section\/sport\/">Spor<\/a><\/li><\/ul><\/nav>/);
    // A word that names a section in another language goes there without a mapping; others are tags.
    expect(titles((await app.inject({ url: '/section/sport/' })).body)).toEqual(['Story 4']);
    const tag = await app.inject({ url: '/tag/ekonomi/' });
    expect(titles(tag.body)).toEqual(['Story 1', 'Story 5']);
    expect(tag.body).toContain('Tag: Ekonomi');
  });

  it('a source page lists its articles with their count; cards and articles link to it', async () => {
    const source = (await findSourceById(store.db, sourceId))!;
    expect(source.slug).toBe('haber-ajansi');
    const page = await app.inject({ url: '/source/haber-ajansi/' });
    expect(page.statusCode).toBe(200);
    expect(titles(page.body)).toEqual(['Story 4', 'Story 3', 'Story 2', 'Story 1', 'Story 5']);
    expect(page.body).toContain('5 articles');
    expect(page.body).toContain('<a href="https://haber.example/" rel="noopener">');
    const home = (await app.inject({ url: '/' })).body;
    expect(home).toContain('<a class="src" href="/source/haber-ajansi/"><bdi>Haber Ajansı</bdi></a>');
    const href = /<h2[^>]*><a href="([^"]+)">Story 1<\/a>/.exec(home)![1]!;
    const article = (await app.inject({ url: href })).body;
    expect(article).toContain('<p class="kicker" lang="en" dir="ltr"><a href="/section/world/">World</a></p>');
    expect(article).toContain('<li><a href="/tag/ekonomi/" rel="tag"><bdi>Ekonomi</bdi></a></li>');
    expect(article).toContain('Source: <a href="/source/haber-ajansi/"><bdi>Haber Ajansı</bdi></a>');
  });

  it('the front page has a block per section with articles, and day archives link the days around them', async () => {
    const front = await app.inject({ url: '/' });
    const home = front.body;
    expect(home.match(/<section class="block"/g)).toHaveLength(2);
    // Its articles are in the latest list and in the blocks: each tag once in the CDN headers.
    const keys = String(front.headers['surrogate-key']).split(' ');
    expect(keys).toEqual(expect.arrayContaining(['home', 'article-1', 'article-5']));
    expect(keys).toHaveLength(new Set(keys).size);
    expect(String(front.headers['cache-tag']).split(',')).toEqual(keys);
    expect(home).toContain('<h2 class="section" id="block-world"><a href="/section/world/">World</a></h2>');
    const day = (await app.inject({ url: '/2019/02/14/' })).body;
    expect(day).toContain('<a rel="prev" class="older" href="/2019/02/13/">');
    expect(day).not.toContain('rel="next"');
    expect((await app.inject({ url: '/2019/02/13/' })).body).toContain('<a rel="next" class="newer" href="/2019/02/14/">');
  });

  it('unknown slugs and pages beyond the last are 404; a bad page number is 400', async () => {
    expect((await app.inject({ url: '/section/nowhere/' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/section/ekonomi/' })).statusCode).toBe(404); // a tag, not a section
    expect((await app.inject({ url: '/tag/world/' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/source/nobody/' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/section/world/?page=2' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/section/world/?page=x' })).statusCode).toBe(400);
    expect((await app.inject({ url: `/tag/${'x'.repeat(900)}/` })).statusCode).toBe(404);
  });

  it('a new article clears exactly its section, tag and source pages in the cache', async () => {
    const paths = ['/section/world/', '/section/sport/', '/tag/ekonomi/', '/source/haber-ajansi/', '/2019/02/13/'];
    const state = async () => Object.fromEntries(await Promise.all(paths.map(async (p) => [p, (await fetch(cachedBase + p)).headers.get('x-cache')])));
    await state();
    expect(Object.values(await state())).toEqual(paths.map(() => 'hit'));
    await saveArticle(store.db, { sourceId, guid: 's6', title: 'Story 6', publishedAt: new Date('2019-02-14T20:00:00Z'), categories: ['Dünya'] }, TZ);
    await new Promise((r) => setTimeout(r, 150));
    const after = await state();
    // Rendered again: its section and its source; kept: the other section, a tag it is not in, another day.
    expect(Object.entries(after).filter(([, v]) => v !== 'hit').map(([k]) => k)).toEqual(['/section/world/', '/source/haber-ajansi/']);
    expect(titles(await (await fetch(`${cachedBase}/section/world/`)).text())[0]).toBe('Story 6');
  });
});
