/**
 * What an address given to `jarida sources add` is: a feed (detected from the content, not the
 * URL), a site whose home page links its feed (`<link rel="alternate">`), or a single article page.
 */
import { pageArticle } from './digest.js';
import { discoverFeeds } from './extract/discover.js';
import { fetchResource } from './fetch/fetch.js';
import { decodeText } from './parse/decode.js';
import { parseFeed } from './parse/parse.js';
import { fetchOptions, type IngestDeps } from './refresh.js';

/** A source as found at an address, ready to store. */
export interface ResolvedSource {
  kind: 'feed' | 'page';
  url: string;
  title: string | null;
  siteUrl: string | null;
  language: string | null;
  items: number;
  /** The body the source was found in (the feed, or the article page): what a preview digests without fetching again. */
  body: FetchedBody;
}

/** A fetched body and what its response said of it. */
export interface FetchedBody {
  bytes: Uint8Array;
  url: string;
  contentType: string | null;
  contentLanguage: string | null;
  contentLocation: string | null;
}

/** The address holds neither a feed, nor a page linking one, nor an article. */
export class ResolveError extends Error {
  readonly code = 'JARIDA_SOURCE_NOT_FOUND';
}

/** Returns the source at `url`; `asPage` takes an HTML address as an article page even if it links feeds. */
export async function resolveSource(deps: Pick<IngestDeps, 'config' | 'allow'>, url: string, opts: { asPage?: boolean } = {}): Promise<ResolvedSource> {
  const res = await fetchResource(url, fetchOptions(deps));
  const finalUrl = res.permanentRedirectTo ?? url;
  const text = decodeText(res.bytes, res.contentType).text;
  if (!opts.asPage) {
    try {
      const feed = parseFeed(res.bytes, { url: res.url, contentType: res.contentType, contentLanguage: res.contentLanguage, contentLocation: res.contentLocation });
      return { kind: 'feed', url: finalUrl, title: feed.title, siteUrl: feed.siteUrl, language: feed.language, items: feed.items.length, body: bodyOf(res) };
    } catch (err) {
      if ((err as { code?: string }).code !== 'JARIDA_PARSE_NOT_A_FEED') throw err;
    }
    for (const link of discoverFeeds(text, res.url)) {
      try {
        const fr = await fetchResource(link.url, fetchOptions(deps));
        const feed = parseFeed(fr.bytes, { url: fr.url, contentType: fr.contentType, contentLanguage: fr.contentLanguage, contentLocation: fr.contentLocation });
        return { kind: 'feed', url: fr.permanentRedirectTo ?? link.url, title: feed.title ?? link.title, siteUrl: feed.siteUrl ?? res.url, language: feed.language, items: feed.items.length, body: bodyOf(fr) };
      } catch {
        // A broken or stale link: try the next one.
      }
    }
  }
  const article = pageArticle(text, res.url); // the rule the page source will be refreshed with
  if (!article) throw new ResolveError(`sources: ${url} is not a feed, links no feed, and has no readable article`);
  return { kind: 'page', url: finalUrl, title: article.title, siteUrl: null, language: article.language, items: 1, body: bodyOf(res) };
}

function bodyOf(res: FetchedBody): FetchedBody {
  return { bytes: res.bytes, url: res.url, contentType: res.contentType, contentLanguage: res.contentLanguage, contentLocation: res.contentLocation };
}
