/**
 * The articles of the site's outgoing feeds: whole rows (a feed may carry the body), with the desk's
 * edit instant (a feed's `updated`), newest first, for the whole site, one article language, one
 * section or tag, or one source. Each reads one index range, as the lists of the same pages do.
 */
import type { Kysely } from 'kysely';
import type { Article } from '../model/types.js';
import { selectArticles, toArticle } from './articles.js';
import { prepared } from './prepared.js';
import type { Database } from './schema.js';

/** An article as a feed shows it: `editedAt` is when an editor last changed it in the desk (null: never). */
export type FeedArticle = Article & { editedAt: string | null };

/** Which articles a feed lists. */
export type FeedFilter =
  | { kind: 'site' }
  | { kind: 'language'; language: string }
  | { kind: 'category'; categoryId: number }
  | { kind: 'source'; sourceId: number };

/**
 * Returns the newest `limit` published articles a feed lists, newest first.
 * @example await findFeedArticles(db, { kind: 'language', language: 'ar' }, 20)
 */
export async function findFeedArticles(db: Kysely<Database>, filter: FeedFilter, limit: number): Promise<FeedArticle[]> {
  const rows = await (filter.kind === 'site'
    ? site(db, limit)
    : filter.kind === 'language'
      ? byLanguage(db, filter.language, limit)
      : filter.kind === 'category'
        ? byCategory(db, filter.categoryId, limit)
        : bySource(db, filter.sourceId, limit));
  return rows.map((r) => ({ ...toArticle(r), editedAt: r.edited_at }));
}

function feedRows(db: Kysely<Database>) {
  return selectArticles(db).select('a.edited_at').where('a.status', '=', 'published').orderBy('a.published_at', 'desc').orderBy('a.id', 'desc');
}

const site = prepared((db, limit: number) => feedRows(db).limit(limit));
// No index on language: the newest-first index is walked until `limit` rows of the language are found
// (cheap while the language is a fair share of the site's articles).
const byLanguage = prepared((db, language: string, limit: number) => feedRows(db).where('a.language', '=', language).limit(limit));
const byCategory = prepared((db, categoryId: number, limit: number) =>
  feedRows(db)
    .where('a.id', 'in', db
      .selectFrom('article_categories as ac')
      .select('ac.article_id')
      .where('ac.category_id', '=', categoryId)
      .where('ac.published', '=', 1)
      .orderBy('ac.published_at', 'desc')
      .orderBy('ac.article_id', 'desc')
      .limit(limit))
    .limit(limit));
const bySource = prepared((db, sourceId: number, limit: number) => feedRows(db).where('a.source_id', '=', sourceId).limit(limit));
