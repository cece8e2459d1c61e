/**
 * 0007: images served from the site. `media` has one row per image address an article names (its
 * lead image, the images of its body): the outcome of fetching it (pending, fetching, ready,
 * failed with a one-line error) and, when ready, the content hash and the stored variants.
 * `article_media` says which articles use which image, so a ready image re-renders exactly their
 * pages and `jarida media prune` finds the images no article uses. Both go with their article.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  await db.schema
    .createTable('media')
    .addColumn('id', sql.raw(d.idType), (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('hash', 'text')
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('variants', 'text')
    .addColumn('bytes', 'integer')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'text')
    .execute();
  await db.schema.createIndex('media_url').on('media').column('url').unique().execute();
  await db.schema.createIndex('media_status').on('media').columns(['status', 'id']).execute();
  await db.schema
    .createTable('article_media')
    .addColumn('article_id', d.bigintType, (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('media_id', d.bigintType, (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('article_media_pk', ['article_id', 'media_id'])
    .execute();
  await db.schema.createIndex('article_media_media').on('article_media').column('media_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('article_media').execute();
  await db.schema.dropTable('media').execute();
}
