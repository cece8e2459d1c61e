/** The time zone the stored local days were computed in, and moving them when the site's zone changes. */
import { recountDays } from './articles.js';
import type { Store } from './db.js';
import { findSetting, saveSetting } from './settings.js';

const KEY = 'days_time_zone';

/** Returns the time zone the stored days were counted in (undefined on a new store). */
export function daysTimeZone(store: Store): Promise<string | undefined> {
  return findSetting<string>(store.db, KEY);
}

/** Recounts days in `timeZone` and records it; returns how many articles moved to another day. */
export async function recountInTimeZone(store: Store, timeZone: string): Promise<number> {
  const moved = await recountDays(store.db, timeZone);
  await saveSetting(store.db, KEY, timeZone);
  return moved;
}

/**
 * Makes sure stored days are in `timeZone`: records it on a new store, recounts when the site's time
 * zone changed since; returns the previous zone when a recount ran, else null.
 */
export async function ensureDaysInTimeZone(store: Store, timeZone: string): Promise<string | null> {
  const stored = await findSetting<string>(store.db, KEY);
  if (stored === timeZone) return null;
  if (stored === undefined) {
    await saveSetting(store.db, KEY, timeZone);
    return null;
  }
  await recountInTimeZone(store, timeZone);
  return stored;
}
