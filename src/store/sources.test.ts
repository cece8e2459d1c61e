import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMigratedStore, type Store } from './db.js';
import { claimDueSources, insertSource } from './sources.js';
import { createTestDatabase, skipStoreTests, testStoreKind, type TestDatabase } from './testing.js';

const NOW = new Date('2019-02-15T09:00:00Z');
const LEASE = new Date('2019-02-15T09:10:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

describe.skipIf(await skipStoreTests())(`claiming due sources on the ${testStoreKind()} store`, () => {
  let database: TestDatabase;
  /** Two stores on one database: two processes' connection pools. */
  let a: Store;
  let b: Store;
  /** Due sources by id, with when they fell due (null: never fetched). */
  let due: Map<number, string | null>;

  beforeEach(async () => {
    database = await createTestDatabase();
    a = await openMigratedStore(database.url);
    b = await openMigratedStore(database.url);
    due = new Map();
    for (let i = 0; i < 60; i++) {
      const id = await insertSource(a.db, { kind: 'feed', title: `Feed ${i}`, url: `http://127.0.0.1/${i}.xml` });
      // Never fetched, overdue by up to an hour, or due later.
      const next = i % 6 === 0 ? null : i % 6 === 5 ? new Date(NOW.getTime() + 86_400_000).toISOString() : minutesAgo((i * 7) % 60);
      await a.db.updateTable('sources').set({ next_fetch_at: next }).where('id', '=', id).execute();
      if (i % 6 !== 5) due.set(id, next);
    }
    await insertSource(a.db, { kind: 'feed', title: 'Off', url: 'http://127.0.0.1/off.xml', enabled: false });
    await insertSource(a.db, { kind: 'manual', title: 'Desk' });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await database.drop();
  });

  it('never gives one source to two claimers, and together they claim every due one', async () => {
    const claimed: number[] = [];
    const claimer = async (store: Store) => {
      for (;;) {
        const batch = await claimDueSources(store, NOW, LEASE, 3);
        if (batch.length === 0) return;
        claimed.push(...batch.map((s) => s.id));
      }
    };
    // Eight claimers at once over two connection pools.
    await Promise.all([a, b, a, b, a, b, a, b].map(claimer));
    expect(claimed.length).toBe(new Set(claimed).size);
    expect(new Set(claimed)).toEqual(new Set(due.keys()));
  });

  it('claims the longest overdue first, never-fetched ones before all', async () => {
    const first = await claimDueSources(a, NOW, LEASE, 15);
    const order = [...due].sort(([ia, na], [ib, nb]) => ((na ?? '') < (nb ?? '') ? -1 : (na ?? '') > (nb ?? '') ? 1 : ia - ib));
    expect(first.map((s) => s.id)).toEqual(order.slice(0, 15).map(([id]) => id));
    expect(first.every((s) => s.kind === 'feed' && s.enabled)).toBe(true);
  });

  it('frees the sources of a claimer that never finished once its lease ends', async () => {
    const held = await claimDueSources(a, NOW, LEASE, 100);
    expect(held).toHaveLength(due.size);
    expect(await claimDueSources(b, NOW, LEASE, 100)).toEqual([]);
    const later = new Date(LEASE.getTime() + 1000);
    expect((await claimDueSources(b, later, new Date(later.getTime() + 600_000), 100)).map((s) => s.id).sort((x, y) => x - y)).toEqual(
      held.map((s) => s.id).sort((x, y) => x - y),
    );
  });
});
