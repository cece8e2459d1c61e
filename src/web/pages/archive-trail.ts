/** The breadcrumb trail of a date archive: year, month, day, each named in the page's language. */
import { formatDayLong, formatMonthYear, toLocalDigits } from '../../calendar/format.js';
import type { PageContext } from '../view.js';

/**
 * Returns the trail from the year down to `date` ('YYYY', 'YYYY-MM' or 'YYYY-MM-DD'), each step with
 * its archive's path (the home page is added by meta.ts).
 * @example archiveTrail(ctx, '2019-02-15').map((c) => c.path) // ['/2019/', '/2019/02/', '/2019/02/15/']
 */
export function archiveTrail(ctx: PageContext, date: string): { name: string; path: string }[] {
  const [y, m] = date.split('-');
  const trail = [{ name: toLocalDigits(y!, ctx.lang, ctx.cal), path: ctx.urls.year(y!) }];
  if (m) trail.push({ name: formatMonthYear(Number(y), Number(m), ctx.lang, ctx.cal), path: ctx.urls.month(`${y}-${m}`) });
  if (date.length === 10) trail.push({ name: formatDayLong(date, ctx.lang, ctx.cal), path: ctx.urls.day(date) });
  return trail;
}
