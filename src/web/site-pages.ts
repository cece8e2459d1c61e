/** The site's own pages on the web side: their URL, their cache tag, and the footer that links them. */
import type { Store } from '../store/db.js';
import { findFooterPages } from '../store/site-pages.js';
import { dirOf } from './i18n/strings.js';
import type { Urls } from './urls.js';
import type { PageContext } from './view.js';

/**
 * Returns an own page's URL in the language of `urls` (it shows the default language's version when
 * that language has none).
 * @example sitePagePath(new Urls('tr', 'en'), 'about') === '/tr/about/'
 */
export function sitePagePath(urls: Urls, slug: string): string {
  return `${urls.prefix}/${encodeURIComponent(slug)}/`;
}

/** Returns the cache tag (and Surrogate-Key) of an own page's URLs in every language. */
export function sitePageTag(slug: string): string {
  return `page-${slug}`;
}

/** The footer every page carries: links to the own pages, each title in its own language. */
export interface FooterView {
  pages: { href: string; title: string; lang: string; dir: 'rtl' | 'ltr'; current: boolean }[];
}

/** Returns the footer for the page's language: one small query (renders are cached). */
export async function buildFooter(store: Store, ctx: PageContext, path: string): Promise<FooterView> {
  const links = await findFooterPages(store.db, ctx.lang, ctx.site.defaultLanguage);
  return {
    pages: links.map((p) => {
      const href = sitePagePath(ctx.urls, p.slug);
      return { href, title: p.title, lang: p.lang, dir: dirOf(p.lang), current: href === path };
    }),
  };
}
