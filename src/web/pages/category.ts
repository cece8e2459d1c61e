/** `/section/<slug>/` and `/tag/<slug>/` — the published articles filed under one section or tag, paginated. */
import { formatNumber } from '../../calendar/format.js';
import { findHeadlinesByCategory } from '../../store/articles.js';
import { categoryName, findCategoryBySlug, type CategoryKind } from '../../store/categories.js';
import type { Store } from '../../store/db.js';
import { tags } from '../cache.js';
import { notFound } from '../errors.js';
import { fill } from '../i18n/strings.js';
import type { PageView } from '../page.js';
import { checkPageInRange, parsePage } from '../params.js';
import { articleCards, type PageContext } from '../view.js';
import { pager } from './pager.js';
import { feedLinks } from '../feeds/links.js';

/** Returns the view of a section's or tag's page `?page=N`; 404 for a slug of neither. */
export async function categoryPage(store: Store, ctx: PageContext, kind: CategoryKind, slug: string, query: unknown): Promise<PageView> {
  const page = parsePage(query);
  const c = await findCategoryBySlug(store.db, slug, kind);
  if (!c) throw notFound();
  const size = ctx.site.pageSize;
  const pages = Math.ceil(c.count / size);
  checkPageInRange(page, pages);
  const articles = c.count ? await findHeadlinesByCategory(store.db, c.id, size, (page - 1) * size) : [];
  const name = categoryName(c, ctx.lang);
  const heading = kind === 'section' ? name : fill(ctx.t.tagTitle, { name });
  const countLabel = fill(ctx.t.articlesOnDay, { n: formatNumber(c.count, ctx.lang, ctx.cal) });
  const url = (n: number) => (kind === 'section' ? ctx.urls.section(c.slug, n) : ctx.urls.tag(c.slug, n));
  return {
    template: 'category',
    tags: [kind === 'section' ? tags.section(c.slug) : tags.tag(c.slug), ...articles.map((a) => tags.article(a.id))],
    title: page > 1 ? `${name} - ${fill(ctx.t.page, { n: formatNumber(page, ctx.lang, ctx.cal) })}` : name,
    feeds: feedLinks(ctx, { kind, slug: c.slug }, `${ctx.site.siteName} - ${kind === 'section' ? name : fill(ctx.t.tagTitle, { name })}`),
    description: `${heading} - ${countLabel}`,
    meta: { kind, path: url(page), breadcrumbs: [{ name: heading, path: url(1) }] },
    data: {
      kind,
      heading,
      countLabel,
      count: c.count,
      articles: await articleCards(store, articles, ctx),
      pager: pager(ctx, page, pages, url),
    },
  };
}
