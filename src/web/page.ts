/** Rendering a page view inside the layout, with the header every page carries. */
import type { FastifyReply } from 'fastify';
import type { Store } from '../store/db.js';
import type { Theme } from './theme.js';
import { dirOf } from './i18n/strings.js';
import { buildHeader, type PageContext } from './view.js';

/** What a page handler returns: a template and its data, or a redirect. */
export type PageView =
  | {
      template: string;
      title?: string;
      description?: string | null;
      canonical?: string | null;
      noindex?: boolean;
      data: Record<string, unknown>;
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
  const html = await deps.theme.render(view.template, {
    ...view.data,
    t: ctx.t,
    header,
    site: { name: ctx.site.siteName, stylesheet: deps.theme.stylesheet.path },
    page: {
      lang: ctx.lang,
      dir: dirOf(ctx.lang),
      title: view.title,
      description: view.description,
      canonical: view.canonical,
      noindex: view.noindex || status !== 200,
      home: ctx.urls.home(),
      search: ctx.urls.search(),
      alternates: header.languages.map((l) => ({ lang: l.lang, href: l.href })),
    },
  });
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}
