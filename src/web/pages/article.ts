/** `/YYYY/MM/DD/slug/` — one article with its source, the original link and previous / next. */
import { formatDateTime } from '../../calendar/format.js';
import { htmlToText } from '../../html/text.js';
import { httpUrl } from '../../model/url.js';
import { findArticleBySlug, findNeighbours } from '../../store/articles.js';
import { categoryName, findCategoriesOfArticle } from '../../store/categories.js';
import type { Store } from '../../store/db.js';
import { notFound } from '../errors.js';
import { dirOf } from '../i18n/strings.js';
import { bodyOpensWith } from '../lead-image.js';
import { bodyImageUrls, findPictures, rewriteBodyImages } from '../images.js';
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
  const [{ older, newer }, categories] = await Promise.all([findNeighbours(store.db, a), findCategoriesOfArticle(store.db, a.id)]);
  // The local copies of the lead and body images that are stored (the others keep their address).
  const lead = bodyOpensWith(a.contentHtml, a.imageUrl) ? null : httpUrl(a.imageUrl);
  const pictures = await findPictures(store, [httpUrl(a.imageUrl), ...bodyImageUrls(a.contentHtml)]);
  const lang = a.language ?? ctx.site.defaultLanguage;
  const link = (n: typeof older) =>
    n && { href: ctx.urls.article(n), title: n.title, lang: n.language ?? ctx.site.defaultLanguage, dir: dirOf(n.language ?? ctx.site.defaultLanguage) };
  // Every URL from the store is checked again where it becomes a link (a store written by an older
  // version, or by hand, may hold another scheme): a link that is not http(s) is not shown.
  const original = httpUrl(a.url) ?? httpUrl(a.canonicalUrl);
  // The original is canonical unless the article (desk), else its source, says the copy here is.
  const here = a.canonicalHere ?? a.sourceCanonicalHere;
  const canonicalUrl = here || !original ? null : (httpUrl(a.canonicalUrl) ?? original);
  const sections = categories.filter((c) => c.kind === 'section').map((c) => ({ name: categoryName(c, ctx.lang), href: ctx.urls.section(c.slug) }));
  const tagLinks = categories.filter((c) => c.kind === 'tag').map((c) => ({ name: categoryName(c, ctx.lang), href: ctx.urls.tag(c.slug) }));
  const leadPicture = pictures.get(httpUrl(a.imageUrl) ?? '') ?? null;
  return {
    template: 'article',
    tags: [a, older, newer].flatMap((x) => (x ? [tags.article(x.id)] : [])),
    // A new article published between the neighbours changes this page's previous/next links.
    span: [older ? Date.parse(older.publishedAt) : -Infinity, newer ? Date.parse(newer.publishedAt) : Infinity],
    title: a.title,
    description: a.summary ?? (a.contentHtml ? htmlToText(a.contentHtml).slice(0, 400) : null),
    meta: {
      kind: 'article',
      path: ctx.urls.article(a),
      canonicalUrl,
      image: leadPicture && { picture: leadPicture, alt: a.title },
      article: {
        headline: a.title,
        publishedAt: a.publishedAt,
        modifiedAt: a.updatedAt > a.publishedAt ? a.updatedAt : a.publishedAt,
        author: a.author,
        sourceName: a.sourceTitle,
        sourceUrl: httpUrl(a.sourceSiteUrl),
        sections: sections.map((s) => s.name),
        tags: tagLinks.map((t) => t.name),
        original,
        lang,
      },
    },
    data: {
      article: {
        title: a.title,
        time: formatDateTime(new Date(a.publishedAt), ctx.lang, ctx.cal),
        iso: a.publishedAt,
        author: a.author,
        // Above the body, unless the body opens with the same image already (judged on the body as stored).
        image: lead,
        picture: lead ? (pictures.get(lead) ?? null) : null,
        body: rewriteBodyImages(a.contentHtml, pictures),
        summary: a.summary,
        source: a.sourceTitle,
        sourceHref: httpUrl(a.sourceSiteUrl),
        sourceHost: hostOf(httpUrl(a.sourceSiteUrl)),
        sourcePage: a.sourceSlug ? ctx.urls.source(a.sourceSlug) : null,
        sections,
        tags: tagLinks,
        original,
        lang,
        dir: dirOf(lang),
      },
      older: link(older),
      newer: link(newer),
    },
  };
}

/** The host a source's site is shown by (`news.example`), without `www.`. */
function hostOf(url: string | null): string | null {
  return url ? new URL(url).hostname.replace(/^www\./, '') : null;
}
