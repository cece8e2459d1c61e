/** 0002: what ingestion keeps per source (rules, feed hints, leases) and per article (categories). */
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, _d: DialectInfo): Promise<void> {
  // Keep/block rules, maximum age and what to republish, as JSON (see src/model/rules.ts).
  await db.schema.alterTable('sources').addColumn('rules', 'text').execute();
  // 1: the copy here is canonical (the source says so); 0: the original URL is canonical.
  await db.schema.alterTable('sources').addColumn('canonical_here', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Feed hints: RSS ttl (minutes) and skipHours (JSON list of GMT hours).
  await db.schema.alterTable('sources').addColumn('ttl_minutes', 'integer').execute();
  await db.schema.alterTable('sources').addColumn('skip_hours', 'text').execute();
  await db.schema.alterTable('sources').addColumn('last_status', 'integer').execute();
  await db.schema.alterTable('sources').addColumn('last_success_at', 'text').execute();
  // A worker's claim on a due source until this instant (several processes, one fetch at a time).
  await db.schema.alterTable('sources').addColumn('claimed_until', 'text').execute();
  await db.schema.createIndex('sources_due').on('sources').columns(['enabled', 'next_fetch_at']).execute();

  await db.schema.alterTable('articles').addColumn('categories', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('articles').dropColumn('categories').execute();
  await db.schema.dropIndex('sources_due').execute();
  for (const c of ['claimed_until', 'last_success_at', 'last_status', 'skip_hours', 'ttl_minutes', 'canonical_here', 'rules']) {
    await db.schema.alterTable('sources').dropColumn(c).execute();
  }
}
