/**
 * 0009: the editorial desk. Staff accounts with roles, their sessions (in the store, so they survive
 * a restart and every instance shares them), one-time links to set a password, per-user API tokens
 * (only their hashes), the audit log, and every article's previous versions.
 *
 * `articles.edited_at` marks an article an editor changed: the next fetch of its feed leaves it as
 * edited. `articles.body_source` keeps the Markdown a desk article was written in (the HTML beside it
 * is what pages show). `articles.user_id` is the staff author of a desk article. A scheduled article
 * has status `scheduled` and its future `published_at`; it is counted from its minute on.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', sql.raw(d.idType), (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('password_changed_at', 'text')
    .addColumn('totp_secret', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', d.bigintType, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('user_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', d.bigintType, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', sql.raw(d.idType), (c) => c.primaryKey())
    .addColumn('user_id', d.bigintType, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('api_tokens_user').on('api_tokens').columns(['user_id']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', sql.raw(d.idType), (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_id', d.bigintType)
    .addColumn('user_email', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('detail', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();
  await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'at']).execute();
  // Failed logins per account and per address, for the login's rate limit.
  await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target', 'action', 'at']).execute();
  await db.schema.createIndex('audit_log_ip').on('audit_log').columns(['ip', 'action', 'at']).execute();
  await db.schema.createIndex('audit_log_user').on('audit_log').columns(['user_id', 'at']).execute();

  await db.schema
    .createTable('article_revisions')
    .addColumn('id', sql.raw(d.idType), (c) => c.primaryKey())
    .addColumn('article_id', d.bigintType, (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('user_id', d.bigintType)
    .addColumn('user_email', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('content_html', 'text')
    .addColumn('body_source', 'text')
    .addColumn('author', 'text')
    .addColumn('language', 'text')
    .addColumn('image_url', 'text')
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('categories', 'text')
    .execute();
  await db.schema.createIndex('article_revisions_article').on('article_revisions').columns(['article_id', 'id']).execute();

  await db.schema.alterTable('articles').addColumn('edited_at', 'text').execute();
  await db.schema.alterTable('articles').addColumn('body_source', 'text').execute();
  await db.schema.alterTable('articles').addColumn('user_id', d.bigintType).execute();
  // The desk's lists: every status newest first, and by author (status, source, day and section have theirs).
  await db.schema.createIndex('articles_user_published').on('articles').columns(['user_id', 'published_at', 'id']).execute();
  await db.schema.createIndex('articles_published_id').on('articles').columns(['published_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('articles_published_id').execute();
  await db.schema.dropIndex('articles_user_published').execute();
  await db.schema.alterTable('articles').dropColumn('user_id').execute();
  await db.schema.alterTable('articles').dropColumn('body_source').execute();
  await db.schema.alterTable('articles').dropColumn('edited_at').execute();
  for (const t of ['article_revisions', 'audit_log', 'api_tokens', 'user_links', 'sessions', 'users']) await db.schema.dropTable(t).execute();
}
