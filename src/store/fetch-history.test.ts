import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './db.js';
import { FETCHES_KEPT, findFetches, insertFetch, type FetchRecord } from './fetch-history.js';
import { deleteSource, insertSource } from './sources.js';
import { openTestStore, skipStoreTests, testStoreKind } from './testing.js';

const fetch = (i: number, over: Partial<FetchRecord> = {}): FetchRecord => ({
  at: new Date(Date.UTC(2019, 1, 15, 0, i)).toISOString(), outcome: 'ok', httpStatus: 200, items: i, created: 1, updated: 0, skipped: 0, durationMs: 12.6, error: null, ...over,
});

describe.skipIf(await skipStoreTests())(`fetch history on the ${testStoreKind()} store`, () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  it('keeps the newest 50 fetches per source, newest first, and the failed ones as the error log', async () => {
    const a = await insertSource(store.db, { kind: 'feed', title: 'A', url: 'https://a.example/feed' });
    const b = await insertSource(store.db, { kind: 'feed', title: 'B', url: 'https://b.example/feed' });
    for (let i = 1; i <= FETCHES_KEPT + 7; i++) {
      await insertFetch(store.db, a, i % 10 === 0 ? fetch(i, { outcome: 'error', httpStatus: 503, items: 0, error: `fetch: https://a.example/feed: HTTP 503 (${i})` }) : fetch(i));
    }
    await insertFetch(store.db, b, fetch(1, { outcome: 'not-modified', httpStatus: 304 }));
    const kept = await findFetches(store.db, a);
    expect(kept).toHaveLength(FETCHES_KEPT);
    expect(kept[0]).toMatchObject({ sourceId: a, items: FETCHES_KEPT + 7, durationMs: 13, outcome: 'ok' });
    expect(kept.at(-1)!.items).toBe(8); // 1 … 7 pruned
    expect(kept.map((f) => f.id)).toEqual([...kept.map((f) => f.id)].sort((x, y) => y - x));
    const errors = await findFetches(store.db, a, { failedOnly: true });
    expect(errors.map((e) => e.error)).toEqual([50, 40, 30, 20, 10].map((i) => `fetch: https://a.example/feed: HTTP 503 (${i})`));
    expect(errors[0]).toMatchObject({ httpStatus: 503, outcome: 'error' });
    // The other source's history is its own.
    expect(await findFetches(store.db, b)).toMatchObject([{ outcome: 'not-modified', httpStatus: 304 }]);
    // A source's history goes with it.
    await deleteSource(store.db, a);
    expect(await findFetches(store.db, a)).toEqual([]);
    expect(await findFetches(store.db, b)).toHaveLength(1);
  });

  it('keeps an over-long error line bounded', async () => {
    const a = await insertSource(store.db, { kind: 'feed', title: 'A', url: 'https://a.example/feed' });
    await insertFetch(store.db, a, fetch(1, { outcome: 'error', error: 'x'.repeat(5000) }));
    expect((await findFetches(store.db, a))[0]!.error!.length).toBeLessThanOrEqual(1000);
  });
});
