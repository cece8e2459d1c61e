/**
 * 0008: the site's own pages (About, Contact, Imprint), one row per slug and language. `body` is
 * what the operator wrote (markdown or HTML, as `format` says); `html` is it rendered and sanitized,
 * what pages show. `position` orders the footer's links.
 */
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, _d: DialectInfo): Promise<void> {
  await db.schema
    .createTable('site_pages')
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('site_pages_pkey', ['slug', 'lang'])
    .execute();
  // The footer: a language's pages in position order.
  await db.schema.createIndex('site_pages_footer').on('site_pages').columns(['lang', 'position', 'slug']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('site_pages').execute();
}
