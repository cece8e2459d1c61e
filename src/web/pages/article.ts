/** `/YYYY/MM/DD/slug/` — one article with its source, the original link and previous / next. */
import { formatDateTime } from '../../calendar/format.js';
import { httpUrl } from '../../model/url.js';
import { findArticleBySlug, findNeighbours } from '../../store/articles.js';
import type { Store } from '../../store/db.js';
import { notFound } from '../errors.js';
import { dirOf } from '../i18n/strings.js';
import { bodyOpensWith } from '../lead-image.js';
import { tags } from '../cache.js';
import type { PageView } from '../page.js';
import { parseDaySegments } from '../params.js';
import type { PageContext } from '../view.js';

/** Returns the article page view; a stale day in the URL redirects to the article's URL. */
export async function articlePage(store: Store, ctx: PageContext, p: { year: string; month: string; day: string; slug: string }): Promise<PageView> {
  const day = parseDaySegments(p.year, p.month, p.day);
  const a = await findArticleBySlug(store.db, p.slug);
  if (!a) throw notFound();
  if (a.localDay !== day) return { redirect: ctx.urls.article(a) };
  const { older, newer } = await findNeighbours(store.db, a);
  const lang = a.language ?? ctx.site.defaultLanguage;
  const link = (n: typeof older) =>
    n && { href: ctx.urls.article(n), title: n.title, lang: n.language ?? ctx.site.defaultLanguage, dir: dirOf(n.language ?? ctx.site.defaultLanguage) };
  // Every URL from the store is checked again where it becomes a link (a store written by an older
  // version, or by hand, may hold another scheme): a link that is not http(s) is not shown.
  const original = httpUrl(a.url) ?? httpUrl(a.canonicalUrl);
  // The original is canonical unless the source says the copy here is.
  const canonical = a.sourceCanonicalHere || !original ? `${ctx.site.siteUrl ?? ''}${ctx.urls.article(a)}` : (httpUrl(a.canonicalUrl) ?? original);
  return {
    template: 'article',
    tags: [a, older, newer].flatMap((x) => (x ? [tags.article(x.id)] : [])),
    // A new article published between the neighbours changes this page's previous/next links.
    span: [older ? Date.parse(older.publishedAt) : -Infinity, newer ? Date.parse(newer.publishedAt) : Infinity],
    title: a.title,
    description: a.summary,
    canonical,
    data: {
      article: {
        title: a.title,
        time: formatDateTime(new Date(a.publishedAt), ctx.lang, ctx.cal),
        iso: a.publishedAt,
        author: a.author,
        // Above the body, unless the body opens with the same image already.
        image: bodyOpensWith(a.contentHtml, a.imageUrl) ? null : httpUrl(a.imageUrl),
        body: a.contentHtml,
        summary: a.summary,
        source: a.sourceTitle,
        sourceHref: httpUrl(a.sourceSiteUrl),
        original,
        lang,
        dir: dirOf(lang),
      },
      older: link(older),
      newer: link(newer),
    },
  };
}
