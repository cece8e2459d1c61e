/**
 * 0010: the desk's text filter. A word's matches come from the search index newest stored first, and
 * each is checked against the list's other filters (status, source, day, author): on SQLite that
 * check read the article's row, bodies and all (about 30 µs a match at 1,000,000 articles, cold),
 * where this index, keyed by id and holding only those columns, answers it from a few cached pages
 * (under 1 µs). PostgreSQL keeps bodies out of line (TOAST): its rows are small already.
 */
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name !== 'sqlite') return;
  await db.schema.createIndex('articles_desk_filters').on('articles').columns(['id', 'status', 'source_id', 'local_day', 'user_id']).execute();
}

export async function down(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name !== 'sqlite') return;
  await db.schema.dropIndex('articles_desk_filters').execute();
}
