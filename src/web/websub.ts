/**
 * The WebSub callback routes (`/websub/callback/<token>`): a hub's verification of intent (GET) and
 * its pushes (POST), mapped to ingest/websub/callback.ts. Any body type is taken as bytes, up to
 * `fetch.maxMegabytes`; pushes per subscription are bounded (PUSHES_PER_MINUTE, then 429).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createLogger, type Logger } from '../log.js';
import { inlineDigester } from '../ingest/digest.js';
import { parseAllowList } from '../ingest/fetch/guard.js';
import { receivePush, verifyIntent, type CallbackAnswer } from '../ingest/websub/callback.js';
import type { WebDeps } from './app.js';

/** Pushes one subscription may make in a minute, per serving process; more are answered 429. */
export const PUSHES_PER_MINUTE = 30;

/** Registers the callback routes on the app (in their own scope: they read every body as bytes). */
export function registerWebSubCallback(app: FastifyInstance, deps: WebDeps, log: Logger | undefined): void {
  const digester = inlineDigester(); // a push is one small feed: parsed in the request's thread
  const quiet = log ?? createLogger('silent');
  const recent = new Map<string, number[]>();
  const ingestDeps = () => ({ store: deps.store, config: deps.config, now: deps.now, log: quiet, allow: parseAllowList(deps.config.ingest.allowPrivateAddresses), digester });

  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    scope.get<{ Params: { token: string }; Querystring: Record<string, unknown> }>('/websub/callback/:token', async (req, reply) => {
      const q = req.query;
      return answer(reply, await verifyIntent(ingestDeps(), req.params.token, {
        mode: q['hub.mode'], topic: q['hub.topic'], challenge: q['hub.challenge'], leaseSeconds: q['hub.lease_seconds'], reason: q['hub.reason'],
      }));
    });

    scope.post<{ Params: { token: string } }>('/websub/callback/:token', { bodyLimit: deps.config.ingest.maxBytes }, async (req, reply) => {
      const { token } = req.params;
      if (!withinRate(recent, token, Date.now())) {
        reply.header('retry-after', '60');
        return answer(reply, { status: 429, body: 'too many pushes\n' });
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signature = req.headers['x-hub-signature'];
      const out = await receivePush(ingestDeps(), token, {
        body, contentType: req.headers['content-type'] ?? null, signature: typeof signature === 'string' ? signature : null,
      });
      return answer(reply, out);
    });
  });
}

function answer(reply: FastifyReply, a: CallbackAnswer) {
  return reply.code(a.status).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(a.body);
}

/** Returns true (and counts it) when the token has made fewer than PUSHES_PER_MINUTE pushes in the last minute. */
function withinRate(recent: Map<string, number[]>, token: string, now: number): boolean {
  const times = (recent.get(token) ?? []).filter((t) => t > now - 60_000);
  if (times.length >= PUSHES_PER_MINUTE) return false;
  times.push(now);
  recent.set(token, times);
  // Unknown tokens are answered 410 at once; the map keeps at most a minute of them.
  if (recent.size > 10_000) for (const [k, v] of recent) if (!v.some((t) => t > now - 60_000)) recent.delete(k);
  return true;
}
