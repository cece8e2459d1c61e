/**
 * Images on pages: stored images as pictures (srcset, sizes, width/height), bodies rewritten to the
 * local copies (a failed image keeps its address), the lead image once, and `/media/` served with
 * immutable caching, ETags, nosniff — through `inject()` and through the real server's front path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_PRIVATE_ADDRESSES } from '../ingest/fetch/guard.js';
import { FolderMediaFiles } from '../media/files.js';
import { collectImages, mediaDepsOf, storeImages } from '../media/pipeline.js';
import { MediaServer } from '../media/serve.js';
import { HTML_PAGE, sampleJpeg, samplePng } from '../media/testdata/images.js';
import { saveArticle } from '../store/articles.js';
import type { Store } from '../store/db.js';
import { findMediaOfArticle } from '../store/media.js';
import { ensureSource } from '../store/sources.js';
import { openTestStore, skipStoreTests } from '../store/testing.js';
import { buildApp } from './app.js';
import { PageCache } from './cache.js';
import { findPictures, pictureOf, rewriteBodyImages, type Picture } from './images.js';
import { referenceConfig } from './testdata/reference-site.js';
import { loadTheme } from './theme.js';

const LEAD = 'https://images.example/2019/lead.jpg?w=1200&h=600';
const ONE = 'https://images.example/one.png';
const BROKEN = 'https://images.example/gone.jpg';
const NOW = new Date('2019-02-15T09:00:00Z');
const skip = await skipStoreTests();

const picture: Picture = { src: '/media/h-640.jpg', srcset: '/media/h-320.jpg 320w, /media/h-640.jpg 640w', type: 'image/jpeg', webpSrcset: '/media/h-320.webp 320w, /media/h-640.webp 640w', width: 640, height: 360 };

describe('rewriteBodyImages', () => {
  it('points a stored image at its local copies and leaves the others as they are', () => {
    const html = `<p><img src="https://x.example/a.jpg?w=1&amp;h=2" alt="A &amp; B" loading="lazy"></p><p><img src="${BROKEN}" alt="gone"></p>`;
    const out = rewriteBodyImages(html, new Map([['https://x.example/a.jpg?w=1&h=2', picture]]))!;
    expect(out).toBe(
      '<p><picture><source type="image/webp" srcset="/media/h-320.webp 320w, /media/h-640.webp 640w" sizes="(max-width: 42rem) 100vw, 42rem">' +
        '<img src="/media/h-640.jpg" srcset="/media/h-320.jpg 320w, /media/h-640.jpg 640w" sizes="(max-width: 42rem) 100vw, 42rem" width="640" height="360" alt="A &amp; B" loading="lazy" decoding="async"></picture></p>' +
        `<p><img src="${BROKEN}" alt="gone"></p>`,
    );
  });

  it("replaces a source's own <picture> (its remote <source>s too) and keeps the body's own width/height", () => {
    const html = '<figure><picture><source srcset="https://x.example/a.avif" type="image/avif"><img src="https://x.example/a.jpg" width="300" height="200"></picture></figure>';
    const out = rewriteBodyImages(html, new Map([['https://x.example/a.jpg', picture]]))!;
    expect(out).not.toContain('x.example');
    expect(out).toMatch(/^<figure><picture><source type="image\/webp"[^>]*><img [^>]*width="300" height="200"[^>]*><\/picture><\/figure>$/);
    expect(rewriteBodyImages(html, new Map())).toBe(html);
  });
});

describe('pictureOf', () => {
  it('offers WebP and the fallback at every width, the middle one as src, the largest size as the box', () => {
    const p = pictureOf({ hash: 'abc', variants: [
      { w: 320, h: 180, f: 'webp', b: 1 }, { w: 320, h: 180, f: 'jpg', b: 1 }, { w: 640, h: 360, f: 'webp', b: 1 }, { w: 640, h: 360, f: 'jpg', b: 1 }, { w: 1280, h: 720, f: 'webp', b: 1 }, { w: 1280, h: 720, f: 'jpg', b: 1 },
    ] });
    expect(p).toEqual({
      src: '/media/abc-640.jpg', type: 'image/jpeg', width: 1280, height: 720,
      srcset: '/media/abc-320.jpg 320w, /media/abc-640.jpg 640w, /media/abc-1280.jpg 1280w',
      webpSrcset: '/media/abc-320.webp 320w, /media/abc-640.webp 640w, /media/abc-1280.webp 1280w',
      // A card's: the widths up to 640 px.
      thumb: {
        src: '/media/abc-640.jpg', type: 'image/jpeg', width: 640, height: 360,
        srcset: '/media/abc-320.jpg 320w, /media/abc-640.jpg 640w', webpSrcset: '/media/abc-320.webp 320w, /media/abc-640.webp 640w',
      },
    });
    // An image whose narrowest copy is wider than a card's cap keeps that one for cards.
    expect(pictureOf({ hash: 'w', variants: [{ w: 900, h: 600, f: 'webp', b: 1 }, { w: 900, h: 600, f: 'png', b: 1 }] }, 640)).toMatchObject({ srcset: '/media/w-900.png 900w', webpSrcset: '/media/w-900.webp 900w', type: 'image/png' });
  });
});

describe('picture.liquid', () => {
  it('keeps the box, lazy by default, eager with high priority for a lead', async () => {
    const theme = loadTheme(null);
    const lazy = await theme.render('picture', { picture, alt: 'Harbour "at dawn"' });
    expect(lazy).toContain('<source type="image/webp" srcset="/media/h-320.webp 320w, /media/h-640.webp 640w" sizes="100vw">');
    expect(lazy).toMatch(/<img src="\/media\/h-640.jpg" width="640" height="360" alt="Harbour &#34;at dawn&#34;" loading="lazy" decoding="async">/);
    const lead = await theme.render('picture', { picture, loading: 'eager', sizes: '50vw', class: 'lead' });
    expect(lead).toContain('sizes="50vw"><img src="/media/h-640.jpg" width="640" height="360" alt="" class="lead" loading="eager" fetchpriority="high"');
  });
});

describe.skipIf(skip)('images on pages and /media/', () => {
  let store: Store;
  let dir: string;
  let app: FastifyInstance;
  let slugs: { lead: string; opens: string };
  let stored: { name: string; bytes: number }[];

  beforeAll(async () => {
    store = await openTestStore();
    dir = mkdtempSync(join(tmpdir(), 'jarida-images-'));
    const config = referenceConfig({ media: { dir } });
    const files = new FolderMediaFiles(dir);
    const source = await ensureSource(store.db, { kind: 'feed', title: 'Harbour News', siteUrl: 'https://images.example/', language: 'en' });
    const save = async (guid: string, imageUrl: string | null, body: string) =>
      saveArticle(store.db, { sourceId: source, guid, url: `https://images.example/${guid}`, title: `Story ${guid}`, summary: 'S', contentHtml: body, imageUrl, author: null, language: 'en', publishedAt: NOW }, config.site.timeZone);
    const esc = (u: string) => u.replaceAll('&', '&amp;');
    const opens = await save('opens', LEAD, `<p><img src="${esc(LEAD)}" alt=""></p><p>Text of the story.</p><p><img src="${ONE}" alt="One"></p><p><img src="${BROKEN}" alt="Gone"></p>`);
    const lead = await save('lead', ONE, '<p>Another story, its picture above it.</p>');
    slugs = { opens: opens.slug, lead: lead.slug };
    const bytes = new Map<string, Buffer>([[LEAD, await sampleJpeg(1600, 800)], [ONE, await samplePng(700, 400)], [BROKEN, Buffer.from(HTML_PAGE)]]);
    const deps = { ...mediaDepsOf({ store, log: pino({ level: 'silent' }), now: () => NOW, config }, files, NO_PRIVATE_ADDRESSES), load: async (u: string) => bytes.get(u)! };
    await storeImages(deps, await collectImages(deps, [opens.id, lead.id]));
    stored = (await findMediaOfArticle(store.db, opens.id)).flatMap((r) => r.variants.map((v) => ({ name: `${r.hash}-${v.w}.${v.f}`, bytes: v.b })));
    app = await buildApp({ store, config, media: new MediaServer(files, { maxBytes: 8 << 20 }) });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const articleUrl = (slug: string) => `/2019/02/15/${slug}/`;

  it('finds the stored images among a list of addresses in one call', async () => {
    const pictures = await findPictures(store, [LEAD, ONE, BROKEN, null, 'https://never.example/x.jpg']);
    expect([...pictures.keys()].sort()).toEqual([LEAD, ONE].sort());
    expect(pictures.get(LEAD)).toMatchObject({ width: 1280, height: 640, type: 'image/jpeg' });
    expect(pictures.get(ONE)).toMatchObject({ width: 700, height: 400, type: 'image/png' }); // not opaque
  });

  it('rewrites the body to the local copies, keeps a failed image as its address, and shows the lead once', async () => {
    const res = await app.inject({ url: articleUrl(slugs.opens) });
    expect(res.statusCode).toBe(200);
    const body = res.body.slice(res.body.indexOf('<div class="body">'));
    expect(res.body).not.toContain('class="lead"'); // the body opens with it, rewritten or not
    expect(body.match(/<picture>/g)).toHaveLength(2);
    expect(body).not.toContain('images.example/2019/lead.jpg');
    expect(body).not.toContain(ONE);
    expect(body).toContain(`<img src="${BROKEN}" alt="Gone">`);
    expect(body).toMatch(/<img src="\/media\/[0-9a-f]{24}-640\.jpg" srcset="[^"]*1280w" sizes="[^"]+" width="1280" height="640" alt="" loading="lazy" decoding="async">/);
    const lead = await app.inject({ url: articleUrl(slugs.lead) });
    expect(lead.body).toMatch(/<picture><source type="image\/webp" srcset="[^"]*-700\.webp 700w" sizes="[^"]+"><img src="\/media\/[0-9a-f]{24}-640\.png" [^>]*width="700" height="400" alt="" class="lead" loading="eager" fetchpriority="high" decoding="async"><\/picture>/);
  });

  it('serves a file immutable, with a strong ETag, 304, nosniff and no active content', async () => {
    const f = stored.find((s) => s.name.endsWith('.webp'))!;
    const res = await app.inject({ url: `/media/${f.name}` });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBe(f.bytes);
    expect(res.headers).toMatchObject({
      'content-type': 'image/webp',
      'content-length': String(f.bytes),
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    });
    const etag = String(res.headers.etag);
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    const again = await app.inject({ url: `/media/${f.name}`, headers: { 'if-none-match': `"other", ${etag}` } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    const jpg = stored.find((s) => s.name.endsWith('.jpg'))!;
    expect((await app.inject({ url: `/media/${jpg.name}` })).headers['content-type']).toBe('image/jpeg');
  });

  it('answers 404 for unknown and malformed names, and nothing outside the store is reachable', async () => {
    const real = stored[0]!.name;
    for (const url of [
      `/media/${'0'.repeat(24)}-640.webp`, '/media/abc.webp', `/media/${real}.txt`, `/media/${real.replace('.webp', '.svg')}`,
      '/media/..%2F..%2Fpackage.json', '/media/%2e%2e%2fpackage.json', '/media/..%5C..%5Cpackage.json', `/media/${real.slice(0, 2)}%2F${real}`, '/media/%00',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
    expect((await app.inject({ url: '/media/' })).statusCode).toBe(404);
  });

  it('serves the same answers from the real server, warm files from memory in front of Fastify', async () => {
    const cache = new PageCache({ maxBytes: 1 << 20, timeZone: 'Europe/Istanbul', now: () => NOW });
    const media = new MediaServer(new FolderMediaFiles(dir), { maxBytes: 8 << 20 });
    const served = await buildApp({ store, config: referenceConfig({ media: { dir } }), cache, media });
    await served.listen({ port: 0, host: '127.0.0.1' });
    try {
      const origin = `http://127.0.0.1:${(served.server.address() as AddressInfo).port}`;
      const f = stored.find((s) => s.name.endsWith('.jpg'))!;
      const first = await fetch(`${origin}/media/${f.name}`);
      expect(media.cached(f.name)).toBeDefined(); // the route filled the memory cache
      const second = await fetch(`${origin}/media/${f.name}`); // answered by the front
      for (const r of [first, second]) {
        expect(r.status).toBe(200);
        expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        expect(r.headers.get('content-type')).toBe('image/jpeg');
      }
      expect(Buffer.from(await second.arrayBuffer()).equals(Buffer.from(await first.arrayBuffer()))).toBe(true);
      const notModified = await fetch(`${origin}/media/${f.name}`, { headers: { 'if-none-match': second.headers.get('etag')! } });
      expect(notModified.status).toBe(304);
      expect((await fetch(`${origin}/media/..%2F..%2Fpackage.json`)).status).toBe(404);
    } finally {
      await served.close();
    }
  });
});
