/** The one shape every feed format (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1) ends in. */

/** A parsed feed: its own metadata and its items, in document order. */
export interface ParsedFeed {
  format: 'rss' | 'rdf' | 'atom' | 'json';
  /** e.g. '2.0', '0.91', '1.0', '0.3', '1.1' when known. */
  version: string | null;
  /**
   * False when the document is not well-formed (feedparser's `bozo`): broken XML (bare `&`,
   * undeclared entities or prefixes, mismatched or unclosed tags, junk around the root) or bytes
   * invalid in the charset it names. Such a feed is still read, best-effort.
   */
  wellFormed: boolean;
  title: string | null;
  /** The site's home page (channel link / atom alternate / home_page_url), absolute. */
  siteUrl: string | null;
  /** The feed's own URL when it says so (atom:link rel=self / feed_url), absolute. */
  feedUrl: string | null;
  /** WebSub hubs it advertises (atom:link rel=hub / JSON Feed `hubs`), absolute; absent when none. */
  hubs?: string[];
  description: string | null;
  language: string | null;
  /** RSS <ttl> in minutes. */
  ttlMinutes: number | null;
  /** RSS <skipHours> (0–23, GMT). */
  skipHours: number[];
  /** RSS <skipDays> ('Monday'…). */
  skipDays: string[];
  items: FeedItem[];
}

/** One entry of a feed, normalized. Text fields are decoded plain text (entities and CDATA resolved). */
export interface FeedItem {
  /** guid / id; falls back to the link, then to a hash of title+date. Never empty. */
  guid: string;
  /** Absolute URL of the article (resolved against xml:base / the feed URL). */
  url: string | null;
  /** Plain text title (no tags, entities decoded, whitespace collapsed). */
  title: string | null;
  /** Summary/description as HTML (not yet sanitized). */
  summary: string | null;
  /** Full content as HTML (content:encoded, atom content, content_html) — not yet sanitized. */
  content: string | null;
  author: string | null;
  published: Date | null;
  updated: Date | null;
  /** Lead image: enclosure image, media:content, media:thumbnail, itunes:image, or the first <img>. */
  imageUrl: string | null;
  categories: string[];
  language: string | null;
}
