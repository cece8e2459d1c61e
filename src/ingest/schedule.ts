/**
 * Which sources are due, and the worker pool that refreshes them: `jarida ingest --once` runs one
 * round, `jarida ingest` and `jarida serve` (when configured) run rounds until stopped.
 */
import { claimDueSources, findNextDueAt } from '../store/sources.js';
import { refreshSource, type IngestDeps, type RefreshResult } from './refresh.js';

/** Longest sleep between rounds, so sources added by another process are picked up. */
const MAX_IDLE_MS = 60_000;

/**
 * Refreshes every source due now, `concurrency` at a time; returns their results. Sources are
 * claimed for the fetch's total timeout plus a margin, so a second process skips them.
 */
export async function runDueSources(deps: IngestDeps): Promise<RefreshResult[]> {
  const { concurrency, totalTimeoutMs, fullTextPerRefresh } = deps.config.ingest;
  const results: RefreshResult[] = [];
  for (;;) {
    const now = deps.now();
    // A refresh may fetch the feed and up to fullTextPerRefresh pages.
    const lease = new Date(now.getTime() + totalTimeoutMs * (2 + fullTextPerRefresh) + 60_000);
    const batch = await claimDueSources(deps.store, now, lease, concurrency * 4);
    if (batch.length === 0) return results;
    await pool(batch, concurrency, async (source) => {
      results.push(await refreshSource(deps, source));
    });
  }
}

/** Runs rounds until `signal` aborts, sleeping until the next source is due (at most a minute). */
export async function runIngestLoop(deps: IngestDeps, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await runDueSources(deps);
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
