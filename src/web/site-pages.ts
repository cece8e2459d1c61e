/** The footer that links the site's own pages (their URLs: urls.ts `page`; their cache tag: cache.ts `tags.page`). */
import type { Store } from '../store/db.js';
import { findFooterPages } from '../store/site-pages.js';
import { dirOf } from './i18n/strings.js';
import { readChrome } from './chrome-cache.js';
import type { PageContext } from './view.js';

/** The footer every page carries: links to the own pages, each title in its own language. */
export interface FooterView {
  pages: { href: string; title: string; lang: string; dir: 'rtl' | 'ltr'; current: boolean }[];
}

/** Returns the footer for the page's language: one small query, kept between changes (ctx.chrome). */
export async function buildFooter(store: Store, ctx: PageContext, path: string): Promise<FooterView> {
  const { lang, site } = ctx;
  const links = await readChrome(ctx.chrome, `footer ${lang} ${site.defaultLanguage}`, () => findFooterPages(store.db, lang, site.defaultLanguage));
  return {
    pages: links.map((p) => {
      const href = ctx.urls.page(p.slug);
      return { href, title: p.title, lang: p.lang, dir: dirOf(p.lang), current: href === path };
    }),
  };
}
