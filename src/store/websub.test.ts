import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './db.js';
import { deleteSource, insertSource, updateSource } from './sources.js';
import { openTestStore, skipStoreTests, testStoreKind } from './testing.js';
import {
  deleteSubscription, findDueSubscriptions, findSourcesToSubscribe, findSubscriptionByToken, hasActiveSubscription,
  insertSubscription, saveAdvertisedHub, updateSubscription,
} from './websub.js';

const NOW = new Date('2026-12-06T08:00:00Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

describe.skipIf(await skipStoreTests())(`WebSub subscriptions on the ${testStoreKind()} store`, () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  const subscription = (sourceId: number, hub = 'https://hub.test/', token = `t${sourceId}${hub.length}`) =>
    insertSubscription(store.db, { sourceId, hub, topic: 'https://a.test/feed', secret: 's3cret', token, leaseSeconds: 864_000, now: NOW, nextAttemptAt: later(3_600_000) });

  it('lists enabled feeds advertising a hub they are not subscribed to, one subscription per source and hub', async () => {
    const a = await insertSource(store.db, { kind: 'feed', title: 'A', url: 'https://a.test/feed' });
    const b = await insertSource(store.db, { kind: 'feed', title: 'B', url: 'https://b.test/feed' });
    const off = await insertSource(store.db, { kind: 'feed', title: 'Off', url: 'https://c.test/feed', enabled: false });
    await insertSource(store.db, { kind: 'feed', title: 'None', url: 'https://d.test/feed' });
    for (const id of [a, b, off]) await saveAdvertisedHub(store.db, id, { hub: 'https://hub.test/', topic: `https://topic.test/${id}` });
    expect(await findSourcesToSubscribe(store.db, 10)).toEqual([
      { sourceId: a, hub: 'https://hub.test/', topic: `https://topic.test/${a}` },
      { sourceId: b, hub: 'https://hub.test/', topic: `https://topic.test/${b}` },
    ]);
    const id = await subscription(a);
    expect(id).toBeGreaterThan(0);
    expect(await subscription(a, 'https://hub.test/', 'other-token')).toBeUndefined(); // the same source and hub: one row
    expect((await findSourcesToSubscribe(store.db, 10)).map((s) => s.sourceId)).toEqual([b]);
    // Another hub advertised now: a new subscription is due (the old one goes, see below).
    await saveAdvertisedHub(store.db, a, { hub: 'https://hub2.test/', topic: 'https://a.test/feed' });
    expect((await findSourcesToSubscribe(store.db, 10)).map((s) => s.sourceId)).toEqual([a, b]);
  });

  it('finds a subscription by its token, active while verified and leased', async () => {
    const a = await insertSource(store.db, { kind: 'feed', title: 'A', url: 'https://a.test/feed' });
    const id = (await subscription(a, 'https://hub.test/', 'tok-1'))!;
    const found = await findSubscriptionByToken(store.db, 'tok-1');
    expect(found).toMatchObject({ id, sourceId: a, state: 'pending', secret: 's3cret', requestedAt: NOW.toISOString(), attempts: 0, leaseSeconds: 864_000 });
    expect(await findSubscriptionByToken(store.db, 'tok-2')).toBeUndefined();
    expect(await hasActiveSubscription(store.db, a, NOW)).toBe(false);
    expect(await updateSubscription(store.db, id, { state: 'active', leaseExpiresAt: later(1000).toISOString(), lastError: 'x'.repeat(5000) }, NOW, ['pending'])).toBe(true);
    expect((await findSubscriptionByToken(store.db, 'tok-1'))!.lastError!.length).toBeLessThan(5000);
    expect(await hasActiveSubscription(store.db, a, NOW)).toBe(true);
    expect(await hasActiveSubscription(store.db, a, later(1000))).toBe(false);
    // A guarded change that finds the row in another state changes nothing.
    expect(await updateSubscription(store.db, id, { state: 'failed' }, NOW, ['pending'])).toBe(false);
    await deleteSubscription(store.db, id);
    expect(await findSubscriptionByToken(store.db, 'tok-1')).toBeUndefined();
  });

  it('finds what is due, and what must be unsubscribed: the source removed, disabled, or advertising another hub', async () => {
    const ids: number[] = [];
    for (const t of ['A', 'B', 'C', 'D']) ids.push(await insertSource(store.db, { kind: 'feed', title: t, url: `https://${t}.test/feed` }));
    const [a, b, c, d] = ids;
    for (const id of [a!, b!, c!, d!]) {
      await saveAdvertisedHub(store.db, id, { hub: 'https://hub.test/', topic: `https://topic.test/${id}` });
      await subscription(id);
    }
    expect(await findDueSubscriptions(store.db, NOW, 10)).toEqual([]);
    expect((await findDueSubscriptions(store.db, later(3_600_000), 10)).map((s) => s.sourceId)).toEqual([a, b, c, d]);
    await deleteSource(store.db, a!);
    await updateSource(store.db, b!, { enabled: false });
    await saveAdvertisedHub(store.db, c!, { hub: 'https://elsewhere.test/', topic: 'https://c.test/feed' });
    const due = await findDueSubscriptions(store.db, NOW, 10);
    expect(due.map((s) => [s.sourceId, s.sourceLive, s.advertisedHub])).toEqual([[a, false, null], [b, false, 'https://hub.test/'], [c, true, 'https://elsewhere.test/']]);
    // Once unsubscribing, only its own time makes it due.
    await updateSubscription(store.db, due[0]!.id, { state: 'unsubscribing', nextAttemptAt: later(60_000).toISOString() }, NOW);
    expect((await findDueSubscriptions(store.db, NOW, 10)).map((s) => s.sourceId)).toEqual([b, c]);
    expect((await findDueSubscriptions(store.db, later(60_000), 10)).map((s) => s.sourceId)).toEqual([a, b, c]);
  });
});
