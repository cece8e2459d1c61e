/** `/YYYY/` — the months of a year with their counts. */
import { formatMonthYear, formatNumber, toLocalDigits } from '../../calendar/format.js';
import { findYearMonths } from '../../store/day-counts.js';
import type { Store } from '../../store/db.js';
import { fill } from '../i18n/strings.js';
import { tags } from '../cache.js';
import type { PageView } from '../page.js';
import { parseYear } from '../params.js';
import type { PageContext } from '../view.js';
import { archiveTrail } from './archive-trail.js';

/** Returns the year archive view. */
export async function yearArchivePage(store: Store, ctx: PageContext, p: { year: string }): Promise<PageView> {
  const year = parseYear(p.year);
  const months = await findYearMonths(store.db, year);
  const total = months.reduce((n, m) => n + m.count, 0);
  const label = toLocalDigits(String(year), ctx.lang, ctx.cal);
  const heading = fill(ctx.t.yearTitle, { year: label });
  const countLabel = fill(ctx.t.articlesOnDay, { n: formatNumber(total, ctx.lang, ctx.cal) });
  return {
    template: 'year',
    tags: [tags.year(`${year}-01-01`)],
    title: label,
    description: `${heading} - ${countLabel}`,
    meta: { kind: 'year', path: ctx.urls.year(year), breadcrumbs: archiveTrail(ctx, String(year)) },
    data: {
      heading,
      countLabel,
      months: months.map((m) => ({
        label: formatMonthYear(year, Number(m.month.slice(5)), ctx.lang, ctx.cal),
        href: ctx.urls.month(m.month),
        count: formatNumber(m.count, ctx.lang, ctx.cal),
      })),
    },
  };
}
