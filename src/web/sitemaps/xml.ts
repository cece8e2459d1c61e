/**
 * The sitemaps' XML, one entry at a time (pure): sitemaps.org `urlset` and `sitemapindex`, the
 * `xhtml:link` hreflang alternates, and Google News' `news:news`. Every text is stripped of what XML
 * 1.0 forbids and escaped here; callers pass plain strings.
 */
import { xmlText } from '../../html/xml.js';

export const SITEMAP_CONTENT_TYPE = 'application/xml; charset=utf-8';

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS_SITEMAP = 'http://www.sitemaps.org/schemas/sitemap/0.9';

/** Returns text escaped for XML content and attribute values. */
export function esc(s: string): string {
  return xmlText(s).replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** Returns the opening of a urlset (with the xhtml namespace for alternates, the news one for the news sitemap). */
export function urlsetOpen(opts: { news?: boolean } = {}): string {
  const news = opts.news ? ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' : '';
  return `${XML_DECL}<urlset xmlns="${NS_SITEMAP}" xmlns:xhtml="http://www.w3.org/1999/xhtml"${news}>\n`;
}

export const URLSET_CLOSE = '</urlset>\n';

/** One language version of a URL: `hreflang` is a language code or `x-default`. */
export interface Alternate {
  hreflang: string;
  href: string;
}

/**
 * Returns one `<url>`: its location, lastmod when known, and its language versions.
 * @example urlEntry('https://n.example/a/', '2026-12-05T10:00:00.000Z', [{ hreflang: 'tr', href: 'https://n.example/tr/a/' }])
 */
export function urlEntry(loc: string, lastmod: string | null, alternates: readonly Alternate[] = []): string {
  let s = `<url><loc>${esc(loc)}</loc>`;
  if (lastmod) s += `<lastmod>${esc(lastmod)}</lastmod>`;
  for (const a of alternates) s += `<xhtml:link rel="alternate" hreflang="${esc(a.hreflang)}" href="${esc(a.href)}"/>`;
  return `${s}</url>\n`;
}

/** What a Google News entry says of its article. */
export interface NewsFields {
  publication: string;
  language: string;
  publishedAt: string;
  title: string;
}

/** Returns one `<url>` of the news sitemap (Google News: publication name and language, date, title). */
export function newsEntry(loc: string, n: NewsFields): string {
  return (
    `<url><loc>${esc(loc)}</loc><news:news><news:publication><news:name>${esc(n.publication)}</news:name>` +
    `<news:language>${esc(n.language)}</news:language></news:publication>` +
    `<news:publication_date>${esc(n.publishedAt)}</news:publication_date><news:title>${esc(n.title)}</news:title></news:news></url>\n`
  );
}

/** Returns a whole sitemap index for its files' absolute URLs and lastmods. */
export function sitemapIndexXml(files: readonly { loc: string; lastmod: string | null }[]): string {
  const entries = files.map((f) => `<sitemap><loc>${esc(f.loc)}</loc>${f.lastmod ? `<lastmod>${esc(f.lastmod)}</lastmod>` : ''}</sitemap>\n`);
  return `${XML_DECL}<sitemapindex xmlns="${NS_SITEMAP}">\n${entries.join('')}</sitemapindex>\n`;
}

/**
 * Returns the most bytes one `<url>` with `alternates` language versions can take when its path is
 * at most `pathBound` bytes and the site's origin is `origin`: what a file's URL count is planned with.
 */
export function urlEntryBound(origin: string, pathBound: number, alternates: number): number {
  const href = origin.length + pathBound;
  const fixed = '<url><loc></loc><lastmod>2026-12-05T10:00:00.000Z</lastmod></url>\n'.length;
  const perAlternate = '<xhtml:link rel="alternate" hreflang="x-default" href=""/>'.length;
  return fixed + href + alternates * (perAlternate + href);
}
