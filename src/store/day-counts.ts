/** Per-day published counts and the total: the header reads these, never the articles table. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DayCount } from '../model/types.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const TOTAL = 'published_total';

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
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return;
  await trx
    .insertInto('counters')
    .values({ name: TOTAL, value: total })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`counters.value + ${total}` }))
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
