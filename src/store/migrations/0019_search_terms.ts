/**
 * SQLite: the words of the search index as a table (`articles_fts_terms`, FTS5's `fts5vocab` of
 * `articles_fts`, one row per occurrence, stored nowhere: read from the index itself). A search asks
 * it which words a prefix begins before it asks FTS5 for the prefix: FTS5 reads and merges every
 * such word's whole list of articles before the first match, where a word alone is read from its
 * newest article and stops at the page (store/search.ts, expandPrefixes). PostgreSQL: nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name === 'sqlite') await sql`create virtual table articles_fts_terms using fts5vocab(articles_fts, instance)`.execute(db);
}

export async function down(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name === 'sqlite') await sql`drop table articles_fts_terms`.execute(db);
}
