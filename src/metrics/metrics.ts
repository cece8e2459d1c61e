/**
 * The server's metrics in Prometheus form (prom-client): one `Metrics` per process, made once by the
 * command that serves and passed down to what records into it — the web's hooks (metrics/http.ts),
 * the refresh (ingest/refresh.ts), the store's query log (store/dialect.ts `onQuery`). Nothing here
 * is global: each `Metrics` has its own registry, so tests build as many apps as they like.
 *
 * To add metrics (admission control, …): register them on `metrics.registry` with `jarida_` names,
 * units in the name, labels from a bounded set; `metrics.registry.metrics()` then exposes them.
 */
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AdmissionStats } from '../web/admission.js';
import type { PageCacheStats } from '../web/cache.js';

/** Seconds: from a cached page (~0.1 ms) to a slow render or query. */
const WEB_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: a fetch takes from milliseconds (304) to the total timeout. */
const FETCH_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds: most queries are sub-millisecond on SQLite. */
const QUERY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** A fetch as the refresh reports it: `ok`, `not-modified`, or `error` with the fetch's error kind. */
export interface FetchObservation {
  outcome: 'ok' | 'not-modified' | 'error';
  /** For errors: the FetchError code in short (`http`, `timeout`, `dns` …), `other` for parse and store failures. */
  errorKind?: string;
  seconds: number;
  created: number;
  updated: number;
}

/** Each enabled source's last successful fetch (ISO instant, null: never), as the store has them. */
export type SourceLastSuccess = { sourceId: number; lastSuccessAt: string | null }[];

/**
 * One process's metrics: the registry, and the calls that record into it.
 * @example const metrics = createMetrics(); metrics.request('/:year/', 200, 0.012);
 */
export interface Metrics {
  readonly registry: Registry;
  /** One answered HTTP request: `route` the route pattern (`/:year/`, `cache`, `media`, `unmatched`), never the URL. */
  request(route: string, status: number, seconds: number): void;
  /** One fetch of a source, with the articles it created and updated. */
  fetched(f: FetchObservation): void;
  /** One store query of a kind (`select`, `insert` …); the store's `onQuery` option. */
  query(kind: string, seconds: number): void;
  /** Reads the page cache's counters at each scrape (a process with a page cache calls this once). */
  watchPageCache(stats: () => PageCacheStats): void;
  /** Reads the admission control's counters at each scrape (web/admission.ts). */
  watchAdmission(stats: () => AdmissionStats): void;
  /** Reads the sources' last successful fetches at each scrape, for `jarida_ingest_lag_seconds`. */
  watchIngestLag(read: () => Promise<SourceLastSuccess>, now: () => Date): void;
  /** Returns the text exposition this process answers `/metrics` with (the whole cluster's in a worker: metrics/cluster.ts). */
  expose(): Promise<string>;
}

/**
 * Returns a new Metrics on its own registry; `defaults` (on unless false): process memory, CPU,
 * event-loop lag and GC (prom-client's default metrics). `expose`: where the exposition comes from
 * when not this registry alone (a cluster worker asks the primary).
 */
export function createMetrics(opts: { defaults?: boolean; expose?: () => Promise<string> } = {}): Metrics {
  // An AggregatorRegistry is a Registry that can also answer the cluster primary's requests (cluster.ts).
  const registry: Registry = new AggregatorRegistry();
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const registers = [registry];

  const requests = new Counter({ name: 'jarida_http_requests_total', help: 'HTTP requests answered, by route pattern and status code.', labelNames: ['route', 'status'] as const, registers });
  const duration = new Histogram({ name: 'jarida_http_request_duration_seconds', help: 'Time to answer an HTTP request, by route pattern.', labelNames: ['route'] as const, buckets: WEB_BUCKETS, registers });

  let cacheStats: (() => PageCacheStats) | undefined;
  // A counter kept by what it counts (the page cache, the admission), read at each scrape.
  const readCounter = (name: string, help: string, read: () => number | undefined) =>
    new Counter({
      name, help, registers,
      collect() {
        const value = read();
        if (value === undefined) return;
        this.reset();
        this.inc(value);
      },
    });
  const cacheCounter = (name: string, help: string, pick: (s: PageCacheStats) => number) => readCounter(name, help, () => (cacheStats ? pick(cacheStats()) : undefined));
  const cacheGauge = (name: string, help: string, pick: (s: PageCacheStats) => number) =>
    new Gauge({
      name, help, registers,
      collect() {
        if (cacheStats) this.set(pick(cacheStats()));
      },
    });
  cacheCounter('jarida_page_cache_hits_total', 'Page cache lookups answered with a fresh page.', (s) => s.hits);
  cacheCounter('jarida_page_cache_stale_hits_total', 'Page cache lookups answered with a stale page while it is rendered again.', (s) => s.staleHits);
  cacheCounter('jarida_page_cache_misses_total', 'Page cache lookups that found no page (rendered by the app).', (s) => s.misses);
  cacheGauge('jarida_page_cache_bytes', 'Bytes held by the page cache (bodies and compressed forms).', (s) => s.bytes);
  cacheGauge('jarida_page_cache_entries', 'Pages held by the page cache.', (s) => s.entries);

  let admissionStats: (() => AdmissionStats) | undefined;
  const admissionCounter = (name: string, help: string, pick: (s: AdmissionStats) => number) => readCounter(name, help, () => (admissionStats ? pick(admissionStats()) : undefined));
  admissionCounter('jarida_admission_refused_total', 'Requests answered 503 (Retry-After) because http.maxInFlight were rendering.', (s) => s.refused);
  admissionCounter('jarida_admission_stale_total', 'Requests answered with a stale cached page because http.maxInFlight were rendering.', (s) => s.staleServed);
  new Gauge({
    name: 'jarida_admission_in_flight', help: 'Requests rendering now (pages not in the cache, searches, the content API).', registers,
    collect() {
      if (admissionStats) this.set(admissionStats().inFlight);
    },
  });
  new Gauge({
    name: 'jarida_admission_queued', help: 'Requests waiting for a place to render (http.maxWaitMs at most) now.', registers,
    collect() {
      if (admissionStats) this.set(admissionStats().queued);
    },
  });

  const fetches = new Counter({ name: 'jarida_fetches_total', help: 'Source fetches, by outcome: ok, not-modified, or error-<kind>.', labelNames: ['outcome'] as const, registers });
  const fetchSeconds = new Histogram({ name: 'jarida_fetch_duration_seconds', help: 'Time of a source refresh: fetch, parse and save.', buckets: FETCH_BUCKETS, registers });
  const items = new Counter({ name: 'jarida_items_stored_total', help: 'Articles stored by ingestion, by kind: created or updated.', labelNames: ['kind'] as const, registers });
  const queries = new Histogram({ name: 'jarida_store_query_duration_seconds', help: 'Time of a store query, by statement kind.', labelNames: ['kind'] as const, buckets: QUERY_BUCKETS, registers });

  let lag: { read: () => Promise<SourceLastSuccess>; now: () => Date } | undefined;
  new Gauge({
    name: 'jarida_ingest_lag_seconds',
    help: 'Seconds since each enabled source was last fetched successfully (absent: never).',
    labelNames: ['source'] as const,
    registers,
    aggregator: 'max', // every web worker of a cluster reads the same store
    async collect() {
      if (!lag) return;
      this.reset();
      const now = lag.now().getTime();
      for (const s of await lag.read()) {
        if (s.lastSuccessAt) this.set({ source: String(s.sourceId) }, Math.max(0, (now - Date.parse(s.lastSuccessAt)) / 1000));
      }
    },
  });

  return {
    registry,
    request(route, status, seconds) {
      requests.inc({ route, status: String(status) });
      duration.observe({ route }, seconds);
    },
    fetched(f) {
      fetches.inc({ outcome: f.outcome === 'error' ? `error-${f.errorKind ?? 'other'}` : f.outcome });
      fetchSeconds.observe(f.seconds);
      if (f.created) items.inc({ kind: 'created' }, f.created);
      if (f.updated) items.inc({ kind: 'updated' }, f.updated);
    },
    query(kind, seconds) {
      queries.observe({ kind }, seconds);
    },
    watchPageCache(stats) {
      cacheStats = stats;
    },
    watchAdmission(stats) {
      admissionStats = stats;
    },
    watchIngestLag(read, now) {
      lag = { read, now };
    },
    expose: opts.expose ?? (() => registry.metrics()),
  };
}

/**
 * Returns the short kind of a fetch error for the `outcome` label: the FetchError code without its
 * prefix (`JARIDA_FETCH_TIMEOUT` → `timeout`), `other` for anything else (a parse or store failure).
 * @example fetchErrorKind(Object.assign(new Error(), { code: 'JARIDA_FETCH_HTTP' })) === 'http'
 */
export function fetchErrorKind(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('JARIDA_FETCH_') ? code.slice('JARIDA_FETCH_'.length).toLowerCase().replaceAll('_', '-') : 'other';
}

/** The Content-Type of the text exposition. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
