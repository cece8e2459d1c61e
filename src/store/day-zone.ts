/** The time zone the stored local days were computed in, and moving them when the site's zone changes. */
import type { Kysely, Transaction } from 'kysely';
import { recountDays } from './articles.js';
import type { Store } from './db.js';
import type { Database } from './schema.js';
import { findSetting, saveSetting } from './settings.js';

const KEY = 'days_time_zone';

/** Returns the time zone the stored days were counted in (undefined on a new store). */
export function daysTimeZone(store: Store): Promise<string | undefined> {
  return findSetting<string>(store.db, KEY);
}

/** Recounts days in `timeZone` and records it, in one transaction; returns how many articles moved to another day. */
export async function recountInTimeZone(store: Store, timeZone: string): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    await findSetting(trx, KEY, { lock: true });
    const moved = await recountDays(trx, timeZone);
    await saveSetting(trx, KEY, timeZone);
    return moved;
  });
}

/**
 * Makes the stored days be counted in `timeZone`, in one transaction (the caller's, when given one;
 * the zone's row stays locked to its end, so two processes never recount at once): records it on a
 * new store, recounts when the days were counted in another zone. Returns that zone and how many
 * articles moved, or null when nothing was recounted.
 */
export async function moveDaysToTimeZone(db: Kysely<Database>, timeZone: string): Promise<{ from: string; moved: number } | null> {
  const run = async (trx: Transaction<Database>) => {
    const stored = await findSetting<string>(trx, KEY, { lock: true });
    if (stored === timeZone) return null;
    const moved = stored === undefined ? 0 : await recountDays(trx, timeZone);
    await saveSetting(trx, KEY, timeZone);
    return stored === undefined ? null : { from: stored, moved };
  };
  return db.isTransaction ? run(db as Transaction<Database>) : db.transaction().execute(run);
}

/**
 * Makes sure stored days are in `timeZone`: records it on a new store, recounts when the site's time
 * zone changed since; returns the previous zone when a recount ran, else null.
 */
export async function ensureDaysInTimeZone(store: Store, timeZone: string): Promise<string | null> {
  if ((await findSetting<string>(store.db, KEY)) === timeZone) return null; // the usual case: a read, no write lock
  return (await moveDaysToTimeZone(store.db, timeZone))?.from ?? null;
}
