/** 0001: sources, articles, day_counts, counters, settings. */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  const id = d.idType;
  await db.schema
    .createTable('sources')
    .addColumn('id', sql.raw(id), (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('site_url', 'text')
    .addColumn('language', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('full_text', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('next_fetch_at', 'text')
    .addColumn('interval_s', 'integer')
    .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('last_fetched_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sources_url').unique().on('sources').column('url').where(sql.ref('url'), 'is not', null).execute();

  await db.schema
    .createTable('articles')
    .addColumn('id', sql.raw(id), (c) => c.primaryKey())
    .addColumn('source_id', d.bigintType, (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('guid', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('canonical_url', 'text')
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('content_html', 'text')
    .addColumn('author', 'text')
    .addColumn('language', 'text')
    .addColumn('image_url', 'text')
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('local_day', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('published'))
    .addColumn('content_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('articles_source_guid').unique().on('articles').columns(['source_id', 'guid']).execute();
  await db.schema.createIndex('articles_slug').unique().on('articles').column('slug').execute();
  await db.schema
    .createIndex('articles_canonical_url')
    .unique()
    .on('articles')
    .column('canonical_url')
    .where(sql.ref('canonical_url'), 'is not', null)
    .execute();
  // Home page and previous/next: newest published first.
  await db.schema.createIndex('articles_status_published').on('articles').columns(['status', 'published_at', 'id']).execute();
  // Day archive.
  await db.schema.createIndex('articles_day').on('articles').columns(['local_day', 'status', 'published_at', 'id']).execute();

  await db.schema
    .createTable('day_counts')
    .addColumn('local_day', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', d.bigintType, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['settings', 'counters', 'day_counts', 'articles', 'sources']) {
    await db.schema.dropTable(t).execute();
  }
}
