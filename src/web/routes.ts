/**
 * Every public URL, one line each, for every language (default at `/`, others prefixed); a language
 * the site settings do not enable at the time of the request answers 404 (they change at runtime).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readiness } from '../metrics/ready.js';
import { LANGS, type Lang } from '../model/types.js';
import type { WebDeps } from './app.js';
import { sendPage, type PageView } from './page.js';
import { articlePage } from './pages/article.js';
import { categoryPage } from './pages/category.js';
import { dayArchivePage } from './pages/day-archive.js';
import { registerFeedRoutes } from './feeds/routes.js';
import { homePage } from './pages/home.js';
import { monthArchivePage } from './pages/month-archive.js';
import { searchJson, searchPage } from './pages/search.js';
import { sourcePage } from './pages/source.js';
import { sitePagePage } from './pages/site-page.js';
import { registerSitemaps } from './sitemaps/routes.js';
import { yearArchivePage } from './pages/year-archive.js';
import { tags } from './cache.js';
import { ICONS, IconSet } from './icons.js';
import { iconRoute, manifestRoute, openSearchRoute } from './meta-routes.js';
import { HttpError, notFound } from './errors.js';
import { PageBody, pageMeta, sendAsset } from './http.js';
import { pageContext, type PageContext } from './view.js';

type Params = Record<string, string>;
type Handler = (deps: WebDeps, ctx: PageContext, params: Params, query: unknown) => Promise<PageView>;

/** Registers the site's routes on the app. */
export function registerRoutes(app: FastifyInstance, deps: WebDeps): void {
  // The default language is the config file's alone (settings/site.ts refuses to disable it): its routes stay at `/`.
  const { defaultLanguage } = deps.config.site;

  // Liveness asks nothing of the store; readiness does (metrics/ready.ts). Neither is ever cached.
  app.get('/healthz', async (_req, reply) => reply.header('cache-control', 'no-store').send({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const r = await readiness(deps.store, { now: deps.now(), inServe: deps.config.ingest.inServe, maxIngestAgeS: deps.config.metrics.maxIngestAgeS });
    return reply.code(r.ready ? 200 : 503).header('cache-control', 'no-store').send(r);
  });
  const css = new PageBody(deps.theme.stylesheet.body, Date.now());
  app.get(deps.theme.stylesheet.path, (req, reply) => sendAsset(req, reply, css, 'text/css; charset=utf-8'));
  registerSitemaps(app, deps); // /sitemap.xml, /sitemaps/*.xml, /robots.txt
  // The icons made from the site's logo (meta-routes.ts), once.
  const icons = new IconSet();
  for (const icon of ICONS) app.get(icon.path, iconRoute(deps, icons, icon.path));

  for (const lang of LANGS) {
    const prefix = lang === defaultLanguage ? '' : `/${lang}`;
    const enabled = <R>(handler: (req: FastifyRequest, reply: FastifyReply) => Promise<R>) => (req: FastifyRequest, reply: FastifyReply) => {
      if (!deps.config.site.languages.includes(lang)) throw notFound(`the site does not show pages in ${lang}`);
      return handler(req, reply);
    };
    const page = (handler: Handler) => enabled((req, reply) => render(deps, lang, handler, req, reply));
    app.get(`${prefix}/`, page((d, ctx, _p, q) => homePage(d.store, ctx, q)));
    app.get(`${prefix}/search`, page((d, ctx, _p, q) => searchPage(d.search, ctx, q)));
    app.get(`${prefix}/search.json`, enabled((req, reply) => searchJsonRoute(deps, lang, req, reply)));
    registerFeedRoutes(app, deps, lang, prefix, enabled); // feeds/routes.ts: /feed.xml|.atom|.json, per language, section, tag, source
    app.get(`${prefix}/manifest.webmanifest`, enabled(manifestRoute(deps, lang)));
    app.get(`${prefix}/opensearch.xml`, enabled(openSearchRoute(deps, lang)));
    app.get(`${prefix}/section/:slug/`, page((d, ctx, p, q) => categoryPage(d.store, ctx, 'section', p.slug!, q)));
    app.get(`${prefix}/tag/:slug/`, page((d, ctx, p, q) => categoryPage(d.store, ctx, 'tag', p.slug!, q)));
    app.get(`${prefix}/source/:slug/`, page((d, ctx, p, q) => sourcePage(d.store, ctx, p.slug!, q)));
    // One segment: digits are a year archive (its 404s kept), anything else an own page (About, Contact …).
    app.get(`${prefix}/:year/`, page((d, ctx, p) => (/^\d+$/.test(p.year!) ? yearArchivePage(d.store, ctx, { year: p.year! }) : sitePagePage(d.store, ctx, { slug: p.year! }))));
    app.get(`${prefix}/:year/:month/`, page((d, ctx, p) => monthArchivePage(d.store, ctx, { year: p.year!, month: p.month! })));
    app.get(`${prefix}/:year/:month/:day/`, page((d, ctx, p, q) => dayArchivePage(d.store, ctx, { year: p.year!, month: p.month!, day: p.day! }, q)));
    app.get(`${prefix}/:year/:month/:day/:slug/`, page((d, ctx, p) => articlePage(d.store, ctx, { year: p.year!, month: p.month!, day: p.day!, slug: p.slug! })));
  }
  // The default language also answers under its own prefix, redirected to the unprefixed URL.
  const unprefixed = async (req: FastifyRequest, reply: FastifyReply) => reply.redirect(sitePath(req.url.slice(defaultLanguage.length + 1)), 301);
  app.get(`/${defaultLanguage}/*`, unprefixed);
  app.get(`/${defaultLanguage}`, unprefixed);
}

/**
 * Returns a path on this site for a redirect: one leading slash, never `//host` or a slash and a backslash
 * (which a browser reads as another site), never a scheme.
 * @example sitePath('//evil.example/') === '/evil.example/'
 */
export function sitePath(raw: string): string {
  return `/${raw.replace(/^[/\\\s]+/, '')}`;
}

async function render(deps: WebDeps, lang: Lang, handler: Handler, req: FastifyRequest, reply: FastifyReply) {
  const ctx = pageContext(deps.config.site, lang, deps.now(), deps.chrome);
  const view = await handler(deps, ctx, req.params as Params, req.query);
  return sendPage(reply, deps, ctx, req.url.split('?')[0] ?? '/', view);
}

/** The JSON search answers errors in JSON too: 400 with `error` naming the bad parameter. */
async function searchJsonRoute(deps: WebDeps, lang: Lang, req: FastifyRequest, reply: FastifyReply) {
  const ctx = pageContext(deps.config.site, lang, deps.now());
  try {
    const body = await searchJson(deps.search, ctx, req.query);
    pageMeta.set(req.raw, { tags: [tags.search] });
    return reply.type('application/json; charset=utf-8').send(body);
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    return reply.code(err.statusCode).type('application/json; charset=utf-8').send({ error: err.detail ?? err.message });
  }
}
