import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveArticle } from './articles.js';
import { changePayload, INSTANCE_ID, parseChange, watchChanges, type Change, type StopWatching } from './changes.js';
import { findDayCounts } from './day-counts.js';
import { daysTimeZone, ensureDaysInTimeZone } from './day-zone.js';
import type { Store } from './db.js';
import { findSetting } from './settings.js';
import { findSiteOverrides, updateSiteOverrides } from './site-settings.js';
import { ensureSource } from './sources.js';
import { openTestStore, skipStoreTests, testStoreKind } from './testing.js';

const TZ = 'Europe/Istanbul';

describe('the settings change signal', () => {
  it('keeps `settings` beside `all`, and old payloads without it stay readable', () => {
    expect(JSON.parse(changePayload({ all: true, settings: true }))).toEqual({ origin: INSTANCE_ID, settings: true, all: true });
    expect(parseChange(JSON.stringify({ origin: 'x', all: true }))).toEqual({ origin: 'x', all: true });
  });
});

describe.skipIf(await skipStoreTests())(`site overrides on the ${testStoreKind()} store`, () => {
  let store: Store;
  let heard: Change[];
  let stop: StopWatching;
  beforeEach(async () => {
    store = await openTestStore();
    await ensureDaysInTimeZone(store, TZ);
    heard = [];
    stop = watchChanges(store, (c) => heard.push(c));
    await stop.ready;
  });
  afterEach(async () => {
    await stop();
    await store.close();
  });
  const until = async (pred: () => boolean) => {
    for (const end = Date.now() + 5000; !pred(); ) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('has none at first, stores them, and signals every process at commit', async () => {
    expect(await findSiteOverrides(store.db)).toEqual({});
    const r = await updateSiteOverrides(store.db, (stored) => ({ overrides: { ...stored, siteName: 'Desk', hijri: { adjustment: 1 } }, timeZone: TZ }));
    expect(r).toEqual({ overrides: { siteName: 'Desk', hijri: { adjustment: 1 } }, recounted: null });
    expect(await findSiteOverrides(store.db)).toEqual({ siteName: 'Desk', hijri: { adjustment: 1 } });
    await until(() => heard.some((c) => c.settings));
    expect(heard.find((c) => c.settings)).toMatchObject({ settings: true, all: true });

    // The next change starts from what is stored; none left removes the row.
    await updateSiteOverrides(store.db, (stored) => ({ overrides: { ...stored, pageSize: 30 }, timeZone: TZ }));
    expect(await findSiteOverrides(store.db)).toEqual({ siteName: 'Desk', hijri: { adjustment: 1 }, pageSize: 30 });
    await updateSiteOverrides(store.db, () => ({ overrides: {}, timeZone: TZ }));
    expect(await findSetting(store.db, 'site')).toBeUndefined();
  });

  it('stores nothing and signals nothing when the change throws', async () => {
    await updateSiteOverrides(store.db, () => ({ overrides: { pageSize: 30 }, timeZone: TZ }));
    await until(() => heard.length === 1);
    await expect(updateSiteOverrides(store.db, () => {
      throw new Error('config: pageSize: bad');
    })).rejects.toThrow('config: pageSize: bad');
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toHaveLength(1);
    expect(await findSiteOverrides(store.db)).toEqual({ pageSize: 30 });
  });

  it('recounts the days in a new time zone in the same transaction, once', async () => {
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    // 22:30 UTC: the 14th in London, the 15th in Istanbul.
    await saveArticle(store.db, { sourceId, guid: 'late', title: 'Late', publishedAt: new Date('2019-02-14T22:30:00Z') }, TZ);
    await saveArticle(store.db, { sourceId, guid: 'noon', title: 'Noon', publishedAt: new Date('2019-02-14T12:00:00Z') }, TZ);
    expect(Object.fromEntries(await findDayCounts(store.db, '2019-02-14', '2019-02-15'))).toEqual({ '2019-02-14': 1, '2019-02-15': 1 });

    const r = await updateSiteOverrides(store.db, () => ({ overrides: { timeZone: 'Europe/London' }, timeZone: 'Europe/London' }));
    expect(r.recounted).toEqual({ from: TZ, moved: 1 });
    expect(await daysTimeZone(store)).toBe('Europe/London');
    expect(Object.fromEntries(await findDayCounts(store.db, '2019-02-14', '2019-02-15'))).toEqual({ '2019-02-14': 2 });
    // The same zone again: nothing to recount.
    expect((await updateSiteOverrides(store.db, (s) => ({ overrides: { ...s, pageSize: 10 }, timeZone: 'Europe/London' }))).recounted).toBeNull();

    // A change that fails after choosing a zone leaves the days where they were.
    await expect(updateSiteOverrides(store.db, () => {
      throw new Error('no');
    })).rejects.toThrow();
    expect(await daysTimeZone(store)).toBe('Europe/London');
  });

  it('lets two saves at once both land: the second sees the first', async () => {
    await Promise.all([
      updateSiteOverrides(store.db, (s) => ({ overrides: { ...s, siteName: 'One' }, timeZone: TZ })),
      updateSiteOverrides(store.db, (s) => ({ overrides: { ...s, pageSize: 12 }, timeZone: TZ })),
    ]);
    expect(await findSiteOverrides(store.db)).toEqual(expect.objectContaining({ siteName: 'One', pageSize: 12 }));
  });
});
