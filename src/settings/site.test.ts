import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type SiteSettings } from '../config.js';
import { saveArticle } from '../store/articles.js';
import { watchChanges } from '../store/changes.js';
import { findDayCounts } from '../store/day-counts.js';
import { daysTimeZone, ensureDaysInTimeZone } from '../store/day-zone.js';
import type { Store } from '../store/db.js';
import { saveSetting } from '../store/settings.js';
import { findSiteOverrides } from '../store/site-settings.js';
import { ensureSource } from '../store/sources.js';
import { openTestStore, skipStoreTests, testStoreKind } from '../store/testing.js';
import { LiveSettings } from './live.js';
import { applySitePatch, changeSiteSettings, effectiveSiteSettings, updateSiteSettings } from './site.js';

const TZ = 'Europe/Istanbul';
const file = parseConfig({ siteName: 'From the file', timeZone: TZ, strip: { days: 4 }, hijri: { monthNames: { tr: Array(12).fill('Ay') } } }).site;

describe('a patch over the stored overrides', () => {
  it('replaces a value, removes one given null or empty, keeps one absent, key by key in strip, hijri and the month names', () => {
    const stored = { siteName: 'Desk', pageSize: 30, strip: { days: 3, includeToday: true }, hijri: { adjustment: 1, monthNames: { en: Array(12).fill('M'), ar: Array(12).fill('ش') } } };
    expect(applySitePatch(stored, { siteName: null, pageSize: '', timeZone: 'UTC', strip: { days: null }, hijri: { variant: 'civil', monthNames: { ar: null } } })).toEqual({
      timeZone: 'UTC',
      strip: { includeToday: true },
      hijri: { adjustment: 1, variant: 'civil', monthNames: { en: Array(12).fill('M') } },
    });
    expect(applySitePatch(stored, { strip: null, hijri: { adjustment: null, monthNames: null } })).toEqual({ siteName: 'Desk', pageSize: 30 });
    expect(applySitePatch({}, { strip: { days: null } })).toEqual({});
    expect(stored.strip.days).toBe(3); // the stored object is not changed
    expect(() => applySitePatch({}, ['x'])).toThrow(ConfigError);
  });
});

describe.skipIf(await skipStoreTests())(`site settings on the ${testStoreKind()} store`, () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
    await ensureDaysInTimeZone(store, TZ);
  });
  afterEach(async () => {
    await store.close();
  });

  it('are the config file\'s until the desk overrides them, and the file\'s again once an override is removed', async () => {
    expect(await effectiveSiteSettings(store, file)).toEqual(file);
    const r = await changeSiteSettings(store, file, { siteName: '  From the desk ', strip: { includeToday: true }, hijri: { adjustment: 1 } });
    expect(r.site).toMatchObject({ siteName: 'From the desk', stripDays: 4, stripIncludeToday: true, hijriAdjustment: 1, timeZone: TZ });
    expect(r.previous).toEqual(file);
    expect(r.changes.map((c) => c.field)).toEqual(['siteName', 'strip.includeToday', 'hijri.adjustment']);
    expect(r.overrides).toEqual({ siteName: 'From the desk', strip: { includeToday: true }, hijri: { adjustment: 1 } }); // stored trimmed
    expect(r.recounted).toBeNull();
    expect(await effectiveSiteSettings(store, file)).toEqual(r.site);
    // The store's overrides win over the file, whatever the file says later.
    const later = parseConfig({ siteName: 'A new file', timeZone: TZ, strip: { days: 6 } }).site;
    expect(await effectiveSiteSettings(store, later)).toMatchObject({ siteName: 'From the desk', stripDays: 6 });

    const back = await updateSiteSettings(store, file, { siteName: null, strip: null, hijri: { adjustment: null } });
    expect(back).toEqual(file);
    expect(await findSiteOverrides(store.db)).toEqual({});
  });

  it('refuse a bad patch naming each field, and store none of it', async () => {
    await updateSiteSettings(store, file, { pageSize: 30 });
    const err = await changeSiteSettings(store, file, { pageSize: 40, hijri: { adjustment: 5 }, social: [{ name: 'X', url: 'javascript:alert(1)' }], languages: ['tr'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).fields).toEqual([
      'config: social[0].url: "javascript:alert(1)" is not an http(s) URL',
      'config: hijri.adjustment: must be an integer from -2 to 2, got 5',
      'config: languages: must include the default language \'en\' (defaultLanguage is set in the config file)',
    ]);
    expect(await findSiteOverrides(store.db)).toEqual({ pageSize: 30 });
  });

  it('move the articles to their days in a new time zone, and back when the override goes', async () => {
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await saveArticle(store.db, { sourceId, guid: 'late', title: 'Late', publishedAt: new Date('2019-02-14T22:30:00Z') }, TZ);
    const r = await changeSiteSettings(store, file, { timeZone: 'Europe/London' });
    expect(r.recounted).toEqual({ from: TZ, moved: 1 });
    expect(Object.fromEntries(await findDayCounts(store.db, '2019-02-14', '2019-02-15'))).toEqual({ '2019-02-14': 1 });
    const back = await changeSiteSettings(store, file, { timeZone: null });
    expect(back.site.timeZone).toBe(TZ);
    expect(back.recounted).toEqual({ from: 'Europe/London', moved: 1 });
    expect(await daysTimeZone(store)).toBe(TZ);
  });

  it('leave out a stored override that no longer passes, keeping the rest', async () => {
    await saveSetting(store.db, 'site', { siteName: 'Desk', timeZone: 'Gone/Zone', strip: { days: 99 } });
    const warnings: unknown[] = [];
    const log = { warn: (o: unknown) => warnings.push(o) } as unknown as import('../log.js').Logger;
    expect(await effectiveSiteSettings(store, file, log)).toEqual({ ...file, siteName: 'Desk' });
    expect(warnings).toEqual([{ problems: ['timeZone: "Gone/Zone" is not an IANA time zone (e.g. Europe/Istanbul)', 'strip.days: must be an integer from 0 to 31, got 99'] }]);
  });

  it('are read again a moment later when the store could not answer', async () => {
    const live = await LiveSettings.open(store, file, { retryMs: 100 });
    await sql`alter table settings rename to settings_away`.execute(store.db);
    live.heard({ origin: 'unknown', settings: true });
    await new Promise((r) => setTimeout(r, 50));
    await sql`alter table settings_away rename to settings`.execute(store.db);
    await saveSetting(store.db, 'site', { pageSize: 7 });
    expect(live.current().pageSize).toBe(file.pageSize);
    for (const end = Date.now() + 3000; live.current().pageSize !== 7; await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() > end) throw new Error('never read again');
    }
  });

  it('follow changes made through another holder, once each, in every holder', async () => {
    const a = await LiveSettings.open(store, file);
    const b = await LiveSettings.open(store, file);
    const seen: [SiteSettings, SiteSettings][] = [];
    b.onChange((site, previous) => seen.push([site, previous]));
    const stop = watchChanges(store, (c) => b.heard(c));
    await stop.ready;
    try {
      const r = await a.update({ hijri: { adjustment: -1 } });
      expect(a.current().hijriAdjustment).toBe(-1); // applied in the writer before update() resolves
      expect(r.changes).toEqual([{ field: 'hijri.adjustment', from: 0, to: -1 }]);
      for (const end = Date.now() + 3000; b.current().hijriAdjustment !== -1; await new Promise((res) => setTimeout(res, 20))) {
        if (Date.now() > end) throw new Error('b never heard');
      }
      b.heard({ origin: 'unknown', all: true }); // read again, found the same: no call
      b.heard({ origin: 'x', days: ['2019-02-14'] }); // an article change: not even read
      await b.reload();
      expect(seen).toHaveLength(1);
      expect(seen[0]![0].hijriAdjustment).toBe(-1);
      expect(seen[0]![1]).toEqual(file);
    } finally {
      await stop();
    }
  });
});
