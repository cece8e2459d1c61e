import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../config.js';
import type { ArticleInput } from '../../model/types.js';
import { saveArticle } from '../../store/articles.js';
import type { Store } from '../../store/db.js';
import { ensureSource } from '../../store/sources.js';
import { openTestStore } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { loadTheme } from '../theme.js';
import { pageContext } from '../view.js';
import { buildFeed } from './feed.js';
import { renderFeed } from './formats.js';
import { xmlText } from '../../html/xml.js';
import { siteOrigin } from '../origin.js';
import { PageCache } from '../cache.js';
import { connect } from 'node:net';

const NOW = '2019-02-15T12:00:00+03:00';
const HOSTILE_TITLE = `<script>alert("x")</script> & 'quoted' ]]> \u0001\u0008\u000B\u000C\uFFFE\uFFFF Tom & Jerry's`;
const HOSTILE_SUMMARY = `A <b>bold</b> & "risky" summary ]]> with \u202Eevil\u202C bidi and عربي نص, then \u001B[31m escape.`;
const config = (file: Record<string, unknown> = {}) => parseConfig({ siteName: 'Jarida <Test> & Co', databaseUrl: 'sqlite::memory:', ...file }, { JARIDA_NOW: NOW });

const { window } = new JSDOM('');
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', htmlEntities: true, isArray: (name) => name === 'item' || name === 'category' });
type Item = { title: string; link: string; guid: { '#text': string; '@isPermaLink': string }; pubDate: string; description?: string; 'dc:creator'?: string; source?: { '#text': string; '@url': string }; category?: string[] };
/** Parses a feed strictly (jsdom's XML parser rejects what is not well-formed), then into objects. */
function parse(xml: string) {
  const doc = new window.DOMParser().parseFromString(xml, 'application/xml');
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  const rss = parser.parse(xml).rss;
  return { rss, channel: rss.channel, items: (rss.channel.item ?? []) as Item[] };
}

let store: Store;
let app: FastifyInstance;
const inputs: (ArticleInput & { publishedAt: Date })[] = [];

beforeAll(async () => {
  store = await openTestStore();
  const wire = await ensureSource(store.db, { kind: 'feed', title: `Wire "A" & <B>`, siteUrl: 'https://wire.example/?a=1&b=2' });
  const bare = await ensureSource(store.db, { kind: 'feed', title: 'No site' });
  const langs = ['en', 'tr', 'ar'] as const;
  for (let i = 0; i < 25; i++) {
    const lang = langs[i % 3]!;
    inputs.push({
      sourceId: i % 4 === 3 ? bare : wire,
      guid: `g-${i}`,
      url: i % 4 === 3 ? null : `https://wire.example/story/${i}`,
      title: i === 24 ? HOSTILE_TITLE : lang === 'ar' ? `خبر رقم ${i} عن الاقتصاد` : lang === 'tr' ? `Haber ${i}: ekonomi ve şirketler` : `Story ${i} about the economy`,
      summary: i === 24 ? HOSTILE_SUMMARY : i % 5 === 0 ? null : `Summary of story ${i}.`,
      author: i % 2 === 0 ? `Author ${i} & <team>` : null,
      language: lang,
      categories: i === 24 ? ['World & "Politics"', '\u0002'] : [],
      publishedAt: new Date(Date.parse('2019-02-14T08:00:00+03:00') + i * 600_000),
    });
  }
  for (const a of inputs) await saveArticle(store.db, a, 'Europe/Istanbul');
  app = await buildApp({ store, config: config({ siteUrl: 'https://news.example/' }) });
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('/feed.xml', () => {
  it('is RSS 2.0 of the 20 newest articles, newest first, with absolute links under siteUrl', async () => {
    const res = await app.inject({ url: '/feed.xml' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    const { rss, channel, items } = parse(res.body);
    expect(rss['@version']).toBe('2.0');
    expect(channel.title).toBe('Jarida <Test> & Co - Latest news');
    expect(channel.link).toBe('https://news.example/');
    expect(channel['atom:link']).toMatchObject({ '@href': 'https://news.example/feed.xml', '@rel': 'self', '@type': 'application/rss+xml' });
    expect(channel.language).toBe('en');
    expect(channel.lastBuildDate).toBe(inputs[24]!.publishedAt.toUTCString());
    expect(items).toHaveLength(20);
    const expected = [...inputs].reverse().slice(0, 20);
    expect(items.map((i) => Date.parse(i.pubDate))).toEqual(expected.map((a) => a.publishedAt.getTime()));
    for (const i of items) expect(i.pubDate).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/);
    for (const [n, item] of items.entries()) {
      const a = expected[n]!;
      expect(item.link).toMatch(/^https:\/\/news\.example\/2019\/02\/14\/[^/]+\/$/);
      expect(item.guid).toEqual({ '#text': item.link, '@isPermaLink': 'true' });
      expect(item['dc:creator']).toBe(a.author ?? undefined); // only when there is one
      expect(item.description).toBe(a.summary ? xmlText(a.summary) : undefined);
      if (a.sourceId === inputs[0]!.sourceId) expect(item.source).toEqual({ '#text': 'Wire "A" & <B>', '@url': 'https://wire.example/?a=1&b=2' });
      else expect(item.source).toBeUndefined(); // no URL to give <source url>
    }
  });

  it('escapes hostile text and drops characters XML 1.0 forbids; bidi text stays', async () => {
    const body = (await app.inject({ url: '/feed.xml' })).body;
    expect(body).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    expect(body).not.toContain('<script>');
    expect(body).not.toContain('<b>');
    const top = parse(body).items[0]!;
    // (The store makes a title one line: the vertical tab and form feed are one space.)
    expect(top.title).toBe(`<script>alert("x")</script> & 'quoted' ]]>   Tom & Jerry's`);
    expect(top.description).toBe(`A <b>bold</b> & "risky" summary ]]> with \u202Eevil\u202C bidi and عربي نص, then [31m escape.`);
    expect(top['dc:creator']).toBe('Author 24 & <team>');
    expect(top.category).toEqual(['World & "Politics"']);
    expect(xmlText('a\u0000b\u{1F600}\uFFFDc\t\n\uD800\uDC00\uDFFFd')).toBe('ab\u{1F600}\uFFFDc\t\n\u{10000}d'); // a lone surrogate goes, a pair stays
    // The quick scan that lets most texts through whole, and each kind it hands to the exact one.
    const plain = '<p>Haber: “İstanbul” — العربية\u200F</p>\r\n';
    expect(xmlText(plain)).toBe(plain);
    expect(xmlText('a\u000Bb\u001Fc\uFFFEd\uFFFFe\u0008')).toBe('abcde');
    expect(xmlText('\u{1F600}')).toBe('\u{1F600}');
    expect(xmlText('x\uDC00')).toBe('x');
  });

  it('has one feed per language under its prefix; the default language prefix redirects', async () => {
    for (const lang of ['tr', 'ar'] as const) {
      const res = await app.inject({ url: `/${lang}/feed.xml` });
      expect(res.statusCode).toBe(200);
      const { channel, items } = parse(res.body);
      expect(channel.language).toBe(lang);
      expect(channel['atom:link']['@href']).toBe(`https://news.example/${lang}/feed.xml`);
      expect(channel.link).toBe(`https://news.example/${lang}/`);
      expect(items).toHaveLength(20);
      for (const i of items) expect(i.link.startsWith(`https://news.example/${lang}/2019/02/14/`)).toBe(true);
    }
    expect(parse((await app.inject({ url: '/ar/feed.xml' })).body).channel.title).toBe('Jarida <Test> & Co - آخر الأخبار');
    const redirect = await app.inject({ url: '/en/feed.xml' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/feed.xml');
    // Every article link in the feed is a page that exists.
    for (const url of ['/feed.xml', '/tr/feed.xml']) {
      for (const item of parse((await app.inject({ url })).body).items.slice(0, 3)) {
        expect((await app.inject({ url: item.link.replace('https://news.example', '') })).statusCode).toBe(200);
      }
    }
  });

  it('is absent for a language the site does not enable', async () => {
    const two = await buildApp({ store, config: config({ languages: ['en', 'tr'] }) });
    expect((await two.inject({ url: '/tr/feed.xml' })).statusCode).toBe(200);
    expect((await two.inject({ url: '/ar/feed.xml' })).statusCode).toBe(404);
    await two.close();
  });

  it('every page links the site feed of its language in the head, in the three formats', async () => {
    const home = (await app.inject({ url: '/' })).body;
    expect(home).toContain('<link rel="alternate" type="application/rss+xml" title="Jarida &lt;Test&gt; &amp; Co - Latest news (RSS)" href="/feed.xml">');
    expect(home).toContain('<link rel="alternate" type="application/atom+xml" title="Jarida &lt;Test&gt; &amp; Co - Latest news (Atom)" href="/feed.atom">');
    expect(home).toContain('<link rel="alternate" type="application/feed+json" title="Jarida &lt;Test&gt; &amp; Co - Latest news (JSON Feed)" href="/feed.json">');
    expect((await app.inject({ url: '/tr/' })).body).toContain('type="application/rss+xml" title="Jarida &lt;Test&gt; &amp; Co - Son haberler (RSS)" href="/tr/feed.xml">');
  });

  it('without siteUrl, links follow a well-formed Host header and nothing else', async () => {
    const c = config();
    const origin = (host?: string, protocol = 'http') => siteOrigin(c, { protocol, headers: { host } });
    expect(origin('news.example:8080')).toEqual({ origin: 'http://news.example:8080', fromRequest: true });
    expect(origin('News.Example', 'https')).toEqual({ origin: 'https://news.example', fromRequest: true });
    expect(origin('news.example:80')).toEqual({ origin: 'http://news.example', fromRequest: true });
    expect(origin('news.example:443', 'https')).toEqual({ origin: 'https://news.example', fromRequest: true });
    expect(origin('[::1]:3000')).toEqual({ origin: 'http://[::1]:3000', fromRequest: true });
    // No link is made from a Host that is not a host name (nor from the config's port: the site may listen on --port).
    for (const forged of ['evil.example/<x>', 'a@b.example', 'x.example:80:80', 'x.example"', 'x .example', '-x.example', 'x.example:123456']) {
      expect(origin(forged), forged).toBeNull();
    }
    // No Host at all (HTTP/1.0): the address and port the request came in on, never cached.
    expect(siteOrigin(c, { protocol: 'http', headers: {}, socket: { localAddress: '::ffff:127.0.0.1', localPort: 4123 } })).toEqual({ origin: 'http://127.0.0.1:4123', fromRequest: true });
    expect(siteOrigin(c, { protocol: 'http', headers: {}, socket: { localAddress: '::1', localPort: 8 } })).toEqual({ origin: 'http://[::1]:8', fromRequest: true });
    expect(siteOrigin(c, { protocol: 'http', headers: {} })).toBeNull();
    expect(siteOrigin(config({ siteUrl: 'https://site.example/news' }), { protocol: 'http', headers: { host: 'evil.example' } })).toEqual({ origin: 'https://site.example/news', fromRequest: false });

    const plain = await buildApp({ store, config: c });
    const res = await plain.inject({ url: '/feed.xml', headers: { host: 'evil.example/"><x' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).not.toContain('127.0.0.1:3000');
    expect(parse((await plain.inject({ url: '/tr/feed.xml', headers: { host: 'news.example:8080' } })).body).channel['atom:link']['@href']).toBe('http://news.example:8080/tr/feed.xml');
    await plain.close();
  });

  it('a Host-derived feed is never cached, and a bad Host poisons nothing (real server with its page cache, on another port than the config)', async () => {
    const c = config({ port: 3000 });
    const cache = new PageCache({ maxBytes: 8 * 1024 * 1024, timeZone: c.site.timeZone, now: () => new Date(NOW) });
    const app = await buildApp({ store, config: c, cache });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const port = new URL(base).port;
    try {
      // HTTP/1.0 without Host, on a raw socket: links name the port the site really listens on.
      const raw = await rawRequest(Number(port), 'GET /feed.xml HTTP/1.0\r\n\r\n');
      expect(raw).toMatch(/^HTTP\/1\.[01] 200/);
      expect(raw).toContain(`<link>http://127.0.0.1:${port}/</link>`);
      expect(raw).not.toContain(':3000/');
      // A forged Host: 400, not stored; the next reader gets links from their own Host.
      const bad = await rawRequest(Number(port), 'GET /feed.xml HTTP/1.1\r\nHost: evil.example/"><x\r\nConnection: close\r\n\r\n');
      expect(bad).toMatch(/^HTTP\/1\.1 400/);
      expect(bad.toLowerCase()).toContain('cache-control: no-store');
      const good = await rawRequest(Number(port), 'GET /feed.xml HTTP/1.1\r\nHost: news.example\r\nConnection: close\r\n\r\n');
      expect(good).toMatch(/^HTTP\/1\.1 200/);
      expect(good.toLowerCase()).not.toContain('x-cache:');
      expect(good).toContain('<link>http://news.example/</link>');
      const again = await rawRequest(Number(port), `GET /feed.xml HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      expect(again.toLowerCase()).not.toContain('x-cache:');
      expect(again).toContain(`<link>http://127.0.0.1:${port}/</link>`);
      expect(cache.stats().entries).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('names the articles it shows in its cache tags; an empty site gives an empty, valid feed', async () => {
    const c: Config = config();
    const ctx = pageContext(c.site, 'en', new Date(NOW));
    const feedXml = async (s: Store) => {
      const feed = (await buildFeed(s, ctx, { kind: 'site' }, { origin: 'https://x.example', content: 'full', hub: null }))!;
      return { articleIds: feed.tags.filter((t) => t.startsWith('article-')).map((t) => Number(t.slice(8))), xml: await renderFeed(loadTheme(null), feed, 'rss') };
    };
    const { articleIds, xml } = await feedXml(store);
    const { findArticlesByIds } = await import('../../store/articles.js');
    const shown = await findArticlesByIds(store.db, articleIds);
    const byId = new Map(shown.map((a) => [a.id, a]));
    expect(articleIds.map((id) => `https://x.example${ctx.urls.article(byId.get(id)!)}`)).toEqual(parse(xml).items.map((i) => i.link));

    const empty = await openTestStore();
    const e = await feedXml(empty);
    expect(e.articleIds).toEqual([]);
    const { channel, items } = parse(e.xml);
    expect(items).toEqual([]);
    expect(channel.lastBuildDate).toBe(new Date(NOW).toUTCString());
    await empty.close();
  });
});

/** Sends `request` as it is on a new connection to 127.0.0.1:port; returns the whole answer. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}
