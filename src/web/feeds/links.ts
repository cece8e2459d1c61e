/** Autodiscovery: the `<link rel="alternate">` a page's head carries for each feed that applies to it. */
import type { PageContext } from '../view.js';
import { FEED_FORMATS, FEED_MEDIA_TYPE, feedPath, type FeedFormat, type FeedScope } from './feed.js';

/** One feed link of a page's head (layout.liquid's `page.feeds`). */
export interface FeedLink {
  type: string;
  title: string;
  href: string;
}

const FORMAT_NAME: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

/**
 * Returns the links of a feed in its three formats (RSS first: what most readers take when they take one),
 * site-relative, titled `<title> (RSS)` and so on.
 * @example feedLinks(ctx, { kind: 'tag', slug: 'oil' }, 'Tag: oil')[1] // { type: 'application/atom+xml', title: 'Tag: oil (Atom)', href: '/tag/oil/feed.atom' }
 */
export function feedLinks(ctx: PageContext, scope: FeedScope, title: string): FeedLink[] {
  return FEED_FORMATS.map((f) => ({ type: FEED_MEDIA_TYPE[f], title: `${title} (${FORMAT_NAME[f]})`, href: feedPath(ctx.urls.prefix, scope, f) }));
}

/** Returns the links of the site's feed, which every page carries. */
export function siteFeedLinks(ctx: PageContext): FeedLink[] {
  return feedLinks(ctx, { kind: 'site' }, `${ctx.site.siteName} - ${ctx.t.latest}`);
}
