/** `/source/<slug>/` — one source's published articles, paginated, with a link to its site. */
import { formatNumber } from '../../calendar/format.js';
import { httpUrl } from '../../model/url.js';
import { findHeadlinesBySource } from '../../store/articles.js';
import type { Store } from '../../store/db.js';
import { findSourceBySlug } from '../../store/sources.js';
import { tags } from '../cache.js';
import { notFound } from '../errors.js';
import { dirOf, fill } from '../i18n/strings.js';
import type { PageView } from '../page.js';
import { checkPageInRange, parsePage } from '../params.js';
import { articleCards, type PageContext } from '../view.js';
import { pager } from './pager.js';
import { feedLinks } from '../feeds/links.js';

/** Returns the view of a source's page `?page=N`; 404 for an unknown slug. */
export async function sourcePage(store: Store, ctx: PageContext, slug: string, query: unknown): Promise<PageView> {
  const page = parsePage(query);
  const s = await findSourceBySlug(store.db, slug);
  if (!s) throw notFound();
  const size = ctx.site.pageSize;
  const pages = Math.ceil(s.publishedCount / size);
  checkPageInRange(page, pages);
  const articles = s.publishedCount ? await findHeadlinesBySource(store.db, s.id, size, (page - 1) * size) : [];
  const heading = fill(ctx.t.sourceTitle, { name: s.title });
  const countLabel = fill(ctx.t.articlesOnDay, { n: formatNumber(s.publishedCount, ctx.lang, ctx.cal) });
  return {
    template: 'source',
    tags: [tags.source(s.id), ...articles.map((a) => tags.article(a.id))],
    title: page > 1 ? `${s.title} - ${fill(ctx.t.page, { n: formatNumber(page, ctx.lang, ctx.cal) })}` : s.title,
    feeds: feedLinks(ctx, { kind: 'source', slug: s.slug }, `${ctx.site.siteName} - ${fill(ctx.t.sourceTitle, { name: s.title })}`),
    description: `${heading} - ${countLabel}`,
    meta: { kind: 'source', path: ctx.urls.source(s.slug, page), breadcrumbs: [{ name: heading, path: ctx.urls.source(s.slug) }] },
    data: {
      heading,
      source: { name: s.title, href: httpUrl(s.siteUrl), lang: s.language ?? undefined, dir: s.language ? dirOf(s.language) : undefined },
      countLabel,
      count: s.publishedCount,
      articles: await articleCards(store, articles, ctx),
      pager: pager(ctx, page, pages, (n) => ctx.urls.source(s.slug, n)),
    },
  };
}
