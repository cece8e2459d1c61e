/** Per-day published counts and the total: the header reads these, never the articles table. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DayCount } from '../model/types.js';
import type { Database } from './schema.js';
import { prepared } from './prepared.js';

type Db = Kysely<Database> | Transaction<Database>;

const TOTAL = 'published_total';
/** Bumped by every change to day_counts: tells readers that keep a copy of them (findDayAtOffset) it is stale. */
const VERSION = 'day_counts_version';

/**
 * Adds each delta to its day's count and their sum to the total; call inside the article write's
 * transaction. Days are written in order, then the total, so that concurrent writers (PostgreSQL)
 * lock rows in the same order and never deadlock.
 */
export async function bumpDayCounts(trx: Transaction<Database>, deltas: Iterable<readonly [day: string, delta: number]>): Promise<void> {
  const merged = new Map<string, number>();
  for (const [day, n] of deltas) merged.set(day, (merged.get(day) ?? 0) + n);
  const rows = [...merged].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('day_counts')
      .values(rows.slice(i, i + 500).map(([local_day, count]) => ({ local_day, count })))
      .onConflict((oc) => oc.column('local_day').doUpdateSet({ count: sql`day_counts.count + excluded.count` }))
      .execute();
  }
  if (rows.length === 0) return;
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  // Both counters in one statement, in name order (as every writer locks them).
  await trx
    .insertInto('counters')
    .values([{ name: VERSION, value: 1 }, ...(total ? [{ name: TOTAL, value: total }] : [])])
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`counters.value + excluded.value` }))
    .execute();
}

/** Recomputes day_counts and the total from the articles (in the caller's transaction). */
export async function rebuildDayCounts(trx: Transaction<Database>): Promise<void> {
  await trx.deleteFrom('day_counts').execute();
  await trx
    .insertInto('day_counts')
    .columns(['local_day', 'count'])
    .expression(trx.selectFrom('articles').select(['local_day', sql<number>`count(*)`.as('count')]).where('status', '=', 'published').groupBy('local_day'))
    .execute();
  const total = await trx.selectFrom('day_counts').select(sql<number>`coalesce(sum(count), 0)`.as('n')).executeTakeFirstOrThrow();
  await trx
    .insertInto('counters')
    .values([{ name: VERSION, value: 1 }, { name: TOTAL, value: Number(total.n) }])
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`case when counters.name = ${VERSION} then counters.value + 1 else excluded.value end` }))
    .execute();
}

/** The published days newest first, with how many published articles the newer days hold. */
interface DayIndex {
  version: number;
  days: string[];
  /** newer[i]: published articles on days newer than days[i]; newer[days.length]: the total. */
  newer: number[];
}

const dayIndexes = new WeakMap<object, DayIndex>();

/**
 * Returns the day that holds the published article at `offset` (newest first) and how many
 * published articles the newer days hold; undefined past the last article. Keeps a copy of the day
 * counts per connection, read again only after they changed (a version counter bumped with them):
 * a binary search then, whatever the offset.
 * @example await findDayAtOffset(db, 999_980) // { day: '2009-02-17', newer: 999_812 }
 */
export async function findDayAtOffset(db: Kysely<Database>, offset: number): Promise<{ day: string; newer: number } | undefined> {
  const row = await db.selectFrom('counters').select('value').where('name', '=', VERSION).executeTakeFirst();
  const version = Number(row?.value ?? 0);
  let index = dayIndexes.get(db);
  if (!index || index.version !== version) {
    const rows = await db.selectFrom('day_counts').select(['local_day', 'count']).where('count', '>', 0).orderBy('local_day', 'desc').execute();
    const newer = [0];
    for (const r of rows) newer.push(newer[newer.length - 1]! + Number(r.count));
    index = { version, days: rows.map((r) => r.local_day), newer };
    dayIndexes.set(db, index);
  }
  const { days, newer } = index;
  if (offset >= newer[days.length]!) return undefined;
  // The last day whose newer count is at most offset.
  let lo = 0;
  let hi = days.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (newer[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { day: days[lo]!, newer: newer[lo]! };
}

/** Returns the published count of each day from `fromDay` to `toDay` inclusive (days without articles absent). */
export async function findDayCounts(db: Db, fromDay: string, toDay: string): Promise<Map<string, number>> {
  const rows = await dayCountsBetween(db, fromDay, toDay);
  return new Map(rows.map((r) => [r.local_day, Number(r.count)]));
}

const dayCountsBetween = prepared((db, fromDay: string, toDay: string) =>
  db.selectFrom('day_counts').select(['local_day', 'count']).where('local_day', '>=', fromDay).where('local_day', '<=', toDay).where('count', '>', 0));

/** Returns how many published articles the days from `fromDay` to `toDay` hold (either end open when undefined). */
export async function countPublishedBetween(db: Db, fromDay?: string, toDay?: string): Promise<number> {
  let q = db.selectFrom('day_counts').select(sql<number | null>`sum(count)`.as('n'));
  if (fromDay) q = q.where('local_day', '>=', fromDay);
  if (toDay) q = q.where('local_day', '<=', toDay);
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

/** Returns the days of one month that have articles, with counts, newest first. */
export async function findMonthDays(db: Db, year: number, month: number): Promise<DayCount[]> {
  const prefix = `${year}-${String(month).padStart(2, '0')}-`;
  const rows = await monthDays(db, `${prefix}01`, `${prefix}31`);
  return rows.map((r) => ({ day: r.local_day, count: Number(r.count) }));
}

const monthDays = prepared((db, fromDay: string, toDay: string) =>
  db.selectFrom('day_counts').select(['local_day', 'count']).where('local_day', '>=', fromDay).where('local_day', '<=', toDay).where('count', '>', 0).orderBy('local_day', 'desc'));

/** Returns the months of one year that have articles ('YYYY-MM' and count), newest first. */
export async function findYearMonths(db: Db, year: number): Promise<{ month: string; count: number }[]> {
  const rows = await yearMonths(db, `${year}-01-01`, `${year}-12-31`);
  return rows.map((r) => ({ month: r.month, count: Number(r.count) }));
}

const yearMonths = prepared((db, fromDay: string, toDay: string) => {
  const month = sql<string>`substr(local_day, 1, 7)`;
  return db
    .selectFrom('day_counts')
    .select([month.as('month'), sql<number>`sum(count)`.as('count')])
    .where('local_day', '>=', fromDay)
    .where('local_day', '<=', toDay)
    .where('count', '>', 0)
    .groupBy(month)
    .orderBy(month, 'desc');
});

/** Returns the number of published articles on one day. */
export async function findDayCount(db: Db, day: string): Promise<number> {
  const [row] = await dayCount(db, day);
  return Number(row?.count ?? 0);
}

const dayCount = prepared((db, day: string) => db.selectFrom('day_counts').select('count').where('local_day', '=', day));

/** Returns the total number of published articles (one counter row, no scan). */
export async function findPublishedTotal(db: Db): Promise<number> {
  const [row] = await publishedTotal(db);
  return Number(row?.value ?? 0);
}

const publishedTotal = prepared((db) => db.selectFrom('counters').select('value').where('name', '=', TOTAL));

/** Returns the nearest days before and after `day` that have published articles (each undefined when none). */
export async function findAdjacentDays(db: Db, day: string): Promise<{ previous?: string; next?: string }> {
  const [[before], [after]] = await Promise.all([dayBefore(db, day), dayAfter(db, day)]);
  return { previous: before?.local_day, next: after?.local_day };
}

const dayBefore = prepared((db, day: string) => db.selectFrom('day_counts').select('local_day').where('local_day', '<', day).where('count', '>', 0).orderBy('local_day', 'desc').limit(1));
const dayAfter = prepared((db, day: string) => db.selectFrom('day_counts').select('local_day').where('local_day', '>', day).where('count', '>', 0).orderBy('local_day', 'asc').limit(1));
