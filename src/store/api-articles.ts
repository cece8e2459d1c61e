/**
 * The public content API's list of articles (web/api/): what the site shows (published only),
 * filtered by a day range, a section, a tag, a source, a language and text, a page at a time from an
 * opaque cursor.
 *
 * Without text the order is the site's, newest first by instant (ties by id), and the cursor is the
 * last row's (instant, id): a page is one index range read from there (articles_status_published,
 * or article_categories_list for a section or tag), so a deep page costs what the first does and an
 * article added between pages never shifts one (it is newer than the cursor, or lands once in the pages still to come).
 *
 * With text the search index is read newest published first (its time-ordered keys descending,
 * store/search-key.ts), each match checked against the other filters, and the cursor is the last key:
 * an article published later than it never enters the pages still to come. A call reads at
 * most MATCH_WALK matches (store/search.ts); a page not full by then comes back `partial`, its `next`
 * continuing from where the walk stopped.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { parseSearchQuery } from '../search/query.js';
import type { Database } from './schema.js';
import { decodeListCursor, encodeListCursor as encodeCursor, textMatchPage, type ListCursor as Cursor } from './list-cursor.js';
import { findMatchingIds, type TextMatch } from './search.js';

type Db = Kysely<Database> | Transaction<Database>;

/** What the list shows; every field optional, all of them together narrow. */
export interface ApiArticleFilter {
  /** Local days, YYYY-MM-DD, both included. */
  fromDay?: string;
  toDay?: string;
  /** Sections and tags the article must all be filed under (ids). */
  categoryIds?: readonly number[];
  sourceId?: number;
  /** The article's language tag, lower case (matched whatever the case stored); `orUnset`: also articles without one (the site's default language is shown for them). */
  language?: { tag: string; orUnset: boolean };
  /** Words as typed in a search box (src/search/query.ts: "phrases", -excluded). */
  text?: string;
  /** The language the words are analysed as. */
  textLang?: string;
}

/** One article of the list: no body. */
export interface ApiArticleRow {
  id: number;
  slug: string;
  title: string;
  summary: string | null;
  language: string | null;
  publishedAt: string;
  localDay: string;
  updatedAt: string;
  imageUrl: string | null;
  sourceId: number;
  sourceSlug: string | null;
  sourceTitle: string;
  /** The sections and tags it is filed under. */
  categories: { slug: string; kind: 'section' | 'tag' }[];
}

/**
 * A page of the list: `next` is the cursor of the page after it (null: the last page); `partial`: a
 * text walk stopped before filling it; `text` says why words matched nothing (only stop words, none,
 * only exclusions).
 */
export interface ApiArticlePage {
  rows: ApiArticleRow[];
  next: string | null;
  partial?: true;
  text?: 'empty' | 'common' | 'only-excluded';
}

/** A cursor this list did not make, or made for the other order (with or without text). */
export class ApiCursorError extends Error {
  readonly code = 'bad-cursor';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApiCursorError';
  }
}

/** Where a page starts: after this instant and id (newest first), or (text) below this id. */

/**
 * Returns a page of published articles, `page.limit` rows after the cursor `page.after` (the `next`
 * of the page before); throws ApiCursorError for a cursor that is not one of this list's.
 * @example const first = await findApiArticles(db, { sourceId: 3 }, { limit: 20 });
 *          const second = await findApiArticles(db, { sourceId: 3 }, { limit: 20, after: first.next! });
 */
export async function findApiArticles(db: Db, filter: ApiArticleFilter, page: { limit: number; after?: string }): Promise<ApiArticlePage> {
  const limit = Math.max(1, Math.floor(page.limit));
  const cursor = page.after === undefined ? undefined : decodeListCursor(page.after, badCursor);
  if (filter.text?.trim()) {
    const q = parseSearchQuery(filter.text, filter.textLang ?? 'en');
    if (!q.ok) return { rows: [], next: null, text: q.reason };
    if (cursor && cursor.k !== 't') throw new ApiCursorError('api: this cursor belongs to a list without text (q)');
    return textPage(db, filter, { parts: q.parts, exclude: q.exclude }, cursor, limit);
  }
  if (cursor && cursor.k !== 'p') throw new ApiCursorError('api: this cursor belongs to a list with text (q)');
  const { rows } = await keysQuery(db, filter, cursor, limit + 1).execute(db);
  const keys = rows.map((r) => ({ id: Number(r.id), publishedAt: r.published_at }));
  const last = keys[limit - 1];
  return {
    rows: await rowsOf(db, keys.slice(0, limit).map((k) => k.id)),
    next: keys.length > limit && last ? encodeCursor({ k: 'p', t: last.publishedAt, i: last.id }) : null,
  };
}

/** The (id, instant) keys of the page from the cursor on, newest first, `n` at most, from one index range. */
function keysQuery(db: Db, f: ApiArticleFilter, cursor: Extract<Cursor, { k: 'p' }> | undefined, n: number) {
  const [first, ...others] = f.categoryIds ?? [];
  if (first === undefined) {
    const after = cursor ? sql`a.published_at <= ${cursor.t} and (a.published_at < ${cursor.t} or a.id < ${cursor.i})` : sql`1 = 1`;
    return sql<{ id: number; published_at: string }>`select a.id, a.published_at from articles a
      where ${conditions({ ...f, categoryIds: [] })} and ${after} order by a.published_at desc, a.id desc limit ${n}`;
  }
  // A section or tag: its published rows (category, published, instant, id) are the range.
  const after = cursor ? sql`ac.published_at <= ${cursor.t} and (ac.published_at < ${cursor.t} or ac.article_id < ${cursor.i})` : sql`1 = 1`;
  return sql<{ id: number; published_at: string }>`select ac.article_id as id, ac.published_at from article_categories ac
    join articles a on a.id = ac.article_id
    where ac.category_id = ${first} and ac.published = 1 and ${conditions({ ...f, categoryIds: others })} and ${after}
    order by ac.published_at desc, ac.article_id desc limit ${n}`;
}

/** A page of text matches, newest published first: exact words, or (when they fill no first page) also the words they begin. */
async function textPage(db: Db, f: ApiArticleFilter, text: Omit<TextMatch, 'prefix'>, cursor: Extract<Cursor, { k: 't' }> | undefined, limit: number): Promise<ApiArticlePage> {
  const where = conditions(f);
  const page = await textMatchPage(text, cursor, limit, (prefix) => findMatchingIds(db, { ...text, prefix }, where, { below: cursor?.i }, limit + 1));
  return { rows: await rowsOf(db, page.ids), next: page.next, ...(page.partial ? { partial: true as const } : {}) };
}

/** The conditions on the articles (alias `a`) of the filter, text aside: published, and each filter given. */
function conditions(f: ApiArticleFilter): RawBuilder<unknown> {
  const out: RawBuilder<unknown>[] = [sql`a.status = 'published'`];
  if (f.fromDay !== undefined) out.push(sql`a.local_day >= ${f.fromDay}`);
  if (f.toDay !== undefined) out.push(sql`a.local_day <= ${f.toDay}`);
  if (f.sourceId !== undefined) out.push(sql`a.source_id = ${f.sourceId}`);
  if (f.language) out.push(f.language.orUnset ? sql`(lower(a.language) = ${f.language.tag} or a.language is null)` : sql`lower(a.language) = ${f.language.tag}`);
  for (const id of f.categoryIds ?? []) out.push(sql`exists (select 1 from article_categories c where c.article_id = a.id and c.category_id = ${id})`);
  return sql.join(out, sql` and `);
}

/** Returns the rows of these articles, in this order, with their sections and tags. */
async function rowsOf(db: Db, ids: number[]): Promise<ApiArticleRow[]> {
  if (ids.length === 0) return [];
  const [rows, filed] = await Promise.all([
    db.selectFrom('articles as a')
      .innerJoin('sources as s', 's.id', 'a.source_id')
      .select(['a.id', 'a.slug', 'a.title', 'a.summary', 'a.language', 'a.published_at', 'a.local_day', 'a.updated_at', 'a.image_url', 'a.source_id', 's.slug as source_slug', 's.title as source_title'])
      .where('a.id', 'in', ids)
      .execute(),
    db.selectFrom('article_categories as ac')
      .innerJoin('categories as c', 'c.id', 'ac.category_id')
      .select(['ac.article_id', 'c.slug', 'c.kind', 'c.position'])
      .where('ac.article_id', 'in', ids)
      .orderBy('c.kind').orderBy('c.position').orderBy('c.slug')
      .execute(),
  ]);
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const categories = new Map<number, ApiArticleRow['categories']>();
  for (const c of filed) {
    const list = categories.get(Number(c.article_id)) ?? [];
    list.push({ slug: c.slug, kind: c.kind as 'section' | 'tag' });
    categories.set(Number(c.article_id), list);
  }
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{
      id, slug: r.slug, title: r.title, summary: r.summary, language: r.language, publishedAt: r.published_at, localDay: r.local_day, updatedAt: r.updated_at,
      imageUrl: r.image_url, sourceId: Number(r.source_id), sourceSlug: r.source_slug, sourceTitle: r.source_title, categories: categories.get(id) ?? [],
    }] : [];
  });
}

function badCursor(cause?: unknown): ApiCursorError {
  return new ApiCursorError('api: not a cursor of this list (`cursor` must be the `next` of the page before)', { cause });
}
