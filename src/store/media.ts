/**
 * Images of articles: one `media` row per image address (its fetch outcome and stored variants) and
 * the `article_media` links saying which articles use it. A ready image signals its articles'
 * change in the same transaction, so their cached pages render again with the local copies.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { signalChange } from './changes.js';
import { prepared } from './prepared.js';
import type { Database, MediaTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Where an image is: not tried yet, being fetched (claimed), stored, or refused/unreachable. */
export type MediaStatus = 'pending' | 'fetching' | 'ready' | 'failed';

/** Formats of stored variants (the file extension). */
export type VariantFormat = 'webp' | 'jpg' | 'png' | 'avif';

/** One stored file: `<hash>-<w>.<f>`, `b` bytes. */
export interface Variant {
  w: number;
  h: number;
  f: VariantFormat;
  b: number;
}

/** An image row as the rest of Jarida sees it. */
export interface MediaRecord {
  id: number;
  url: string;
  status: MediaStatus;
  hash: string | null;
  width: number | null;
  height: number | null;
  variants: Variant[];
  bytes: number | null;
  error: string | null;
  attempts: number;
}

/** What a processed image stores on its row. */
export interface ReadyImage {
  hash: string;
  width: number;
  height: number;
  variants: Variant[];
  bytes: number;
}

/** The part of an article that names images. */
export interface ArticleImageSource {
  id: number;
  imageUrl: string | null;
  contentHtml: string | null;
}

/** Longest image address kept (an index entry has a size limit; real image URLs are far shorter). */
export const MAX_MEDIA_URL = 2000;
const CHUNK = 500;

/**
 * Links each article to the image addresses it names now (new addresses get a pending row) and
 * drops its links to addresses it no longer names; returns the rows of every address named.
 * @example await linkArticleImages(db, new Map([[7, ['https://x.example/a.jpg']]]), new Date())
 */
export async function linkArticleImages(db: Kysely<Database>, images: ReadonlyMap<number, readonly string[]>, now: Date): Promise<MediaRecord[]> {
  if (images.size === 0) return [];
  const urls = [...new Set([...images.values()].flat().filter((u) => u.length <= MAX_MEDIA_URL))];
  return db.transaction().execute(async (trx) => {
    const rows = new Map<string, MediaRecord>();
    for (let i = 0; i < urls.length; i += CHUNK) {
      const chunk = urls.slice(i, i + CHUNK);
      await trx.insertInto('media').values(chunk.map((url) => ({ url, status: 'pending', attempts: 0, created_at: now.toISOString() }))).onConflict((oc) => oc.column('url').doNothing()).execute();
      for (const r of await trx.selectFrom('media').selectAll().where('url', 'in', chunk).execute()) rows.set(r.url, toRecord(r));
    }
    const ids = [...images.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) await trx.deleteFrom('article_media').where('article_id', 'in', ids.slice(i, i + CHUNK)).execute();
    const links = [...images].flatMap(([articleId, list]) => [...new Set(list)].flatMap((u) => (rows.has(u) ? [{ article_id: articleId, media_id: rows.get(u)!.id }] : [])));
    for (let i = 0; i < links.length; i += CHUNK) await trx.insertInto('article_media').values(links.slice(i, i + CHUNK)).onConflict((oc) => oc.columns(['article_id', 'media_id']).doNothing()).execute();
    return [...rows.values()];
  });
}

/** Returns the image-naming fields of the articles with these ids (those still stored). */
export async function findArticleImageSources(db: Db, ids: readonly number[]): Promise<ArticleImageSource[]> {
  if (ids.length === 0) return [];
  const out: ArticleImageSource[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db.selectFrom('articles').select(['id', 'image_url', 'content_html']).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
    out.push(...rows.map((r) => ({ id: r.id, imageUrl: r.image_url, contentHtml: r.content_html })));
  }
  return out;
}

/** Returns up to `limit` articles after id `afterId` that may name an image (a lead image, or an `<img` in the body), by id. */
export async function findArticlesWithImagesAfter(db: Db, afterId: number, limit: number): Promise<ArticleImageSource[]> {
  const rows = await db
    .selectFrom('articles')
    .select(['id', 'image_url', 'content_html'])
    .where('id', '>', afterId)
    .where((eb) => eb.or([eb('image_url', 'is not', null), eb('content_html', 'like', '%<img%')]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, imageUrl: r.image_url, contentHtml: r.content_html }));
}

/**
 * Claims an image for fetching until `until`: true when this caller got it (it was pending, its
 * last claim ran out, or — with `retry` — it had failed). Another process claiming it meanwhile wins.
 */
export async function claimMedia(db: Db, id: number, now: Date, until: Date, opts: { retry?: boolean } = {}): Promise<boolean> {
  const r = await db
    .updateTable('media')
    .set((eb) => ({ status: 'fetching', claimed_until: until.toISOString(), attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where((eb) => eb.or([
      eb('status', '=', 'pending'),
      eb.and([eb('status', '=', 'fetching'), eb('claimed_until', '<', now.toISOString())]),
      ...(opts.retry ? [eb('status', '=', 'failed')] : []),
    ]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records a stored image and signals its articles' change; returns their ids. */
export async function saveMediaReady(db: Kysely<Database>, id: number, image: ReadyImage, now: Date): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('media')
      .set({ status: 'ready', hash: image.hash, width: image.width, height: image.height, variants: JSON.stringify(image.variants), bytes: image.bytes, error: null, claimed_until: null, fetched_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    const articles = (await trx.selectFrom('article_media').select('article_id').where('media_id', '=', id).execute()).map((r) => r.article_id);
    if (articles.length) await signalChange(trx, { articles });
    return articles;
  });
}

/**
 * Records an image stored from an upload under its address: a new ready row, or the row of that
 * address made ready again (the same image uploaded twice is one row). `attempts` is 0: the fetcher
 * never claimed it, which is how deleteUnusedMedia knows an upload waiting for its article. Signals
 * the change of the articles already using it; returns the row's id and those articles.
 * @example const { id } = await saveUploadedMedia(db, 'https://uploads.invalid/0f…e1-1280.jpg', image, new Date())
 */
export async function saveUploadedMedia(db: Kysely<Database>, url: string, image: ReadyImage, now: Date): Promise<{ id: number; articles: number[] }> {
  const at = now.toISOString();
  const ready = { status: 'ready', hash: image.hash, width: image.width, height: image.height, variants: JSON.stringify(image.variants), bytes: image.bytes, error: null, attempts: 0, claimed_until: null, fetched_at: at };
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('media').values({ url, ...ready, created_at: at }).onConflict((oc) => oc.column('url').doUpdateSet(ready)).execute();
    const { id } = await trx.selectFrom('media').select('id').where('url', '=', url).executeTakeFirstOrThrow();
    const articles = (await trx.selectFrom('article_media').select('article_id').where('media_id', '=', id).orderBy('article_id').execute()).map((r) => r.article_id);
    if (articles.length) await signalChange(trx, { articles });
    return { id, articles };
  });
}

/** Records why an image was not stored (one line); the pages keep linking its original address. */
export async function saveMediaFailed(db: Db, id: number, error: string, now: Date): Promise<void> {
  await db.updateTable('media').set({ status: 'failed', error: error.slice(0, 500), claimed_until: null, fetched_at: now.toISOString() }).where('id', '=', id).execute();
}

/** Returns up to `limit` images after id `afterId` still to fetch: pending, claimed by a process whose claim ran out, and failed ones with `retry`. */
export async function findMediaToFetch(db: Db, opts: { afterId: number; limit: number; now: Date; retry?: boolean }): Promise<MediaRecord[]> {
  const rows = await db
    .selectFrom('media')
    .selectAll()
    .where('id', '>', opts.afterId)
    .where((eb) => eb.or([
      eb('status', '=', 'pending'),
      eb.and([eb('status', '=', 'fetching'), eb('claimed_until', '<', opts.now.toISOString())]),
      ...(opts.retry ? [eb('status', '=', 'failed')] : []),
    ]))
    .orderBy('id')
    .limit(opts.limit)
    .execute();
  return rows.map(toRecord);
}

/** Returns up to `limit` ready images after id `afterId`, in id order. */
export async function findReadyMediaAfter(db: Db, afterId: number, limit: number): Promise<MediaRecord[]> {
  const rows = await db.selectFrom('media').selectAll().where('status', '=', 'ready').where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map(toRecord);
}

/** Puts a ready image back to pending (its files are gone): pages link its original address until it is stored again. */
export async function markMediaPending(db: Kysely<Database>, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('media').set({ status: 'pending', hash: null, variants: null, error: null, claimed_until: null }).where('id', '=', id).where('status', '=', 'ready').execute();
    const articles = (await trx.selectFrom('article_media').select('article_id').where('media_id', '=', id).execute()).map((r) => r.article_id);
    if (articles.length) await signalChange(trx, { articles });
  });
}

/** Returns the ready images among these addresses (one query per 500). */
export async function findReadyMediaByUrls(db: Db, urls: readonly string[]): Promise<MediaRecord[]> {
  const unique = [...new Set(urls)].filter((u) => u.length <= MAX_MEDIA_URL);
  const out: MediaRecord[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const chunk = unique.slice(i, i + CHUNK);
    const rows = chunk.length <= PREPARED_URLS ? await readyByUrls(chunk.length)(db, ...chunk) : await readyByUrlsQuery(db, chunk).execute();
    out.push(...rows.map(toRecord));
  }
  return out;
}

/** A page's images (a list of 20, a front page's ~45) are looked up by a statement compiled once per count up to this. */
const PREPARED_URLS = 64;
const readyByUrlsOf = new Map<number, (db: Db, ...urls: string[]) => Promise<Selectable<MediaTable>[]>>();

function readyByUrls(n: number) {
  let q = readyByUrlsOf.get(n);
  if (!q) readyByUrlsOf.set(n, (q = prepared((db, ...urls: string[]) => readyByUrlsQuery(db, urls))));
  return q;
}

function readyByUrlsQuery(db: Db, urls: readonly string[]) {
  return db.selectFrom('media').selectAll().where('url', 'in', urls).where('status', '=', 'ready');
}

/** Returns the images an article uses, by id. */
export async function findMediaOfArticle(db: Db, articleId: number): Promise<MediaRecord[]> {
  const rows = await db.selectFrom('media').innerJoin('article_media as am', 'am.media_id', 'media.id').selectAll('media').where('am.article_id', '=', articleId).orderBy('media.id').execute();
  return rows.map(toRecord);
}

/** Returns the ids of the articles using an image. */
export async function findArticleIdsOfMedia(db: Db, mediaId: number): Promise<number[]> {
  return (await db.selectFrom('article_media').select('article_id').where('media_id', '=', mediaId).orderBy('article_id').execute()).map((r) => r.article_id);
}

/**
 * Deletes the image rows no article uses; returns how many. An upload stored at `uploadsSince` or
 * later (a ready row the fetcher never claimed) stays: its article may not be saved yet.
 */
export async function deleteUnusedMedia(db: Db, opts: { uploadsSince?: Date } = {}): Promise<number> {
  let q = db
    .deleteFrom('media')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('article_media').select(sql.lit(1).as('one')).whereRef('article_media.media_id', '=', 'media.id'))));
  if (opts.uploadsSince) {
    const since = opts.uploadsSince.toISOString();
    q = q.where((eb) => eb.not(eb.and([eb('status', '=', 'ready'), eb('attempts', '=', 0), eb('fetched_at', '>=', since)])));
  }
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Returns the content hashes of every stored image row (the files still in use). */
export async function findStoredHashes(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('media').select('hash').distinct().where('hash', 'is not', null).execute();
  return new Set(rows.map((r) => r.hash!));
}

/** Returns how many images are in each status. */
export async function countMediaByStatus(db: Db): Promise<Record<MediaStatus, number>> {
  const rows = await db.selectFrom('media').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const out: Record<MediaStatus, number> = { pending: 0, fetching: 0, ready: 0, failed: 0 };
  for (const r of rows) out[r.status as MediaStatus] = Number(r.n);
  return out;
}

function toRecord(r: Selectable<MediaTable>): MediaRecord {
  return {
    id: r.id,
    url: r.url,
    status: r.status as MediaStatus,
    hash: r.hash,
    width: r.width,
    height: r.height,
    variants: r.variants ? (JSON.parse(r.variants) as Variant[]) : [],
    bytes: r.bytes,
    error: r.error,
    attempts: r.attempts,
  };
}
