/** `jarida serve`: migrate, fill an empty store with the demo, then serve the site. */
import { loadDemoIfEmpty } from '../ingest/demo.js';
import { runIngestLoop } from '../ingest/schedule.js';
import { INSTANCE_ID, watchChanges } from '../store/changes.js';
import { databaseLabel } from '../store/db.js';
import { buildApp } from '../web/app.js';
import { PageCache } from '../web/cache.js';
import { ingestDepsOf, openContext, type GlobalOptions } from './context.js';

/** Starts the web server; resolves once it listens, closes cleanly on SIGINT/SIGTERM. */
export async function serveCommand(opts: GlobalOptions & { port?: number; host?: string }): Promise<void> {
  const ctx = await openContext(opts, 'recount');
  const { config, log, store, now } = ctx;
  if (config.demoOnEmpty) {
    const n = await loadDemoIfEmpty(store, config.site, now());
    if (n) log.info({ articles: n }, 'demo: empty store filled with demo content');
  }
  // Emptied by every committed change, this process's or another's (store/changes.ts).
  const cache = config.pageCache.enabled ? new PageCache({ maxBytes: config.pageCache.maxBytes, timeZone: config.site.timeZone, now }) : undefined;
  const watching = cache ? watchChanges(store, () => cache.clear(), { log }) : undefined;
  void watching?.ready.then(() => cache?.clear()); // pages cached before we listened may miss a change
  const app = await buildApp({ store, config, now, log, cache });
  const port = opts.port ?? config.port;
  const host = opts.host ?? config.host;
  const address = await app.listen({ port, host });
  log.info({ address, database: databaseLabel(config.databaseUrl), instance: INSTANCE_ID, pageCacheMb: cache ? cache.maxBytes / 1048576 : 0 }, 'web: listening'); // no password in logs
  process.stdout.write(`Jarida is serving ${config.site.siteName} at ${address}\n`);
  const ingestStop = new AbortController();
  const ingestDeps = config.ingest.inServe ? ingestDepsOf(ctx) : null;
  const ingesting = ingestDeps ? runIngestLoop(ingestDeps, ingestStop.signal) : Promise.resolve();
  if (config.ingest.inServe) log.info({ concurrency: config.ingest.concurrency }, 'ingest: running in this process');
  const stop = async (signal: string) => {
    log.info({ signal }, 'web: shutting down');
    ingestStop.abort();
    await app.close();
    await watching?.();
    await ingesting;
    await ingestDeps?.digester.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
