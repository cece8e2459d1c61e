/**
 * Page metadata end to end: the head of home, article, day, section, search and own pages parsed
 * (linkedom) — title, description, absolute canonical and hreflang, Open Graph, Twitter, JSON-LD —
 * with an article whose title tries to break out of every tag; the icons, manifest and OpenSearch
 * description; and, without siteUrl, one cached copy per Host.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { parseHTML } from 'linkedom';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { renderPageBody } from '../html/markdown.js';
import { saveArticle, setArticleCanonicalHere } from '../store/articles.js';
import { addSection } from '../store/categories.js';
import type { Store } from '../store/db.js';
import { saveUploadedMedia } from '../store/media.js';
import { saveSitePage } from '../store/site-pages.js';
import { ensureSource, updateSource } from '../store/sources.js';
import { openTestStore, skipStoreTests } from '../store/testing.js';
import { buildApp } from './app.js';
import { PageCache } from './cache.js';
import { IconSet, makeIcons } from './icons.js';
import { clip, jsonLdText, ogImage, twitterHandle } from './meta.js';

const TZ = 'Europe/Istanbul';
const SITE = 'https://news.example';
const now = () => new Date('2019-02-15T09:00:00Z');
const EVIL = '"</script><script>alert(1)</script>" & quotes \'too\' <!--';
const IMAGE = 'https://img.example/lead.jpg';
const HASH = 'ab'.repeat(16);

/** What a page's head says, read as a browser or crawler reads it. */
function head(html: string) {
  const { document } = parseHTML(html);
  const meta = (attr: 'property' | 'name', key: string) => [...document.querySelectorAll(`meta[${attr}="${key}"]`)].map((m) => m.getAttribute('content'));
  return {
    document,
    title: document.querySelector('title')?.textContent,
    description: document.querySelector('meta[name="description"]')?.getAttribute('content') ?? null,
    canonical: document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? null,
    alternates: [...document.querySelectorAll('link[rel="alternate"][hreflang]')].map((l) => `${l.getAttribute('hreflang')} ${l.getAttribute('href')}`),
    og: (key: string) => meta('property', key),
    twitter: (key: string) => meta('name', key),
    jsonLd: [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => JSON.parse(s.textContent ?? '') as Record<string, any>),
  };
}

describe.skipIf(await skipStoreTests())('page metadata', () => {
  let store: Store;
  let app: FastifyInstance;
  const ids: Record<string, number> = {};
  const get = (url: string) => app.inject({ method: 'GET', url });

  beforeAll(async () => {
    store = await openTestStore();
    await addSection(store.db, 'world', { name: 'World', tr: 'Dünya', ar: 'العالم' });
    const wire = await ensureSource(store.db, { kind: 'feed', title: 'Wire & Co', siteUrl: 'https://wire.example/' });
    const desk = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    const save = async (key: string, input: Parameters<typeof saveArticle>[1]) => (ids[key] = (await saveArticle(store.db, input, TZ)).id);
    await save('evil', {
      sourceId: wire, guid: 'evil', title: EVIL, url: 'https://wire.example/story?a=1&b=2', summary: `A summary with <b>no</b> tags & an ampersand. ${'Long words follow here. '.repeat(12)}`,
      author: 'Ayşe "Reporter"', imageUrl: IMAGE, categories: ['World', 'Elections'], publishedAt: new Date('2019-02-15T08:00:00Z'),
    });
    await save('own', { sourceId: desk, guid: 'own', title: 'Our own story', summary: 'Written here.', publishedAt: new Date('2019-02-15T07:00:00Z') });
    await saveUploadedMedia(store.db, IMAGE, {
      hash: HASH, width: 1600, height: 900, bytes: 1000,
      variants: [640, 1200, 1600].flatMap((w) => [{ w, h: (w * 9) / 16, f: 'jpg' as const, b: 100 }, { w, h: (w * 9) / 16, f: 'webp' as const, b: 90 }]),
    }, now());
    await saveSitePage(store.db, { slug: 'about', lang: 'en', title: 'About us', body: 'We are **independent** since 2019.', format: 'markdown', html: renderPageBody('We are **independent** since 2019.', 'markdown') });
    app = await buildApp({
      store, now,
      config: parseConfig({ timeZone: TZ, siteUrl: SITE, siteName: 'The "Daily" <Jarida>', description: 'News & views, every day.', social: [{ name: 'X', url: 'https://x.com/jarida_news' }] }),
    });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('home: site name and description, absolute canonical and hreflang with x-default, WebSite with its SearchAction', async () => {
    const r = await get('/');
    expect(r.statusCode).toBe(200);
    const h = head(r.body);
    expect(h.title).toBe('The "Daily" <Jarida>');
    expect(h.description).toBe('News & views, every day.');
    expect(h.canonical).toBe(`${SITE}/`);
    expect(h.alternates).toEqual([`en ${SITE}/`, `tr ${SITE}/tr/`, `ar ${SITE}/ar/`, `x-default ${SITE}/`]);
    expect(h.og('og:type')).toEqual(['website']);
    expect(h.og('og:site_name')).toEqual(['The "Daily" <Jarida>']);
    expect(h.og('og:url')).toEqual([`${SITE}/`]);
    expect(h.og('og:locale')).toEqual(['en_US']);
    expect(h.og('og:locale:alternate')).toEqual(['tr_TR', 'ar_AR']);
    expect(h.twitter('twitter:card')).toEqual(['summary']);
    expect(h.twitter('twitter:site')).toEqual(['@jarida_news']);
    const site = h.jsonLd.find((j) => j['@type'] === 'WebSite')!;
    expect(site).toMatchObject({ '@context': 'https://schema.org', name: 'The "Daily" <Jarida>', url: `${SITE}/`, inLanguage: 'en' });
    expect(site.potentialAction).toEqual({ '@type': 'SearchAction', target: { '@type': 'EntryPoint', urlTemplate: `${SITE}/search?q={search_term_string}` }, 'query-input': 'required name=search_term_string' });
    expect(h.document.querySelector('link[rel="search"]')?.getAttribute('type')).toBe('application/opensearchdescription+xml');
    expect(h.document.querySelector('link[rel="search"]')?.getAttribute('href')).toBe('/opensearch.xml');
    expect(h.document.querySelector('link[rel="manifest"]')?.getAttribute('href')).toBe('/manifest.webmanifest');
    expect(h.document.querySelector('link[rel="icon"]')?.getAttribute('href')).toBe('/favicon.ico');
    // Turkish: its own language's locale and description line.
    const tr = head((await get('/tr/')).body);
    expect(tr.canonical).toBe(`${SITE}/tr/`);
    expect(tr.og('og:locale')).toEqual(['tr_TR']);
    expect(tr.document.querySelector('link[rel="search"]')?.getAttribute('href')).toBe('/tr/opensearch.xml');
  });

  it('article: every tag carries the title escaped, JSON-LD parses back to it, NewsArticle has its required fields', async () => {
    const r = await get('/2019/02/15/' + (await slugOf('evil')) + '/');
    expect(r.statusCode).toBe(200);
    // Nothing of the title leaves its tag: no second script, no comment opened.
    expect(r.body).not.toContain('<script>alert(1)');
    expect(r.body).not.toMatch(/<!--(?!jarida)/);
    const h = head(r.body);
    expect(h.document.querySelectorAll('script:not([type])').length).toBe(2); // the theme's two, none injected
    expect(h.title).toBe(`${EVIL} - The "Daily" <Jarida>`);
    expect(h.description!.length).toBeLessThanOrEqual(160);
    expect(h.description).toMatch(/^A summary with <b>no<\/b> tags & an ampersand\. Long words/);
    expect(h.description).toMatch(/…$/);
    // Republished: the original is canonical; og:url is the page here.
    expect(h.canonical).toBe('https://wire.example/story?a=1&b=2');
    const own = `${SITE}/2019/02/15/${await slugOf('evil')}/`;
    expect(h.og('og:url')).toEqual([own]);
    expect(h.og('og:type')).toEqual(['article']);
    expect(h.og('og:title')).toEqual([EVIL]);
    expect(h.og('og:description')).toEqual([h.description]);
    expect(h.og('og:image')).toEqual([`${SITE}/media/${HASH}-1200.jpg`]);
    expect(h.og('og:image:width')).toEqual(['1200']);
    expect(h.og('og:image:height')).toEqual(['675']);
    expect(h.og('og:image:alt')).toEqual([EVIL]);
    expect(h.og('article:published_time')).toEqual(['2019-02-15T08:00:00.000Z']);
    expect(h.og('article:modified_time')).toHaveLength(1);
    expect(h.og('article:section')).toEqual(['World']);
    expect(h.og('article:tag')).toEqual(['Elections']);
    expect(h.twitter('twitter:card')).toEqual(['summary_large_image']);
    expect(h.twitter('twitter:title')).toEqual([EVIL]);
    expect(h.twitter('twitter:image')).toEqual([`${SITE}/media/${HASH}-1200.jpg`]);
    const a = h.jsonLd.find((j) => j['@type'] === 'NewsArticle')!;
    expect(a.headline).toBe(EVIL);
    expect(a.image).toEqual([{ '@type': 'ImageObject', url: `${SITE}/media/${HASH}-1200.jpg`, width: 1200, height: 675 }]);
    expect(a.datePublished).toBe('2019-02-15T08:00:00.000Z');
    expect(Date.parse(a.dateModified)).toBeGreaterThanOrEqual(Date.parse(a.datePublished));
    expect(a.author).toEqual([{ '@type': 'Person', name: 'Ayşe "Reporter"' }]);
    expect(a.publisher).toEqual({ '@type': 'Organization', name: 'The "Daily" <Jarida>', url: `${SITE}/`, logo: { '@type': 'ImageObject', url: `${SITE}/icon-512.png`, width: 512, height: 512 } });
    expect(a.mainEntityOfPage).toEqual({ '@type': 'WebPage', '@id': own });
    expect(a.isBasedOn).toBe('https://wire.example/story?a=1&b=2');
    expect(a.inLanguage).toBe('en');
    // Share links: the page's URL and title, encoded, in plain links.
    const share = [...h.document.querySelectorAll('nav.share a')].map((x) => x.getAttribute('href'));
    expect(share).toContain(`https://x.com/intent/post?url=${encodeURIComponent(own)}&text=${encodeURIComponent(EVIL)}`);
    expect(share).toContain(`mailto:?subject=${encodeURIComponent(EVIL)}&body=${encodeURIComponent(own)}`);
    expect(share).toHaveLength(5);
  });

  it('canonical: the original, unless the source or the article names the copy here', async () => {
    const path = `/2019/02/15/${await slugOf('evil')}/`;
    const canonical = async () => head((await get(path)).body).canonical;
    expect(await canonical()).toBe('https://wire.example/story?a=1&b=2');
    await setArticleCanonicalHere(store.db, ids.evil!, true);
    expect(await canonical()).toBe(`${SITE}${path}`);
    await setArticleCanonicalHere(store.db, ids.evil!, null);
    const wire = (await store.db.selectFrom('articles').select('source_id').where('id', '=', ids.evil!).executeTakeFirstOrThrow()).source_id;
    await updateSource(store.db, Number(wire), { canonicalHere: true });
    expect(await canonical()).toBe(`${SITE}${path}`);
    await setArticleCanonicalHere(store.db, ids.evil!, false);
    expect(await canonical()).toBe('https://wire.example/story?a=1&b=2');
    await setArticleCanonicalHere(store.db, ids.evil!, null);
    await updateSource(store.db, Number(wire), { canonicalHere: false });
    // An article written here has no original: its own page, the source as author organisation when it names none.
    const own = head((await get(`/2019/02/15/${await slugOf('own')}/`)).body);
    expect(own.canonical).toBe(`${SITE}/2019/02/15/${await slugOf('own')}/`);
    const a = own.jsonLd.find((j) => j['@type'] === 'NewsArticle')!;
    expect(a.isBasedOn).toBeUndefined();
    expect(a.author).toEqual([{ '@type': 'Organization', name: 'Desk' }]);
    expect(own.twitter('twitter:card')).toEqual(['summary']);
  });

  it('day, month, year and section pages: what they are, and a BreadcrumbList down to them', async () => {
    const day = head((await get('/2019/02/15/')).body);
    expect(day.title).toMatch(/^15 February 2019.* - The "Daily" <Jarida>$/);
    expect(day.description).toMatch(/^Articles of 15 February 2019.* - 2 articles$/);
    expect(day.canonical).toBe(`${SITE}/2019/02/15/`);
    const crumbs = day.jsonLd.find((j) => j['@type'] === 'BreadcrumbList')!;
    expect(crumbs.itemListElement.map((i: any) => `${i.position} ${i.item}`)).toEqual([`1 ${SITE}/`, `2 ${SITE}/2019/`, `3 ${SITE}/2019/02/`, `4 ${SITE}/2019/02/15/`]);
    expect(crumbs.itemListElement[0].name).toBe('The "Daily" <Jarida>');
    const month = head((await get('/2019/02/')).body);
    expect(month.jsonLd.find((j) => j['@type'] === 'BreadcrumbList')!.itemListElement).toHaveLength(3);
    const section = head((await get('/section/world/')).body);
    expect(section.title).toBe('World - The "Daily" <Jarida>');
    expect(section.description).toBe('World - 1 articles');
    expect(section.canonical).toBe(`${SITE}/section/world/`);
    expect(section.jsonLd.find((j) => j['@type'] === 'BreadcrumbList')!.itemListElement.map((i: any) => i.name)).toEqual(['The "Daily" <Jarida>', 'World']);
    const ar = head((await get('/ar/section/world/')).body);
    expect(ar.title).toMatch(/^العالم - /);
    expect(ar.og('og:locale')).toEqual(['ar_AR']);
  });

  it('search and own pages', async () => {
    const search = head((await get('/search?q=%22%3C%2Fscript%3E')).body);
    expect(search.title).toBe('Search: "</script> - The "Daily" <Jarida>');
    expect(search.document.querySelector('meta[name="robots"]')?.getAttribute('content')).toBe('noindex');
    expect(search.canonical).toBe(`${SITE}/search?q=%22%3C%2Fscript%3E`);
    expect(search.jsonLd).toEqual([]);
    const about = head((await get('/about/')).body);
    expect(about.title).toBe('About us - The "Daily" <Jarida>');
    expect(about.description).toBe('We are independent since 2019.');
    expect(about.canonical).toBe(`${SITE}/about/`);
    expect(about.og('og:type')).toEqual(['website']);
    // An error page: its title, no canonical, no social tags.
    const missing = head((await get('/2019/02/15/no-such-story/')).body);
    expect(missing.canonical).toBeNull();
    expect(missing.alternates).toEqual([]);
    expect(missing.og('og:title')).toEqual([]);
    expect(missing.jsonLd).toEqual([]);
  });

  it('serves the icons (PNG at their sizes), the manifest and the OpenSearch description', async () => {
    for (const [path, size] of [['/favicon.ico', 32], ['/apple-touch-icon.png', 180], ['/icon-192.png', 192], ['/icon-512.png', 512], ['/icon-maskable-512.png', 512]] as const) {
      const r = await get(path);
      expect(r.statusCode, path).toBe(200);
      expect(r.headers['content-type'], path).toBe('image/png');
      const m = await sharp(r.rawPayload).metadata();
      expect([m.format, m.width, m.height], path).toEqual(['png', size, size]);
      const again = await app.inject({ method: 'GET', url: path, headers: { 'if-none-match': String(r.headers.etag) } });
      expect(again.statusCode).toBe(304);
    }
    const manifest = await get('/ar/manifest.webmanifest');
    expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
    const m = JSON.parse(manifest.body);
    expect(m).toMatchObject({ name: 'The "Daily" <Jarida>', lang: 'ar', dir: 'rtl', start_url: '/ar/', display: 'standalone' });
    expect(m.icons.map((i: any) => `${i.src} ${i.sizes} ${i.purpose ?? 'any'}`)).toEqual(['/icon-192.png 192x192 any', '/icon-512.png 512x512 any', '/icon-maskable-512.png 512x512 maskable']);
    const os = await get('/tr/opensearch.xml');
    expect(os.headers['content-type']).toBe('application/opensearchdescription+xml; charset=utf-8');
    const doc = new XMLParser({ ignoreAttributes: false }).parse(os.body).OpenSearchDescription;
    expect(doc['@_xmlns']).toBe('http://a9.com/-/spec/opensearch/1.1/');
    expect(doc.ShortName).toBe('The "Daily" <Jar');
    expect(doc.Language).toBe('tr');
    expect(doc.Url.map((u: any) => u['@_template'])).toEqual([`${SITE}/tr/search?q={searchTerms}`, `${SITE}/tr/opensearch.xml`]);
  });

  async function slugOf(key: string): Promise<string> {
    return (await store.db.selectFrom('articles').select('slug').where('id', '=', ids[key]!).executeTakeFirstOrThrow()).slug;
  }
});

describe.skipIf(await skipStoreTests())('page metadata without siteUrl', () => {
  let store: Store;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    store = await openTestStore();
    const cache = new PageCache({ maxBytes: 1 << 22, timeZone: TZ, now });
    app = await buildApp({ store, config: parseConfig({ timeZone: TZ }), now, cache });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  /** GETs a path with a Host header of our choosing (fetch would not send it). */
  const getAs = (host: string, path: string) =>
    new Promise<{ cache: string | undefined; body: string }>((done, fail) => {
      request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => done({ cache: res.headers['x-cache'] as string | undefined, body }));
      }).on('error', fail).end();
    });

  it('makes absolute URLs from the Host, and keeps one cached copy per Host', async () => {
    const a = await getAs('news.example:3000', '/');
    expect(head(a.body).canonical).toBe('http://news.example:3000/');
    const b = await getAs('other.example', '/');
    expect(b.cache).toBe('miss');
    expect(head(b.body).canonical).toBe('http://other.example/');
    const again = await getAs('news.example:3000', '/');
    expect(again.cache).toBe('hit');
    expect(head(again.body).canonical).toBe('http://news.example:3000/');
  });
});

describe('the logo, share and description settings', () => {
  it('reads them from the config file and names a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarida-logo-'));
    try {
      writeFileSync(join(dir, 'logo.png'), Buffer.from('not read here'));
      const config = parseConfig({ logo: 'logo.png', share: ['telegram', 'x', 'x'], description: '  Our town.  ' }, {}, join(dir, 'jarida.config.json'));
      expect(config.site.logo).toBe(join(dir, 'logo.png'));
      expect(config.site.share).toEqual(['telegram', 'x']);
      expect(config.site.description).toBe('Our town.');
      const bad = (() => {
        try {
          parseConfig({ logo: 'missing.svg', share: ['myspace'], description: 'x'.repeat(301) }, {}, join(dir, 'jarida.config.json'));
        } catch (err) {
          return (err as Error).message;
        }
      })();
      expect(bad).toMatch(/logo: file not found: .*missing\.svg/);
      expect(bad).toMatch(/share: "myspace" is not one of x, facebook/);
      expect(bad).toMatch(/description: longer than 300/);
      expect(() => parseConfig({ logo: 'logo.gif' })).toThrow(/logo: must be the path of a \.png or \.svg file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes the icons from a PNG logo, and names a logo that is not an image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarida-logo-'));
    try {
      const logo = join(dir, 'logo.png');
      writeFileSync(logo, await sharp({ create: { width: 300, height: 100, channels: 3, background: '#c00' } }).png().toBuffer());
      const icons = await makeIcons(logo);
      for (const [path, png] of icons) {
        const m = await sharp(png).metadata();
        expect(m.width, path).toBe(m.height);
      }
      expect((await sharp(icons.get('/apple-touch-icon.png')!).metadata()).width).toBe(180);
      writeFileSync(join(dir, 'bad.png'), 'not a PNG');
      await expect(makeIcons(join(dir, 'bad.png'))).rejects.toThrow(/icons: the logo .*bad\.png is not a PNG or SVG image/);
      await expect(new IconSet().get(join(dir, 'gone.svg'))).rejects.toThrow(/icons: cannot read the logo/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('meta helpers', () => {
  it('jsonLdText leaves no < > & and parses back', () => {
    const value = { a: '</script><!-- & \u2028' };
    const text = jsonLdText(value);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('clip cuts at a word; ogImage takes the largest variant up to 1200 px; twitterHandle reads an X link', () => {
    expect(clip('one two three', 8)).toBe('one two…');
    expect(clip('short', 8)).toBe('short');
    const p = { src: '', srcset: '/m/a-320.jpg 320w, /m/a-1200.jpg 1200w, /m/a-2000.jpg 2000w', type: 'image/jpeg', webpSrcset: '', width: 2000, height: 1000 };
    expect(ogImage(p)).toEqual({ url: '/m/a-1200.jpg', width: 1200, height: 600 });
    expect(ogImage({ ...p, srcset: '/m/a-2000.jpg 2000w' })).toEqual({ url: '/m/a-2000.jpg', width: 2000, height: 1000 });
    expect(twitterHandle([{ name: 'X', url: 'https://twitter.com/@someone/' }])).toBe('@someone');
    expect(twitterHandle([{ name: 'FB', url: 'https://facebook.com/someone' }])).toBeNull();
  });
});
