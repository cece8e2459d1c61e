/**
 * The public content API at /api/v1: read-only JSON of what the site shows, for anyone (no token),
 * from any origin (CORS `*`, no credentials), cacheable (a strong ETag of the body, If-None-Match →
 * 304, a short public max-age), limited per client address (`api.rateLimit` a minute; behind a proxy
 * with `http.trustProxy` the address is X-Forwarded-For's). Every route is one entry of a table
 * (routes.ts) that gives Fastify its schema and the OpenAPI 3.1 description its path. Bad input:
 * 400 `{ error, field }`; an unknown route or id: 404 JSON.
 *
 * With a configured siteUrl, `jarida serve`'s page cache keeps the answers of the routes that name
 * their cache tags (routes.ts), by path and sorted query string (web/cache.ts pageCacheKey), with
 * these headers; it answers them, and their conditional requests, before Fastify (and so before the
 * rate limit: a cached answer costs what a static file does). Without a siteUrl the links come from
 * the Host header, and nothing is kept.
 */
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebDeps } from '../app.js';
import { pageMeta } from '../http.js';
import { siteOrigin } from '../origin.js';
import { ApiError, apiErrorHandler, useApiValidators } from './common.js';
import { openApiDocument } from './openapi.js';
import type { ContentContext } from './route.js';
import { CONTENT_ROUTES } from './routes.js';

export const CONTENT_API_PREFIX = '/api/v1';

/** How long a client or shared cache may keep an answer without asking again (seconds). */
export const API_MAX_AGE = 30;

/** The CORS headers of every answer: any origin may read it, without credentials. */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset',
  // Its JSON is public: other sites' pages may load it.
  'cross-origin-resource-policy': 'cross-origin',
} as const;

/** The headers of a 200, also as the page cache keeps them. */
const OK_HEADERS = { ...CORS, 'cache-control': `public, max-age=${API_MAX_AGE}` } as const;

/** Registers the content API on the app; `rateLimit`: requests a minute per address (0: none). */
export async function registerContentApi(app: FastifyInstance, web: WebDeps, opts: { rateLimit: number }): Promise<void> {
  await app.register(
    async (scope) => {
      useApiValidators(scope);
      scope.setErrorHandler(apiErrorHandler('content api'));
      if (opts.rateLimit > 0) {
        // fastify-plugin: it applies to this scope's routes, registered after it.
        await scope.register(rateLimit, {
          max: opts.rateLimit,
          timeWindow: 60_000,
          errorResponseBuilder: (_req, c) => new ApiError(429, `rate limit: more than ${c.max} requests a minute from this address; retry in ${c.after}`),
        });
      }
      scope.addHook('onSend', async (req, reply, payload) => {
        reply.headers(CORS);
        const status = reply.statusCode;
        reply.header('cache-control', status < 300 || status === 400 || status === 404 ? OK_HEADERS['cache-control'] : 'no-store');
        // A string: not yet given its ETag by the page hooks (http.ts), which do so for what the page cache may keep.
        if (status !== 200 || typeof payload !== 'string') return payload;
        const etag = `"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`;
        reply.header('etag', etag);
        if (!matches(req.headers['if-none-match'], etag)) return payload;
        reply.code(304).removeHeader('content-type');
        return '';
      });
      // Every other path and method under the prefix: a route of its own, not the not-found handler, as
      // `/api/v1/x` would otherwise be taken by the site's `/:year/:month/:day/` (an HTML 404 page).
      const noSuchEndpoint = async () => {
        throw new ApiError(404, `no such endpoint (see ${CONTENT_API_PREFIX}/openapi.json)`);
      };
      for (const url of ['/', '/*']) scope.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], url, handler: noSuchEndpoint });
      scope.setNotFoundHandler(noSuchEndpoint);
      // A preflight: only GET (and HEAD) are allowed, with the one request header a reader's code sends.
      scope.options('/*', (_req, reply) => reply.code(204).headers({
        'access-control-allow-methods': 'GET, HEAD, OPTIONS',
        'access-control-allow-headers': 'If-None-Match',
        'access-control-max-age': '86400',
      }).send());

      const doc = JSON.stringify(openApiDocument(CONTENT_ROUTES, CONTENT_API_PREFIX, {
        info: {
          title: 'Jarida content API',
          version: '1',
          description: 'What the site shows, as JSON: published articles, the days, the header, sections, tags and sources. ' +
            'No authorisation; any origin may read it (CORS). Answers carry a strong ETag (send If-None-Match for a 304) and ' +
            `Cache-Control: public, max-age=${API_MAX_AGE}. Lists are paged by an opaque cursor (\`next\`), stable while articles are added. ` +
            'Requests are limited per client address (429 with Retry-After beyond).',
        },
        okHeaders: { ETag: 'A strong validator of the body', 'Access-Control-Allow-Origin': 'Always `*`' },
        shared: [
          { status: '304', name: 'NotModified', description: 'The If-None-Match sent names this answer', empty: true },
          { status: '400', name: 'BadRequest', description: 'A bad parameter: `error` says what is wrong, `field` names it' },
          { status: '404', name: 'NotFound', description: 'No such object', when: (r) => r.params !== undefined },
          { status: '429', name: 'TooManyRequests', description: 'Over the rate limit for this address', headers: { 'Retry-After': 'Seconds to wait' } },
        ],
      }));
      scope.get('/openapi.json', (_req, reply) => reply.type('application/json; charset=utf-8').send(doc));

      for (const route of CONTENT_ROUTES) {
        scope.route({
          method: route.method,
          url: route.url,
          schema: { ...(route.params ? { params: route.params } : {}), ...(route.query ? { querystring: route.query } : {}) },
          handler: async (req: FastifyRequest, reply: FastifyReply) => {
            const origin = siteOrigin(web.config, req);
            if (!origin) throw new ApiError(400, 'the Host header is not a host name; no link can be made from it', 'host');
            const ctx: ContentContext = {
              web,
              site: web.config.site,
              now: web.now(),
              params: (req.params ?? {}) as Record<string, string>,
              query: (req.query ?? {}) as Record<string, string | undefined>,
              origin: origin.origin,
            };
            const body = await route.handler(ctx);
            if (route.cacheTags && !origin.fromRequest) pageMeta.set(req.raw, { tags: route.cacheTags(ctx), headers: OK_HEADERS });
            return reply.send(body);
          },
        });
      }
    },
    { prefix: CONTENT_API_PREFIX },
  );
}

/** Returns whether If-None-Match names this ETag (`*`, or in its list; weak comparison, RFC 9110 13.1.2). */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
