/** `/` — the latest articles, paginated. */
import { findLatestHeadlines } from '../../store/articles.js';
import { findPublishedTotal } from '../../store/day-counts.js';
import type { Store } from '../../store/db.js';
import { tags } from '../cache.js';
import type { PageView } from '../page.js';
import { checkPageInRange, parsePage } from '../params.js';
import { articleCard, type PageContext } from '../view.js';
import { pager } from './pager.js';

/** Returns the home page view for `?page=N`. */
export async function homePage(store: Store, ctx: PageContext, query: unknown): Promise<PageView> {
  const page = parsePage(query);
  const size = ctx.site.pageSize;
  const pages = Math.ceil((await findPublishedTotal(store.db)) / size);
  checkPageInRange(page, pages);
  const articles = await findLatestHeadlines(store.db, size, (page - 1) * size);
  return {
    template: 'home',
    tags: [tags.home, ...articles.map((a) => tags.article(a.id))],
    title: page > 1 ? ctx.t.page.replace('{n}', String(page)) : undefined,
    data: {
      articles: articles.map((a) => articleCard(a, ctx)),
      pager: pager(ctx, page, pages, (p) => ctx.urls.home(p)),
    },
  };
}
