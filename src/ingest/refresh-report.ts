/** What `jarida ingest --once`, `jarida sources refresh` and the desk's Refresh now say about each refresh, and the round's summary. */
import type { RefreshResult } from './refresh.js';

/**
 * Returns one line on a refresh: its counts, the skips by kind, and the full-text pages that failed.
 * @example describeRefresh(r) // 'source 1: 3 items: 1 new, 0 updated, 0 unchanged, 0 duplicates, 2 skipped: 1 blocked by rule, 1 too old'
 */
export function describeRefresh(r: RefreshResult): string {
  if (r.status === 'error') return `source ${r.sourceId}: error: ${r.error}`;
  if (r.status === 'not-modified') return `source ${r.sourceId}: not modified`;
  const skipped = r.skipped.length ? `${r.skipped.length} skipped: ${skipKinds(r.skipped.map((s) => s.reason))}` : '0 skipped';
  const fullText = r.fullTextFailures ? `; full text failed for ${r.fullTextFailures} (their summaries kept)` : '';
  return `source ${r.sourceId}: ${r.items} items: ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.duplicates} duplicates, ${skipped}${fullText}`;
}

/** Returns the round's summary line. */
export function describeRound(results: readonly RefreshResult[]): string {
  return `ingest: ${results.length} sources fetched, ${failedOf(results).length} failed`;
}

/** Returns the refreshes that failed. */
export function failedOf(results: readonly RefreshResult[]): RefreshResult[] {
  return results.filter((r) => r.status === 'error');
}

/**
 * Returns skip reasons counted by kind, the most frequent first: the kind is what comes before a
 * reason's first `: ` (`too old: over 7d` → too old). With one kind the count is the total's.
 */
function skipKinds(reasons: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) {
    const kind = r.split(': ')[0]!;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const kinds = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return kinds.length === 1 ? kinds[0]![0] : kinds.map(([k, n]) => `${n} ${k}`).join(', ');
}
