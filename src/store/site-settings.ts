/**
 * The site settings edited in the desk: overrides of the config file's, kept as one row (`site`, in
 * the config file's shape), written together with the day recount a new time zone needs and the
 * change signal, in one transaction.
 */
import type { Kysely } from 'kysely';
import type { SiteSettingsInput } from '../config.js';
import { signalChange } from './changes.js';
import { moveDaysToTimeZone } from './day-zone.js';
import type { Database } from './schema.js';
import { deleteSetting, findSetting, saveSetting } from './settings.js';

const KEY = 'site';

/** Returns the stored overrides of the site settings (the config file's shape; {} when none). */
export async function findSiteOverrides(db: Kysely<Database>): Promise<SiteSettingsInput> {
  const value = await findSetting<unknown>(db, KEY);
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as SiteSettingsInput) : {};
}

/** What updateSiteOverrides did: the overrides now stored, and the day recount a new time zone caused. */
export interface SiteOverridesUpdate {
  overrides: SiteSettingsInput;
  /** The zone the days were counted in before and how many articles moved; null when the zone stayed. */
  recounted: { from: string; moved: number } | null;
}

/**
 * Changes the stored overrides in one transaction. `change` computes them from the stored ones while
 * their row is locked (two desks saving at once: the second sees the first's; when it throws,
 * nothing is stored) and returns the time zone then in effect: when the days are counted in another,
 * they are recounted in it, in the same transaction (on a large store, that takes a while). Every
 * process hears `{ settings, all }` at commit.
 * @example await updateSiteOverrides(db, (stored) => ({ overrides: { ...stored, pageSize: 30 }, timeZone: 'Europe/Istanbul' }))
 */
export async function updateSiteOverrides(
  db: Kysely<Database>,
  change: (stored: SiteSettingsInput) => { overrides: SiteSettingsInput; timeZone: string },
): Promise<SiteOverridesUpdate> {
  return db.transaction().execute(async (trx) => {
    // A row to lock, also on the first save (PostgreSQL locks rows, not absent keys).
    await trx.insertInto('settings').values({ key: KEY, value: '{}' }).onConflict((oc) => oc.column('key').doNothing()).execute();
    const stored = await findSetting<SiteSettingsInput>(trx, KEY, { lock: true });
    const next = change(stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {});
    if (Object.keys(next.overrides).length) await saveSetting(trx, KEY, next.overrides);
    else await deleteSetting(trx, KEY);
    const recounted = await moveDaysToTimeZone(trx, next.timeZone);
    await signalChange(trx, { all: true, settings: true });
    return { overrides: next.overrides, recounted };
  });
}
