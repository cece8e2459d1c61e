/** What `/readyz` and the metrics ask the store: does it answer, and how fresh is ingestion. */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { StoreError } from './dialect.js';

/**
 * Resolves when the store answers `select 1` within `timeoutMs`; else rejects with a StoreError
 * saying why (its own words: closed, cannot connect, timed out).
 * @example await pingStore(store.db, 2000)
 */
export async function pingStore(db: Kysely<Database>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreError(`store: no answer to select 1 within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([sql`select 1`.execute(db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The fetched sources (enabled feeds and pages) and the newest fetch of any of them (ISO instant, null: none yet). */
export interface IngestFreshness {
  sources: number;
  lastFetchedAt: string | null;
}

/** Returns how many sources ingestion fetches and when it last fetched one. */
export async function findIngestFreshness(db: Kysely<Database>): Promise<IngestFreshness> {
  const row = await db
    .selectFrom('sources')
    .select([sql<number | string>`count(*)`.as('n'), sql<string | null>`max(last_fetched_at)`.as('last')])
    .where('enabled', '=', 1)
    .where('kind', 'in', ['feed', 'page'])
    .executeTakeFirst();
  return { sources: Number(row?.n ?? 0), lastFetchedAt: row?.last ?? null };
}

/** Returns each fetched source's (enabled feed or page) last successful fetch, for `jarida_ingest_lag_seconds`. */
export async function findSourcesLastSuccess(db: Kysely<Database>): Promise<{ sourceId: number; lastSuccessAt: string | null }[]> {
  const rows = await db
    .selectFrom('sources')
    .select(['id', 'last_success_at'])
    .where('enabled', '=', 1)
    .where('kind', 'in', ['feed', 'page'])
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ sourceId: Number(r.id), lastSuccessAt: r.last_success_at }));
}
