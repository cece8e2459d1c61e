/**
 * The feeds' URLs in one page language, each in the three formats (`feed.xml` RSS 2.0, `feed.atom`
 * Atom 1.0, `feed.json` JSON Feed 1.1): the whole site (`/feed.xml`), one article language
 * (`/language/ar/feed.xml`), a section, tag or source (`/section/world/feed.xml`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Lang } from '../../model/types.js';
import type { WebDeps } from '../app.js';
import { notFound } from '../errors.js';
import { pageMeta } from '../http.js';
import { siteOrigin } from '../origin.js';
import { pageContext } from '../view.js';
import { buildFeed, FEED_EXTENSION, FEED_FORMATS, type FeedFormat, type FeedScope } from './feed.js';
import { feedContentType, renderFeed } from './formats.js';

type Wrap = <R>(handler: (req: FastifyRequest, reply: FastifyReply) => Promise<R>) => (req: FastifyRequest, reply: FastifyReply) => Promise<R>;

/** Registers a page language's feeds under its prefix; `enabled` wraps each handler (404 for a language the site does not show). */
export function registerFeedRoutes(app: FastifyInstance, deps: WebDeps, lang: Lang, prefix: string, enabled: Wrap): void {
  for (const format of FEED_FORMATS) {
    const file = `feed.${FEED_EXTENSION[format]}`;
    const route = (scope: (p: Record<string, string>) => FeedScope) => enabled(feedRoute(deps, lang, format, scope));
    app.get(`${prefix}/${file}`, route(() => ({ kind: 'site' })));
    app.get(`${prefix}/language/:code/${file}`, route((p) => ({ kind: 'language', code: p.code! })));
    app.get(`${prefix}/section/:slug/${file}`, route((p) => ({ kind: 'section', slug: p.slug! })));
    app.get(`${prefix}/tag/:slug/${file}`, route((p) => ({ kind: 'tag', slug: p.slug! })));
    app.get(`${prefix}/source/:slug/${file}`, route((p) => ({ kind: 'source', slug: p.slug! })));
  }
}

/**
 * Returns the handler of one feed in one format: 404 for an unknown section, tag, source or a
 * malformed language code; 400 for a Host header that is not a host name (without siteUrl).
 */
export function feedRoute(deps: WebDeps, lang: Lang, format: FeedFormat, scopeOf: (params: Record<string, string>) => FeedScope) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const { config } = deps;
    const found = siteOrigin(config, req);
    // Not cacheable anywhere: the next request may carry a good Host.
    if (!found) return reply.code(400).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('400 Bad Request: the Host header is not a host name (set siteUrl to make feed links independent of it)\n');
    const ctx = pageContext(config.site, lang, deps.now());
    const feed = await buildFeed(deps.store, ctx, scopeOf(req.params as Record<string, string>), {
      origin: found.origin,
      content: config.site.feedContent,
      hub: config.websub.hub,
    });
    if (!feed) throw notFound();
    // Cached (and validated, and named for a CDN) only when its links do not come from the request's Host.
    if (!found.fromRequest) pageMeta.set(req.raw, { tags: feed.tags });
    return reply.type(feedContentType(format)).send(await renderFeed(deps.theme, feed, format));
  };
}
