/**
 * An image uploaded at the desk, on real image bytes and both stores: the same checks, variants and
 * files as a fetched image, the refusals as one line with a code, hostile files made harmless, an
 * address that is never fetched, and an article naming it shown as a fetched image is shown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../config.js';
import { articleHtmlFromMarkdown } from '../html/markdown.js';
import { NO_PRIVATE_ADDRESSES } from '../ingest/fetch/guard.js';
import { saveArticle } from '../store/articles.js';
import type { Store } from '../store/db.js';
import { countMediaByStatus, findMediaOfArticle, findReadyMediaByUrls, markMediaPending } from '../store/media.js';
import { ensureSource } from '../store/sources.js';
import { openTestStore, skipStoreTests } from '../store/testing.js';
import { buildApp } from '../web/app.js';
import { referenceConfig } from '../web/testdata/reference-site.js';
import { FolderMediaFiles } from './files.js';
import { backfillImages, collectImages, mediaDepsOf, storeImages, type MediaDeps } from './pipeline.js';
import { pruneImages } from './prune.js';
import { MediaServer } from './serve.js';
import {
  HOSTILE_SVG, HTML_PAGE, jpegClaiming, pngBomb, pngBombHeader, sampleAnimatedGif, sampleGif, sampleJpeg, sampleJpegWithGps, samplePng, sampleWebp,
} from './testdata/images.js';
import { storeUploadedImage, UPLOAD_ERRORS, UploadError, type UploadDeps } from './upload.js';
import { isOwnImageUrl } from './urls.js';

const skip = await skipStoreTests();
const NOW = new Date('2019-02-15T09:00:00Z');
const SITE = 'https://news.example';

let store: Store;
let dir: string;
let files: FolderMediaFiles;
let config: Config;
let deps: MediaDeps;
/** Addresses the pipeline was asked to fetch: an upload's must never be among them. */
let loaded: string[];

/** Opens a store and a media folder; `siteUrl` null: a site with no address of its own. */
async function open(siteUrl: string | null = SITE): Promise<void> {
  store = await openTestStore();
  dir = mkdtempSync(join(tmpdir(), 'jarida-upload-'));
  files = new FolderMediaFiles(dir);
  config = referenceConfig({ media: { dir }, ...(siteUrl ? { siteUrl } : {}) });
  loaded = [];
  deps = { ...mediaDepsOf({ store, log: pino({ level: 'silent' }), now: () => NOW, config }, files, NO_PRIVATE_ADDRESSES), load: async (url) => {
    loaded.push(url);
    throw new Error(`test: ${url} would have been fetched`);
  } };
}
async function close(): Promise<void> {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
}

async function storedNames(): Promise<string[]> {
  const out: string[] = [];
  for await (const f of files.list()) out.push(f.name);
  return out.sort();
}

async function refusal(bytes: Uint8Array, d: UploadDeps = deps, filename?: string): Promise<UploadError> {
  const err = await storeUploadedImage(d, bytes, { filename }).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(UploadError);
  return err as UploadError;
}

async function saveStory(guid: string, imageUrl: string | null, body: string): Promise<{ id: number; slug: string }> {
  const source = await ensureSource(store.db, { kind: 'manual', title: 'The Desk' });
  return saveArticle(store.db, { sourceId: source, guid, url: null, title: `Story ${guid}`, summary: 'S', contentHtml: body, imageUrl, author: null, language: 'en', publishedAt: NOW }, config.site.timeZone);
}

describe.skipIf(skip)('storeUploadedImage', () => {
  beforeEach(() => open());
  afterEach(close);

  it('stores a JPEG, PNG, WebP and GIF exactly as the fetch pipeline stores the same bytes, under an address on the site', async () => {
    const images = { 'a.jpg': await sampleJpeg(1600, 900), 'b.png': await samplePng(800, 600), 'c.webp': await sampleWebp(1000, 700), 'd.gif': await sampleGif(400, 300) };
    const expected = { 'a.jpg': ['320.webp', '320.jpg', '640.webp', '640.jpg', '1280.webp', '1280.jpg'], 'b.png': ['320.webp', '320.png', '640.webp', '640.png', '800.webp', '800.png'], 'c.webp': ['320.webp', '320.jpg', '640.webp', '640.jpg', '1000.webp', '1000.jpg'], 'd.gif': ['320.webp', '320.jpg', '400.webp', '400.jpg'] };
    // The same bytes through the fetch pipeline, for comparison.
    const fetched = await saveStory('fetched', null, Object.keys(images).map((n) => `<p><img src="https://photos.example/${n}"></p>`).join(''));
    await storeImages({ ...deps, load: async (url) => images[url.slice('https://photos.example/'.length) as keyof typeof images] }, await collectImages(deps, [fetched.id]));
    const byUrl = new Map((await findMediaOfArticle(store.db, fetched.id)).map((r) => [r.url, r]));

    for (const [name, bytes] of Object.entries(images)) {
      const up = await storeUploadedImage(deps, bytes, { filename: name });
      const row = (await findReadyMediaByUrls(store.db, [up.url]))[0]!;
      const twin = byUrl.get(`https://photos.example/${name}`)!;
      expect(row.variants.map((v) => `${v.w}.${v.f}`), name).toEqual(expected[name as keyof typeof expected]);
      expect(row, name).toMatchObject({ id: up.mediaId, status: 'ready', hash: twin.hash, width: twin.width, height: twin.height, variants: twin.variants, bytes: bytes.length, error: null, attempts: 0 });
      expect(up.hash).toBe(twin.hash);
      const largest = row.variants.filter((v) => v.f !== 'webp').at(-1)!;
      expect(up.url, name).toBe(`${SITE}/media/${up.hash}-${largest.w}.${largest.f}`);
      expect([up.width, up.height]).toEqual([twin.width, twin.height]);
      for (const v of row.variants) expect((await files.stat(`${up.hash}-${v.w}.${v.f}`))?.bytes, name).toBe(v.b);
    }
  });

  it('gives the same image uploaded twice one row and one address, and stores its files again if they went', async () => {
    const bytes = await sampleJpeg(900, 600, 11);
    const first = await storeUploadedImage(deps, bytes);
    const names = await storedNames();
    for (const n of names) await files.delete(n);
    const again = await storeUploadedImage(deps, Buffer.from(bytes), { filename: 'other-name.png' });
    expect(again).toEqual(first);
    expect(await storedNames()).toEqual(names);
    expect(await countMediaByStatus(store.db)).toEqual({ pending: 0, fetching: 0, ready: 1, failed: 0 });
    const other = await storeUploadedImage(deps, await sampleJpeg(900, 600, 12));
    expect(other.url).not.toBe(first.url);
    expect(other.mediaId).not.toBe(first.mediaId);
  });

  it('refuses by the bytes, whatever the name: one line, a stable code, nothing stored', async () => {
    const jpeg = await sampleJpeg(800, 450);
    const cases: [Uint8Array, string, string, string?][] = [
      [Buffer.from('Just some notes, not a photo.\n'), UPLOAD_ERRORS.notImage, 'image: not an image (PNG, JPEG, WebP, GIF, AVIF expected)', 'photo.jpg'],
      [Buffer.from(HTML_PAGE), UPLOAD_ERRORS.notImage, 'image: not an image (PNG, JPEG, WebP, GIF, AVIF expected)', 'photo.jpg'],
      [Buffer.from('%PDF-1.7\n%âãÏÓ\n'), UPLOAD_ERRORS.notImage, 'image: not an image (PNG, JPEG, WebP, GIF, AVIF expected)', 'scan.png'],
      [new Uint8Array(0), UPLOAD_ERRORS.notImage, 'image: not an image (PNG, JPEG, WebP, GIF, AVIF expected)'],
      [Buffer.from(HOSTILE_SVG), UPLOAD_ERRORS.svg, 'image: SVG refused, it can carry scripts (PNG, JPEG, WebP, GIF, AVIF expected)', 'logo.png'],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" width="64" height="64"/>'), UPLOAD_ERRORS.svg, 'image: SVG refused, it can carry scripts (PNG, JPEG, WebP, GIF, AVIF expected)', 'logo.svg'],
      [jpeg.subarray(0, jpeg.length >> 1), UPLOAD_ERRORS.unreadable, 'image: the JPEG file is damaged or cut short', 'half.jpg'],
      [jpeg.subarray(0, 300), UPLOAD_ERRORS.unreadable, 'image: the JPEG file is damaged or cut short'],
      [pngBombHeader(40_000, 40_000), UPLOAD_ERRORS.tooManyPixels, 'image: 40000 × 40000 pixels is over the limit of 50 megapixels'],
      [jpegClaiming(jpeg, 40_000, 40_000), UPLOAD_ERRORS.tooManyPixels, 'image: 40000 × 40000 pixels is over the limit of 50 megapixels'],
      [await pngBomb(), UPLOAD_ERRORS.tooManyPixels, 'image: 20000 × 20000 pixels is over the limit of 50 megapixels'],
      [await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).gif().toBuffer(), UPLOAD_ERRORS.tooSmall, 'image: 1 × 1 pixels is too small (16 px on a side at least)'],
      [Buffer.alloc(10 * 1024 * 1024 + 1, 0xff), UPLOAD_ERRORS.tooLarge, 'image: over 10 MB'],
    ];
    const before = process.memoryUsage().rss;
    for (const [bytes, code, message, filename] of cases) {
      const started = performance.now();
      const err = await refusal(bytes, deps, filename);
      expect({ code: err.code, message: err.message, refused: err.refused }, message).toEqual({ code, message, refused: true });
      expect(err.message).not.toContain('\n');
      if (code === UPLOAD_ERRORS.tooManyPixels) expect(performance.now() - started, message).toBeLessThan(2000); // the header only
      if (code !== UPLOAD_ERRORS.tooLarge) expect(err.cause, message).toBeInstanceOf(Error);
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024); // no bomb was decoded
    expect((await refusal(Buffer.concat([jpeg, Buffer.alloc(1 << 20)]), { ...deps, settings: { ...deps.settings, maxBytes: 1 << 20 } })).message).toBe('image: over 1 MB');
    expect(await countMediaByStatus(store.db)).toEqual({ pending: 0, fetching: 0, ready: 0, failed: 0 });
    expect(await storedNames()).toEqual([]);
  });

  it('makes hostile files harmless: HTML polyglots refused or re-encoded, EXIF location stripped, an animated GIF kept as its first frame', async () => {
    const jpeg = await sampleJpeg(640, 480, 7);
    const script = '<html><body><script>alert(document.cookie)</script></body></html>';
    // The first bytes of an image, then HTML: nothing a decoder can read.
    for (const head of ['GIF89a', '\x89PNG\r\n\x1a\n', '\xff\xd8\xff']) expect((await refusal(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(script)]))).code).toBe(UPLOAD_ERRORS.unreadable);
    expect((await refusal(Buffer.from(`GIF89a/*${script}*/`))).code).toBe(UPLOAD_ERRORS.unreadable);
    // A real JPEG with HTML after its end, and a PNG with HTML in a text chunk: taken, and what is served is re-encoded pixels only.
    const tail = await storeUploadedImage(deps, Buffer.concat([jpeg, Buffer.from(script)]));
    const png = await sharp(await samplePng(300, 200, 8, false)).withMetadata().png().toBuffer();
    const textChunk = Buffer.concat([png.subarray(0, 33), pngChunk('tEXt', Buffer.from(`Comment\0${script}`, 'latin1')), png.subarray(33)]);
    expect(textChunk.includes(Buffer.from('<script>'))).toBe(true);
    const withText = await storeUploadedImage(deps, textChunk);
    for (const up of [tail, withText]) {
      const row = (await findReadyMediaByUrls(store.db, [up.url]))[0]!;
      for (const v of row.variants) {
        const out = (await files.get(`${up.hash}-${v.w}.${v.f}`))!;
        expect(out.includes(Buffer.from('<script')) || out.includes(Buffer.from('<html'))).toBe(false);
      }
    }

    // EXIF with a GPS position: there in the upload, gone from every stored file.
    const gps = await sampleJpegWithGps();
    const exif = (await sharp(gps).metadata()).exif!;
    expect(exif.includes(Buffer.from([0x25, 0x88])) || exif.includes(Buffer.from([0x88, 0x25]))).toBe(true); // the GPSInfo tag
    expect(gps.includes(Buffer.from('Jarida Test Camera'))).toBe(true);
    const located = await storeUploadedImage(deps, gps);
    const row = (await findReadyMediaByUrls(store.db, [located.url]))[0]!;
    expect(row.variants).toHaveLength(6);
    for (const v of row.variants) {
      const out = (await files.get(`${located.hash}-${v.w}.${v.f}`))!;
      const m = await sharp(out).metadata();
      expect([m.exif, m.xmp, m.iptc], v.f).toEqual([undefined, undefined, undefined]);
      expect(out.includes(Buffer.from('Exif\0\0', 'latin1')) || out.includes(Buffer.from('Jarida Test Camera'))).toBe(false);
    }

    // An animated GIF: as the fetch pipeline does, its first frame, as stills.
    const gif = await sampleAnimatedGif(200, 150, 3);
    expect((await sharp(gif).metadata()).pages).toBe(3);
    const anim = await storeUploadedImage(deps, gif);
    expect([anim.width, anim.height]).toEqual([200, 150]);
    const animRow = (await findReadyMediaByUrls(store.db, [anim.url]))[0]!;
    expect(animRow.variants.map((v) => `${v.w}x${v.h}.${v.f}`)).toEqual(['200x150.webp', '200x150.jpg']);
    for (const v of animRow.variants) expect((await sharp((await files.get(`${anim.hash}-${v.w}.${v.f}`))!).metadata()).pages ?? 1).toBe(1);
  });

  it('never fetches an upload: linking its article fetches nothing, and a row put back to pending fails with its cause', async () => {
    const up = await storeUploadedImage(deps, await sampleJpeg(1600, 900, 3));
    expect(isOwnImageUrl(up.url, SITE)).toBe(true);
    const story = await saveStory('lead', up.url, '<p>Text.</p>');
    expect(await collectImages(deps, [story.id])).toEqual([]); // linked, ready: nothing to fetch
    expect((await findMediaOfArticle(store.db, story.id)).map((r) => [r.id, r.status])).toEqual([[up.mediaId, 'ready']]);
    expect(await backfillImages(deps, { retry: true })).toMatchObject({ ready: 0, failed: 0, articles: 1 });
    // Its files gone and the row put back to pending (`media fetch --verify`): refused, not fetched.
    await markMediaPending(store.db, up.mediaId);
    expect(await backfillImages(deps, { retry: true })).toMatchObject({ ready: 0, failed: 1 });
    expect((await findMediaOfArticle(store.db, story.id))[0]).toMatchObject({ status: 'failed', error: "image: an upload or this site's own /media/ file: not fetched (upload it again)" });
    expect(loaded).toEqual([]);
    // Uploading it again makes it ready again, for the article already naming it.
    expect((await storeUploadedImage(deps, await sampleJpeg(1600, 900, 3))).mediaId).toBe(up.mediaId);
    expect((await findMediaOfArticle(store.db, story.id))[0]).toMatchObject({ status: 'ready', error: null });
  });

  it('keeps an upload no article uses yet for a week at prune, files included, then forgets it', async () => {
    const up = await storeUploadedImage({ ...deps, now: () => new Date() }, await sampleJpeg(700, 400, 4));
    const names = await storedNames();
    expect(await pruneImages(store, files, { now: new Date(Date.now() + 6 * 24 * 3600_000) })).toMatchObject({ rows: 0, files: [] });
    expect(await storedNames()).toEqual(names);
    const later = await pruneImages(store, files, { now: new Date(Date.now() + 8 * 24 * 3600_000) });
    expect(later.rows).toBe(1);
    expect(later.files.map((f) => f.name).sort()).toEqual(names);
    expect(await findReadyMediaByUrls(store.db, [up.url])).toEqual([]);
  });
});

describe.skipIf(skip)('an uploaded image on pages (a site with no siteUrl)', () => {
  beforeEach(() => open(null));
  afterEach(close);

  it('is the lead image and a body image of its article as a fetched one is: <picture>, WebP srcset, fallback, width/height; its address is never shown', async () => {
    const lead = await storeUploadedImage(deps, await sampleJpeg(1600, 800, 9), { filename: 'lead.jpg' });
    const inBody = await storeUploadedImage(deps, await samplePng(700, 400, 10), { filename: 'chart.png' });
    expect(lead.url).toBe(`https://uploads.invalid/${lead.hash}-1280.jpg`);
    expect(isOwnImageUrl(lead.url, null)).toBe(true);
    const body = articleHtmlFromMarkdown(`The harbour at dawn.\n\n![A chart](${inBody.url})\n\nMore text.`);
    const story = await saveStory('desk', lead.url, body);
    expect(await collectImages(deps, [story.id])).toEqual([]);
    const app = await buildApp({ store, config, media: new MediaServer(files, { maxBytes: 8 << 20 }) });
    try {
      const res = await app.inject({ url: `/2019/02/15/${story.slug}/` });
      expect(res.statusCode).toBe(200);
      const [l, b] = [lead.hash, inBody.hash];
      expect(res.body).toContain(
        `<picture><source type="image/webp" srcset="/media/${l}-320.webp 320w, /media/${l}-640.webp 640w, /media/${l}-1280.webp 1280w" sizes="(max-width: 42rem) 100vw, 42rem">` +
          `<img src="/media/${l}-640.jpg" width="1280" height="640" alt="" class="lead" loading="eager" fetchpriority="high" decoding="async"></picture>`,
      );
      expect(res.body).toContain(
        `<picture><source type="image/webp" srcset="/media/${b}-320.webp 320w, /media/${b}-640.webp 640w, /media/${b}-700.webp 700w" sizes="(max-width: 42rem) 100vw, 42rem">` +
          `<img src="/media/${b}-640.png" srcset="/media/${b}-320.png 320w, /media/${b}-640.png 640w, /media/${b}-700.png 700w" sizes="(max-width: 42rem) 100vw, 42rem" width="700" height="400" alt="A chart" loading="lazy" decoding="async"></picture>`,
      );
      expect(res.body).not.toContain('uploads.invalid');
      const file = await app.inject({ url: `/media/${l}-640.jpg` });
      expect([file.statusCode, file.headers['content-type']]).toEqual([200, 'image/jpeg']);
      // The front page's card of the article shows it too.
      const home = await app.inject({ url: '/' });
      expect(home.body).toContain(`/media/${l}-640.webp 640w`);
      expect(home.body).not.toContain('uploads.invalid');
    } finally {
      await app.close();
    }
  });
});

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}
