/**
 * 0016: the newest change among a day's published articles, for the sitemaps' exact `lastmod`
 * (store/sitemap.ts). The newest published_at of a day is one seek in articles_day already; this
 * index makes the newest updated_at one seek too, so the sitemap index costs two seeks per day with
 * articles (day_counts lists them) instead of a scan of every article.
 */
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, _d: DialectInfo): Promise<void> {
  await db.schema.createIndex('articles_day_updated').on('articles').columns(['local_day', 'status', 'updated_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('articles_day_updated').execute();
}
