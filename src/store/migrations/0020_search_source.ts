/**
 * SQLite: every article filed in `articles_fts` under its source's term too (store/search.ts
 * sourceTerm), so that a search within a source asks FTS5 for the word and the source together
 * instead of checking the source of every match of the word: the whole index is built again from
 * the stored articles (as 0017 did: ~3.5 CPU-minutes per 1,000,000 articles, before `serve`
 * answers) — unless it holds source terms already, which only an index built by this version has
 * (0017 run in the same upgrade: built once, not twice). PostgreSQL: nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';
import { rebuildSearchIndex, SOURCE_TERM_MARK } from '../search.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name !== 'sqlite') return;
  // One lookup in the index's words (0019): any term that begins as source terms do.
  const after = String.fromCharCode(SOURCE_TERM_MARK.charCodeAt(0) + 1);
  const { rows } = await sql`select 1 from articles_fts_terms where term >= ${SOURCE_TERM_MARK} and term < ${after} limit 1`.execute(db);
  if (rows.length === 0) await rebuildSearchIndex(db);
}

export async function down(): Promise<void> {
  // The terms stay: a search that does not know them never asks for one.
}
