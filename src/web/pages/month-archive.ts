/** `/YYYY/MM/` — the days of a month with their counts. */
import { formatMonthYear, formatNumber, formatDayLong } from '../../calendar/format.js';
import { findMonthDays } from '../../store/day-counts.js';
import type { Store } from '../../store/db.js';
import { fill } from '../i18n/strings.js';
import { tags } from '../cache.js';
import type { PageView } from '../page.js';
import { parseMonth } from '../params.js';
import type { PageContext } from '../view.js';
import { archiveTrail } from './archive-trail.js';

/** Returns the month archive view. */
export async function monthArchivePage(store: Store, ctx: PageContext, p: { year: string; month: string }): Promise<PageView> {
  const month = parseMonth(p.year, p.month);
  const days = await findMonthDays(store.db, Number(p.year), Number(p.month));
  const total = days.reduce((n, d) => n + d.count, 0);
  const name = formatMonthYear(Number(p.year), Number(p.month), ctx.lang, ctx.cal);
  const heading = fill(ctx.t.monthTitle, { month: name });
  const countLabel = fill(ctx.t.articlesOnDay, { n: formatNumber(total, ctx.lang, ctx.cal) });
  return {
    template: 'month',
    tags: [tags.month(`${month}-01`)],
    title: name,
    description: `${heading} - ${countLabel}`,
    meta: { kind: 'month', path: ctx.urls.month(month), breadcrumbs: archiveTrail(ctx, month) },
    data: {
      heading,
      countLabel,
      month,
      days: days.map((d) => ({
        label: formatDayLong(d.day, ctx.lang, ctx.cal),
        href: ctx.urls.day(d.day),
        count: formatNumber(d.count, ctx.lang, ctx.cal),
      })),
    },
  };
}
