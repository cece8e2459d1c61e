/**
 * What the sitemaps list (web/sitemaps/): published articles day by day in keyset batches, the
 * newest change of each day (exact `lastmod` from two index seeks a day, migration 0016), the
 * articles of the news window, and the sections, tags, sources and own pages with their newest
 * change. Only published articles, as the public pages show them (store/articles.ts).
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { CategoryKind } from './categories.js';
import { prepared } from './prepared.js';
import type { Database } from './schema.js';

/** A local day with published articles: how many, and the newest published/updated instant among them. */
export interface SitemapDay {
  day: string;
  count: number;
  lastmod: string;
}

/** An article as a sitemap lists it. */
export interface SitemapArticle {
  id: number;
  slug: string;
  localDay: string;
  publishedAt: string;
  updatedAt: string;
}

/** An article of the news sitemap: also its title and language. */
export interface NewsArticle extends SitemapArticle {
  title: string;
  language: string | null;
}

/** A section, tag or source page: its slug and its newest article's instant (null: none). */
export interface SitemapList {
  id: number;
  slug: string;
  lastmod: string | null;
}

/** An own page (every language version of a slug): the newest update among its versions. */
export interface SitemapPage {
  slug: string;
  lastmod: string;
}

/** Returns the later of two ISO instants (either may be missing). */
export function laterOf(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a > b ? a : b;
}

/**
 * Returns the days with published articles from `fromDay` to `toDay` (inclusive), oldest first,
 * each with its count (day_counts) and newest change: per day one seek in articles_day
 * (published_at) and one in articles_day_updated (updated_at), however many articles it holds.
 * @example await findSitemapDays(db, '2026-12-01', '2026-12-31') // [{ day: '2026-12-01', count: 312, lastmod: '2026-12-01T21:40:00.000Z' }, …]
 */
export async function findSitemapDays(db: Kysely<Database>, fromDay = '0000-00-00', toDay = '9999-99-99'): Promise<SitemapDay[]> {
  const rows = await sitemapDays(db, fromDay, toDay);
  return rows.map((r) => ({ day: r.local_day, count: Number(r.count), lastmod: laterOf(r.published, r.updated) ?? '' }));
}

const sitemapDays = prepared((db, fromDay: string, toDay: string) =>
  db
    .selectFrom('day_counts as dc')
    .select([
      'dc.local_day',
      'dc.count',
      // `order by … desc limit 1`, not max(): SQLite seeks the end of the index range for it, where max() with a WHERE walks the range.
      (eb) => eb.selectFrom('articles as a').select('a.published_at').whereRef('a.local_day', '=', 'dc.local_day').where('a.status', '=', 'published').orderBy('a.published_at', 'desc').limit(1).as('published'),
      (eb) => eb.selectFrom('articles as a').select('a.updated_at').whereRef('a.local_day', '=', 'dc.local_day').where('a.status', '=', 'published').orderBy('a.updated_at', 'desc').limit(1).as('updated'),
    ])
    .where('dc.local_day', '>=', fromDay)
    .where('dc.local_day', '<=', toDay)
    .where('dc.count', '>', 0)
    .orderBy('dc.local_day'));

/**
 * Returns the newest change among `limit` of a day's published articles after skipping `offset`
 * (oldest first): the lastmod of a sitemap part that begins or ends inside that day.
 */
export async function findSliceLastmod(db: Kysely<Database>, day: string, offset: number, limit: number): Promise<string | null> {
  const r = await db
    .selectFrom(dayArticles(db, day).select('a.updated_at').limit(limit).offset(offset).as('t'))
    .select([sql<string | null>`max(t.published_at)`.as('p'), sql<string | null>`max(t.updated_at)`.as('u')])
    .executeTakeFirst();
  return laterOf(r?.p, r?.u);
}

/** A day's published articles, oldest first (the order of the articles_day index). */
function dayArticles(db: Kysely<Database>, day: string) {
  return db
    .selectFrom('articles as a')
    .select(['a.id', 'a.slug', 'a.local_day', 'a.published_at'])
    .where('a.local_day', '=', day)
    .where('a.status', '=', 'published')
    .orderBy('a.published_at')
    .orderBy('a.id');
}

/**
 * Returns up to `limit` of a day's published articles, oldest first: after `after` (a keyset, the
 * last one of the previous batch), or from the start skipping `skip` (a part that begins inside the day).
 * @example await findSitemapArticles(db, '2026-12-05', null, 1000) // the first 1,000 of the day
 */
export async function findSitemapArticles(db: Kysely<Database>, day: string, after: Pick<SitemapArticle, 'publishedAt' | 'id'> | null, limit: number, skip = 0): Promise<SitemapArticle[]> {
  const rows = after ? await articlesAfter(db, day, after.publishedAt, after.id, limit) : await articlesFrom(db, day, limit, skip);
  return rows.map((r) => ({ id: Number(r.id), slug: r.slug, localDay: r.local_day, publishedAt: r.published_at, updatedAt: r.updated_at }));
}

const articlesFrom = prepared((db, day: string, limit: number, skip: number) => dayArticles(db, day).select('a.updated_at').limit(limit).offset(skip));
const articlesAfter = prepared((db, day: string, publishedAt: string, id: number, limit: number) =>
  dayArticles(db, day)
    .select('a.updated_at')
    // A row comparison: both stores enter the index there (an OR of two conditions, PostgreSQL walked the day from its start).
    .where((eb) => eb(eb.refTuple('a.published_at', 'a.id'), '>', eb.tuple(publishedAt, id)))
    .limit(limit));

/**
 * Returns the published articles of `since` ≤ published_at ≤ `until` (ISO instants), newest first,
 * at most `limit`: the news sitemap's.
 */
export async function findNewsArticles(db: Kysely<Database>, since: string, until: string, limit: number): Promise<NewsArticle[]> {
  const rows = await newsArticles(db, since, until, limit);
  return rows.map((r) => ({ id: Number(r.id), slug: r.slug, localDay: r.local_day, publishedAt: r.published_at, updatedAt: r.updated_at, title: r.title, language: r.language }));
}

const newsArticles = prepared((db, since: string, until: string, limit: number) =>
  db
    .selectFrom('articles as a')
    .select(['a.id', 'a.slug', 'a.local_day', 'a.published_at', 'a.updated_at', 'a.title', 'a.language'])
    .where('a.status', '=', 'published')
    .where('a.published_at', '>=', since)
    .where('a.published_at', '<=', until)
    .orderBy('a.published_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(limit));

/** Which list pages a sitemap file holds: sections, tags (categories) or sources. */
export type SitemapListKind = CategoryKind | 'source';

/** Returns how many sections, tags or sources have published articles (a page worth listing). */
export async function countSitemapLists(db: Kysely<Database>, kind: SitemapListKind): Promise<number> {
  const q = kind === 'source'
    ? db.selectFrom('sources').select(sql<number>`count(*)`.as('n')).where('slug', 'is not', null).where('published_count', '>', 0)
    : db.selectFrom('categories').select(sql<number>`count(*)`.as('n')).where('kind', '=', kind).where('count', '>', 0);
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

/**
 * Returns up to `limit` sections, tags or sources with published articles, by id, after `afterId`
 * (keyset) or skipping `skip` of them; each with its newest article's instant (one index seek each).
 */
export async function findSitemapLists(db: Kysely<Database>, kind: SitemapListKind, limit: number, opts: { afterId?: number; skip?: number } = {}): Promise<SitemapList[]> {
  const rows = await listsQuery(db, kind, opts.afterId ?? 0).limit(limit).offset(opts.skip ?? 0).execute();
  return rows.map((r) => ({ id: Number(r.id), slug: String(r.slug), lastmod: r.lastmod ?? null }));
}

/** Returns the newest article instant among `limit` lists after skipping `skip` (a sitemap part's lastmod). */
export async function findListsLastmod(db: Kysely<Database>, kind: SitemapListKind, skip: number, limit: number): Promise<string | null> {
  const r = await db
    .selectFrom(listsQuery(db, kind, 0).limit(limit).offset(skip).as('t'))
    .select(sql<string | null>`max(t.lastmod)`.as('m'))
    .executeTakeFirst();
  return r?.m ?? null;
}

/** A list page's row as listsQuery selects it. */
type ListRow = { id: number; slug: string | null; lastmod: string | null };

function listsQuery(db: Kysely<Database>, kind: SitemapListKind, afterId: number): SelectQueryBuilder<Database, never, ListRow> {
  if (kind === 'source') {
    return db
      .selectFrom('sources as s')
      .select([
        's.id',
        's.slug',
        (eb) => eb.selectFrom('articles as a').select('a.published_at').whereRef('a.source_id', '=', 's.id').where('a.status', '=', 'published').orderBy('a.published_at', 'desc').limit(1).as('lastmod'),
      ])
      .where('s.slug', 'is not', null)
      .where('s.published_count', '>', 0)
      .where('s.id', '>', afterId)
      .orderBy('s.id') as unknown as SelectQueryBuilder<Database, never, ListRow>;
  }
  return db
    .selectFrom('categories as c')
    .select([
      'c.id',
      'c.slug',
      (eb) => eb.selectFrom('article_categories as ac').select('ac.published_at').whereRef('ac.category_id', '=', 'c.id').where('ac.published', '=', 1).orderBy('ac.published_at', 'desc').limit(1).as('lastmod'),
    ])
    .where('c.kind', '=', kind)
    .where('c.count', '>', 0)
    .where('c.id', '>', afterId)
    .orderBy('c.id') as unknown as SelectQueryBuilder<Database, never, ListRow>;
}

/** Returns the site's own pages, one per slug in footer order, each with its newest update among its language versions. */
export async function findSitemapPages(db: Kysely<Database>): Promise<SitemapPage[]> {
  const rows = await db
    .selectFrom('site_pages')
    .select(['slug', sql<string>`max(updated_at)`.as('lastmod'), sql<number>`min(position)`.as('position')])
    .groupBy('slug')
    .orderBy(sql`min(position)`)
    .orderBy('slug')
    .execute();
  return rows.map((r) => ({ slug: r.slug, lastmod: r.lastmod }));
}
