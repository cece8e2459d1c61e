/**
 * `/feed.xml` — the site's own RSS 2.0 feed of the latest articles, one per language (`/tr/feed.xml` …),
 * rendered by the theme's `feed.liquid` (output escaped; themes may override it).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { httpUrl } from '../../model/url.js';
import type { Article, Lang } from '../../model/types.js';
import { findLatestArticles } from '../../store/articles.js';
import type { Store } from '../../store/db.js';
import type { WebDeps } from '../app.js';
import { tags } from '../cache.js';
import { pageMeta } from '../http.js';
import type { Theme } from '../theme.js';
import { pageContext, type PageContext } from '../view.js';
import { xmlText } from '../../html/xml.js';
import { siteOrigin, type OriginRequest } from '../origin.js';

export const FEED_CONTENT_TYPE = 'application/rss+xml; charset=utf-8';

/** A rendered feed: the XML, the ids of the articles in it (for cache tags), and whether its links came from the request. */
export interface Feed {
  xml: string;
  articleIds: number[];
  /** True when the absolute URLs were built from the request's Host header (no siteUrl): do not cache it by path alone. */
  originFromRequest: boolean;
}

/**
 * Returns the feed of the latest `pageSize` articles for a page context, with absolute URLs under `origin`.
 * @example await feedXml(store, theme, ctx, 'https://news.example') // { xml: '<?xml …', articleIds: [42, 41, …] }
 */
export async function feedXml(store: Store, theme: Theme, ctx: PageContext, origin: string): Promise<Omit<Feed, 'originFromRequest'>> {
  const articles = await findLatestArticles(store.db, ctx.site.pageSize);
  const abs = (path: string) => `${origin}${path}`;
  const title = `${ctx.site.siteName} - ${ctx.t.latest}`;
  // The newest article's time, not the clock: an unchanged feed renders the same bytes.
  const newest = articles.reduce((max, a) => Math.max(max, Date.parse(a.publishedAt)), 0);
  const xml = await theme.render('feed', {
    channel: {
      title: xmlText(title),
      link: abs(ctx.urls.home()),
      self: abs(`${ctx.urls.prefix}/feed.xml`),
      description: xmlText(title),
      language: ctx.lang,
      lastBuildDate: new Date(newest || ctx.now.getTime()).toUTCString(),
    },
    items: articles.map((a) => feedItem(a, abs(ctx.urls.article(a)))),
  });
  return { xml, articleIds: articles.map((a) => a.id) };
}

/** One `<item>`: every text stripped of what XML 1.0 forbids (the template escapes the rest). */
function feedItem(a: Article, link: string) {
  const sourceUrl = httpUrl(a.sourceSiteUrl) ?? httpUrl(a.url);
  // (httpUrl's output is a parsed URL's href: nothing XML forbids is left in it.)
  return {
    title: xmlText(a.title),
    link,
    guid: link,
    pubDate: new Date(a.publishedAt).toUTCString(),
    description: a.summary ? xmlText(a.summary) : null,
    creator: a.author ? xmlText(a.author) : null,
    // RSS 2.0 <source> requires its url attribute: the source's site, else the original article.
    source: a.sourceTitle && sourceUrl ? { name: xmlText(a.sourceTitle), url: sourceUrl } : null,
    categories: a.categories.map(xmlText).filter((c) => c !== ''),
  };
}

/** Returns the whole feed for a request in a language (origin chosen by siteOrigin); null for a Host that is not a host name. */
export async function feedPage(deps: WebDeps, lang: Lang, req: OriginRequest): Promise<Feed | null> {
  const ctx = pageContext(deps.config.site, lang, deps.now());
  const found = siteOrigin(deps.config, req);
  if (!found) return null;
  return { ...(await feedXml(deps.store, deps.theme, ctx, found.origin)), originFromRequest: found.fromRequest };
}

/** Returns the route handler of a language's feed. */
export function feedRoute(deps: WebDeps, lang: Lang) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const feed = await feedPage(deps, lang, req);
    // Not cacheable anywhere: the next request may carry a good Host.
    if (!feed) return reply.code(400).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('400 Bad Request: the Host header is not a host name (set siteUrl to make feed links independent of it)\n');
    // Cached (and validated, and named for a CDN) only when its links do not come from the request's Host.
    if (!feed.originFromRequest) pageMeta.set(req.raw, { tags: [tags.feed, ...feed.articleIds.map(tags.article)] });
    return reply.type(FEED_CONTENT_TYPE).send(feed.xml);
  };
}
