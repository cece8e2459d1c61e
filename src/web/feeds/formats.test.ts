/**
 * The site's feeds read back by parsers that are not Jarida's: RSS 2.0 and Atom 1.0 by `feedparser`
 * (npm), JSON Feed 1.1 checked against its schema (testdata/jsonfeed-1.1.schema.json, written from
 * the spec) by Ajv; Atom validated against RFC 4287's RELAX NG schema (testdata/atom.rng) by libxml2
 * (xmllint-wasm); RSS against the rules its spec states (no XSD is published for RSS 2.0). In the
 * three page languages, for the site, one article language, a section, a tag and a source; with
 * hostile text, full content and summary, a stored image and an edited article. Then the page cache:
 * a feed kept, validated (304), and dropped when an article of it changes.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import FeedParser from 'feedparser';
import type { FastifyInstance } from 'fastify';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { parseConfig } from '../../config.js';
import type { Article, ArticleInput, Lang } from '../../model/types.js';
import { findArticlesByIds, saveArticle } from '../../store/articles.js';
import { addSection, mapSource } from '../../store/categories.js';
import { watchChanges, type StopWatching } from '../../store/changes.js';
import type { Store } from '../../store/db.js';
import { saveUploadedMedia } from '../../store/media.js';
import { ensureSource } from '../../store/sources.js';
import { openTestStore, testStoreKind } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { invalidationOf, PageCache } from '../cache.js';

const NOW = '2019-02-15T12:00:00+03:00';
const TZ = 'Europe/Istanbul';
const SITE = 'https://news.example';
const HUB = 'http://127.0.0.1:9/hub';
const HOSTILE = `Oil ]]> </script><script>alert(1)</script> & "gas" \u0001\u000B tail`;
const BODY = (n: number) => `<p>Body ${n} with <a href="https://wire.example/?a=1&amp;b=2">a link</a> ]]&gt; and <strong>bold</strong> — عربي</p>`;
const atomRng = readFileSync(new URL('testdata/atom.rng', import.meta.url), 'utf8');
const jsonSchema = JSON.parse(readFileSync(new URL('testdata/jsonfeed-1.1.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateJsonFeed = ajv.compile(jsonSchema);

let store: Store;
let app: FastifyInstance;
let summaryApp: FastifyInstance;
/** The stored articles, newest first, as the store keeps them (titles made one line). */
let stored: Article[];
const edited = new Map<number, string>();
let imageHash = '';

const langs: Lang[] = ['en', 'tr', 'ar'];
const titles: Record<Lang, (i: number) => string> = {
  en: (i) => `Story ${i} about the economy`,
  tr: (i) => `Haber ${i}: ekonomi ve şirketler`,
  ar: (i) => `خبر رقم ${i} عن الاقتصاد`,
};

beforeAll(async () => {
  store = await openTestStore();
  await addSection(store.db, 'world', { name: 'World', tr: 'Dünya', ar: 'العالم' });
  const wire = await ensureSource(store.db, { kind: 'feed', title: 'Wire & <Co>', siteUrl: 'https://wire.example/' });
  await mapSource(store.db, wire, { words: [['World', 'world']] });
  const other = await ensureSource(store.db, { kind: 'feed', title: 'Other', siteUrl: 'https://other.example/' });
  const inputs: ArticleInput[] = [];
  for (let i = 0; i < 9; i++) {
    const lang = langs[i % 3]!;
    inputs.push({
      sourceId: i % 2 ? other : wire,
      guid: `g-${i}`,
      url: `https://wire.example/story/${i}`,
      title: i === 8 ? HOSTILE : titles[lang](i),
      summary: `Summary ${i} & more`,
      contentHtml: BODY(i),
      author: i % 2 ? null : `Author ${i} & <team>`,
      language: lang,
      imageUrl: i === 0 ? 'https://wire.example/a.jpg' : i === 3 ? 'https://wire.example/not-stored.png' : null,
      categories: i % 2 ? ['Oil & Gas'] : ['World', 'Oil & Gas'],
      publishedAt: new Date(Date.parse('2019-02-14T08:00:00+03:00') + i * 600_000),
    });
  }
  for (const a of inputs) await saveArticle(store.db, a, TZ);
  const jpeg = { w: 640, h: 360, f: 'jpg' as const, b: 34567 };
  imageHash = 'c0ffee';
  await saveUploadedMedia(store.db, 'https://wire.example/a.jpg', { hash: imageHash, width: 1280, height: 720, bytes: 99999, variants: [{ w: 320, h: 180, f: 'jpg', b: 12345 }, jpeg, { w: 640, h: 360, f: 'webp', b: 23456 }] }, new Date(NOW));
  const all = await findArticlesByIds(store.db, (await store.db.selectFrom('articles').select('id').execute()).map((r) => Number(r.id)));
  stored = all.sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
  // An article edited in the desk an hour after it was published: its feeds say `updated`.
  const edit = stored.find((a) => a.language === 'tr')!;
  edited.set(edit.id, new Date(Date.parse(edit.publishedAt) + 3_600_000).toISOString());
  await store.db.updateTable('articles').set({ edited_at: edited.get(edit.id)! }).where('id', '=', edit.id).execute();
  const config = (extra: Record<string, unknown> = {}) => parseConfig({ siteName: 'Jarida & <Co>', siteUrl: `${SITE}/`, timeZone: TZ, databaseUrl: 'sqlite::memory:', websub: { hub: HUB }, ...extra }, { JARIDA_NOW: NOW });
  app = await buildApp({ store, config: config() });
  summaryApp = await buildApp({ store, config: config({ feedContent: 'summary', websub: {} }) });
});
afterAll(async () => {
  await app?.close();
  await summaryApp?.close();
  await store?.close();
});

type Parsed = { meta: FeedParser.Meta; items: (FeedParser.Item & Record<string, unknown>)[] };
/**
 * Parses RSS or Atom with feedparser, as feed readers run it (not `strict`: in that mode it misses
 * `pubDate`, whose case it expects lowered; well-formedness is checked by jsdom and libxml2 here).
 */
function feedparse(xml: string): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    const fp = new FeedParser({ addmeta: false });
    const items: Parsed['items'] = [];
    fp.on('error', reject);
    fp.on('readable', () => {
      let item: FeedParser.Item | null;
      while ((item = fp.read() as FeedParser.Item | null)) items.push(item as Parsed['items'][number]);
    });
    fp.on('end', () => resolve({ meta: fp.meta, items }));
    Readable.from([Buffer.from(xml)]).pipe(fp);
  });
}

async function get(url: string, on = app) {
  const res = await on.inject({ url });
  expect(res.statusCode, url).toBe(200);
  return res;
}

/** What went in for an article, as each format must give it back. */
function expected(a: Article, uiLang: Lang) {
  const prefix = uiLang === 'en' ? '' : `/${uiLang}`;
  const path = `/${a.localDay.replaceAll('-', '/')}/${encodeURIComponent(a.slug)}/`;
  return {
    title: a.title.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ''),
    link: `${SITE}${prefix}${path}`,
    id: `${SITE}${path}`,
    published: Date.parse(a.publishedAt),
    updated: edited.has(a.id) ? Date.parse(edited.get(a.id)!) : Date.parse(a.publishedAt),
    author: a.author,
    categories: a.categories,
    content: a.contentHtml,
    summary: a.summary,
    language: a.language,
    image: a.imageUrl === 'https://wire.example/a.jpg'
      ? { url: `${SITE}/media/${imageHash}-640.jpg`, type: 'image/jpeg', length: '34567', width: '640', height: '360' }
      : a.imageUrl ? { url: a.imageUrl } : null,
  };
}

const FEEDS = [
  { path: '/feed', pick: () => true },
  { path: '/language/ar/feed', pick: (a: Article) => a.language === 'ar' },
  { path: '/section/world/feed', pick: (a: Article) => a.categories.includes('World') },
  { path: '/tag/oil-gas/feed', pick: () => true },
  { path: '/source/other/feed', pick: (a: Article) => a.sourceTitle === 'Other' },
];

describe(`feeds read back by independent parsers, on the ${testStoreKind()} store`, () => {
  for (const uiLang of langs) {
    const prefix = uiLang === 'en' ? '' : `/${uiLang}`;
    for (const feed of FEEDS) {
      it(`${prefix}${feed.path}.xml (RSS 2.0): feedparser gives back what went in; the spec's channel rules hold`, async () => {
        const res = await get(`${prefix}${feed.path}.xml`);
        expect(res.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
        const want = stored.filter(feed.pick);
        expect(want.length).toBeGreaterThan(0);
        const { meta, items } = await feedparse(res.body);
        expect(meta['#type']).toBe('rss');
        expect(meta['#version']).toBe('2.0');
        expect(meta.language).toBe(uiLang);
        expect(meta.title.startsWith('Jarida & <Co> - ')).toBe(true);
        expect(meta.link.startsWith(`${SITE}${prefix}/`)).toBe(true);
        expect(meta.xmlurl).toBe(`${SITE}${prefix}${feed.path}.xml`);
        checkRssRules(res.body);
        expect(items.map((i) => i.guid)).toEqual(want.map((a) => expected(a, uiLang).id));
        for (const [n, item] of items.entries()) {
          const e = expected(want[n]!, uiLang);
          // feedparser's `title` drops what looks like a tag; the element's own text is what went in.
          expect((item['rss:title'] as { '#': string })['#']).toBe(e.title);
          expect(item.link).toBe(e.link);
          expect(item.pubdate?.getTime()).toBe(e.published);
          expect(item.author ?? null).toBe(e.author);
          expect(item.categories).toEqual(e.categories);
          expect(item.description).toBe(e.content); // content:encoded, as feedparser prefers it
          expect(item.summary).toBe(e.summary);
          expect((item['dc:language'] as { '#': string } | undefined)?.['#']).toBe(e.language);
          // (feedparser lists media:content among the enclosures too.)
          if (e.image?.type) {
            expect(item.enclosures).toContainEqual(expect.objectContaining({ url: e.image.url, type: e.image.type, length: e.image.length }));
            expect((item['media:content'] as { '@': Record<string, string> })['@']).toMatchObject({ url: e.image.url, type: e.image.type, width: e.image.width, height: e.image.height, filesize: e.image.length });
          } else if (e.image) {
            expect(item['rss:enclosure']).toBeUndefined(); // the type is unknown, and RSS requires one
            expect(item.enclosures.map((x) => x.url)).toEqual([e.image.url]);
            expect((item['media:content'] as { '@': Record<string, string> })['@'].url).toBe(e.image.url);
          } else expect(item.enclosures).toEqual([]);
        }
      });

      it(`${prefix}${feed.path}.atom (Atom 1.0): valid by RFC 4287's RELAX NG schema; feedparser gives back what went in`, async () => {
        const res = await get(`${prefix}${feed.path}.atom`);
        expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
        await expectValidAtom(res.body);
        const want = stored.filter(feed.pick);
        const { meta, items } = await feedparse(res.body);
        expect(meta['#type']).toBe('atom');
        expect(meta.xmlurl).toBe(`${SITE}${prefix}${feed.path}.atom`);
        expect((meta as unknown as Record<string, { '#': string }>)['atom:id']!['#']).toBe(`${SITE}${prefix}${feed.path}.atom`); // one id per feed
        expect(meta.language).toBe(uiLang);
        expect(meta.cloud).toMatchObject({ type: 'hub', href: HUB });
        expect(items.map((i) => i.guid)).toEqual(want.map((a) => expected(a, uiLang).id));
        const doc = new JSDOM(res.body, { contentType: 'application/xml' }).window.document;
        const entries = [...doc.getElementsByTagName('entry')];
        for (const [n, item] of items.entries()) {
          const e = expected(want[n]!, uiLang);
          expect((item['atom:title'] as { '#': string })['#']).toBe(e.title);
          expect(item.link).toBe(e.link);
          expect(item.pubdate?.getTime()).toBe(e.published);
          expect(item.date?.getTime()).toBe(e.updated);
          expect(item.author).toBe(e.author ?? 'Jarida & <Co>'); // Atom: an entry without its own author has the feed's
          expect(item.categories).toEqual(e.categories);
          expect(item.description).toBe(e.content);
          expect(item.summary).toBe(e.summary);
          expect(entries[n]!.getAttribute('xml:lang')).toBe(e.language);
          expect(item.enclosures).toEqual(e.image ? [expect.objectContaining({ url: e.image.url, ...(e.image.type ? { type: e.image.type, length: e.image.length } : {}) })] : []);
        }
      });

      it(`${prefix}${feed.path}.json (JSON Feed 1.1): valid by its schema, with what went in`, async () => {
        const res = await get(`${prefix}${feed.path}.json`);
        expect(res.headers['content-type']).toBe('application/feed+json; charset=utf-8');
        expect(res.body).not.toContain('<');
        const json = JSON.parse(res.body) as { [k: string]: unknown; items: Record<string, unknown>[] };
        expect(validateJsonFeed(json), JSON.stringify(validateJsonFeed.errors)).toBe(true);
        expect(json).toMatchObject({ feed_url: `${SITE}${prefix}${feed.path}.json`, language: uiLang, hubs: [{ type: 'WebSub', url: HUB }] });
        const want = stored.filter(feed.pick);
        expect(json.items.map((i) => i.id)).toEqual(want.map((a) => expected(a, uiLang).id));
        for (const [n, item] of json.items.entries()) {
          const e = expected(want[n]!, uiLang);
          expect(item).toMatchObject({ url: e.link, title: e.title, content_html: e.content, summary: e.summary, language: e.language, tags: e.categories });
          expect(Date.parse(item.date_published as string)).toBe(e.published);
          expect(item.date_modified === undefined ? e.published : Date.parse(item.date_modified as string)).toBe(e.updated);
          expect(item.authors).toEqual(e.author ? [{ name: e.author }] : undefined);
          expect(item.image).toBe(e.image?.url);
        }
      });
    }
  }

  it('the Atom schema does refuse what RFC 4287 refuses (no id, a bad date, a bad xml:lang)', async () => {
    const good = (await get('/feed.atom')).body;
    for (const bad of [good.replace(/<id>[^<]*<\/id>\n<title>/, '<title>'), good.replace(/<updated>[^<]*<\/updated>/, '<updated>yesterday</updated>'), good.replace('xml:lang="en"', 'xml:lang="en_US!"')]) {
      expect(bad).not.toBe(good);
      const result = await validateXML({ xml: { fileName: 'feed.atom', contents: bad }, schema: { fileName: 'atom.rng', contents: atomRng }, extension: 'relaxng' });
      expect(result.valid).toBe(false);
    }
  });

  it('the hostile title comes back as it went in (less what XML forbids), in every format', async () => {
    const title = expected(stored[0]!, 'en').title;
    expect(title).toMatch(/^Oil \]\]> <\/script><script>alert\(1\)<\/script> & "gas" +tail$/);
    const rss = (await get('/feed.xml')).body;
    expect(rss).not.toContain('<script>');
    expect(rss).not.toMatch(/[\u0001\u000B]/);
    expect((await feedparse(rss)).items[0]!['rss:title']).toMatchObject({ '#': title });
    expect((await feedparse((await get('/feed.atom')).body)).items[0]!['atom:title']).toMatchObject({ '#': title });
    expect((JSON.parse((await get('/feed.json')).body) as { items: { title: string }[] }).items[0]!.title).toBe(title);
  });

  it('with feedContent "summary" the body stays out; with no hub, no hub is named', async () => {
    const { items, meta } = await feedparse((await get('/feed.xml', summaryApp)).body);
    expect(items[0]!.description).toBe('Summary 8 &amp; more'.replace('&amp;', '&'));
    expect(meta.cloud).toEqual({});
    const atom = (await get('/feed.atom', summaryApp)).body;
    await expectValidAtom(atom);
    expect(atom).not.toContain('<content');
    expect(atom).not.toContain('rel="hub"');
    const json = JSON.parse((await get('/feed.json', summaryApp)).body) as { hubs?: unknown; items: Record<string, unknown>[] };
    expect(validateJsonFeed(json)).toBe(true);
    expect(json.hubs).toBeUndefined();
    expect(json.items[0]).toMatchObject({ content_text: 'Summary 8 & more' });
    expect(json.items[0]!.content_html).toBeUndefined();
  });

  it('an unknown section, tag, source or a malformed language is a 404 page; a disabled page language too', async () => {
    for (const url of ['/section/nope/feed.xml', '/tag/nope/feed.atom', '/source/nope/feed.json', '/language/%3Cx%3E/feed.xml', '/language/a_b/feed.json']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
    }
    // An article language with no article is an empty feed, still valid.
    const empty = await get('/language/de/feed.atom');
    await expectValidAtom(empty.body);
    expect((await feedparse(empty.body)).items).toEqual([]);
  });

  it('section, tag and source pages link their own feeds after the site feed', async () => {
    const body = (await get('/tr/section/world/')).body;
    const links = [...body.matchAll(/<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)">/g)].map((m) => [m[1], m[2], m[3]]);
    expect(links).toEqual([
      ['application/rss+xml', 'Jarida &amp; &lt;Co&gt; - Son haberler (RSS)', '/tr/feed.xml'],
      ['application/atom+xml', 'Jarida &amp; &lt;Co&gt; - Son haberler (Atom)', '/tr/feed.atom'],
      ['application/feed+json', 'Jarida &amp; &lt;Co&gt; - Son haberler (JSON Feed)', '/tr/feed.json'],
      ['application/rss+xml', 'Jarida &amp; &lt;Co&gt; - Dünya (RSS)', '/tr/section/world/feed.xml'],
      ['application/atom+xml', 'Jarida &amp; &lt;Co&gt; - Dünya (Atom)', '/tr/section/world/feed.atom'],
      ['application/feed+json', 'Jarida &amp; &lt;Co&gt; - Dünya (JSON Feed)', '/tr/section/world/feed.json'],
    ]);
    expect((await get('/tag/oil-gas/')).body).toContain('href="/tag/oil-gas/feed.atom"');
    expect((await get('/ar/source/other/')).body).toContain('href="/ar/source/other/feed.json"');
    for (const [, , href] of links) await get(href!);
  });
});

describe(`feeds in the page cache, on the ${testStoreKind()} store`, () => {
  let cached: FastifyInstance;
  let stop: StopWatching;
  let base: string;
  beforeAll(async () => {
    const cache = new PageCache({ maxBytes: 1 << 22, timeZone: TZ, now: () => new Date(NOW) });
    stop = watchChanges(store, (c) => cache.invalidate(invalidationOf(c)));
    await stop.ready;
    cached = await buildApp({ store, config: parseConfig({ siteUrl: SITE, timeZone: TZ, databaseUrl: 'sqlite::memory:' }, { JARIDA_NOW: NOW }), cache });
    await cached.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(cached.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await cached?.close();
    await stop?.();
  });

  it('keeps each feed, answers conditional GETs with 304, and drops a feed when an article it shows (or its list) changes', async () => {
    const urls = ['/feed.xml', '/tr/feed.atom', '/section/world/feed.json', '/tag/oil-gas/feed.xml', '/source/other/feed.atom', '/language/ar/feed.json'];
    for (const url of urls) {
      const first = await fetch(`${base}${url}`);
      await first.text();
      expect(first.headers.get('x-cache'), url).toBe('miss');
      const again = await fetch(`${base}${url}`);
      const body = await again.text();
      expect(again.headers.get('x-cache'), url).toBe('hit');
      const etag = again.headers.get('etag')!;
      expect(etag).toBeTruthy();
      expect(again.headers.get('last-modified')).toBeTruthy();
      const not = await fetch(`${base}${url}`, { headers: { 'if-none-match': etag } });
      expect(not.status, url).toBe(304);
      expect(body.length).toBeGreaterThan(0);
    }
    // A new article filed under World (source Wire): the site, section, tag and language feeds go; not the source Other's.
    const wire = stored.find((a) => a.sourceTitle !== 'Other')!.sourceId;
    await saveArticle(store.db, { sourceId: wire, guid: 'g-new', title: 'Fresh world story', language: 'ar', categories: ['World', 'Oil & Gas'], publishedAt: new Date(Date.parse(NOW) - 60_000) }, TZ);
    await new Promise((r) => setTimeout(r, 600)); // the change signal (SQLite polls every 200 ms)
    for (const url of urls) {
      const res = await fetch(`${base}${url}`);
      const body = await res.text();
      if (url.startsWith('/source/other/')) {
        expect(res.headers.get('x-cache'), url).toBe('hit');
        expect(body).not.toContain('Fresh world story');
      } else {
        expect(res.headers.get('x-cache'), url).not.toBe('hit');
        expect(body, url).toContain('Fresh world story');
      }
    }
  });
});

/** The rules RSS 2.0 states (https://www.rssboard.org/rss-specification) that a schema would: checked on the XML tree. */
function checkRssRules(xml: string): void {
  const doc = new JSDOM(xml, { contentType: 'application/xml' }).window.document;
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  const rss = doc.documentElement;
  expect(rss.tagName).toBe('rss');
  expect(rss.getAttribute('version')).toBe('2.0');
  const channels = [...rss.children].filter((c) => c.tagName === 'channel');
  expect(channels).toHaveLength(1);
  const channel = channels[0]!;
  const child = (el: Element, name: string) => [...el.children].filter((c) => c.tagName === name);
  // Required channel elements, once each.
  for (const name of ['title', 'link', 'description']) expect(child(channel, name), name).toHaveLength(1);
  const rfc822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d (GMT|[+-]\d{4})$/;
  for (const d of child(channel, 'lastBuildDate')) expect(d.textContent).toMatch(rfc822);
  for (const item of child(channel, 'item')) {
    // An item has a title or a description; at most one of each; its dates RFC 822; an enclosure has url, length and type.
    expect(child(item, 'title').length + child(item, 'description').length).toBeGreaterThan(0);
    for (const name of ['title', 'link', 'description', 'guid', 'pubDate', 'source']) expect(child(item, name).length, name).toBeLessThanOrEqual(1);
    for (const d of child(item, 'pubDate')) expect(d.textContent).toMatch(rfc822);
    for (const g of child(item, 'guid')) if (g.getAttribute('isPermaLink') !== 'false') expect(g.textContent).toMatch(/^https?:\/\//);
    for (const e of child(item, 'enclosure')) {
      expect(e.getAttribute('url')).toMatch(/^https?:\/\//);
      expect(e.getAttribute('length')).toMatch(/^\d+$/);
      expect(e.getAttribute('type')).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
    }
    for (const s of child(item, 'source')) expect(s.getAttribute('url')).toMatch(/^https?:\/\//);
  }
}

/** Validates an Atom document against RFC 4287's RELAX NG schema with libxml2. */
async function expectValidAtom(xml: string): Promise<void> {
  const result = await validateXML({ xml: { fileName: 'feed.atom', contents: xml }, schema: { fileName: 'atom.rng', contents: atomRng }, extension: 'relaxng' });
  expect(result.errors.map((e) => e.message)).toEqual([]);
  expect(result.valid).toBe(true);
}
