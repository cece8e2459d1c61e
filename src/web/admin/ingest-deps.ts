/** What the desk's and the admin API's fetching actions (preview, add, refresh a source) hand to ingestion. */
import type { FastifyBaseLogger } from 'fastify';
import type { IngestDeps } from '../../ingest/refresh.js';
import type { Logger } from '../../log.js';
import type { WebDeps } from '../app.js';

/**
 * Returns what ingestion needs, for one request: the config's private-address allow list, parsing in
 * this thread (an editor's click, not a round), the request's logger. Loads the fetcher and the
 * parsers only now: a web worker that never adds or refreshes a source never does.
 * @example await refreshSourceOnce(await ingestDepsFor(web, req.log), id)
 */
export async function ingestDepsFor(web: WebDeps, log: FastifyBaseLogger): Promise<IngestDeps> {
  const [{ parseAllowList }, { inlineDigester }] = await Promise.all([import('../../ingest/fetch/guard.js'), import('../../ingest/digest.js')]);
  const { store, config } = web;
  // Fastify's request logger is the app's pino logger (or a silent one in tests).
  return { store, config, allow: parseAllowList(config.ingest.allowPrivateAddresses), log: log as unknown as Logger, now: () => web.now(), digester: inlineDigester() };
}
