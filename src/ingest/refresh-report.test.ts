import { describe, expect, it } from 'vitest';
import type { RefreshResult } from './refresh.js';
import { describeRefresh, describeRound } from './refresh-report.js';

const ok: RefreshResult = { sourceId: 3, status: 'ok', items: 9, created: 2, updated: 1, unchanged: 1, duplicates: 0, skipped: [], fullTextFailures: 0, error: null, nextFetchAt: '' };
const skip = (reason: string) => ({ guid: reason, reason });

describe('the lines of a refresh', () => {
  it('counts skips by kind, the most frequent first', () => {
    expect(describeRefresh(ok)).toBe('source 3: 9 items: 2 new, 1 updated, 1 unchanged, 0 duplicates, 0 skipped');
    expect(describeRefresh({ ...ok, skipped: [skip('too old: over 7d')] })).toBe('source 3: 9 items: 2 new, 1 updated, 1 unchanged, 0 duplicates, 1 skipped: too old');
    const mixed = ['blocked by rule: title:Ad', 'too old: over 7d', 'blocked by rule: url:/ads/', 'no title and no text', 'too old: over 7d', 'too old: over 7d'].map(skip);
    expect(describeRefresh({ ...ok, skipped: mixed })).toBe('source 3: 9 items: 2 new, 1 updated, 1 unchanged, 0 duplicates, 6 skipped: 3 too old, 2 blocked by rule, 1 no title and no text');
  });

  it('names full-text failures once, errors and not-modified in their own words, and the round', () => {
    expect(describeRefresh({ ...ok, fullTextFailures: 4 })).toMatch(/; full text failed for 4 \(their summaries kept\)$/);
    expect(describeRefresh({ ...ok, status: 'error', error: 'fetch: x: HTTP 503' })).toBe('source 3: error: fetch: x: HTTP 503');
    expect(describeRefresh({ ...ok, status: 'not-modified' })).toBe('source 3: not modified');
    expect(describeRound([ok, { ...ok, status: 'error' }])).toBe('ingest: 2 sources fetched, 1 failed');
  });
});
