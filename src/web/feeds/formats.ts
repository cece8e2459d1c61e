/**
 * A feed written out in one format: RSS 2.0 and Atom 1.0 by the theme's `feed.liquid` and
 * `feed-atom.liquid` (output escaped; a theme may override them), JSON Feed 1.1 here.
 * Dates: RFC 822 in RSS (`Thu, 14 Feb 2019 05:00:00 GMT`), RFC 3339 in Atom and JSON Feed.
 */
import type { Theme } from '../theme.js';
import { FEED_MEDIA_TYPE, type FeedDoc, type FeedEntry, type FeedFormat, type FeedImage } from './feed.js';

/** The Content-Type of a format's answer. */
export function feedContentType(format: FeedFormat): string {
  return `${FEED_MEDIA_TYPE[format]}; charset=utf-8`;
}

/**
 * Returns the feed in a format.
 * @example await renderFeed(theme, feed, 'atom') // '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns=…'
 */
export async function renderFeed(theme: Theme, feed: FeedDoc, format: FeedFormat): Promise<string> {
  if (format === 'json') return jsonFeed(feed);
  const view = { ...feed, entries: feed.entries.map(templateEntry), updatedRfc822: feed.updated.toUTCString(), updatedIso: feed.updated.toISOString() };
  return theme.render(format === 'rss' ? 'feed' : 'feed-atom', { feed: view });
}

/**
 * Returns an entry as the templates read it: its fields and its dates written out. Listed one by
 * one: an object spread and then extended took ~5× as long (V8 leaves the fast object shape).
 */
function templateEntry(e: FeedEntry): FeedEntry & { image: (FeedImage & { rssLength: number }) | null; pubDate: string; publishedIso: string; updatedIso: string } {
  return {
    id: e.id,
    link: e.link,
    title: e.title,
    summary: e.summary,
    contentHtml: e.contentHtml,
    published: e.published,
    updated: e.updated,
    language: e.language,
    author: e.author,
    categories: e.categories,
    source: e.source,
    // RSS requires an enclosure's length: 0 when unknown, as the RSS Advisory Board advises.
    image: e.image && { url: e.image.url, type: e.image.type, width: e.image.width, height: e.image.height, length: e.image.length, rssLength: e.image.length ?? 0 },
    pubDate: e.published.toUTCString(),
    publishedIso: e.published.toISOString(),
    updatedIso: e.updated.toISOString(),
  };
}

/**
 * Returns a JSON Feed 1.1 document (https://www.jsonfeed.org/version/1.1/). JSON.stringify escapes
 * what JSON needs; `<` is escaped too, so that no reader that sniffs the body as HTML finds a tag.
 */
export function jsonFeed(feed: FeedDoc): string {
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.home,
    feed_url: feed.self.json,
    language: feed.lang,
    authors: [{ name: feed.author }],
    ...(feed.hub ? { hubs: [{ type: 'WebSub', url: feed.hub }] } : {}),
    items: feed.entries.map((e) => ({
      id: e.id,
      url: e.link,
      title: e.title,
      ...(e.contentHtml ? { content_html: e.contentHtml } : { content_text: e.summary ?? e.title }),
      ...(e.summary ? { summary: e.summary } : {}),
      ...(e.image ? { image: e.image.url } : {}),
      date_published: e.published.toISOString(),
      ...(e.updated > e.published ? { date_modified: e.updated.toISOString() } : {}),
      ...(e.author ? { authors: [{ name: e.author }] } : {}),
      ...(e.categories.length ? { tags: e.categories } : {}),
      ...(e.language ? { language: e.language } : {}),
    })),
  };
  return `${JSON.stringify(doc, null, 1).replaceAll('<', '\\u003c')}\n`;
}
