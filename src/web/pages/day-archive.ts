/** `/YYYY/MM/DD/` — the articles of one day in the site time zone, with their number. */
import { formatDayLong, formatNumber } from '../../calendar/format.js';
import { addDays, dayStartInstant } from '../../calendar/zone.js';
import { findHeadlinesByDay } from '../../store/articles.js';
import { findAdjacentDays, findDayCount } from '../../store/day-counts.js';
import type { Store } from '../../store/db.js';
import { fill } from '../i18n/strings.js';
import { tags } from '../cache.js';
import type { PageView } from '../page.js';
import { checkPageInRange, parseDaySegments, parsePage } from '../params.js';
import { articleCards, type PageContext } from '../view.js';
import { archiveTrail } from './archive-trail.js';
import { pager } from './pager.js';

/** Returns the day archive view. */
export async function dayArchivePage(store: Store, ctx: PageContext, p: { year: string; month: string; day: string }, query: unknown): Promise<PageView> {
  const day = parseDaySegments(p.year, p.month, p.day);
  const page = parsePage(query);
  const count = await findDayCount(store.db, day);
  const size = ctx.site.pageSize;
  const pages = Math.ceil(count / size);
  checkPageInRange(page, pages);
  const articles = count ? await findHeadlinesByDay(store.db, day, size, (page - 1) * size) : [];
  const date = formatDayLong(day, ctx.lang, ctx.cal);
  const { previous, next } = await findAdjacentDays(store.db, day);
  const link = (d: string | undefined) => d && { href: ctx.urls.day(d), label: formatDayLong(d, ctx.lang, ctx.cal), iso: d };
  const heading = fill(ctx.t.dayTitle, { date });
  const countLabel = fill(ctx.t.articlesOnDay, { n: formatNumber(count, ctx.lang, ctx.cal) });
  return {
    template: 'day',
    tags: [tags.day(day), ...articles.map((a) => tags.article(a.id))],
    // An article published on a day between the previous and the next day with articles changes those links.
    span: [previous ? dayStartInstant(addDays(previous, 1), ctx.site.timeZone).getTime() : -Infinity, next ? dayStartInstant(next, ctx.site.timeZone).getTime() - 1 : Infinity],
    title: date,
    description: `${heading} - ${countLabel}`,
    meta: { kind: 'day', path: ctx.urls.day(day, page), breadcrumbs: archiveTrail(ctx, day) },
    data: {
      heading,
      countLabel,
      count,
      articles: await articleCards(store, articles, ctx),
      previousDay: link(previous),
      nextDay: link(next),
      pager: pager(ctx, page, pages, (n) => ctx.urls.day(day, n)),
    },
  };
}
