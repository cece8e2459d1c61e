/** `jarida serve`: migrate, fill an empty store with the demo, then serve the site. */
import { loadDemoIfEmpty } from '../ingest/demo.js';
import { buildApp } from '../web/app.js';
import { openContext, type GlobalOptions } from './context.js';

/** Starts the web server; resolves once it listens, closes cleanly on SIGINT/SIGTERM. */
export async function serveCommand(opts: GlobalOptions & { port?: number; host?: string }): Promise<void> {
  const { config, log, store, now } = await openContext(opts, 'recount');
  if (config.demoOnEmpty) {
    const n = await loadDemoIfEmpty(store, config.site, now());
    if (n) log.info({ articles: n }, 'demo: empty store filled with demo content');
  }
  const app = await buildApp({ store, config, now, log });
  const port = opts.port ?? config.port;
  const host = opts.host ?? config.host;
  const address = await app.listen({ port, host });
  log.info({ address, database: config.databaseUrl }, 'web: listening');
  process.stdout.write(`Jarida is serving ${config.site.siteName} at ${address}\n`);
  const stop = async (signal: string) => {
    log.info({ signal }, 'web: shutting down');
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
