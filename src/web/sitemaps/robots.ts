/** `/robots.txt`: what crawlers may not fetch, and where the sitemaps are. */
import type { Lang } from '../../model/types.js';
import { Urls } from '../urls.js';

/**
 * Paths no crawler needs: the desk and its API, and search result pages in every language (an
 * endless space of thin pages, which news portals keep out of indexes; the articles are reached
 * through the sitemaps and archives).
 */
export const ROBOTS_DISALLOW: readonly string[] = Object.freeze(['/admin', '/api/admin']);

/**
 * Returns robots.txt: everything allowed but the desk, search pages and the configured paths
 * (`robots.disallow`), and the absolute URLs of the sitemap index and the news sitemap.
 * @example robotsTxt('https://news.example', { defaultLanguage: 'en', languages: ['en', 'tr'] }, ['/print/'])
 */
export function robotsTxt(origin: string, site: { defaultLanguage: Lang; languages: readonly Lang[] }, extra: readonly string[]): string {
  const search = site.languages.map((l) => new Urls(l, site.defaultLanguage).search());
  const disallow = [...new Set([...ROBOTS_DISALLOW, ...search, ...extra])];
  return [
    'User-agent: *',
    ...disallow.map((p) => `Disallow: ${p}`),
    '',
    `Sitemap: ${origin}/sitemap.xml`,
    `Sitemap: ${origin}/sitemaps/news.xml`,
    '',
  ].join('\n');
}
