/** `/<slug>/` — one of the site's own pages (About, Contact …) in the page's language, else the default's. */
import { htmlToText } from '../../html/text.js';
import { isPageSlug } from '../../model/site-page.js';
import type { Store } from '../../store/db.js';
import { findSitePageFor } from '../../store/site-pages.js';
import { tags } from '../cache.js';
import { notFound } from '../errors.js';
import { dirOf } from '../i18n/strings.js';
import type { PageView } from '../page.js';
import { Urls } from '../urls.js';
import type { PageContext } from '../view.js';

/**
 * Returns the own page's view; 404 when neither the page's language nor the default language has a
 * version. A fallback version keeps its own `lang`/`dir` and names the default-language URL canonical.
 */
export async function sitePagePage(store: Store, ctx: PageContext, p: { slug: string }): Promise<PageView> {
  if (!isPageSlug(p.slug)) throw notFound();
  const page = await findSitePageFor(store.db, p.slug, ctx.lang, ctx.site.defaultLanguage);
  if (!page) throw notFound();
  const own = new Urls(page.lang, ctx.site.defaultLanguage);
  return {
    template: 'page',
    tags: [tags.page(page.slug)],
    title: page.title,
    description: htmlToText(page.html).slice(0, 400) || null,
    meta: { kind: 'page', path: own.page(page.slug) },
    data: {
      sitePage: { slug: page.slug, title: page.title, body: page.html, lang: page.lang, dir: dirOf(page.lang) },
    },
  };
}
