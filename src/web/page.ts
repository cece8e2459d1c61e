/** Rendering a page view inside the layout, with the header every page carries. */
import type { FastifyReply } from 'fastify';
import type { Store } from '../store/db.js';
import { tags as cacheTags, type PageMeta } from './cache.js';
import { pageMeta } from './http.js';
import type { Theme } from './theme.js';
import { dirOf } from './i18n/strings.js';
import { buildHead, type MetaFacts } from './meta.js';
import { siteOrigin } from './origin.js';
import { buildFooter } from './site-pages.js';
import { buildHeader, type HeaderView, type PageContext } from './view.js';
import { siteFeedLinks, type FeedLink } from './feeds/links.js';

/**
 * Where a layout puts the header counts (`{{ header.counts | raw }}`): the page is kept with a hole
 * there, filled with the counts of the moment each time it is served (cache.ts).
 */
const COUNTS_MARK = '<!--jarida:counts-->';

/** What a page handler returns: a template and its data, or a redirect. */
export type PageView =
  | {
      template: string;
      title?: string;
      description?: string | null;
      noindex?: boolean;
      /** What the page is, for its metadata (meta.ts): canonical path, image, article facts, breadcrumbs. */
      meta?: MetaFacts;
      data: Record<string, unknown>;
      /** What the page shows, as cache tags (cache.ts `tags`); also sent as Surrogate-Key. */
      tags?: readonly string[];
      /** An article page: its neighbours' published instants (cache.ts PageMeta). */
      span?: readonly [number, number];
      /** The feeds of what the page lists (a section's, tag's or source's), linked in its head after the site's (feeds/links.ts). */
      feeds?: readonly FeedLink[];
    }
  | { redirect: string };

/** Renders the view with header and layout and sends it (or the redirect). */
export async function sendPage(
  reply: FastifyReply,
  deps: { store: Store; theme: Theme },
  ctx: PageContext,
  path: string,
  view: PageView,
  status = 200,
): Promise<FastifyReply> {
  if ('redirect' in view) return reply.redirect(view.redirect, 301);
  const header = await buildHeader(deps.store, ctx, path);
  const footer = await buildFooter(deps.store, ctx, path);
  const counts = await renderCounts(deps.theme, ctx, header);
  // Absolute URLs: siteUrl, else the request's checked Host (http.ts keys the page cache by Host then).
  const origin = siteOrigin({ site: ctx.site }, reply.request)?.origin ?? '';
  const head = buildHead(ctx, { origin, path, title: view.title, description: view.description, facts: view.meta });
  const html = await deps.theme.render(view.template, {
    ...view.data,
    t: ctx.t,
    header: { ...header, counts: COUNTS_MARK },
    footer,
    site: { name: ctx.site.siteName, stylesheet: deps.theme.stylesheet.path },
    page: {
      lang: ctx.lang,
      dir: dirOf(ctx.lang),
      title: view.title,
      description: head.description,
      canonical: status === 200 ? head.canonical : null,
      noindex: view.noindex || status !== 200,
      home: ctx.urls.home(),
      search: ctx.urls.search(),
      alternates: status === 200 ? head.alternates : [],
      feeds: [...siteFeedLinks(ctx), ...(view.feeds ?? [])],
      // An error page is no page to share or index: its head has the title alone.
      head: status === 200 ? head : { ...head, og: [], twitter: [], jsonLd: [], share: [] },
    },
  });
  // Each tag once: the front page shows an article in its latest list and in a section block.
  const { page, meta } = fillCounts(html, counts, ctx, view.tags ? [...new Set(view.tags)] : []);
  if (view.span) meta.span = view.span;
  pageMeta.set(reply.request.raw, meta);
  return reply.code(status).type('text/html; charset=utf-8').send(page);
}

/** The counts' HTML per theme and header strip. */
const countsHtml = new WeakMap<Theme, WeakMap<HeaderView['strip'], Promise<string>>>();

/**
 * Returns the header counts (recent-days strip and total) of a language as HTML, from the theme's
 * `counts` template: rendered once per theme and strip (the strip is shared until the counts or the
 * day change: view.ts countedStrip), for the pages rendered and the cached pages' holes alike.
 */
export function renderCounts(theme: Theme, ctx: PageContext, header: HeaderView): Promise<string> {
  let byStrip = countsHtml.get(theme);
  if (!byStrip) countsHtml.set(theme, (byStrip = new WeakMap()));
  let html = byStrip.get(header.strip);
  if (!html) {
    html = theme.render('counts', { header, t: ctx.t });
    byStrip.set(header.strip, html);
    html.catch(() => byStrip.delete(header.strip)); // a failed render is not kept
  }
  return html;
}

/**
 * Puts the counts where the layout marked them, and says where they are. A layout without the mark
 * (an older theme showing `header.strip` itself) gets the `counts` tag: it goes with every count change.
 */
function fillCounts(html: string, counts: string, ctx: PageContext, tagList: readonly string[]): { page: string; meta: PageMeta } {
  const at = html.indexOf(COUNTS_MARK);
  if (at < 0) return { page: html, meta: { tags: [...tagList, cacheTags.counts] } };
  const rest = html.slice(at + COUNTS_MARK.length);
  const again = rest.includes(COUNTS_MARK);
  const page = html.slice(0, at) + counts + (again ? rest.replaceAll(COUNTS_MARK, counts) : rest);
  const start = Buffer.byteLength(html.slice(0, at));
  return {
    page,
    meta: again
      ? { tags: [...tagList, cacheTags.counts] }
      : { tags: tagList, hole: { start, end: start + Buffer.byteLength(counts), lang: ctx.lang } },
  };
}
