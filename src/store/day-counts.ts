/** Per-day published counts and the total: the header reads these, never the articles table. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DayCount } from '../model/types.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const TOTAL = 'published_total';

/** Adds `delta` to a day's count and to the total; call inside the article write's transaction. */
export async function bumpDayCount(trx: Transaction<Database>, day: string, delta: number): Promise<void> {
  await trx
    .insertInto('day_counts')
    .values({ local_day: day, count: delta })
    .onConflict((oc) => oc.column('local_day').doUpdateSet({ count: sql`day_counts.count + ${delta}` }))
    .execute();
  await trx
    .insertInto('counters')
    .values({ name: TOTAL, value: delta })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`counters.value + ${delta}` }))
    .execute();
}

/** Returns the published count of each day from `fromDay` to `toDay` inclusive (days without articles absent). */
export async function findDayCounts(db: Db, fromDay: string, toDay: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('day_counts')
    .select(['local_day', 'count'])
    .where('local_day', '>=', fromDay)
    .where('local_day', '<=', toDay)
    .where('count', '>', 0)
    .execute();
  return new Map(rows.map((r) => [r.local_day, Number(r.count)]));
}

/** Returns the days of one month that have articles, with counts, newest first. */
export async function findMonthDays(db: Db, year: number, month: number): Promise<DayCount[]> {
  const prefix = `${year}-${String(month).padStart(2, '0')}-`;
  const rows = await db
    .selectFrom('day_counts')
    .select(['local_day', 'count'])
    .where('local_day', '>=', `${prefix}01`)
    .where('local_day', '<=', `${prefix}31`)
    .where('count', '>', 0)
    .orderBy('local_day', 'desc')
    .execute();
  return rows.map((r) => ({ day: r.local_day, count: Number(r.count) }));
}

/** Returns the months of one year that have articles ('YYYY-MM' and count), newest first. */
export async function findYearMonths(db: Db, year: number): Promise<{ month: string; count: number }[]> {
  const month = sql<string>`substr(local_day, 1, 7)`;
  const rows = await db
    .selectFrom('day_counts')
    .select([month.as('month'), sql<number>`sum(count)`.as('count')])
    .where('local_day', '>=', `${year}-01-01`)
    .where('local_day', '<=', `${year}-12-31`)
    .where('count', '>', 0)
    .groupBy(month)
    .orderBy(month, 'desc')
    .execute();
  return rows.map((r) => ({ month: r.month, count: Number(r.count) }));
}

/** Returns the number of published articles on one day. */
export async function findDayCount(db: Db, day: string): Promise<number> {
  const row = await db.selectFrom('day_counts').select('count').where('local_day', '=', day).executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** Returns the total number of published articles (one counter row, no scan). */
export async function findPublishedTotal(db: Db): Promise<number> {
  const row = await db.selectFrom('counters').select('value').where('name', '=', TOTAL).executeTakeFirst();
  return Number(row?.value ?? 0);
}
