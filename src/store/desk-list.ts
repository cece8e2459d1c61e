/**
 * The desk's list of articles: every status, filtered by text, source, section or tag, day, status
 * and author, a page at a time from an opaque cursor (keyset pagination: a deep page costs what the
 * first does, and articles added between pages neither repeat nor push others out).
 *
 * Each page is read from one index range, or a few merged (one per status, where the index has the
 * status before the instant), chosen by the filter: the day (articles_day), else the author
 * (articles_user_published), else the smaller of the section or tag (article_categories_list) and
 * the source (articles_source_published), else the status (articles_status_published), else all
 * (articles_published_id); the other filters are checked on the rows the range gives.
 *
 * Text is matched through the search index, which holds every article whatever its status, read
 * newest published first (its time-ordered keys, store/search-key.ts), each match checked against
 * the other filters; a day bounds the keys read to its range, an author to the ranges theirs cluster in. A call reads MATCH_WALK matches
 * at most: a page that is not full by then comes back `partial`, its `next` continuing from there.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { ARTICLE_STATUSES, type ArticleStatus, type SourceKind } from '../model/types.js';
import { parseSearchQuery } from '../search/query.js';
import { DeskStoreError } from './desk-articles.js';
import { isSqlite } from './dialect.js';
import type { Database } from './schema.js';
import { decodeListCursor, encodeListCursor as encodeCursor, textMatchPage, type ListCursor as Cursor } from './list-cursor.js';
import { findMatchingIds, type TextMatch } from './search.js';
import { firstKeyAt, KEYS_PER_SECOND } from './search-key.js';

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

/**
 * A page of the list: `next` is the cursor of the page after it (null: the last page). `partial`:
 * a text filter read MATCH_WALK matches without filling the page (a common word, rare other
 * filters); `next` continues from there. `text` says why the words matched nothing (only stop
 * words, none at all, only exclusions).
 */
export interface DeskList {
  rows: DeskArticleRow[];
  next: string | null;
  partial?: true;
  text?: 'empty' | 'common' | 'only-excluded';
}

/** The most rows one page returns. */
export const DESK_PAGE_MAX = 200;

/** Where a page starts: after this instant and id (newest first), or (text) below this id. */

/**
 * Returns a page of the desk's list, newest first (by instant, ties by id; with text, by search key:
 * the instant's second, then a hash), `page.limit` rows (at most DESK_PAGE_MAX) after the cursor `page.after` (the `next` of the
 * page before). Throws DeskStoreError bad-cursor for a cursor this function did not make for the
 * same kind of filter (with or without text).
 * @example const first = await findDeskArticles(db, { status: 'draft' }, { limit: 50 });
 *          const second = await findDeskArticles(db, { status: 'draft' }, { limit: 50, after: first.next! });
 */
export async function findDeskArticles(db: Db, filter: DeskFilter, page: { limit: number; after?: string }): Promise<DeskList> {
  const limit = Math.max(1, Math.min(DESK_PAGE_MAX, Math.floor(page.limit)));
  const cursor = page.after ? decodeListCursor(page.after, badCursor) : undefined;
  if (filter.text?.trim()) {
    const q = parseSearchQuery(filter.text, filter.textLang ?? 'en');
    if (!q.ok) return { rows: [], next: null, text: q.reason };
    if (cursor && cursor.k !== 't') throw badCursor();
    return textPage(db, filter, { parts: q.parts, exclude: q.exclude }, cursor, limit);
  }
  if (cursor && cursor.k !== 'p') throw badCursor();
  const keys = await keysOf(db, filter, cursor, limit + 1);
  const last = keys[limit - 1];
  return { rows: await rowsOf(db, keys.slice(0, limit).map((k) => k.id)), next: keys.length > limit && last ? encodeCursor({ k: 'p', t: last.published_at, i: last.id }) : null };
}

/** A page of text matches, newest published first: exact words, or (when they fill no first page) also the words they begin. */
async function textPage(db: Db, f: DeskFilter, text: Omit<TextMatch, 'prefix'>, cursor: Extract<Cursor, { k: 't' }> | undefined, limit: number): Promise<DeskList> {
  const ranges = (await keyRanges(db, f)) ?? [[undefined, undefined]];
  const where = sql.join(conditions(f, {}), sql` and `);
  // The ranges newest first, each read from the cursor on, until the page is full or a walk stops.
  const walk = async (prefix: boolean) => {
    const ids: number[] = [];
    const keys: number[] = [];
    for (const [lo, hi] of ranges) {
      const below = cursor !== undefined && (hi === undefined || cursor.i <= hi) ? cursor.i : hi === undefined ? undefined : hi + 1;
      if (below !== undefined && lo !== undefined && below <= lo) continue;
      const found = await findMatchingIds(db, { ...text, prefix }, where, { ...(below !== undefined ? { below } : {}), ...(lo !== undefined ? { from: lo } : {}) }, limit + 1 - ids.length);
      ids.push(...found.ids);
      keys.push(...found.keys);
      if (ids.length > limit) break;
      if (found.stoppedAt !== null) return { ids, keys, stoppedAt: found.stoppedAt };
    }
    return { ids, keys, stoppedAt: null };
  };
  const page = await textMatchPage(text, cursor, limit, walk);
  return { rows: await rowsOf(db, page.ids), next: page.next, ...(page.partial ? { partial: true as const } : {}) };
}

/** Keys of a day or an author read to cluster them; with more, their whole span is read. */
const CLUSTER_KEYS = 5000;
/** Keys further apart than a day start another cluster; with more than CLUSTERS, the whole span is read. */
const CLUSTER_GAP = 86_400 * KEYS_PER_SECOND;
const CLUSTERS = 32;

/**
 * Returns the search-key ranges (both ends included) holding the articles of the filter's day and
 * author, newest first, that bound a text walk: a day is one range of keys (its local day decided by
 * the rows); an author's articles cluster in time; undefined when the filter names neither, [] when
 * none has articles.
 */
async function keyRanges(db: Db, f: DeskFilter): Promise<[lo: number, hi: number][] | undefined> {
  if (f.day === undefined && f.userId === undefined) return undefined;
  if (f.day !== undefined) {
    const start = Date.parse(`${f.day}T00:00:00Z`);
    return [[firstKeyAt(start - 86_400_000), firstKeyAt(start + 2 * 86_400_000) - 1]];
  }
  const ix = sql.raw(isSqlite(db) ? 'indexed by articles_user_published' : '');
  const where = sql.join(conditions({ userId: f.userId }, {}), sql` and `);
  const keys = (await sql<{ key: number }>`select a.search_key as key from articles a ${ix} where ${where} limit ${CLUSTER_KEYS + 1}`.execute(db)).rows
    .map((r) => Number(r.key)).sort((a, b) => b - a);
  if (keys.length === 0) return [];
  const ranges: [number, number][] = [];
  for (const key of keys) {
    const last = ranges[ranges.length - 1];
    if (last && last[0] - key <= CLUSTER_GAP) last[0] = key;
    else ranges.push([key, key]);
  }
  if (keys.length <= CLUSTER_KEYS && ranges.length <= CLUSTERS) return ranges;
  const span = (await sql<{ lo: number; hi: number }>`select min(a.search_key) as lo, max(a.search_key) as hi from articles a ${ix} where ${where}`.execute(db)).rows[0]!;
  return [[Number(span.lo), Number(span.hi)]];
}

/** Which filters the driving range already applies. */
type Applied = { [K in 'status' | 'sourceId' | 'categoryId' | 'day' | 'userId']?: true };

/** The conditions on the articles (alias `a`) a page's rows must meet besides its range (`1 = 1` first: never empty). */
function conditions(f: DeskFilter, applied: Applied): RawBuilder<unknown>[] {
  const out: RawBuilder<unknown>[] = [sql`1 = 1`];
  if (f.status !== undefined && !applied.status) out.push(sql`a.status = ${f.status}`);
  if (f.sourceId !== undefined && !applied.sourceId) out.push(sql`a.source_id = ${f.sourceId}`);
  if (f.day !== undefined && !applied.day) out.push(sql`a.local_day = ${f.day}`);
  if (f.userId !== undefined && !applied.userId) out.push(sql`a.user_id = ${f.userId}`);
  if (f.categoryId !== undefined && !applied.categoryId) {
    out.push(sql`exists (select 1 from article_categories c where c.article_id = a.id and c.category_id = ${f.categoryId})`);
  }
  return out;
}

/** The (id, instant) keys of the page from the cursor on, newest first: `n` of them at most. */
async function keysOf(db: Db, f: DeskFilter, cursor: Extract<Cursor, { k: 'p' }> | undefined, n: number) {
  const ranges = await rangesOf(db, f, cursor, n);
  const query = ranges.length === 1
    ? ranges[0]!
    : sql`${sql.join(ranges.map((r, i) => sql`select * from (${r}) as ${sql.raw(`r${i}`)}`), sql` union all `)} order by published_at desc, id desc limit ${n}`;
  const { rows } = await sql<{ id: number; published_at: string }>`${query}`.execute(db);
  return rows.map((r) => ({ id: Number(r.id), published_at: r.published_at }));
}

/** The index ranges whose merge is the page (see the file's comment for the choice). */
async function rangesOf(db: Db, f: DeskFilter, cursor: Extract<Cursor, { k: 'p' }> | undefined, n: number): Promise<RawBuilder<unknown>[]> {
  const on = (applied: Applied) => sql.join(conditions(f, applied), sql` and `);
  const ix = (name: string) => sql.raw(isSqlite(db) ? `indexed by ${name}` : '');
  const after = (t: string, i: string) => (cursor ? sql`${sql.ref(t)} <= ${cursor.t} and (${sql.ref(t)} < ${cursor.t} or ${sql.ref(i)} < ${cursor.i})` : sql`1 = 1`);
  const range = (index: string, eq: RawBuilder<unknown>, applied: Applied) => sql`select a.id, a.published_at from articles a ${ix(index)}
    where ${eq} and ${on(applied)} and ${after('a.published_at', 'a.id')} order by a.published_at desc, a.id desc limit ${n}`;
  // One range per status where the index has it before the instant, unless the filter names one.
  const perStatus = (index: string, eq: RawBuilder<unknown>, applied: Applied) => (f.status !== undefined ? [f.status] : ARTICLE_STATUSES)
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

function badCursor(cause?: unknown): DeskStoreError {
  return new DeskStoreError('bad-cursor', 'desk: not a cursor of this list (`after` must be the `next` of the page before)', { cause });
}
