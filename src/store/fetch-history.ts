/** Each source's recent fetches (0011): the desk's fetch history and error log. The refresh writes them. */
import type { Kysely } from 'kysely';
import { bounded, LIMITS } from '../model/limits.js';
import type { Database } from './schema.js';

/** Fetches kept per source: older ones are pruned as new ones arrive. */
export const FETCHES_KEPT = 50;

/** One fetch of a source, as the refresh records it. */
export interface FetchRecord {
  at: string;
  outcome: 'ok' | 'not-modified' | 'error';
  httpStatus: number | null;
  items: number;
  created: number;
  updated: number;
  skipped: number;
  durationMs: number;
  error: string | null;
}

/** A stored fetch, with its id. */
export type FetchEntry = FetchRecord & { id: number; sourceId: number };

/**
 * Records one fetch of a source and drops its fetches older than the newest FETCHES_KEPT: the
 * pruning reads at most FETCHES_KEPT + 1 entries of the (source_id, id) index, so it costs the
 * same however long the source has been fetched.
 */
export async function insertFetch(db: Kysely<Database>, sourceId: number, f: FetchRecord): Promise<void> {
  await db
    .insertInto('fetch_history')
    .values({
      source_id: sourceId,
      at: f.at,
      outcome: f.outcome,
      http_status: f.httpStatus,
      items: f.items,
      created: f.created,
      updated: f.updated,
      skipped: f.skipped,
      duration_ms: Math.max(0, Math.round(f.durationMs)),
      error: bounded(f.error, LIMITS.error),
    })
    .execute();
  const oldestKept = await db
    .selectFrom('fetch_history')
    .select('id')
    .where('source_id', '=', sourceId)
    .orderBy('id', 'desc')
    .offset(FETCHES_KEPT - 1)
    .limit(1)
    .executeTakeFirst();
  if (oldestKept) await db.deleteFrom('fetch_history').where('source_id', '=', sourceId).where('id', '<', oldestKept.id).execute();
}

/** Returns a source's kept fetches, newest first; `failedOnly`: its error log. */
export async function findFetches(db: Kysely<Database>, sourceId: number, opts: { failedOnly?: boolean } = {}): Promise<FetchEntry[]> {
  let q = db.selectFrom('fetch_history').selectAll().where('source_id', '=', sourceId);
  if (opts.failedOnly) q = q.where('outcome', '=', 'error');
  const rows = await q.orderBy('id', 'desc').limit(FETCHES_KEPT).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    sourceId: Number(r.source_id),
    at: r.at,
    outcome: r.outcome as FetchRecord['outcome'],
    httpStatus: r.http_status === null ? null : Number(r.http_status),
    items: Number(r.items),
    created: Number(r.created),
    updated: Number(r.updated),
    skipped: Number(r.skipped),
    durationMs: Number(r.duration_ms),
    error: r.error,
  }));
}
