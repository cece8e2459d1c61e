/**
 * The desk's list of articles: every status, filtered by text, source, section or tag, day, status
 * and author, a page at a time from an opaque cursor (keyset pagination: a deep page costs what the
 * first does, and articles added between pages neither repeat nor push others out).
 *
 * Each page is read from one index range, or a few merged (one per status, where the index has the
 * status before the instant), chosen by the filter: the day (articles_day), else the author
 * (articles_user_published), else the smaller of the section or tag (article_categories_list) and
 * the source (articles_source_published), else the status (articles_status_published), else all
 * (articles_published_id); the other filters are checked on the rows the range gives. Text is
 * matched through the search index, which holds every article whatever its status: alone or with
 * filters other than a day or an author, the index is read newest stored first (the order of ids);
 * with a day or an author, that range is read and each article looked up in the index.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { ArticleStatus, SourceKind } from '../model/types.js';
import { parseSearchQuery } from '../search/query.js';
import { DeskStoreError } from './desk-articles.js';
import { isSqlite } from './dialect.js';
import type { Database } from './schema.js';
import { findMatchingIds, matchesText, type TextMatch } from './search.js';

type Db = Kysely<Database> | Transaction<Database>;

/** What the desk's list shows; every field optional, all of them together narrow. */
export interface DeskFilter {
  /** Words as typed in the search box (src/search/query.ts: "phrases", -excluded). */
  text?: string;
  /** The language the words are analysed as (the desk's page language; default en). */
  textLang?: string;
  sourceId?: number;
  /** A section or a tag. */
  categoryId?: number;
  /** A local day, YYYY-MM-DD. */
  day?: string;
  status?: ArticleStatus;
  /** The staff author. */
  userId?: number;
}

/** One row of the desk's list: no body. */
export interface DeskArticleRow {
  id: number;
  title: string;
  status: ArticleStatus;
  publishedAt: string;
  localDay: string;
  sourceId: number;
  sourceTitle: string;
  sourceKind: SourceKind;
  userId: number | null;
  /** When an editor last saved it in the desk; null: as its feed wrote it. */
  editedAt: string | null;
  updatedAt: string;
  slug: string;
  language: string | null;
}

/** A page of the list: `next` is the cursor of the page after it (null: the last page); `text` says why the words matched nothing (only stop words, none at all, only exclusions). */
export interface DeskList {
  rows: DeskArticleRow[];
  next: string | null;
  text?: 'empty' | 'common' | 'only-excluded';
}

/** The most rows one page returns. */
export const DESK_PAGE_MAX = 200;

/** Every status, for ranges of an index that has the status before the instant. */
const STATUSES: readonly ArticleStatus[] = ['published', 'scheduled', 'draft', 'hidden'];

/** Where a page starts: after this instant and id (newest first), or (text) below this id. */
type Cursor = { k: 'p'; t: string; i: number } | { k: 't'; i: number; x: boolean };

/**
 * Returns a page of the desk's list, newest first (by instant, ties by id; with text and neither a day
 * nor an author, newest stored first), `page.limit` rows (at most DESK_PAGE_MAX) after the cursor
 * `page.after` (the `next` of the page before). Throws DeskStoreError bad-cursor for a cursor this
 * function did not make for the same kind of filter.
 * @example const first = await findDeskArticles(db, { status: 'draft' }, { limit: 50 });
 *          const second = await findDeskArticles(db, { status: 'draft' }, { limit: 50, after: first.next! });
 */
export async function findDeskArticles(db: Db, filter: DeskFilter, page: { limit: number; after?: string }): Promise<DeskList> {
  const limit = Math.max(1, Math.min(DESK_PAGE_MAX, Math.floor(page.limit)));
  const cursor = page.after ? decodeCursor(page.after) : undefined;
  let text: Omit<TextMatch, 'prefix'> | undefined;
  if (filter.text?.trim()) {
    const q = parseSearchQuery(filter.text, filter.textLang ?? 'en');
    if (!q.ok) return { rows: [], next: null, text: q.reason };
    text = { parts: q.parts, exclude: q.exclude };
  }
  if (text && filter.day === undefined && filter.userId === undefined) return textPage(db, filter, text, cursor, limit);
  if (cursor && cursor.k !== 'p') throw badCursor();
  const keys = await keysOf(db, filter, text && { ...text, prefix: true }, cursor, limit + 1);
  const last = keys[limit - 1];
  return { rows: await rowsOf(db, keys.slice(0, limit).map((k) => k.id)), next: keys.length > limit && last ? encodeCursor({ k: 'p', t: last.published_at, i: last.id }) : null };
}

/** A page of text matches, newest stored first: exact words, or (when they fill no first page) also the words they begin. */
async function textPage(db: Db, f: DeskFilter, text: Omit<TextMatch, 'prefix'>, cursor: Cursor | undefined, limit: number): Promise<DeskList> {
  if (cursor && cursor.k !== 't') throw badCursor();
  const where = sql.join(conditions(db, f, {}), sql` and `);
  let prefix = cursor?.x ?? false;
  let ids = await findMatchingIds(db, { ...text, prefix }, where, cursor?.i ?? null, limit + 1);
  if (!cursor && ids.length <= limit && text.parts.some((p) => p.prefix)) {
    prefix = true;
    ids = await findMatchingIds(db, { ...text, prefix }, where, null, limit + 1);
  }
  const last = ids[limit - 1];
  return { rows: await rowsOf(db, ids.slice(0, limit)), next: ids.length > limit && last !== undefined ? encodeCursor({ k: 't', i: last, x: prefix }) : null };
}

/** Which filters the driving range already applies. */
type Applied = { [K in 'status' | 'sourceId' | 'categoryId' | 'day' | 'userId']?: true };

/** The conditions on the articles (alias `a`) a page's rows must meet besides its range; `true` when none. */
function conditions(db: Db, f: DeskFilter, applied: Applied, text?: TextMatch): RawBuilder<unknown>[] {
  const out: RawBuilder<unknown>[] = [sql`1 = 1`];
  if (f.status !== undefined && !applied.status) out.push(sql`a.status = ${f.status}`);
  if (f.sourceId !== undefined && !applied.sourceId) out.push(sql`a.source_id = ${f.sourceId}`);
  if (f.day !== undefined && !applied.day) out.push(sql`a.local_day = ${f.day}`);
  if (f.userId !== undefined && !applied.userId) out.push(sql`a.user_id = ${f.userId}`);
  if (f.categoryId !== undefined && !applied.categoryId) {
    out.push(sql`exists (select 1 from article_categories c where c.article_id = a.id and c.category_id = ${f.categoryId})`);
  }
  if (text) out.push(matchesText(db, text));
  return out;
}

/** The (id, instant) keys of the page from the cursor on, newest first: `n` of them at most. */
async function keysOf(db: Db, f: DeskFilter, text: TextMatch | undefined, cursor: Extract<Cursor, { k: 'p' }> | undefined, n: number) {
  const ranges = await rangesOf(db, f, text, cursor, n);
  const query = ranges.length === 1
    ? ranges[0]!
    : sql`${sql.join(ranges.map((r, i) => sql`select * from (${r}) as ${sql.raw(`r${i}`)}`), sql` union all `)} order by published_at desc, id desc limit ${n}`;
  const { rows } = await sql<{ id: number; published_at: string }>`${query}`.execute(db);
  return rows.map((r) => ({ id: Number(r.id), published_at: r.published_at }));
}

/** The index ranges whose merge is the page (see the file's comment for the choice). */
async function rangesOf(db: Db, f: DeskFilter, text: TextMatch | undefined, cursor: Extract<Cursor, { k: 'p' }> | undefined, n: number): Promise<RawBuilder<unknown>[]> {
  const on = (applied: Applied) => sql.join(conditions(db, f, applied, text), sql` and `);
  const ix = (name: string) => sql.raw(isSqlite(db) ? `indexed by ${name}` : '');
  const after = (t: string, i: string) => (cursor ? sql`${sql.ref(t)} <= ${cursor.t} and (${sql.ref(t)} < ${cursor.t} or ${sql.ref(i)} < ${cursor.i})` : sql`1 = 1`);
  const range = (index: string, eq: RawBuilder<unknown>, applied: Applied) => sql`select a.id, a.published_at from articles a ${ix(index)}
    where ${eq} and ${on(applied)} and ${after('a.published_at', 'a.id')} order by a.published_at desc, a.id desc limit ${n}`;
  // One range per status where the index has it before the instant, unless the filter names one.
  const perStatus = (index: string, eq: RawBuilder<unknown>, applied: Applied) => (f.status !== undefined ? [f.status] : STATUSES)
    .map((s) => range(index, sql`${eq} and a.status = ${s}`, { ...applied, status: true }));

  if (f.day !== undefined) return perStatus('articles_day', sql`a.local_day = ${f.day}`, { day: true });
  if (f.userId !== undefined) return [range('articles_user_published', sql`a.user_id = ${f.userId}`, { userId: true })];
  if (f.categoryId !== undefined && (f.sourceId === undefined || (await categoryIsSmaller(db, f.categoryId, f.sourceId)))) {
    // The category's rows repeat the article's instant and whether it is published (not which other status).
    const flags = f.status === undefined ? [1, 0] : [f.status === 'published' ? 1 : 0];
    const applied: Applied = { categoryId: true, status: f.status === 'published' || undefined };
    return flags.map((p) => sql`select ac.article_id as id, ac.published_at from article_categories ac ${ix('article_categories_list')}
      join articles a on a.id = ac.article_id
      where ac.category_id = ${f.categoryId} and ac.published = ${p} and ${on(applied)} and ${after('ac.published_at', 'ac.article_id')}
      order by ac.published_at desc, ac.article_id desc limit ${n}`);
  }
  if (f.sourceId !== undefined) return perStatus('articles_source_published', sql`a.source_id = ${f.sourceId}`, { sourceId: true });
  if (f.status !== undefined) return [range('articles_status_published', sql`a.status = ${f.status}`, { status: true })];
  return [range('articles_published_id', sql`1 = 1`, {})];
}

/** Returns true when the category holds fewer published articles than the source: the smaller range is read. */
async function categoryIsSmaller(db: Db, categoryId: number, sourceId: number): Promise<boolean> {
  const [c, s] = await Promise.all([
    db.selectFrom('categories').select('count').where('id', '=', categoryId).executeTakeFirst(),
    db.selectFrom('sources').select('published_count').where('id', '=', sourceId).executeTakeFirst(),
  ]);
  return Number(c?.count ?? 0) <= Number(s?.published_count ?? 0);
}

/** Returns the rows of these articles, in this order. */
async function rowsOf(db: Db, ids: number[]): Promise<DeskArticleRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('articles as a')
    .innerJoin('sources as s', 's.id', 'a.source_id')
    .select(['a.id', 'a.title', 'a.status', 'a.published_at', 'a.local_day', 'a.source_id', 's.title as source_title', 's.kind as source_kind', 'a.user_id', 'a.edited_at', 'a.updated_at', 'a.slug', 'a.language'])
    .where('a.id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{
      id, title: r.title, status: r.status as ArticleStatus, publishedAt: r.published_at, localDay: r.local_day, sourceId: Number(r.source_id), sourceTitle: r.source_title,
      sourceKind: r.source_kind as SourceKind, userId: r.user_id === null ? null : Number(r.user_id), editedAt: r.edited_at, updatedAt: r.updated_at, slug: r.slug, language: r.language,
    }] : [];
  });
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string): Cursor {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch (err) {
    throw badCursor(err);
  }
  const o = c as Partial<Record<string, unknown>> | null;
  if (o && Number.isSafeInteger(o.i)) {
    if (o.k === 'p' && typeof o.t === 'string' && o.t.length <= 40) return { k: 'p', t: o.t, i: o.i as number };
    if (o.k === 't' && typeof o.x === 'boolean') return { k: 't', i: o.i as number, x: o.x };
  }
  throw badCursor();
}

function badCursor(cause?: unknown): DeskStoreError {
  return new DeskStoreError('bad-cursor', 'desk: not a cursor of this list (`after` must be the `next` of the page before)', { cause });
}
