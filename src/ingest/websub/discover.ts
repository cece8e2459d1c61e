/**
 * WebSub discovery (W3C WebSub §4): the hub a feed advertises and the topic to subscribe to. The
 * HTTP Link header comes first, then the document's own links; the topic is the rel=self URL (the
 * hub knows the feed by it), else the URL the feed was fetched from.
 */
import type { ParsedFeed } from '../../model/feed.js';
import { httpUrl } from '../../model/url.js';

/** A hub and the topic to subscribe to there. */
export interface AdvertisedHub {
  hub: string;
  topic: string;
}

/**
 * Returns the first hub the fetch advertises (Link header, then the feed) with its topic, or null
 * when it advertises none; every URL absolute http(s).
 * @example discoverHub(feed, '<https://hub.test/>; rel="hub", <https://x.test/feed>; rel="self"', 'https://x.test/feed')
 * // { hub: 'https://hub.test/', topic: 'https://x.test/feed' }
 */
export function discoverHub(feed: Pick<ParsedFeed, 'hubs' | 'feedUrl'>, linkHeader: string | null, fetchedUrl: string): AdvertisedHub | null {
  const links = parseLinkHeader(linkHeader, fetchedUrl);
  const hub = links.find((l) => l.rels.includes('hub'))?.url ?? feed.hubs?.map((h) => httpUrl(h)).find((h) => h !== null) ?? null;
  if (!hub) return null;
  const topic = links.find((l) => l.rels.includes('self'))?.url ?? httpUrl(feed.feedUrl) ?? httpUrl(fetchedUrl);
  return topic ? { hub, topic } : null;
}

/**
 * Returns the links of a Link header (RFC 8288) as absolute http(s) URLs with their (lowercased)
 * relations, in order; links that are not http(s) or do not parse are left out.
 * @example parseLinkHeader('<https://hub.test/>; rel="hub"', null) // [{ url: 'https://hub.test/', rels: ['hub'] }]
 */
export function parseLinkHeader(value: string | null, base: string | null): { url: string; rels: string[] }[] {
  const out: { url: string; rels: string[] }[] = [];
  if (!value) return out;
  // <uri-reference> *( ";" param ) — commas inside <…> and quoted strings do not split links.
  const re = /<([^>]*)>((?:\s*;\s*[^;,=\s]+\s*(?:=\s*(?:"(?:[^"\\]|\\.)*"|[^;,]*))?)*)/g;
  for (const m of value.slice(0, 8192).matchAll(re)) {
    const url = httpUrl(m[1]!.trim(), base);
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(m[2] ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    if (url && rels.length) out.push({ url, rels });
  }
  return out;
}
