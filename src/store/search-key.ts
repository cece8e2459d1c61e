/**
 * The search key: the time-ordered number the search index files an article under (SQLite: the
 * FTS5 rowid; both stores: `articles.search_key`, indexed with the columns a search filters on).
 * Its high part is the publication second, its low 21 bits a hash of the article's source and guid,
 * so the index read from its end gives the newest published matches first, a day range is a key
 * range, and the key is known before the article's row is written (no second write of the row).
 * Two articles of the same second whose hashes meet take the next free key (assignSearchKeys).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Keys per second: the low bits of a key. */
export const KEYS_PER_SECOND = 2 ** 21;
/** Seconds are counted from 2000-01-01T00:00:00Z (earlier articles get negative keys), so keys stay safe integers until the year 2135. */
const KEY_EPOCH_S = 946_684_800;

/** The parts of an article its key is made from. */
export interface KeyedRow {
  published_at: string;
  source_id: number;
  guid: string;
}

/** Returns the first key of the second `instant` falls in (a day's first key: its first instant's). */
export function firstKeyAt(instantMs: number): number {
  return (Math.floor(instantMs / 1000) - KEY_EPOCH_S) * KEYS_PER_SECOND;
}

/** Returns the key an article wants: its publication second and the hash of its source and guid. */
export function searchKeyOf(row: KeyedRow): number {
  return firstKeyAt(Date.parse(row.published_at)) + (fnv1a(`${row.source_id}\n${row.guid}`) & (KEYS_PER_SECOND - 1));
}

/** FNV-1a, 32 bits, over UTF-16 code units: a spread of the low bits, not a digest. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Returns the keys of these rows, in order: each its own (searchKeyOf), or the next free one of the
 * same second when another stored article or an earlier row of the batch has it. `own` names rows
 * that are already stored articles (by index: the article id), whose present key is no conflict.
 * @example const [key] = await assignSearchKeys(trx, [{ published_at: '2019-02-15T09:00:00.000Z', source_id: 1, guid: 'a' }])
 */
export async function assignSearchKeys(db: Db, rows: readonly KeyedRow[], own: readonly (number | undefined)[] = []): Promise<number[]> {
  const wanted = rows.map(searchKeyOf);
  const taken = new Map<number, number>(); // key → the article holding it
  for (let i = 0; i < wanted.length; i += 500) {
    const { rows: found } = await sql<{ id: number; search_key: number }>`select id, search_key from articles
      where search_key in (${sql.join(wanted.slice(i, i + 500).map(asKey))})`.execute(db);
    for (const r of found) taken.set(Number(r.search_key), Number(r.id));
  }
  const out: number[] = [];
  const given = new Set<number>();
  for (let i = 0; i < wanted.length; i++) {
    let key = wanted[i]!;
    // Another article's key (stored, or given to an earlier row here): the next one of the same second.
    while (isTaken(key, own[i]) || given.has(key)) {
      key = nextKeyOfSecond(key);
      if (!taken.has(key) && !given.has(key)) {
        const holder = await sql<{ id: number }>`select id from articles where search_key = ${asKey(key)}`.execute(db);
        if (holder.rows[0]) taken.set(key, Number(holder.rows[0].id));
      }
      if (key === wanted[i]) throw new Error(`search: every key of the second of ${rows[i]!.published_at} is taken`);
    }
    out.push(key);
    given.add(key);
  }
  return out;

  function isTaken(key: number, self: number | undefined): boolean {
    const holder = taken.get(key);
    return holder !== undefined && holder !== self;
  }
}

/** A key as a bound parameter: an SQL integer (better-sqlite3 binds JavaScript numbers as REAL, which FTS5 takes for no rowid bound). */
export function asKey(key: number) {
  return sql`cast(${key} as bigint)`;
}

/** Returns the key after `key` in the same second (after its last, the second's first). */
export function nextKeyOfSecond(key: number): number {
  return key - mod(key, KEYS_PER_SECOND) + mod(key + 1, KEYS_PER_SECOND);
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
