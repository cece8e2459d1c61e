/**
 * The web's side of the metrics: every answer counted by route pattern and status with its time —
 * those Fastify makes (an onResponse hook) and those the fronts make before Fastify sees the request
 * (cached pages, `route="cache"`; media files, `route="media"`) — and `/metrics` on the site, behind
 * a bearer token. With `metrics.listen` the metrics are only on that address (server.ts) and the
 * site's `/metrics` is 404; with neither, 404 too: metrics are never public by default.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { MetricsSettings } from '../config.js';
import { MEDIA_PREFIX } from '../media/serve.js';
import { METRICS_CONTENT_TYPE, type Metrics } from './metrics.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Returns the web tier's metric hooks: `register(app)` adds the onResponse hook and `/metrics`;
 * `front(handler)` wraps the server's handler to count what is answered in front of Fastify.
 * @example const web = webMetrics(metrics, config.metrics); web.register(app); createServer(web.front(handler));
 */
export function webMetrics(metrics: Metrics, settings: MetricsSettings): { register(app: FastifyInstance): void; front(next: Handler): Handler } {
  // Requests Fastify took (it counts them when answered); the rest were answered in front of it.
  const seen = new WeakSet<IncomingMessage>();
  return {
    register(app) {
      app.addHook('onRequest', (req, _reply, done) => {
        seen.add(req.raw);
        done();
      });
      app.addHook('onResponse', (req, reply, done) => {
        metrics.request(req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
        done();
      });
      app.get('/metrics', async (req, reply) => {
        if (settings.listen || !settings.token) return reply.callNotFound();
        reply.header('cache-control', 'no-store');
        if (!bearerMatches(req.headers.authorization, settings.token)) {
          return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain; charset=utf-8').send('401: metrics need Authorization: Bearer <metrics.token>\n');
        }
        return reply.type(METRICS_CONTENT_TYPE).send(await metrics.expose());
      });
    },
    front(next) {
      const count = (req: IncomingMessage, res: ServerResponse, started: number) => {
        if (seen.has(req)) return;
        metrics.request(frontRoute(req.url, res.statusCode), res.statusCode, (performance.now() - started) / 1000);
      };
      return (req, res) => {
        const started = performance.now();
        next(req, res);
        // Answered before `next` returned — a cached page or a media file from memory, the common case —
        // counted now: a 'finish' listener on every request took ~3 µs of a cache hit's ~27 (one process, wrk).
        if (res.writableEnded) count(req, res, started);
        else if (!seen.has(req)) res.once('finish', () => count(req, res, started)); // Fastify's own are counted by its hook
      };
    },
  };
}

/**
 * Returns the route label of an answer made in front of Fastify: a media file, a cached page (200 or
 * 304), else `unmatched` (a malformed URL Fastify refused before its hooks, a cached page that failed).
 */
function frontRoute(url: string | undefined, status: number): string {
  if (url?.startsWith(MEDIA_PREFIX)) return 'media';
  return status === 200 || status === 304 ? 'cache' : 'unmatched';
}

/** Returns whether an Authorization header carries exactly `Bearer <token>`, compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}
