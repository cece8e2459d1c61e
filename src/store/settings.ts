/** Settings rows: values the application keeps across restarts (JSON-encoded). */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Returns the stored value of a setting, or undefined. */
export async function findSetting<T>(db: Kysely<Database>, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
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
