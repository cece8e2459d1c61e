/**
 * Which sources are due, and the worker pool that refreshes them: `jarida ingest --once` runs one
 * round, `jarida ingest` and `jarida serve` (when configured) run rounds until stopped.
 */
import type { Source } from '../model/types.js';
import { compactSearchIndexWhenDue } from '../store/search.js';
import { claimDueSources, claimerName, claimSource, findNextDueAt, renewClaims } from '../store/sources.js';
import { refreshSource, type IngestDeps, type RefreshResult } from './refresh.js';
import { runWebSub } from './websub/subscribe.js';

/** Longest sleep between rounds, so sources added by another process are picked up. */
const MAX_IDLE_MS = 60_000;

/** Most of a round spent merging the search index when its daily merge is due (the next rounds go on). */
const COMPACT_BUDGET_MS = 2000;

/**
 * Refreshes every source due now, `concurrency` at a time; returns their results. Each batch is
 * claimed for a short lease that is renewed until its sources are done, so a second process skips
 * them and a process killed mid-fetch holds them for at most one lease (`ingest.leaseSeconds`).
 */
export async function runDueSources(deps: IngestDeps): Promise<RefreshResult[]> {
  const { concurrency, leaseMs } = deps.config.ingest;
  const claimer = claimerName();
  const results: RefreshResult[] = [];
  for (;;) {
    const batch = await claimDueSources(deps.store, deps.now(), new Date(deps.now().getTime() + leaseMs), concurrency * 4, claimer);
    if (batch.length === 0) return results;
    await whileClaimed(deps, claimer, batch, () =>
      pool(batch, concurrency, async (source) => {
        results.push(await refreshSource(deps, source));
      }),
    );
  }
}

/**
 * Refreshes one source now, whether due or not (`sources refresh`), under a claim like a round's;
 * returns its result, or undefined when another process holds the source.
 */
export async function refreshSourceNow(deps: IngestDeps, id: number): Promise<RefreshResult | undefined> {
  const claimer = claimerName();
  const source = await claimSource(deps.store.db, id, deps.now(), new Date(deps.now().getTime() + deps.config.ingest.leaseMs), claimer);
  if (!source) return undefined;
  return whileClaimed(deps, claimer, [source], () => refreshSource(deps, source));
}

/** Runs `work` while renewing `claimer`'s claims on the sources every third of the lease (a refresh releases its own when it saves the fetch state). */
async function whileClaimed<T>(deps: IngestDeps, claimer: string, sources: readonly Source[], work: () => Promise<T>): Promise<T> {
  const { leaseMs } = deps.config.ingest;
  const ids = sources.map((s) => s.id);
  const renew = setInterval(() => {
    renewClaims(deps.store.db, ids, claimer, new Date(deps.now().getTime() + leaseMs)).catch((err) => deps.log.warn({ err }, 'ingest: renewing claims failed'));
  }, leaseMs / 3);
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
  }
}

/**
 * Runs rounds until `signal` aborts, sleeping until the next source is due (at most a minute). After
 * the sources, a round spends up to two seconds on the search index's daily merge when it is due.
 * `beforeRound` runs at the start of each (the commands read the site settings again there).
 */
export async function runIngestLoop(deps: IngestDeps, signal: AbortSignal, opts: { beforeRound?: () => Promise<unknown> } = {}): Promise<void> {
  while (!signal.aborted) {
    try {
      await opts.beforeRound?.();
      await runDueSources(deps);
      await runWebSub(deps); // subscribe, renew, unsubscribe (ingest/websub/subscribe.ts)
      if ((await compactSearchIndexWhenDue(deps.store.db, deps.now(), COMPACT_BUDGET_MS)) === 'done') deps.log.info('ingest: search index merged (daily)');
    } catch (err) {
      deps.log.error({ err }, 'ingest: round failed');
    }
    if (signal.aborted) return;
    const next = await findNextDueAt(deps.store.db).catch(() => undefined);
    const wait = next === null ? 0 : next === undefined ? MAX_IDLE_MS : Math.min(MAX_IDLE_MS, Date.parse(next) - Date.now());
    await sleep(Math.max(1000, wait), signal);
  }
}

/** Runs `work` on every item with at most `limit` at once. */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
