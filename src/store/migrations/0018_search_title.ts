/**
 * PostgreSQL: the title's words as a column of their own, `article_search.title_document`, generated
 * from the document (`ts_filter(document, '{a}')`, the weight-A lexemes) and stored, with its GIN
 * index instead of 0017's index on the expression. A row the GIN index only suggests (a phrase, whose
 * word order the index does not keep) is checked again against the indexed value: on the expression
 * that meant reading the whole document out of TOAST and filtering it for every candidate (a phrase
 * of two words common in titles, `"في عمّان"` at 1,000,000 articles: 21,080 candidates, 330–870 ms);
 * the stored title is a few dozen bytes in the row. The search's walk (newest articles first) tests
 * the title the same cheap way. Filled as the column is added (one pass over the table: ~70 s at
 * 1,000,000 articles). SQLite has its titles' own FTS5 index already (0017).
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name === 'sqlite') return;
  await sql`alter table article_search add column title_document tsvector generated always as (ts_filter(document, '{a}')) stored`.execute(db);
  await sql`create index article_search_title_document on article_search using gin (title_document)`.execute(db);
  await db.schema.dropIndex('article_search_title').execute();
  // The search plans by the column's statistics (most common lexemes of the titles): gather them now.
  await sql`analyze article_search`.execute(db);
}

export async function down(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name === 'sqlite') return;
  await sql`create index article_search_title on article_search using gin (ts_filter(document, '{a}'))`.execute(db);
  await db.schema.dropIndex('article_search_title_document').execute();
  await db.schema.alterTable('article_search').dropColumn('title_document').execute();
}
