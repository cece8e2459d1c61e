import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../log.js';
import { findArticleBySlug } from '../../store/articles.js';
import { findDayCount, findPublishedTotal } from '../../store/day-counts.js';
import type { Store } from '../../store/db.js';
import { ensureDeskSource, saveDeskArticle } from '../../store/desk-articles.js';
import { findCountDrift, openTestStore, skipStoreTests, testStoreKind } from '../../store/testing.js';
import { startPublisher, type Publisher } from './publisher.js';

const TZ = 'Europe/Istanbul';
let store: Store;
let clock: Date;
let publishers: Publisher[];

beforeEach(async () => {
  store = await openTestStore();
  clock = new Date('2024-03-10T09:00:00Z');
  publishers = [];
});
afterEach(async () => {
  for (const p of publishers) await p.stop();
  await store.close();
});

const start = (intervalMs = 60_000) => {
  const p = startPublisher({ store, now: () => clock, timeZone: () => TZ, log: createLogger('silent'), intervalMs });
  publishers.push(p);
  return p;
};
const schedule = async (title: string, at: string) => saveDeskArticle(store.db, {
  sourceId: await ensureDeskSource(store.db, 'Jarida'), title, contentHtml: '<p>Body</p>', bodySource: 'Body', categories: ['World'], publishedAt: new Date(at), status: 'published',
}, { userId: 1, email: null }, TZ, clock);

describe.skipIf(await skipStoreTests())(`the publisher on the ${testStoreKind()} store`, () => {
  it('publishes a scheduled article on its minute, not before, and counts it once however many publishers run', async () => {
    const a = await schedule('Evening edition', '2024-03-10T21:30:00Z'); // 00:30 on the 11th in Istanbul
    expect(a.status).toBe('scheduled');
    const [one, two] = [start(), start()];
    expect(await one.tick()).toEqual([]);
    clock = new Date('2024-03-10T21:29:59.999Z');
    expect(await Promise.all([one.tick(), two.tick()])).toEqual([[], []]);
    expect(await findPublishedTotal(store.db)).toBe(0);
    clock = new Date('2024-03-10T21:30:00Z');
    const published = await Promise.all([one.tick(), two.tick(), one.tick()]);
    expect(published.flat()).toEqual([a.id]);
    expect(await findPublishedTotal(store.db)).toBe(1);
    expect(await findDayCount(store.db, '2024-03-11')).toBe(1);
    expect((await findArticleBySlug(store.db, a.slug))?.title).toBe('Evening edition');
    expect(await findCountDrift(store.db)).toEqual([]);
  });

  it('wakes at the next article\'s instant when it is nearer than the interval', async () => {
    const a = await schedule('Soon', '2024-03-10T09:00:00.150Z');
    start(60_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(await findPublishedTotal(store.db)).toBe(0);
    clock = new Date('2024-03-10T09:00:00.150Z'); // the clock reaches it; the timer is due about now too
    for (let i = 0; i < 100 && (await findPublishedTotal(store.db)) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await findPublishedTotal(store.db)).toBe(1);
    expect((await findArticleBySlug(store.db, a.slug))?.title).toBe('Soon');
  });

  it('stops after the tick in flight, and publishes nothing more', async () => {
    const p = start(20);
    await p.stop();
    await schedule('Later', '2024-03-10T09:00:01Z');
    clock = new Date('2024-03-10T10:00:00Z');
    await new Promise((r) => setTimeout(r, 100));
    expect(await findPublishedTotal(store.db)).toBe(0);
  });
});
