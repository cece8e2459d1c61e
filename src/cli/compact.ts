/** `jarida compact`: merge the search index's segments into one now (the ingest loop does it daily; `jarida import` after an import). */
import type { Kysely } from 'kysely';
import { isSqlite } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import { compactSearchIndex } from '../store/search.js';
import { openContext, type GlobalOptions } from './context.js';

/** Merges the index and prints how long it took. */
export async function compactCommand(opts: GlobalOptions): Promise<void> {
  const { store } = await openContext(opts);
  try {
    process.stdout.write(`${(await compactLine(store.db)) ?? 'search index: nothing to merge on PostgreSQL (autovacuum keeps its GIN index)'}\n`);
  } finally {
    await store.close();
  }
}

/** Merges a SQLite index and returns the line that says so (`search index: merged in 18.9 s (254 steps)`); null on PostgreSQL. */
export async function compactLine(db: Kysely<Database>): Promise<string | null> {
  if (!isSqlite(db)) return null;
  const t0 = performance.now();
  const { steps } = await compactSearchIndex(db);
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  return steps === 0 ? 'search index: already merged' : `search index: merged in ${seconds} s (${steps} steps)`;
}
