/**
 * The desk's articles: one article with everything the editor sees, its create and edit (each edit
 * keeps the previous version in article_revisions, in the same transaction), status changes, and
 * scheduled articles published on their minute. Counts, filing, the search index and the change
 * signal follow through the same writes as a feed's (articles.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { localDay } from '../calendar/zone.js';
import type { Article, ArticleStatus, SourceKind } from '../model/types.js';
import { articleRow, selectArticles, toArticle, writeArticles, writeArticleTransaction, writeStatus, type DeskWrite } from './articles.js';
import { isSqlite } from './dialect.js';
import type { Database } from './schema.js';
import { ensureSource } from './sources.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Why the desk's store refused: no such article, source or revision; a unique value another article has; a cursor it did not make. */
export type DeskStoreErrorCode = 'not-found' | 'conflict' | 'bad-cursor' | 'no-source';

/** An error of the desk's store functions, with a stable code (the HTTP layer maps it: 404, 409, 400). */
export class DeskStoreError extends Error {
  constructor(readonly code: DeskStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeskStoreError';
  }
}

/** An article as the desk edits it: the public article and the desk's own columns. */
export interface DeskArticle extends Article {
  /** When an editor last saved it in the desk (null: as its feed wrote it). */
  editedAt: string | null;
  /** The Markdown it was written in (null: HTML from a feed). */
  bodySource: string | null;
  /** Its staff author. */
  userId: number | null;
  sourceKind: SourceKind;
}

/** Who saves: kept with the revision a save makes. */
export interface Editor {
  userId: number | null;
  email: string | null;
}

/**
 * What the desk saves. `id` absent: a new article, under `sourceId` (the desk's own source,
 * ensureDeskSource, or another for attribution). On an update, a field left undefined keeps its
 * value (null clears it); `sourceId` moves the article to another source.
 */
export interface DeskArticleInput {
  id?: number;
  sourceId?: number;
  title: string;
  /** Sanitized by the caller (the ingestion sanitizer), from `bodySource`. */
  contentHtml: string | null;
  /** The Markdown. */
  bodySource: string | null;
  summary?: string | null;
  imageUrl?: string | null;
  language?: string | null;
  /** Sections (slug or name) and tags, filed as a feed's words are. */
  categories?: string[];
  author?: string | null;
  publishedAt: Date;
  /** published with a future publishedAt is stored as scheduled, scheduled with a past one as published. */
  status: ArticleStatus;
  url?: string | null;
  canonicalUrl?: string | null;
}

/** What a desk save did: the article, the status it has, and the revision that keeps the version it replaced (none: new, or nothing changed). */
export interface DeskSaveResult {
  id: number;
  slug: string;
  status: ArticleStatus;
  revisionId?: number;
}

/** Returns the id of the desk's own source: the manual source named as the site (`jarida article add` files there too). */
export async function ensureDeskSource(db: Kysely<Database>, siteName: string): Promise<number> {
  return ensureSource(db, { kind: 'manual', title: siteName });
}

/** Returns the article with everything the desk shows and edits, any status, or undefined. */
export async function findDeskArticle(db: Db, id: number): Promise<DeskArticle | undefined> {
  const r = await selectArticles(db).select(['a.edited_at', 'a.body_source', 'a.user_id', 's.kind as source_kind']).where('a.id', '=', id).executeTakeFirst();
  return r && { ...toArticle(r), editedAt: r.edited_at, bodySource: r.body_source, userId: r.user_id === null ? null : Number(r.user_id), sourceKind: r.source_kind as SourceKind };
}

/**
 * Returns the status an article asked to be `status` takes at `now`: published from its instant on,
 * scheduled before it; draft and hidden as asked.
 * @example deskStatus('published', new Date('2030-01-01'), new Date()) === 'scheduled'
 */
export function deskStatus(status: ArticleStatus, publishedAt: Date, now: Date): ArticleStatus {
  if (status !== 'published' && status !== 'scheduled') return status;
  return publishedAt.getTime() > now.getTime() ? 'scheduled' : 'published';
}

/**
 * Creates or updates an article from the desk and returns it; an update first keeps the version it
 * replaces as a revision (by `by`, at `now`), in the same transaction, and marks the article edited,
 * so that its feed no longer overwrites it. An update that changes nothing writes nothing.
 * Throws DeskStoreError: not-found (article or source), no-source, conflict (canonical URL).
 * @example await saveDeskArticle(db, { sourceId, title, contentHtml, bodySource, publishedAt, status: 'published' }, { userId: 1, email: 'a@x' }, 'Europe/Istanbul')
 */
export async function saveDeskArticle(db: Kysely<Database>, input: DeskArticleInput, by: Editor, timeZone: string, now = new Date()): Promise<DeskSaveResult> {
  const status = deskStatus(input.status, input.publishedAt, now);
  const desk = { editedAt: now.toISOString(), bodySource: input.bodySource };
  if (input.id === undefined) {
    if (input.sourceId === undefined) throw new DeskStoreError('no-source', 'desk: a new article needs a source (ensureDeskSource for the desk\'s own)');
    const write: DeskWrite = { ...fields(input), sourceId: input.sourceId, guid: `desk:${randomUUID()}`, status, desk: { ...desk, userId: by.userId } };
    return writeArticleTransaction(db, [write], async (trx) => {
      await checkSource(trx, write.sourceId);
      await checkCanonicalFree(trx, articleRow(write, timeZone).canonical_url, null);
      const [saved] = await writeArticles(trx, [write], timeZone);
      return { id: saved!.id, slug: saved!.slug, status };
    });
  }
  const id = input.id;
  const write = (current: CurrentRow): DeskWrite => ({
    sourceId: input.sourceId ?? Number(current.source_id),
    guid: current.guid,
    target: id,
    title: input.title,
    contentHtml: input.contentHtml,
    summary: input.summary !== undefined ? input.summary : current.summary,
    imageUrl: input.imageUrl !== undefined ? input.imageUrl : current.image_url,
    language: input.language !== undefined ? input.language : current.language,
    categories: input.categories ?? (current.categories ? (JSON.parse(current.categories) as string[]) : []),
    author: input.author !== undefined ? input.author : current.author,
    url: input.url !== undefined ? input.url : current.url,
    canonicalUrl: input.canonicalUrl !== undefined ? input.canonicalUrl : current.canonical_url,
    publishedAt: input.publishedAt,
    status,
    desk,
  });
  // The source whose mapping files the words (prepareFiling, before the transaction).
  const owner = input.sourceId ?? (await db.selectFrom('articles').select('source_id').where('id', '=', id).executeTakeFirst())?.source_id;
  if (owner === undefined) throw new DeskStoreError('not-found', `desk: no article ${id}`);
  return writeArticleTransaction(db, [{ ...fields(input), sourceId: Number(owner), guid: '' }], async (trx) => {
    const current = await findCurrent(trx, id);
    const w = write(current);
    const row = articleRow(w, timeZone);
    if (SAME.every((k) => (row[k] ?? null) === (current[k] ?? null))) return { id, slug: current.slug, status: current.status as ArticleStatus };
    if (w.sourceId !== Number(current.source_id)) await checkSource(trx, w.sourceId);
    await checkCanonicalFree(trx, row.canonical_url, id);
    const revisionId = await keepRevision(trx, current, by, desk.editedAt);
    const [saved] = await writeArticles(trx, [w], timeZone);
    return { id, slug: saved!.slug, status, revisionId };
  });
}

/** The columns that tell whether a desk save changes the article. */
const SAME = ['title', 'summary', 'content_html', 'body_source', 'author', 'language', 'image_url', 'published_at', 'status', 'categories', 'source_id', 'url', 'canonical_url'] as const;

/** The input's article fields (a new article's, or an update's before defaults). */
function fields(input: DeskArticleInput) {
  return {
    title: input.title, contentHtml: input.contentHtml, summary: input.summary ?? null, imageUrl: input.imageUrl ?? null, language: input.language ?? null,
    categories: input.categories ?? [], author: input.author ?? null, url: input.url ?? null, canonicalUrl: input.canonicalUrl ?? null, publishedAt: input.publishedAt,
  };
}

const CURRENT_COLUMNS = ['id', 'source_id', 'guid', 'slug', 'title', 'summary', 'content_html', 'body_source', 'author', 'language', 'image_url', 'published_at', 'status', 'categories', 'url', 'canonical_url'] as const;
type CurrentRow = Awaited<ReturnType<typeof findCurrent>>;

/** Returns the article's row as it is, locked until the transaction ends (PostgreSQL: a concurrent save waits); throws not-found. */
async function findCurrent(trx: Transaction<Database>, id: number) {
  const q = trx.selectFrom('articles').select(CURRENT_COLUMNS).where('id', '=', id);
  const current = await (isSqlite(trx) ? q : q.forUpdate()).executeTakeFirst();
  if (!current) throw new DeskStoreError('not-found', `desk: no article ${id}`);
  return current;
}

/** Inserts the article's current version as a revision replaced by `by` at `at`; returns its id. */
async function keepRevision(trx: Transaction<Database>, c: CurrentRow, by: Editor, at: string): Promise<number> {
  const made = await trx.insertInto('article_revisions').values({
    article_id: c.id, created_at: at, user_id: by.userId, user_email: by.email,
    title: c.title, summary: c.summary, content_html: c.content_html, body_source: c.body_source, author: c.author,
    language: c.language, image_url: c.image_url, published_at: c.published_at, status: c.status, categories: c.categories,
  }).returning('id').executeTakeFirstOrThrow();
  return Number(made.id);
}

async function checkSource(trx: Transaction<Database>, sourceId: number): Promise<void> {
  const found = await trx.selectFrom('sources').select('id').where('id', '=', sourceId).executeTakeFirst();
  if (!found) throw new DeskStoreError('not-found', `desk: no source ${sourceId}`);
}

/** Throws conflict when another article than `self` has this canonical URL. */
async function checkCanonicalFree(trx: Transaction<Database>, url: string | null, self: number | null): Promise<void> {
  if (!url) return;
  const other = await trx.selectFrom('articles').select('id').where('canonical_url', '=', url).where('id', '!=', self ?? 0).executeTakeFirst();
  if (other) throw new DeskStoreError('conflict', `desk: canonical URL ${url} is article ${other.id}'s`);
}

/**
 * Sets an article's status from the desk (hide, unhide, draft): published with a future instant
 * becomes scheduled (deskStatus). Returns the status before and after, or undefined when there is no
 * such article. No revision: the content did not change.
 */
export async function setDeskArticleStatus(db: Kysely<Database>, id: number, status: ArticleStatus, now = new Date()): Promise<{ from: ArticleStatus; to: ArticleStatus } | undefined> {
  return db.transaction().execute((trx) => writeStatus(trx, id, (c) => ({ status: deskStatus(status, new Date(c.published_at), now) })));
}

/**
 * Publishes the scheduled articles whose instant is at or before `now` (their day in `timeZone`),
 * each in its own transaction with its counts; returns the ids this call published. Safe when
 * several processes call it at once: an article changes only from scheduled, so only one counts it.
 */
export async function publishDueArticles(db: Kysely<Database>, now: Date, timeZone: string): Promise<number[]> {
  const at = now.toISOString();
  const due = await db.selectFrom('articles').select('id').where('status', '=', 'scheduled').where('published_at', '<=', at).orderBy('published_at').limit(1000).execute();
  const published: number[] = [];
  for (const { id } of due) {
    const moved = await db.transaction().execute((trx) => writeStatus(trx, Number(id), (c) =>
      c.status === 'scheduled' && c.published_at <= at ? { status: 'published', localDay: localDay(new Date(c.published_at), timeZone) } : null));
    if (moved?.from === 'scheduled' && moved.to === 'published') published.push(Number(id));
  }
  return published;
}

/** Returns the instant of the next scheduled article, or null when none is scheduled. */
export async function findNextScheduled(db: Db): Promise<Date | null> {
  const row = await db.selectFrom('articles').select('published_at').where('status', '=', 'scheduled').orderBy('published_at').limit(1).executeTakeFirst();
  return row ? new Date(row.published_at) : null;
}
