/**
 * 0011: every source's recent fetches, newest last: when, the outcome (`ok`, `not-modified`,
 * `error`), the HTTP status, how many items it saw, created and updated, how long it took and its
 * error line. The refresh writes one row per fetch and keeps the newest 50 per source (the desk's
 * fetch history and error log). Numbered 0011: 0010 is another branch's.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  await db.schema
    .createTable('fetch_history')
    .addColumn('id', sql.raw(d.idType), (c) => c.primaryKey())
    .addColumn('source_id', d.bigintType, (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('items', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duration_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  // A source's fetches newest first, and the pruning of all but its newest 50: one range of this index.
  await db.schema.createIndex('fetch_history_source').on('fetch_history').columns(['source_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('fetch_history').execute();
}
