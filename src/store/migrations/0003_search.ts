/**
 * 0003: the search index. SQLite: an FTS5 table holding only the index (contentless, rowid = article
 * id, deletable). PostgreSQL: a table of weighted tsvectors with a GIN index, rows removed with their
 * article. Both are filled from the stored articles.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';
import { rebuildSearchIndex } from '../search.js';

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
  await rebuildSearchIndex(db);
}

export async function down(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name === 'sqlite') await sql`drop table articles_fts`.execute(db);
  else await db.schema.dropTable('article_search').execute();
}
