/**
 * 0003: the search index. SQLite: an FTS5 table holding only the index (contentless, rowid = article
 * id until 0017 made it the search key, deletable). PostgreSQL: a table of weighted tsvectors with a GIN index, rows removed with their
 * article. Both are filled from the stored articles.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name === 'sqlite') {
    // Terms arrive normalized (src/search/normalize.ts): the tokenizer only splits on spaces.
    await sql`create virtual table articles_fts using fts5(
      title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0'
    )`.execute(db);
  } else {
    await db.schema
      .createTable('article_search')
      .addColumn('article_id', d.bigintType, (c) => c.primaryKey().references('articles.id').onDelete('cascade'))
      .addColumn('document', sql`tsvector`, (c) => c.notNull())
      .execute();
    await sql`create index article_search_document on article_search using gin (document)`.execute(db);
  }
  // Filled by 0017 (SQLite: with its keys) or, on PostgreSQL, by the analyser check every start
  // makes (store/search.ts ensureSearchIndexCurrent): a store of articles older than this one has none recorded.
}

export async function down(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name === 'sqlite') await sql`drop table articles_fts`.execute(db);
  else await db.schema.dropTable('article_search').execute();
}
