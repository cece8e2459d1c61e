/**
 * `jarida serve`: migrate, fill an empty store with the demo, then serve the site — in this process
 * (`--workers 1`), or in N worker processes sharing one port (node:cluster). With several workers the
 * primary only watches over them: a setup process migrates and loads the demo first, and stays to run
 * ingestion when `ingest.inServe` asks for it, so the primary loads neither the store nor the web.
 * Each worker has its own page cache (a share of the budget), cleared by the store's change signal,
 * which every process hears (store/changes.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Store } from '../store/db.js';
import type { CommandContext, GlobalOptions } from './context.js';

export type ServeOptions = GlobalOptions & { port?: number; host?: string; workers?: number };

/** What a child process tells the primary. */
type ChildMessage = { type: 'listening'; address: string } | { type: 'ready' } | { type: 'failed'; message: string };

/** The environment variable naming a child's role, and how many web workers share the page cache budget. */
const ROLE_ENV = 'JARIDA_SERVE_ROLE';
const SHARE_ENV = 'JARIDA_SERVE_WORKER_COUNT';
/** Set on the one web worker that pings the WebSub hub (every worker hears every change; one ping is enough). */
const HUB_PINGER_ENV = 'JARIDA_SERVE_HUB_PINGER';

/** SQLite's page cache in a worker (MB): it reads little per page, and the OS caches the file for all workers. */
const WEB_SQLITE_CACHE_MB = 8;

/**
 * How web workers run, unless the operator's NODE_OPTIONS or MALLOC_ARENA_MAX say otherwise:
 * - a 16 MB young generation per semi-space, fixed (what V8 grows to on Node 20; issue 16 measured a
 *   4 MB one: ~25 MB less per worker, but under 64 connections objects of requests in flight were
 *   promoted, the old generation filled at ~45 MB/s and its collections (11–20 ms pauses every
 *   ~2.5 s) doubled the p99 of cached pages, 9–16 ms against 6–8 ms);
 * - V8's garbage collector on the worker's own thread (`--single-threaded-gc`): there is one worker
 *   per core already, so the collector's helper threads only take the cores of the other workers
 *   (and of their search threads), and a young-generation pause waited for helpers not scheduled
 *   (up to 20 ms under the search benchmark's overload; cached p99 35–130 ms against 8–64 ms);
 * - two malloc arenas (glibc's default of 8 per core keeps freed compression buffers resident in
 *   every thread's arena).
 * A flag named in the operator's NODE_OPTIONS or node arguments is left to them (compared by name).
 */
const WEB_NODE_FLAGS = ['--max-semi-space-size=16', '--single-threaded-gc'];
const WEB_MALLOC_ARENAS = '2';

/**
 * A web worker that dies this soon after starting, before the site listens, is not started again (it
 * would only die again); an ingestion process that dies this young is started again only after it.
 */
const MIN_UPTIME_MS = 5000;

/** Starts the site; resolves once it listens; closes cleanly on SIGINT/SIGTERM. */
export async function serveCommand(opts: ServeOptions): Promise<void> {
  if (cluster.isWorker) return process.env[ROLE_ENV] === 'setup' ? serveSetup(opts) : serveWorker(opts);
  const config = loadConfig({ configPath: opts.config });
  // An in-memory SQLite database lives in one process: its workers would each see an empty one.
  const inMemory = /^sqlite:(:memory:)?$/.test(config.databaseUrl);
  const workers = inMemory ? 1 : (opts.workers ?? config.workers);
  return workers > 1 ? servePrimary(opts, config, workers) : serveAlone(opts, config);
}

/** `--workers 1`: setup, the site and ingestion all in this process. */
async function serveAlone(opts: ServeOptions, config: Config): Promise<void> {
  const metrics = await processMetrics();
  const ctx = await prepareStore(opts, config, metrics);
  const web = await startWeb(ctx, opts, config.pageCache.maxBytes, metrics);
  const scrape = await startMetricsListener(config, ctx.log, () => metrics.expose()).catch(async (err: unknown) => {
    await web.close();
    await ctx.store.close();
    throw err;
  });
  process.stdout.write(`Jarida is serving ${ctx.config.site.siteName} at ${web.address}\n`);
  const ingest = await startIngest(ctx, metrics);
  onStopSignal(ctx.log, async () => {
    await ingest.stop();
    await scrape.close();
    await web.close();
    await ctx.store.close();
  });
}

/** The primary of several workers: setup process first, then the web workers; restarts what dies. */
async function servePrimary(opts: ServeOptions, config: Config, count: number): Promise<void> {
  const log = createLogger();
  // The whole server's metrics, gathered from every child (metrics/cluster.ts).
  const { clusterMetrics } = await import('../metrics/cluster.js');
  const gathered = clusterMetrics();
  const setup = await startSetup(log, config.ingest.inServe);
  let web: { address: string; close(): Promise<void> } | undefined;
  let scrape: { close(): Promise<void> };
  try {
    web = await startWorkers(log, count);
    scrape = await startMetricsListener(config, log, gathered.gather);
  } catch (err) {
    await web?.close();
    await setup.close();
    throw err;
  }
  process.stdout.write(`Jarida is serving ${config.site.siteName} at ${web.address}\n`);
  onStopSignal(log, async () => {
    await scrape.close();
    gathered.stop();
    await web!.close();
    await setup.close();
  });
}

/**
 * The setup process of a cluster: migrates, recounts, loads the demo into an empty store, tells the
 * primary, then runs ingestion until told to stop when the config asks for it, else exits.
 */
async function serveSetup(opts: ServeOptions): Promise<void> {
  let ctx: CommandContext;
  const metrics = await processMetrics();
  try {
    ctx = await prepareStore(opts, loadConfig({ configPath: opts.config }), metrics);
  } catch (err) {
    await tell({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  await tell({ type: 'ready' });
  const ingest = await startIngest(ctx, metrics);
  const stop = async () => {
    await ingest.stop();
    await ctx.store.close();
    process.exit(0);
  };
  if (!ctx.config.ingest.inServe) return stop();
  stopWithPrimary(stop);
}

/** In a child: runs `stop` when the primary says so or goes away, or on SIGTERM. */
function stopWithPrimary(stop: () => Promise<void>): void {
  process.on('message', (m: unknown) => {
    if ((m as { type?: string })?.type === 'stop') void stop();
  });
  process.once('disconnect', () => void stop()); // the primary is gone
  process.on('SIGINT', () => {}); // the terminal's Ctrl-C reaches the whole group: the primary decides
  process.on('SIGTERM', () => void stop());
}

/** Sends a message to the primary; resolves once it is sent (a process about to exit must wait for that). */
function tell(m: ChildMessage): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(m, undefined, {}, () => resolve()) : resolve()));
}

/** Opens and migrates the store, recounts days when the time zone moved, re-indexes when the search analysis changed, and fills an empty store with the demo. */
async function prepareStore(opts: ServeOptions, config: Config, metrics: Metrics): Promise<CommandContext> {
  const [{ openContext }, { findPublishedTotal }, { ensureSearchIndexCurrent }] = await Promise.all([
    import('./context.js'), import('../store/day-counts.js'), import('../store/search.js'),
  ]);
  const ctx = await openContext(opts, 'recount', { onQuery: metrics.query }, config);
  const { store, log, now } = ctx;
  const reindexed = await ensureSearchIndexCurrent(store.db);
  if (reindexed) log.info({ from: reindexed.from, articles: reindexed.articles }, 'search: analyser changed, articles re-indexed');
  if (config.demoOnEmpty && (await findPublishedTotal(store.db)) === 0) {
    const [{ loadDemoIfEmpty }, { demoMediaDeps }] = await Promise.all([import('../ingest/demo.js'), import('./context.js')]);
    const n = await loadDemoIfEmpty(store, ctx.config.site, now(), await demoMediaDeps(ctx));
    if (n) log.info({ articles: n }, 'demo: empty store filled with demo content');
  }
  return ctx;
}

/**
 * Runs the ingestion loop in this process when `ingest.inServe` is on; `stop` ends it and its digest
 * workers. Each round reads the site settings again first (languages, time zone).
 */
async function startIngest(ctx: CommandContext, metrics: Metrics): Promise<{ stop(): Promise<void> }> {
  if (!ctx.config.ingest.inServe) return { stop: async () => {} };
  const [{ ingestDepsOf }, { runIngestLoop }] = await Promise.all([import('./context.js'), import('../ingest/schedule.js')]);
  const deps = await ingestDepsOf(ctx, { media: true });
  deps.metrics = metrics;
  const abort = new AbortController();
  const running = runIngestLoop(deps, abort.signal, { beforeRound: () => ctx.settings.reload() });
  ctx.log.info({ concurrency: ctx.config.ingest.concurrency }, 'ingest: running in this process');
  return {
    stop: async () => {
      abort.abort();
      await running;
      await deps.digester.close();
    },
  };
}

/** A web worker: the site on the shared port, until the primary says stop or goes away. */
async function serveWorker(opts: ServeOptions): Promise<void> {
  let web: Awaited<ReturnType<typeof startWeb>> | undefined;
  let store: Store | undefined;
  try {
    const { openContext } = await import('./context.js');
    const metrics = await processMetrics();
    const ctx = await openContext(opts, 'warn', { sqliteCacheMb: WEB_SQLITE_CACHE_MB, onQuery: metrics.query });
    store = ctx.store;
    // The site's page cache budget, shared by its workers.
    web = await startWeb(ctx, opts, Math.floor(ctx.config.pageCache.maxBytes / (Number(process.env[SHARE_ENV]) || 1)), metrics);
  } catch (err) {
    await tell({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  await tell({ type: 'listening', address: web.address });
  const stop = async () => {
    await web!.close();
    await store!.close();
    process.exit(0);
  };
  stopWithPrimary(stop);
}

/**
 * The web tier in this process: page cache of `cacheBytes`, change watcher (which also brings the
 * site settings changed anywhere), app, listening, and the publisher of scheduled articles.
 */
export async function startWeb(
  ctx: CommandContext,
  opts: ServeOptions,
  cacheBytes: number,
  metrics?: Metrics,
): Promise<{ address: string; app: FastifyInstance; close(): Promise<void> }> {
  const { config, log, store, now, settings } = ctx;
  const [{ buildApp }, { invalidationOf, PageCache }, { ChromeCache }, { INSTANCE_ID, watchChanges }, { databaseLabel }] = await Promise.all([
    import('../web/app.js'),
    import('../web/cache.js'),
    import('../web/chrome-cache.js'),
    import('../store/changes.js'),
    import('../store/db.js'),
  ]);
  const cache = config.pageCache.enabled ? new PageCache({ maxBytes: cacheBytes, timeZone: settings.current().timeZone, now }) : undefined;
  const chrome = new ChromeCache();
  // WebSub: the feeds that a change moved are pinged to the hub, from one process (web/feeds/websub-publish.ts).
  const hub = config.websub.hub && (!cluster.isWorker || process.env[HUB_PINGER_ENV] === '1') ? config.websub.hub : null;
  const pinger = hub ? (await import('../web/feeds/websub-publish.js')).startHubPinger({ hub, store, site: () => settings.current(), log }) : undefined;
  // Every committed change, this process's or another's, marks what it touched (web/cache.ts); one
  // naming the site settings brings them (settings/live.ts), and the app then starts its cache again.
  const watching = watchChanges(store, (change) => {
    chrome.changed(); // first: the page cache renders the header counts again from it
    cache?.invalidate(invalidationOf(change));
    settings.heard(change);
    pinger?.notice(change);
  }, { log });
  // Pages cached, or settings read, before we heard changes may miss one.
  void watching.ready.then(() => {
    chrome.changed();
    cache?.invalidate({ all: true });
    settings.heard({ origin: 'unknown', all: true });
  });
  const app = await buildApp({ store, config, now, log, cache, chrome, settings, metrics });
  if (metrics) {
    const { findSourcesLastSuccess } = await import('../store/health.js');
    metrics.watchIngestLag(() => findSourcesLastSuccess(store.db), now);
  }
  const address = await app.listen({ port: opts.port ?? config.port, host: opts.host ?? config.host });
  // Scheduled articles go live on their minute from every serving process (each counted once).
  const { startPublisher } = await import('../web/admin/publisher.js');
  const publisher = startPublisher({ store, now, timeZone: () => settings.current().timeZone, log });
  log.info({ address, database: databaseLabel(config.databaseUrl), instance: INSTANCE_ID, pageCacheMb: cache ? +(cache.maxBytes / 1048576).toFixed(1) : 0 }, 'web: listening'); // no password in logs
  return {
    address,
    app,
    close: async () => {
      await publisher.stop();
      await app.close();
      await watching();
      await pinger?.stop();
    },
  };
}

/**
 * Forks the setup process and resolves once the store is ready. One that stays for ingestion and
 * dies later is started again (it migrates nothing the second time); after a young death, only once
 * MIN_UPTIME_MS has passed, so a crash at start does not loop hot.
 */
async function startSetup(log: Logger, staysForIngest: boolean): Promise<{ close(): Promise<void> }> {
  let stopping = false;
  let child: Worker | undefined;
  let again: NodeJS.Timeout | undefined;
  const fork = () =>
    new Promise<void>((resolve, reject) => {
      cluster.setupPrimary({ execArgv: process.execArgv });
      const w = (child = cluster.fork({ [ROLE_ENV]: 'setup' }));
      const born = Date.now();
      let ready = false;
      w.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') {
          ready = true;
          resolve();
        } else if (m.type === 'failed') reject(new Error(m.message)); // the store's own words: `store: cannot connect …`
      });
      w.on('exit', (code, signal) => {
        if (!ready) return reject(new Error(`serve: the setup process exited before the store was ready (${signal ?? code})`));
        if (stopping || !staysForIngest) return;
        const wait = Math.max(0, MIN_UPTIME_MS - (Date.now() - born));
        log.error({ pid: w.process.pid, code, signal, restartInMs: wait }, 'ingest: the ingestion process died; starting another');
        again = setTimeout(() => void fork().catch((err: Error) => log.error({ err: err.message }, 'ingest: could not start it again')), wait);
      });
    });
  await fork();
  return {
    close: async () => {
      stopping = true;
      clearTimeout(again);
      if (child && !child.isDead()) await stopChildren([child]);
    },
  };
}

/**
 * Forks the web workers and resolves once all listen. A worker that dies later is started again,
 * unless it died young (a broken config or database would only loop): then the primary stops with its error.
 */
async function startWorkers(log: Logger, count: number): Promise<{ address: string; close(): Promise<void> }> {
  let stopping = false;
  const started = new Map<Worker, number>();
  let address: string | undefined;
  let resolveAll!: (a: string) => void;
  let rejectAll!: (e: Error) => void;
  const allListening = new Promise<string>((res, rej) => ((resolveAll = res), (rejectAll = rej)));
  let listening = 0;

  const fork = (pingsHub: boolean) => {
    cluster.setupPrimary({ execArgv: webExecArgv() });
    const w = cluster.fork({ JARIDA_WORKERS: '1', [SHARE_ENV]: String(count), MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? WEB_MALLOC_ARENAS, ...(pingsHub ? { [HUB_PINGER_ENV]: '1' } : {}) });
    started.set(w, Date.now());
    w.on('message', (m: ChildMessage) => {
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
      fork(pingsHub);
    });
  };
  for (let i = 0; i < count; i++) fork(i === 0);
  const stopAll = async () => {
    stopping = true;
    await stopChildren([...started.keys()]);
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

/**
 * Returns this process's metrics (metrics/), made once. In a cluster child they are also read by the
 * primary, and `/metrics` asks the primary for the whole cluster's.
 */
async function processMetrics(): Promise<Metrics> {
  const [{ createMetrics }, { answerPrimary }] = await Promise.all([import('../metrics/metrics.js'), import('../metrics/cluster.js')]);
  if (!cluster.isWorker) return createMetrics();
  let ask: () => Promise<string> = async () => '';
  const metrics = createMetrics({ expose: () => ask() });
  ask = answerPrimary(metrics);
  return metrics;
}

/** Starts the metrics' own listener when `metrics.listen` asks for one; else a no-op to close. */
async function startMetricsListener(config: Config, log: Logger, gather: () => Promise<string>): Promise<{ close(): Promise<void> }> {
  if (!config.metrics.listen) return { close: async () => {} };
  const { startMetricsServer } = await import('../metrics/server.js');
  const server = await startMetricsServer(config.metrics.listen, gather, log);
  process.stdout.write(`Metrics: ${server.address}/metrics\n`);
  return server;
}

/** Returns this process's Node flags plus the web workers' own, unless the operator set those already. */
export function webExecArgv(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  const name = (flag: string) => flag.split('=')[0]!.replaceAll('_', '-');
  return [...execArgv, ...WEB_NODE_FLAGS.filter((f) => !given.some((g) => name(g) === name(f)))];
}

/** Asks children to stop, and waits until they exit (killing those still there after 10 s). */
async function stopChildren(children: Worker[]): Promise<void> {
  const exits = children.map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r()))));
  for (const w of children) if (w.isConnected()) w.send({ type: 'stop' });
  const timer = setTimeout(() => children.forEach((w) => w.isDead() || w.kill('SIGKILL')), 10_000);
  await Promise.all(exits);
  clearTimeout(timer);
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
