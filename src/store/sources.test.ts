import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMigratedStore, type Store } from './db.js';
import * as m0005 from './migrations/0005_source_identity.js';
import { LIMITS } from '../model/limits.js';
import { claimDueSources, ensureSource, findSourceById, insertSource, releaseClaim, renewClaims, saveFetchState } from './sources.js';
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

describe.skipIf(await skipStoreTests())(`what a source stores, on the ${testStoreKind()} store`, () => {
  let database: TestDatabase;
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    database = await createTestDatabase();
    a = await openMigratedStore(database.url);
    b = await openMigratedStore(database.url);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await database.drop();
  });

  it('keeps only http(s) site URLs, from every way in (insert, ensure, a refresh)', async () => {
    const hostile = ['javascript:alert(1)', '  JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', '//evil.example/'];
    for (const [i, siteUrl] of hostile.entries()) {
      const id = await insertSource(a.db, { kind: 'feed', title: `F${i}`, url: `https://feed.example/${i}.xml`, siteUrl });
      expect((await findSourceById(a.db, id))!.siteUrl, siteUrl).toBeNull();
      const e = await ensureSource(a.db, { kind: 'manual', title: `M${i}`, siteUrl });
      expect((await findSourceById(a.db, e))!.siteUrl, siteUrl).toBeNull();
      await saveFetchState(a.db, id, { siteUrl, nextFetchAt: NOW.toISOString(), errorCount: 0, lastError: null, lastStatus: 200, lastFetchedAt: NOW.toISOString() });
      expect((await findSourceById(a.db, id))!.siteUrl, siteUrl).toBeNull();
    }
    const ok = await insertSource(a.db, { kind: 'feed', title: 'ok', url: 'https://feed.example/ok.xml', siteUrl: ' https://Site.Example/news ' });
    expect((await findSourceById(a.db, ok))!.siteUrl).toBe('https://site.example/news');
    await expect(insertSource(a.db, { kind: 'feed', title: 'bad', url: 'javascript:alert(1)' })).rejects.toThrow(/not an http\(s\) URL/);
  });

  it('bounds every text it keeps: a 1 MB channel title is cut to LIMITS.title', async () => {
    const huge = `${'Başlık '.repeat(150_000)}`;
    const id = await insertSource(a.db, { kind: 'feed', title: huge, url: 'https://feed.example/huge.xml', language: 'x'.repeat(10_000) });
    const s = (await findSourceById(a.db, id))!;
    expect(s.title.length).toBeLessThanOrEqual(LIMITS.title);
    expect(s.title.startsWith('Başlık Başlık')).toBe(true);
    expect(s.language!.length).toBeLessThanOrEqual(LIMITS.language);
    await saveFetchState(a.db, id, { title: huge, nextFetchAt: NOW.toISOString(), errorCount: 1, lastError: 'e'.repeat(1_000_000), lastStatus: 500, lastFetchedAt: NOW.toISOString() });
    const after = (await findSourceById(a.db, id))!;
    expect(after.title.length).toBeLessThanOrEqual(LIMITS.title);
    expect(after.lastError!.length).toBeLessThanOrEqual(LIMITS.error);
    const m = await ensureSource(a.db, { kind: 'manual', title: huge });
    expect(await ensureSource(b.db, { kind: 'manual', title: huge })).toBe(m);
  });

  it('two processes ensuring the same new source at once get one row (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const title = `Wire ${round}`;
      const ids = await Promise.all([a, b, a, b].map((s) => ensureSource(s.db, { kind: 'manual', title, url: `https://wire.example/${round}` })));
      expect(new Set(ids).size, `round ${round}: ${ids.join(', ')}`).toBe(1);
      const rows = await a.db.selectFrom('sources').select('id').where('title', '=', title).execute();
      expect(rows).toHaveLength(1);
    }
    // The same feed URL twice is refused, not stored twice, even at once.
    const both = await Promise.allSettled([a, b].map((s) => insertSource(s.db, { kind: 'feed', title: 'X', url: 'https://x.example/feed.xml' })));
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(String((both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(/is already source \d+/);
  });

  it('names the claimer, renews only its own live claims, and releases a claim on request', async () => {
    const id = await insertSource(a.db, { kind: 'feed', title: 'F', url: 'https://f.example/feed.xml' });
    const [held] = await claimDueSources(a, NOW, LEASE, 10, 'host-a pid 1');
    expect(held).toMatchObject({ id, claimedBy: 'host-a pid 1', claimedUntil: LEASE.toISOString() });
    const later = new Date(LEASE.getTime() + 60_000);
    await renewClaims(b.db, [id], 'host-b pid 2', later); // not its claim
    expect((await findSourceById(a.db, id))!.claimedUntil).toBe(LEASE.toISOString());
    await renewClaims(a.db, [id], 'host-a pid 1', later);
    expect((await findSourceById(a.db, id))!.claimedUntil).toBe(later.toISOString());
    expect(await releaseClaim(b.db, id, 'host-b pid 2')).toBe(false);
    expect(await releaseClaim(b.db, id, 'host-a pid 1')).toBe(true);
    expect((await findSourceById(a.db, id))!).toMatchObject({ claimedBy: null, claimedUntil: null });
    // A fetch that ended (its state saved) is not claimed again by a late renewal.
    await claimDueSources(a, NOW, LEASE, 10, 'host-a pid 1');
    await saveFetchState(a.db, id, { nextFetchAt: LEASE.toISOString(), errorCount: 0, lastError: null, lastStatus: 200, lastFetchedAt: NOW.toISOString() });
    await renewClaims(a.db, [id], 'host-a pid 1', later);
    expect((await findSourceById(a.db, id))!).toMatchObject({ claimedBy: null, claimedUntil: null });
  });
});

describe.skipIf(await skipStoreTests())(`migration 0005 on a store that already repeats sources, on the ${testStoreKind()} store`, () => {
  it('gives the identity to the oldest of each repeat, keeps every row, and unique from then on', async () => {
    const database = await createTestDatabase();
    const store = await openMigratedStore(database.url);
    try {
      await m0005.down(store.db, store.dialect);
      const add = (kind: string, title: string, url: string | null) =>
        store.db.insertInto('sources').values({ kind, title, url, enabled: 1, full_text: 0, canonical_here: 0, error_count: 0, created_at: NOW.toISOString() } as never).returning('id').executeTakeFirstOrThrow();
      const first = await add('manual', 'Desk', null);
      const again = await add('manual', 'Desk', null);
      const feed = await add('feed', 'Desk', 'https://desk.example/feed.xml');
      const long = await add('manual', 'T'.repeat(5000), null);
      await m0005.up(store.db, store.dialect);
      const rows = await store.db.selectFrom('sources').select(['id', 'identity']).orderBy('id').execute();
      expect(rows.map((r) => [Number(r.id), r.identity])).toEqual([
        [Number(first.id), 'manual title Desk'],
        [Number(again.id), null],
        [Number(feed.id), 'feed url https://desk.example/feed.xml'],
        [Number(long.id), expect.stringMatching(/^manual sha256 [0-9a-f]{64}$/)],
      ]);
      expect(await ensureSource(store.db, { kind: 'manual', title: 'Desk' })).toBe(Number(first.id));
      await expect(store.db.insertInto('sources').values({ kind: 'manual', title: 'x', identity: 'manual title Desk', enabled: 1, full_text: 0, canonical_here: 0, error_count: 0, created_at: NOW.toISOString() } as never).execute()).rejects.toThrow();
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
