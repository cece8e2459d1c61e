/**
 * `/` — the front page: a lead story with its large image, a block per section (its newest few),
 * then the latest articles; `?page=N` beyond the first is the latest list alone.
 */
import { findLatestHeadlines, findNewestByCategories, type ArticleHeadline } from '../../store/articles.js';
import { categoryName, type Category } from '../../store/categories.js';
import { findPublishedTotal } from '../../store/day-counts.js';
import type { Store } from '../../store/db.js';
import { tags } from '../cache.js';
import { fill } from '../i18n/strings.js';
import type { PageView } from '../page.js';
import { checkPageInRange, parsePage } from '../params.js';
import { findPictures } from '../images.js';
import { articleCard, findSectionsOnce, type ArticleCard, type PageContext } from '../view.js';
import { pager } from './pager.js';

/** Returns the home page view for `?page=N`. */
export async function homePage(store: Store, ctx: PageContext, query: unknown): Promise<PageView> {
  const page = parsePage(query);
  const size = ctx.site.pageSize;
  const pages = Math.ceil((await findPublishedTotal(store.db)) / size);
  checkPageInRange(page, pages);
  const latest = await findLatestHeadlines(store.db, size, (page - 1) * size);
  const blocks = page === 1 ? await sectionLists(store, ctx) : [];
  // One lookup for every picture the page shows.
  const pictures = await findPictures(store, [...latest, ...blocks.flatMap((b) => b.list)].map((a) => a.imageUrl));
  const card = (a: ArticleHeadline) => articleCard(a, ctx, (a.imageUrl && pictures.get(a.imageUrl)) || null);
  const all = latest.map(card);
  const full = (a: ArticleHeadline | undefined) => (a?.imageUrl && pictures.get(a.imageUrl)) || null;
  // The lead: the newest of the latest that has an image ready, else the newest.
  const leadAt = page === 1 && all.length ? Math.max(0, all.findIndex((c) => c.picture)) : -1;
  const sections: SectionBlock[] = blocks.map(({ c, list }) => {
    const name = categoryName(c, ctx.lang);
    // A block is its newest story with its picture, then headlines with their time: no summaries, no
    // more pictures or sources (the front page stays under 50 KB with six sections).
    const articles = list.map((a, i) => ({ ...card(a), summary: null, ...(i > 0 ? { picture: null, source: null, sourceHref: null } : {}) }));
    return { slug: c.slug, name, href: ctx.urls.section(c.slug), more: fill(ctx.t.moreIn, { name }), articles };
  });
  return {
    template: 'home',
    // Every new article changes the home tag, so the blocks need no tags of their own; the articles they show do.
    tags: [tags.home, ...[...latest, ...blocks.flatMap((b) => b.list)].map((a) => tags.article(a.id))],
    title: page > 1 ? ctx.t.page.replace('{n}', String(page)) : undefined,
    meta: { kind: page > 1 ? 'other' : 'home', path: ctx.urls.home(page) },
    data: {
      nothing: latest.length === 0,
      lead: leadAt >= 0 ? { ...all[leadAt]!, picture: full(latest[leadAt]) } : null,
      sections,
      articles: all.filter((_, i) => i !== leadAt),
      pager: pager(ctx, page, pages, (p) => ctx.urls.home(p)),
    },
  };
}

/** A front-page block: a section's name, its page and its newest articles. */
interface SectionBlock {
  slug: string;
  name: string;
  href: string;
  more: string;
  articles: ArticleCard[];
}

/** The newest articles of each section that has any, in menu order (frontPage.sectionArticles of each). */
async function sectionLists(store: Store, ctx: PageContext): Promise<{ c: Category; list: ArticleHeadline[] }[]> {
  const n = ctx.site.frontSectionArticles;
  if (n === 0) return [];
  const sections = (await findSectionsOnce(store, ctx)).filter((s) => s.count > 0);
  if (sections.length === 0) return [];
  const newest = await findNewestByCategories(store.db, sections.map((c) => c.id), n);
  return sections.map((c) => ({ c, list: newest.get(c.id) ?? [] }));
}
