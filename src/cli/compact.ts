/**
 * `jarida compact`: merge the search index's segments into one now (SQLite), or VACUUM (ANALYZE) its
 * table (PostgreSQL); the ingest loop does it daily, `jarida import` after an import.
 */
import type { Kysely } from 'kysely';
import { isSqlite } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import { compactSearchIndex } from '../store/search.js';
import { openContext, type GlobalOptions } from './context.js';

/** Merges the index and prints how long it took. */
export async function compactCommand(opts: GlobalOptions): Promise<void> {
  const { store } = await openContext(opts);
  try {
    process.stdout.write(`${await compactLine(store.db)}\n`);
  } finally {
    await store.close();
  }
}

/** Merges the index (vacuums it on PostgreSQL) and returns the line that says so: `search index: merged in 18.9 s (254 steps)`. */
export async function compactLine(db: Kysely<Database>): Promise<string> {
  const t0 = performance.now();
  const { steps } = await compactSearchIndex(db);
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  if (!isSqlite(db)) return `search index: vacuumed in ${seconds} s`;
  return steps === 0 ? 'search index: already merged' : `search index: merged in ${seconds} s (${steps} steps)`;
}
