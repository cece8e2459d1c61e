/**
 * Feed discovery for `jarida sources add <site url>`: the feeds a web page announces with
 * `<link rel="alternate" type="…">`, or, only when it announces none, links that look like feeds.
 */
import { Parser } from 'htmlparser2';
import { boundHtml } from './bound.js';
import { resolveUrl } from './dom.js';

/** A feed a page links to. */
export interface DiscoveredFeed {
  /** Absolute http(s) URL. */
  url: string;
  title: string | null;
  type: 'rss' | 'atom' | 'json';
}

const FEED_TYPES: Readonly<Record<string, DiscoveredFeed['type']>> = {
  'application/rss+xml': 'rss',
  'application/atom+xml': 'atom',
  'application/feed+json': 'json',
  'application/json': 'json',
};
/** Anchor paths that usually are feeds: …/feed, …/rss, ….rss, ….xml, …/atom (a trailing slash allowed). */
const FEEDISH_PATH = /(?:\/feed|\/rss|\.rss|\.xml|\/atom)\/?$/i;

interface RawLink {
  href: string;
  title: string | null;
  type: DiscoveredFeed['type'];
}

/**
 * Returns the feeds page `pageUrl` (its HTML in `html`) links to: absolute URLs (against
 * <base href>, then the page), deduplicated, in document order. Anchors ending in /feed, /rss,
 * .rss, .xml or /atom count only when the page has no feed <link>. Never throws.
 *
 * @example discoverFeeds('<link rel="alternate" type="application/rss+xml" href="/feed">', 'https://a.example/')
 *   // [{ url: 'https://a.example/feed', title: null, type: 'rss' }]
 */
export function discoverFeeds(html: string, pageUrl: string): DiscoveredFeed[] {
  const links: RawLink[] = [];
  const anchors: RawLink[] = [];
  let base: string | null = null;
  let anchor: { href: string; text: string } | null = null;

  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'base' && base === null && attrs.href) base = attrs.href;
      else if (name === 'link') {
        const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
        const type = FEED_TYPES[(attrs.type ?? '').split(';')[0]!.trim().toLowerCase()];
        // WordPress announces its REST API entry for every page as application/json: not a feed.
        if (rel.includes('alternate') && type && attrs.href?.trim() && !/\/wp-json\//.test(attrs.href)) {
          links.push({ href: attrs.href, title: attrs.title?.trim() || null, type });
        }
      } else if (name === 'a' && attrs.href) {
        anchor = { href: attrs.href, text: '' };
      }
    },
    ontext(text) {
      if (anchor) anchor.text += text;
    },
    onclosetag(name) {
      if (name !== 'a' || !anchor) return;
      const path = anchor.href.replace(/[?#].*$/, '');
      if (FEEDISH_PATH.test(path) && !/sitemap/i.test(path)) {
        const title = anchor.text.replace(/\s+/g, ' ').trim() || null;
        anchors.push({ href: anchor.href, title, type: /\/atom\/?$/i.test(path) ? 'atom' : 'rss' });
      }
      anchor = null;
    },
  }, { decodeEntities: true });
  try {
    parser.end(boundHtml(html ?? ''));
  } catch {
    // htmlparser2 does not throw on bad markup; a thrown error here is a bug upstream: keep what was found.
  }

  const baseUrl = (base && resolveUrl(base, pageUrl)) ?? pageUrl;
  const seen = new Set<string>();
  const feeds: DiscoveredFeed[] = [];
  for (const link of links.length ? links : anchors) {
    const url = resolveUrl(link.href, baseUrl);
    if (!url || !/^https?:/.test(url) || seen.has(url)) continue;
    seen.add(url);
    feeds.push({ url, title: link.title, type: link.type });
  }
  return feeds;
}

/**
 * Returns true when `text` is an HTML document (a web page) rather than a feed, JSON or plain
 * text: its first tag, after any BOM, XML declaration, comments and doctype, is an HTML one,
 * or its doctype is `html`.
 */
export function looksLikeHtmlPage(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  const skipped = head.replace(/^(?:\s+|<\?[^>]*\?>|<!--[\s\S]*?-->)*/, '');
  if (/^<!doctype\s+html\b/i.test(skipped)) return true;
  const first = /^(?:<!doctype[^>]*>\s*(?:<!--[\s\S]*?-->\s*)*)?<([a-z][\w:-]*)/i.exec(skipped);
  return first ? HTML_FIRST_TAGS.has(first[1]!.toLowerCase()) : false;
}

/** Tags a web page starts with (servers send fragments too, e.g. a bare <div> or <p>). */
const HTML_FIRST_TAGS = new Set([
  'html', 'head', 'body', 'meta', 'title', 'link', 'base', 'script', 'style', 'noscript', 'div', 'p', 'span', 'a',
  'header', 'main', 'article', 'section', 'nav', 'h1', 'h2', 'h3', 'table', 'form', 'img', 'br', 'ul', 'iframe',
]);
