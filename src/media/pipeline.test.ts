/**
 * The image pipeline end to end against a real HTTP server on 127.0.0.1, real sharp and real files:
 * every kind of image and non-image an article can name, each with a sane outcome on its own row
 * and in the log (with the article's id), the other images and articles unaffected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../config.js';
import { loadDemo } from '../ingest/demo.js';
import { inlineDigester } from '../ingest/digest.js';
import { DEMO_FILE } from '../paths.js';
import { parseAllowList } from '../ingest/fetch/guard.js';
import { refreshSource } from '../ingest/refresh.js';
import { rss } from '../ingest/testdata/feeds.js';
import { deleteArticle, saveArticle } from '../store/articles.js';
import { watchChanges, type Change } from '../store/changes.js';
import type { Store } from '../store/db.js';
import { countMediaByStatus, findMediaOfArticle, type MediaRecord } from '../store/media.js';
import { findSourceById, insertSource } from '../store/sources.js';
import { openTestStore, skipStoreTests } from '../store/testing.js';
import { FolderMediaFiles } from './files.js';
import { backfillImages, collectImages, createMediaQueue, mediaDepsOf, storeImages, type MediaDeps } from './pipeline.js';
import { pruneImages } from './prune.js';
import { HOSTILE_SVG, HTML_PAGE, pngBomb, sampleJpeg, samplePng, sampleWebp } from './testdata/images.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let base: string;
let store: Store;
let dir: string;
let files: FolderMediaFiles;
let config: Config;
let logs: { level: number; msg: string; articles?: number[]; url?: string; err?: string }[];
let deps: MediaDeps;
const skip = await skipStoreTests();
const NOW = new Date('2019-02-15T09:00:00Z');
const TZ = 'Europe/Istanbul';

const image = (bytes: Buffer | string, type: string): Handler => (_req, res) => {
  res.writeHead(200, { 'content-type': type });
  res.end(bytes);
};

beforeAll(async () => {
  const [jpeg, png, webp, bomb] = await Promise.all([sampleJpeg(1600, 900), samplePng(800, 600), sampleWebp(1000, 700), pngBomb()]);
  routes.set('/a.jpg', image(jpeg, 'image/jpeg'));
  routes.set('/b.png', image(png, 'image/png'));
  routes.set('/c.webp', image(webp, 'application/octet-stream')); // judged by its bytes, not its type
  routes.set('/d.svg', image(HOSTILE_SVG, 'image/svg+xml'));
  routes.set('/bomb.png', image(bomb, 'image/png'));
  routes.set('/fake.jpg', image(HTML_PAGE, 'image/jpeg'));
  routes.set('/slow.jpg', (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg' });
    res.write(jpeg.subarray(0, 100)); // then nothing: the deadline ends it
  });
  server = createServer((req, res) => {
    const h = routes.get((req.url ?? '/').split('?')[0]!);
    if (h) return h(req, res);
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<h1>Not found</h1>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

beforeEach(async () => {
  store = await openTestStore();
  dir = mkdtempSync(join(tmpdir(), 'jarida-media-'));
  files = new FolderMediaFiles(dir);
  config = parseConfig({ fetch: { allowPrivateAddresses: ['127.0.0.1/32'] }, media: { dir, timeoutSeconds: 1, maxMegabytes: 2 } });
  logs = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  deps = mediaDepsOf({ store, log, now: () => NOW, config }, files, parseAllowList(config.ingest.allowPrivateAddresses));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function addArticle(guid: string, imageUrl: string | null, bodyImages: string[]): Promise<number> {
  const source = await insertSource(store.db, { kind: 'feed', title: `S ${guid}`, url: `${base}/feed-${guid}` });
  const body = `<p>Text</p>${bodyImages.map((u) => `<p><img src="${u.replaceAll('&', '&amp;')}" alt="x"></p>`).join('')}`;
  const r = await saveArticle(store.db, { sourceId: source, guid, url: `${base}/${guid}`, title: `Article ${guid}`, summary: 'S', contentHtml: body, imageUrl, author: null, language: 'en', publishedAt: NOW }, TZ);
  return r.id;
}

const byUrl = (rows: MediaRecord[]) => new Map(rows.map((r) => [r.url.replace(base, ''), r]));

describe.skipIf(skip)('the image pipeline', () => {
  it('gives every image of an article its own outcome: stored, or failed with the cause, logged with the article id', async () => {
    const paths = ['/b.png', '/c.webp', '/d.svg', '/bomb.png', '/fake.jpg', '/missing.jpg', '/slow.jpg'];
    const id = await addArticle('one', `${base}/a.jpg`, [...paths.map((p) => `${base}${p}`), 'http://10.0.0.1/private.jpg']);
    const other = await addArticle('two', `${base}/a.jpg`, []);
    const changes: Change[] = [];
    const stop = watchChanges(store, (c) => changes.push(c), { pollMs: 20 });
    await stop.ready;
    const before = process.memoryUsage().rss;
    const todo = await collectImages(deps, [id, other]);
    expect(todo).toHaveLength(9); // a.jpg once, for both articles
    const tally = await storeImages(deps, todo);
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024); // the bomb was never decoded
    expect(tally).toMatchObject({ ready: 3, failed: 6, skipped: 0 });

    const rows = byUrl(await findMediaOfArticle(store.db, id));
    const outcome = (p: string) => (rows.get(p)?.status === 'ready' ? 'ready' : rows.get(p)?.error);
    expect(outcome('/a.jpg')).toBe('ready');
    expect(outcome('/b.png')).toBe('ready');
    expect(outcome('/c.webp')).toBe('ready');
    expect(outcome('/d.svg')).toBe('image: SVG refused (it can carry scripts)');
    expect(outcome('/bomb.png')).toBe('image: 400000000 pixels (20000 × 20000) over the limit of 50000000');
    expect(outcome('/fake.jpg')).toBe('image: not an image (HTML)');
    expect(outcome('/missing.jpg')).toBe('image: 404 Not Found');
    expect(outcome('/slow.jpg')).toBe('image: timed out after 1 s');
    expect(rows.get('http://10.0.0.1/private.jpg')?.error).toBe('image: refused private address 10.0.0.1 (private)');

    // The stored ones have their files; the article's other images did not stop them.
    const a = rows.get('/a.jpg')!;
    expect(a.variants.map((v) => `${v.w}.${v.f}`)).toEqual(['320.webp', '320.jpg', '640.webp', '640.jpg', '1280.webp', '1280.jpg']);
    for (const v of a.variants) expect((await files.stat(`${a.hash}-${v.w}.${v.f}`))?.bytes).toBe(v.b);
    expect(rows.get('/b.png')!.variants.map((v) => v.f)).toContain('png');

    // Each failure is logged once, with the ids of the articles naming the image.
    const failures = logs.filter((l) => l.msg === 'media: image not stored');
    expect(failures).toHaveLength(6);
    expect(failures.find((l) => l.url === `${base}/bomb.png`)).toMatchObject({ articles: [id], err: expect.stringMatching(/^image: 400000000 pixels/) });
    // A ready image signals its articles' change: their cached pages render again.
    await expect.poll(() => changes.flatMap((c) => c.articles ?? [])).toEqual(expect.arrayContaining([id, other]));
    await stop();
    expect(await countMediaByStatus(store.db)).toEqual({ pending: 0, fetching: 0, ready: 3, failed: 6 });
  });

  it('fetches through the queue without blocking the save, and `fetch --retry` tries failed ones again', async () => {
    let served = 0;
    routes.set('/later.jpg', (req, res) => {
      served++;
      if (served === 1) {
        res.writeHead(503);
        return res.end();
      }
      routes.get('/a.jpg')!(req, res);
    });
    const id = await addArticle('q', `${base}/later.jpg`, []);
    const queue = createMediaQueue(deps);
    queue.enqueue([id]);
    expect(await queue.drain()).toMatchObject({ ready: 0, failed: 1 });
    expect((await findMediaOfArticle(store.db, id))[0]!.error).toBe('image: 503 Service Unavailable');
    expect(await backfillImages(deps)).toMatchObject({ ready: 0, failed: 0, articles: 1 }); // failed ones wait for --retry
    expect(await backfillImages(deps, { retry: true })).toMatchObject({ ready: 1, failed: 0 });
    expect((await findMediaOfArticle(store.db, id))[0]).toMatchObject({ status: 'ready', error: null, attempts: 2 });
  });

  it('queues the images of the articles a refresh saved, and the refresh does not wait for them', async () => {
    routes.set('/feed', image(rss([{ guid: 'f1', title: 'With a picture', link: `${base}/f1`, content: `<p>${'Words of the story. '.repeat(40)}</p><p><img src="${base}/a.jpg" width="1600" height="900"></p>` }]), 'application/rss+xml'));
    const queue = createMediaQueue(deps);
    const sourceId = await insertSource(store.db, { kind: 'feed', title: 'Feed', url: `${base}/feed` });
    const result = await refreshSource({ store, config, allow: deps.fetch.allowPrivate, log: deps.log, now: () => NOW, digester: inlineDigester(), media: queue }, (await findSourceById(store.db, sourceId))!);
    expect(result).toMatchObject({ status: 'ok', created: 1 });
    expect(await queue.drain()).toMatchObject({ ready: 1, failed: 0 });
    const [article] = await store.db.selectFrom('articles').select('id').execute();
    expect((await findMediaOfArticle(store.db, article!.id)).map((r) => r.status)).toEqual(['ready']);
  });

  it("stores the demo's images from its shipped files, with no network", async () => {
    const { load: _none, ...offline } = { ...deps, fetch: { ...deps.fetch, allowPrivate: parseAllowList('') } };
    expect(await loadDemo(store, config.site, NOW, DEMO_FILE, offline)).toBeGreaterThan(30);
    expect(await countMediaByStatus(store.db)).toEqual({ pending: 0, fetching: 0, ready: 10, failed: 0 });
    const withImage = await store.db.selectFrom('articles').select('image_url').where('image_url', 'is not', null).execute();
    expect(withImage).toHaveLength(10);
    expect(withImage.every((r) => /^https:\/\/example\.(com|org|net)\/images\/demo\/[\w-]+\.jpg$/.test(r.image_url!))).toBe(true);
  });

  it('prunes only the images and files no article uses', async () => {
    const keep = await addArticle('keep', `${base}/a.jpg`, []);
    const gone = await addArticle('gone', `${base}/b.png`, [`${base}/a.jpg`]);
    await storeImages(deps, await collectImages(deps, [keep, gone]));
    const names = async () => {
      const out: string[] = [];
      for await (const f of files.list()) out.push(f.name);
      return out.sort();
    };
    const all = await names();
    expect(all).toHaveLength(12);
    expect((await pruneImages(store, files, { now: new Date() })).files).toEqual([]); // everything in use
    await deleteArticle(store.db, gone);
    // Files younger than the grace period stay (an image may be being stored right now).
    expect((await pruneImages(store, files, { now: new Date() })).files).toEqual([]);
    const r = await pruneImages(store, files, { now: new Date(Date.now() + 2 * 3600_000) });
    expect(r.rows).toBe(0); // the row went at the first prune
    const pngHash = all.find((n) => n.endsWith('.png'))!.slice(0, 24);
    expect(r.files.map((f) => f.name).sort()).toEqual(all.filter((n) => n.startsWith(pngHash)));
    expect(r.bytes).toBe(r.files.reduce((s, f) => s + f.bytes, 0));
    expect(await names()).toEqual(all.filter((n) => !n.startsWith(pngHash)));
    expect((await findMediaOfArticle(store.db, keep))[0]!.status).toBe('ready');
  });
});
