/**
 * 0015: WebSub (W3C Recommendation, 2018). On `sources`, the hub and self URL its feed last
 * advertised (`websub_hub`, `websub_topic`); and `websub_subscriptions`, one row per source and hub:
 * the topic subscribed to, the secret the hub signs pushes with (random, per subscription), the
 * unguessable token of its callback URL, its state (`pending`, `active`, `denied`, `failed`,
 * `unsubscribing`), the lease, when to try or renew next, and the last error. Numbered 0015: 0014 is
 * another branch's.
 *
 * No foreign key to `sources`: a removed source's subscription must outlive it long enough to be
 * unsubscribed from its hub (the ingest loop does that, then deletes the row).
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  await db.schema.alterTable('sources').addColumn('websub_hub', 'text').execute();
  await db.schema.alterTable('sources').addColumn('websub_topic', 'text').execute();
  await db.schema
    .createTable('websub_subscriptions')
    .addColumn('id', sql.raw(d.idType), (c) => c.primaryKey())
    .addColumn('source_id', d.bigintType, (c) => c.notNull())
    .addColumn('hub', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text')
    .addColumn('lease_seconds', 'integer')
    .addColumn('lease_expires_at', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('last_push_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('websub_subscriptions_source_hub', ['source_id', 'hub'])
    .execute();
  await db.schema.createIndex('websub_subscriptions_next').on('websub_subscriptions').columns(['next_attempt_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('websub_subscriptions').execute();
  await db.schema.alterTable('sources').dropColumn('websub_topic').execute();
  await db.schema.alterTable('sources').dropColumn('websub_hub').execute();
}
