/**
 * Readiness (`/readyz`): the store answers, its migrations are the shipped ones, and ingestion has
 * fetched recently. Liveness (`/healthz`) asks nothing of the store: a process that answers is alive.
 */
import { pendingMigrations, type Store } from '../store/db.js';
import { findIngestFreshness, pingStore } from '../store/health.js';

/** How long the store has to answer `select 1`. */
export const STORE_PING_MS = 2000;

/** What `/readyz` answers: `ready`, and when not, one reason per failed check. */
export interface Readiness {
  ready: boolean;
  reasons: string[];
  store: 'ok' | 'unreachable';
  /** Shipped migrations not applied (null: the store did not answer). */
  pendingMigrations: string[] | null;
  ingest: {
    /** Whether this server runs ingestion (`ingest.inServe`); when not, its age is reported but never fails. */
    inServe: boolean;
    sources: number | null;
    lastFetchedAt: string | null;
    ageSeconds: number | null;
    maxAgeSeconds: number;
  };
}

/**
 * Returns the server's readiness: not ready when the store does not answer, migrations are pending,
 * or (ingest run here, sources to fetch) the newest fetch is older than `maxIngestAgeS`.
 * @example const r = await readiness(store, { now: new Date(), inServe: true, maxIngestAgeS: 7200 }); r.ready || r.reasons
 */
export async function readiness(store: Store, opts: { now: Date; inServe: boolean; maxIngestAgeS: number }): Promise<Readiness> {
  const reasons: string[] = [];
  const ingest: Readiness['ingest'] = { inServe: opts.inServe, sources: null, lastFetchedAt: null, ageSeconds: null, maxAgeSeconds: opts.maxIngestAgeS };
  try {
    await pingStore(store.db, STORE_PING_MS);
  } catch (err) {
    reasons.push(`store unreachable: ${(err as Error).message}`);
    return { ready: false, reasons, store: 'unreachable', pendingMigrations: null, ingest };
  }
  let pending: string[] | null = null;
  try {
    pending = await pendingMigrations(store);
    if (pending.length) reasons.push(`migrations pending: ${pending.join(', ')} (run jarida migrate)`);
  } catch (err) {
    reasons.push(`migrations unknown: ${(err as Error).message}`);
  }
  try {
    const fresh = await findIngestFreshness(store.db);
    ingest.sources = fresh.sources;
    ingest.lastFetchedAt = fresh.lastFetchedAt;
    if (fresh.lastFetchedAt) ingest.ageSeconds = Math.max(0, Math.round((opts.now.getTime() - Date.parse(fresh.lastFetchedAt)) / 1000));
    if (opts.inServe && ingest.ageSeconds !== null && ingest.ageSeconds > opts.maxIngestAgeS) {
      reasons.push(`ingest stale: last fetch ${ingest.ageSeconds} s ago, over ${opts.maxIngestAgeS} s`);
    }
  } catch (err) {
    reasons.push(`ingest unknown: ${(err as Error).message}`);
  }
  return { ready: reasons.length === 0, reasons, store: 'ok', pendingMigrations: pending, ingest };
}
