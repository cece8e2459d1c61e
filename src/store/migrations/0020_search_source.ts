/**
 * SQLite: every article filed in `articles_fts` under its source's term too (store/search.ts
 * sourceTerm), so that a search within a source asks FTS5 for the word and the source together
 * instead of checking the source of every match of the word: the whole index is built again from
 * the stored articles (as 0017 did: ~3.5 CPU-minutes per 1,000,000 articles, before `serve`
 * answers). PostgreSQL: nothing.
 */
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';
import { rebuildSearchIndex } from '../search.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name === 'sqlite') await rebuildSearchIndex(db);
}

export async function down(): Promise<void> {
  // The terms stay: a search that does not know them never asks for one.
}
