/** Parsing and validating what a reader's URL carries; bad values become 400/404 errors. */
import { parseDay } from '../calendar/zone.js';
import { badRequest, notFound } from './errors.js';

/** Returns the `page` query parameter (1 when absent); 400 when it is not a positive integer. */
export function parsePage(query: unknown): number {
  const raw = (query as Record<string, unknown> | undefined)?.page;
  if (raw === undefined) return 1;
  if (typeof raw !== 'string' || !/^[1-9]\d{0,8}$/.test(raw)) {
    throw badRequest(`page must be a whole number from 1, got ${JSON.stringify(raw).slice(0, 40)}`);
  }
  return Number(raw);
}

/** Returns 404 when the page is beyond the last one. */
export function checkPageInRange(page: number, pages: number): void {
  if (page > Math.max(1, pages)) throw notFound(`page ${page} is beyond the last page (${Math.max(1, pages)})`);
}

/** Returns the year of a `/YYYY/` URL segment; 404 when it is not one. */
export function parseYear(s: string): number {
  if (!/^\d{4}$/.test(s) || s === '0000') throw notFound();
  return Number(s);
}

/** Returns 'YYYY-MM' for URL segments; 404 when they do not name a month. */
export function parseMonth(y: string, m: string): string {
  parseYear(y);
  if (!/^(0[1-9]|1[0-2])$/.test(m)) throw notFound();
  return `${y}-${m}`;
}

/** Returns 'YYYY-MM-DD' for URL segments; 404 when they do not name a real day (e.g. 2019/13/45). */
export function parseDaySegments(y: string, m: string, d: string): string {
  parseMonth(y, m);
  const day = /^\d{2}$/.test(d) ? parseDay(`${y}-${m}-${d}`) : null;
  if (!day) throw notFound();
  return day;
}
