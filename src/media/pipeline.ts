/**
 * The images of articles, top to bottom: collect the addresses an article names → link them (a
 * pending row per new address) → claim one → fetch (the feeds' fetcher and guard) → check and
 * resize (process.ts) → store the files → record ready (its articles' pages re-render) or failed
 * (one line naming the cause, logged with the article ids). One image's failure is its own: the
 * other images, the article and the process go on. Only this file touches the store.
 */
import type { MediaSettings } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/db.js';
import {
  claimMedia, findArticleIdsOfMedia, findArticleImageSources, findArticlesWithImagesAfter, findMediaToFetch, findReadyMediaAfter, linkArticleImages, markMediaPending, saveMediaFailed, saveMediaReady,
  type ArticleImageSource, type MediaRecord,
} from '../store/media.js';
import { fetchImageBytes, type ImageFetchOptions } from './fetch.js';
import type { MediaFiles } from './files.js';
import { ImageError, processImage } from './process.js';
import { articleImageUrls, isOwnImageUrl } from './urls.js';

/** What the image pipeline needs; built once by the command that runs it. */
export interface MediaDeps {
  store: Store;
  files: MediaFiles;
  settings: MediaSettings;
  /** The feeds' User-Agent, allow list and connect timeout. */
  fetch: Pick<ImageFetchOptions, 'userAgent' | 'allowPrivate' | 'connectTimeoutMs'>;
  log: Logger;
  now: () => Date;
  /** Where an image's bytes come from; default: fetched. The demo reads its own files. */
  load?: (url: string) => Promise<Uint8Array>;
  /** The site's own address (`config.site.siteUrl`): its `/media/` files, uploads among them, are never fetched. */
  siteUrl?: string | null;
}

/** What a run of the pipeline did. */
export interface MediaTally {
  ready: number;
  failed: number;
  /** Claimed by another process meanwhile, or done already. */
  skipped: number;
  /** Bytes of the originals fetched. */
  bytesIn: number;
}

/** Returns a tally of zeros. */
export function emptyTally(): MediaTally {
  return { ready: 0, failed: 0, skipped: 0, bytesIn: 0 };
}

/**
 * Links the articles to the images they name now; returns those still to fetch (pending).
 * @example const todo = await collectImages(deps, [articleId]); await storeImages(deps, todo);
 */
export async function collectImages(deps: Pick<MediaDeps, 'store' | 'now'>, articleIds: readonly number[]): Promise<MediaRecord[]> {
  return linkSources(deps, await findArticleImageSources(deps.store.db, articleIds));
}

async function linkSources(deps: Pick<MediaDeps, 'store' | 'now'>, sources: readonly ArticleImageSource[]): Promise<MediaRecord[]> {
  const images = new Map(sources.map((a) => [a.id, articleImageUrls(a)]));
  const rows = await linkArticleImages(deps.store.db, images, deps.now());
  return rows.filter((r) => r.status === 'pending');
}

/**
 * Fetches, checks, resizes and stores one image and records the outcome on its row; never throws.
 * 'skipped' when another process holds it (or it is done).
 */
export async function storeImage(deps: MediaDeps, image: Pick<MediaRecord, 'id' | 'url'>, opts: { retry?: boolean; tally?: MediaTally } = {}): Promise<'ready' | 'failed' | 'skipped'> {
  const { settings, log } = deps;
  const now = deps.now();
  try {
    const lease = new Date(now.getTime() + settings.timeoutMs * 3 + 60_000);
    if (!(await claimMedia(deps.store.db, image.id, now, lease, opts))) return 'skipped';
  } catch (err) {
    log.error({ mediaId: image.id, url: image.url, err }, 'media: cannot claim the image');
    return 'skipped';
  }
  try {
    // An upload has no original to fetch (uploads.invalid never resolves; this site's /media/ files are copies already).
    if (isOwnImageUrl(image.url, deps.siteUrl ?? null)) throw new ImageError("image: an upload or this site's own /media/ file: not fetched (upload it again)");
    const bytes = await (deps.load ?? ((url: string) => fetchImageBytes(url, { ...deps.fetch, timeoutMs: settings.timeoutMs, maxBytes: settings.maxBytes })))(image.url);
    if (opts.tally) opts.tally.bytesIn += bytes.length;
    const processed = await processImage(bytes, { maxPixels: settings.maxPixels, widths: settings.widths });
    for (const f of processed.files) await deps.files.put(f.name, f.bytes, f.contentType);
    const articles = await saveMediaReady(deps.store.db, image.id, { hash: processed.hash, width: processed.width, height: processed.height, variants: processed.files.map((f) => f.variant), bytes: bytes.length }, deps.now());
    log.debug({ mediaId: image.id, articles, url: image.url, hash: processed.hash, files: processed.files.length }, 'media: image stored');
    return 'ready';
  } catch (err) {
    // The image's own failure (ImageError), or the media store's (disk full, bucket refused): either
    // is recorded on the row, and `jarida media fetch --retry` tries again.
    const message = err instanceof ImageError ? err.message : `image: not stored: ${oneLine(err)}`;
    try {
      await saveMediaFailed(deps.store.db, image.id, message, deps.now());
      const articles = await findArticleIdsOfMedia(deps.store.db, image.id);
      log.warn({ mediaId: image.id, articles, url: image.url, err: message }, 'media: image not stored');
    } catch (storeErr) {
      log.error({ mediaId: image.id, url: image.url, err: message, storeErr }, 'media: cannot record the failed image');
    }
    return 'failed';
  }
}

/** Stores the images, `settings.concurrency` at a time; returns what happened. */
export async function storeImages(deps: MediaDeps, images: readonly Pick<MediaRecord, 'id' | 'url'>[], opts: { retry?: boolean; tally?: MediaTally } = {}): Promise<MediaTally> {
  const tally = opts.tally ?? emptyTally();
  let next = 0;
  const worker = async () => {
    while (next < images.length) tally[await storeImage(deps, images[next++]!, { retry: opts.retry, tally })]++;
  };
  await Promise.all(Array.from({ length: Math.min(deps.settings.concurrency, images.length) }, worker));
  return tally;
}

/**
 * Puts back to pending every ready image one of whose files the media store no longer has (a store
 * restored without its media folder, a file removed by hand); returns how many.
 */
export async function verifyStoredImages(deps: Pick<MediaDeps, 'store' | 'files'>): Promise<number> {
  let missing = 0;
  for (let after = 0; ;) {
    const rows = await findReadyMediaAfter(deps.store.db, after, 200);
    if (rows.length === 0) break;
    for (const r of rows) {
      const names = r.variants.map((v) => `${r.hash}-${v.w}.${v.f}`);
      const present = await Promise.all(names.map((n) => deps.files.stat(n)));
      if (names.length === 0 || present.some((f) => f === null)) {
        await markMediaPending(deps.store.db, r.id);
        missing++;
      }
    }
    after = rows[rows.length - 1]!.id;
  }
  return missing;
}

/**
 * `jarida media fetch`: links every article that names an image, then fetches every image not
 * fetched yet (`retry`: and the failed ones again; `verify`: and the stored ones whose files are
 * gone); returns the tally, the articles seen and the images found missing.
 */
export async function backfillImages(deps: MediaDeps, opts: { retry?: boolean; verify?: boolean; onProgress?: (t: MediaTally) => void } = {}): Promise<MediaTally & { articles: number; missing: number }> {
  const missing = opts.verify ? await verifyStoredImages(deps) : 0;
  let articles = 0;
  for (let after = 0; ;) {
    const batch = await findArticlesWithImagesAfter(deps.store.db, after, 500);
    if (batch.length === 0) break;
    await linkSources(deps, batch);
    articles += batch.length;
    after = batch[batch.length - 1]!.id;
  }
  const tally = emptyTally();
  for (let after = 0; ;) {
    const rows = await findMediaToFetch(deps.store.db, { afterId: after, limit: 200, now: deps.now(), retry: opts.retry });
    if (rows.length === 0) break;
    await storeImages(deps, rows, { retry: opts.retry, tally });
    opts.onProgress?.(tally);
    after = rows[rows.length - 1]!.id;
  }
  return { ...tally, articles, missing };
}

/** Images of saved articles, fetched in the background while ingestion goes on. */
export interface MediaQueue {
  /** Queues the images of these articles; returns at once, never throws. */
  enqueue(articleIds: readonly number[]): void;
  /** Queues the images left pending (a process stopped before fetching them); returns at once. */
  resumePending(): void;
  /** Resolves once everything queued so far is done, with the tally since the queue began. */
  drain(): Promise<MediaTally>;
}

/** Images queued before the queue stops linking more articles (memory stays bounded during a big import). */
const MAX_QUEUED_IMAGES = 1000;
const LINK_BATCH = 200;

/**
 * Returns a queue that links the articles' images and stores them `settings.concurrency` at a
 * time, never blocking or failing the caller (ingest's save, an import).
 * @example const media = createMediaQueue(deps); media.enqueue(savedIds); … await media.drain();
 */
export function createMediaQueue(deps: MediaDeps): MediaQueue {
  const tally = emptyTally();
  const articles: number[] = [];
  const images: MediaRecord[] = [];
  const queued = new Set<number>();
  let linking = false;
  let active = 0;
  let waiters: (() => void)[] = [];
  let room: (() => void) | null = null;
  let resume = false;

  const idle = () => !linking && articles.length === 0 && images.length === 0 && active === 0;
  const settle = () => {
    if (!idle()) return;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  const work = () => {
    while (active < deps.settings.concurrency && images.length > 0) {
      const image = images.shift()!;
      active++;
      void storeImage(deps, image, { tally })
        .then((outcome) => void tally[outcome]++)
        .finally(() => {
          active--;
          queued.delete(image.id);
          room?.();
          work();
          settle();
        });
    }
  };
  const waitForRoom = async () => {
    while (images.length >= MAX_QUEUED_IMAGES) await new Promise<void>((r) => (room = r));
    room = null;
  };
  const take = (rows: readonly MediaRecord[]) => {
    for (const row of rows) {
      if (queued.has(row.id)) continue;
      queued.add(row.id);
      images.push(row);
    }
    work();
  };
  const link = async () => {
    linking = true;
    while (resume || articles.length > 0) {
      if (!resume) {
        await waitForRoom();
        const batch = articles.splice(0, LINK_BATCH);
        try {
          take(await collectImages(deps, batch));
        } catch (err) {
          deps.log.error({ articles: batch.length, err }, 'media: cannot link the images of saved articles');
        }
        continue;
      }
      resume = false;
      try {
        for (let after = 0; ;) {
          await waitForRoom();
          const rows = await findMediaToFetch(deps.store.db, { afterId: after, limit: LINK_BATCH, now: deps.now() });
          if (rows.length === 0) break;
          take(rows);
          after = rows[rows.length - 1]!.id;
        }
      } catch (err) {
        deps.log.error({ err }, 'media: cannot find the pending images');
      }
    }
    linking = false;
    settle();
  };
  return {
    enqueue(ids) {
      if (ids.length === 0) return;
      articles.push(...ids);
      if (!linking) void link();
    },
    resumePending() {
      resume = true;
      if (!linking) void link();
    },
    drain() {
      return idle() ? Promise.resolve({ ...tally }) : new Promise((resolve) => waiters.push(() => resolve({ ...tally })));
    },
  };
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** Returns the deps of the pipeline from a command's context (the feeds' fetch settings and guard). */
export function mediaDepsOf(ctx: { store: Store; log: Logger; now: () => Date; config: { media: MediaSettings; ingest: { userAgent: string; connectTimeoutMs: number }; site?: { siteUrl: string | null } } }, files: MediaFiles, allowPrivate: ImageFetchOptions['allowPrivate']): MediaDeps {
  return {
    store: ctx.store,
    siteUrl: ctx.config.site?.siteUrl ?? null,
    files,
    settings: ctx.config.media,
    fetch: { userAgent: ctx.config.ingest.userAgent, connectTimeoutMs: ctx.config.ingest.connectTimeoutMs, allowPrivate },
    log: ctx.log,
    now: ctx.now,
  };
}
