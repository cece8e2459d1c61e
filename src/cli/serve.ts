/**
 * `jarida serve`: migrate, fill an empty store with the demo, then serve the site — in this process
 * (`--workers 1`), or in N worker processes sharing one port (node:cluster) while this one, the
 * primary, runs ingestion and watches over them. Each worker has its own page cache, cleared by the
 * store's change signal, which every process hears (store/changes.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { INSTANCE_ID, watchChanges } from '../store/changes.js';
import { findPublishedTotal } from '../store/day-counts.js';
import { databaseLabel, type Store } from '../store/db.js';
import { ingestDepsOf, openContext, type GlobalOptions } from './context.js';

export type ServeOptions = GlobalOptions & { port?: number; host?: string; workers?: number };

/** What a worker tells the primary. */
type WorkerMessage = { type: 'listening'; address: string } | { type: 'failed'; message: string };

/** SQLite's page cache in a worker (MB): it reads little per page, and the OS caches the file for all workers. */
const WEB_SQLITE_CACHE_MB = 16;

/** A worker that dies this soon after starting is not started again (it would only die again). */
const MIN_UPTIME_MS = 5000;

/** Starts the site; resolves once it listens; closes cleanly on SIGINT/SIGTERM. */
export async function serveCommand(opts: ServeOptions): Promise<void> {
  if (cluster.isWorker) return serveWorker(opts);
  const ctx = await openContext(opts, 'recount');
  const { config, log, store, now } = ctx;
  // Modules load as needed: the primary of several workers loads neither the web nor the parsers.
  if (config.demoOnEmpty && (await findPublishedTotal(store.db)) === 0) {
    const { loadDemoIfEmpty } = await import('../ingest/demo.js');
    const n = await loadDemoIfEmpty(store, config.site, now());
    if (n) log.info({ articles: n }, 'demo: empty store filled with demo content');
  }
  // An in-memory SQLite database lives in one process: its workers would each see an empty one.
  const inMemory = /^sqlite:(:memory:)?$/.test(config.databaseUrl);
  const workers = inMemory ? 1 : (opts.workers ?? config.workers);
  const web = workers > 1 ? await startWorkers(ctx, opts, workers) : await startWeb(ctx, opts);
  process.stdout.write(`Jarida is serving ${config.site.siteName} at ${web.address}\n`);
  const ingestStop = new AbortController();
  const ingestDeps = config.ingest.inServe ? await ingestDepsOf(ctx) : null;
  const ingesting = ingestDeps ? import('../ingest/schedule.js').then((m) => m.runIngestLoop(ingestDeps, ingestStop.signal)) : Promise.resolve();
  if (ingestDeps) log.info({ concurrency: config.ingest.concurrency }, 'ingest: running in this process');
  onStopSignal(log, async () => {
    ingestStop.abort();
    await web.close();
    await ingesting;
    await ingestDeps?.digester.close();
    await store.close();
  });
}

/** A worker process: the site on the shared port, until the primary says stop or goes away. */
async function serveWorker(opts: ServeOptions): Promise<void> {
  let web: Awaited<ReturnType<typeof startWeb>> | undefined;
  let ctx: Awaited<ReturnType<typeof openContext>> | undefined;
  const tell = (m: WorkerMessage) => process.send?.(m);
  try {
    ctx = await openContext(opts, 'warn', { sqliteCacheMb: WEB_SQLITE_CACHE_MB });
    web = await startWeb(ctx, opts);
  } catch (err) {
    tell({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  tell({ type: 'listening', address: web.address });
  const stop = async () => {
    await web!.close();
    await ctx!.store.close();
    process.exit(0);
  };
  process.on('message', (m: unknown) => {
    if ((m as { type?: string })?.type === 'stop') void stop();
  });
  process.once('disconnect', () => void stop()); // the primary is gone
  process.on('SIGINT', () => {}); // the terminal's Ctrl-C reaches the whole group: the primary decides
  process.on('SIGTERM', () => void stop());
}

/** The web tier in this process: page cache, change watcher, app, listening. */
async function startWeb(
  ctx: { config: Config; log: Logger; store: Store; now: () => Date },
  opts: ServeOptions,
): Promise<{ address: string; app: FastifyInstance; close(): Promise<void> }> {
  const { config, log, store, now } = ctx;
  const [{ buildApp }, { invalidationOf, PageCache }] = await Promise.all([import('../web/app.js'), import('../web/cache.js')]);
  const cache = config.pageCache.enabled ? new PageCache({ maxBytes: config.pageCache.maxBytes, timeZone: config.site.timeZone, now }) : undefined;
  // Every committed change, this process's or another's, marks what it touched (web/cache.ts).
  const watching = cache ? watchChanges(store, (change) => cache.invalidate(invalidationOf(change)), { log }) : undefined;
  void watching?.ready.then(() => cache?.invalidate({ all: true })); // pages cached before we heard changes may miss one
  const app = await buildApp({ store, config, now, log, cache });
  const address = await app.listen({ port: opts.port ?? config.port, host: opts.host ?? config.host });
  log.info({ address, database: databaseLabel(config.databaseUrl), instance: INSTANCE_ID, pageCacheMb: cache ? cache.maxBytes / 1048576 : 0 }, 'web: listening'); // no password in logs
  return {
    address,
    app,
    close: async () => {
      await app.close();
      await watching?.();
    },
  };
}

/**
 * Forks the workers and resolves once all listen. A worker that dies later is started again, unless
 * it died young (a broken config or database would only loop): then the primary stops with its error.
 */
async function startWorkers(
  ctx: { config: Config; log: Logger },
  opts: ServeOptions,
  count: number,
): Promise<{ address: string; close(): Promise<void> }> {
  const { log } = ctx;
  let stopping = false;
  const started = new Map<Worker, number>();
  let address: string | undefined;
  let resolveAll!: (a: string) => void;
  let rejectAll!: (e: Error) => void;
  const allListening = new Promise<string>((res, rej) => ((resolveAll = res), (rejectAll = rej)));
  let listening = 0;

  const fork = () => {
    const w = cluster.fork({ JARIDA_WORKERS: '1' });
    started.set(w, Date.now());
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'listening') {
        address = m.address;
        if (++listening === count) resolveAll(m.address);
      } else if (m.type === 'failed') {
        rejectAll(new Error(`serve: a worker could not start: ${m.message}`));
      }
    });
    w.on('exit', (code, signal) => {
      const age = Date.now() - (started.get(w) ?? 0);
      started.delete(w);
      if (stopping) return;
      if (age < MIN_UPTIME_MS && address === undefined) return rejectAll(new Error(`serve: a worker exited at start (${signal ?? code})`));
      log.error({ pid: w.process.pid, code, signal }, 'web: a worker died; starting another');
      fork();
    });
  };
  for (let i = 0; i < count; i++) fork();
  const stopAll = async () => {
    stopping = true;
    const exits = [...started.keys()].map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r()))));
    for (const w of started.keys()) if (w.isConnected()) w.send({ type: 'stop' });
    const timer = setTimeout(() => started.forEach((_t, w) => w.kill('SIGKILL')), 10_000);
    await Promise.all(exits);
    clearTimeout(timer);
  };
  try {
    await allListening;
  } catch (err) {
    await stopAll();
    throw err;
  }
  log.info({ workers: count, address }, 'web: all workers listening');
  return { address: address!, close: stopAll };
}

/** Runs `stop` once on SIGINT or SIGTERM, then exits. */
function onStopSignal(log: Logger, stop: () => Promise<void>): void {
  const once = async (signal: string) => {
    log.info({ signal }, 'web: shutting down');
    await stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void once('SIGINT'));
  process.once('SIGTERM', () => void once('SIGTERM'));
}
