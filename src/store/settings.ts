/** Settings rows: values the application keeps across restarts (JSON-encoded). */
import type { Kysely } from 'kysely';
import { isSqlite } from './dialect.js';
import type { Database } from './schema.js';

/**
 * Returns the stored value of a setting, or undefined. `lock`, inside a transaction: the row stays
 * locked until it ends (PostgreSQL's FOR UPDATE; SQLite's writers are serial already).
 */
export async function findSetting<T>(db: Kysely<Database>, key: string, opts: { lock?: boolean } = {}): Promise<T | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .$if(opts.lock === true && !isSqlite(db), (q) => q.forUpdate())
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as T) : undefined;
}

/** Stores a setting's value. */
export async function saveSetting(db: Kysely<Database>, key: string, value: unknown): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json }))
    .execute();
}

/** Stores a setting's value only when it has none; returns the value stored (this one or the earlier). */
export async function saveSettingOnce<T>(db: Kysely<Database>, key: string, value: T): Promise<T> {
  await db.insertInto('settings').values({ key, value: JSON.stringify(value) }).onConflict((oc) => oc.column('key').doNothing()).execute();
  return (await findSetting<T>(db, key))!;
}

/** Removes a setting (absent already: nothing to do). */
export async function deleteSetting(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', key).execute();
}
