/**
 * 0012: the desk's articles, beside 0009. (Numbered after 0011, which landed first: a store migrated
 * to 0011 takes this one in order. 0010 is unused.)
 *
 * `articles_desk_filters` (SQLite only): the desk's text filter reads a word's matches from the
 * search index newest stored first and checks each against the list's other filters (status,
 * source, day, author). On SQLite that check read the article's row, bodies and all (about 30 µs a
 * match at 1,000,000 articles); this index, keyed by id and holding only those columns, answers it
 * from a few cached pages (under 1 µs). PostgreSQL keeps bodies out of line (TOAST): its rows are
 * small already.
 *
 * `article_tombstones`: an aggregated article an editor deleted, by its source's guid and canonical
 * URL, so that the next fetch of its feed does not bring it back. Goes with its source.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name === 'sqlite') {
    await db.schema.createIndex('articles_desk_filters').on('articles').columns(['id', 'status', 'source_id', 'local_day', 'user_id']).execute();
  }
  await db.schema
    .createTable('article_tombstones')
    .addColumn('source_id', d.bigintType, (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('guid', 'text', (c) => c.notNull())
    .addColumn('canonical_url', 'text')
    .addColumn('deleted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_tombstones_pk', ['source_id', 'guid'])
    .execute();
  await db.schema.createIndex('article_tombstones_url').on('article_tombstones').columns(['source_id', 'canonical_url']).where(sql.ref('canonical_url'), 'is not', null).execute();
}

export async function down(db: Kysely<any>, d: DialectInfo): Promise<void> {
  await db.schema.dropTable('article_tombstones').execute();
  if (d.name === 'sqlite') await db.schema.dropIndex('articles_desk_filters').execute();
}
