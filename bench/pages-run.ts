/**
 * One mode of the page benchmark: starts `jarida serve` (page cache off for cold, on for warm),
 * fetches each page once, fills the cache (warm), starts the raw server with the same bytes and
 * process count, then measures every page × connections cell with wrk on both, Jarida first.
 */
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { fetchBare, freePort, log, fmt, mb, startChild, startServer, stopChild, stopServer, treeMemory, type Fetched, type TreeMemory } from './lib.js';
import type { RawInit } from './raw-server.js';
import type { PageName, Targets } from './pages-targets.js';
import { runWrk, type WrkResult } from './wrk.js';

const RAW_SERVER_JS = fileURLToPath(new URL('./raw-server.js', import.meta.url));
const WARMUP_SECONDS = 1;
const WRK_TIMEOUT_SECONDS = 10;
/** The cache is filled with distinct pages until their bytes reach this many times its budget. */
const CACHE_FILL_FACTOR = 1.25;
const FILL_LANES = 8;
/** The cache fill stops here even when short of its bytes (a slow cold server). */
const FILL_MAX_SECONDS = 180;

/** What runMode needs. */
export interface ModeContext {
  mainJs: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  script: string;
  targets: Targets;
  cacheBytes: number;
  workers: number | null;
  threads: number;
  duration: number;
  connections: number[];
}

/** One page × connections cell: Jarida's and the raw server's numbers (null when that run failed). */
export interface Cell {
  page: PageName;
  connections: number;
  jarida: WrkResult | null;
  raw: WrkResult | null;
}

/** A measured page as Jarida answered it once; `skipped` says why it has no cells. */
export interface PageSeen {
  name: PageName;
  path: string;
  status: number;
  bytes: number;
  skipped?: string;
}

/** Everything one mode measured. */
export interface ModeResult {
  mode: 'cold' | 'warm';
  startSeconds: number;
  pages: PageSeen[];
  cells: Cell[];
  /** Largest sum of VmRSS over Jarida's processes, sampled every 250 ms. */
  peakRss: number;
  /** Peak of the summed proportional set size (TreeMemory.pssTotal), sampled with peakRss. */
  peakPss: number;
  /** Jarida's process tree at the end of the mode (VmHWM: each process's own peak). */
  memory: TreeMemory | null;
  /** Processes serving: one, or a cluster primary and its workers. */
  jaridaProcesses: number;
  rawProcesses: number;
  /** The raw server's process tree at the end, for scale. */
  rawMemory: TreeMemory | null;
  cacheFill: { pages: number; bytes: number; seconds: number; perProcess: number } | null;
  /** Non-2xx/3xx responses, socket errors and failed steps. */
  failures: string[];
}

/** Runs one mode and returns its numbers; failures are recorded, not thrown, once Jarida is up. */
export async function runMode(mode: 'cold' | 'warm', c: ModeContext): Promise<ModeResult> {
  const port = await freePort();
  const args = [c.mainJs, 'serve', '--port', String(port), '--host', '127.0.0.1', ...(c.workers ? ['--workers', String(c.workers)] : [])];
  log(`${mode}: node ${args.join(' ')} (JARIDA_PAGE_CACHE=${c.env.JARIDA_PAGE_CACHE})`);
  const t0 = performance.now();
  const jarida = await startServer(process.execPath, args, { name: `jarida ${mode}`, ready: /Jarida is serving .* at http:\/\//, env: c.env, cwd: c.cwd });
  const r: ModeResult = { mode, startSeconds: (performance.now() - t0) / 1000, pages: [], cells: [], peakRss: 0, peakPss: 0, memory: null, jaridaProcesses: 0, rawProcesses: 0, rawMemory: null, cacheFill: null, failures: [] };
  log(`${mode}: ready in ${fmt(r.startSeconds, 1)} s`);
  const sampler = setInterval(() => {
    const m = treeMemory(jarida.pid);
    r.peakRss = Math.max(r.peakRss, m?.rssTotal ?? 0);
    r.peakPss = Math.max(r.peakPss, m?.pssTotal ?? 0);
  }, 250);
  let raw: ChildProcess | null = null;
  try {
    const base = `http://127.0.0.1:${port}`;
    const fetched = await fetchPages(base, c.targets, r);
    // One process, or a cluster primary and its workers: the raw server runs the same.
    r.jaridaProcesses = treeMemory(jarida.pid)?.processes ?? 1;
    const servers = r.jaridaProcesses > 1 ? r.jaridaProcesses - 1 : 0;
    // The budget is the site's, shared by its workers (serve.ts): each worker's cache fills at its share.
    if (mode === 'warm') r.cacheFill = await fillCache(base, c.targets.fillPaths, c.cacheBytes / Math.max(1, servers), Math.max(1, servers));
    const rawPort = await freePort();
    const init: RawInit = { port: rawPort, workers: servers, pages: [...fetched].map(([p, f]) => ({ path: p.path, status: f.status, headers: f.headers, body: f.body.toString('base64') })) };
    raw = (await startChild(RAW_SERVER_JS, [], 'raw server', init)).child;
    r.rawProcesses = treeMemory(raw.pid)?.processes ?? 0;
    const rawBase = `http://127.0.0.1:${rawPort}`;
    await checkSameBytes(rawBase, fetched);
    for (const [page] of fetched) {
      for (const connections of c.connections) {
        const cell: Cell = { page: page.name, connections, jarida: null, raw: null };
        cell.jarida = await measureCell(`${mode} ${page.name} ${connections}c jarida`, base + page.path, connections, c, r.failures, jarida.pid);
        cell.raw = await measureCell(`${mode} ${page.name} ${connections}c raw`, rawBase + page.path, connections, c, r.failures, raw.pid);
        r.cells.push(cell);
      }
    }
    r.memory = treeMemory(jarida.pid);
    r.rawMemory = treeMemory(raw.pid);
  } catch (err) {
    r.failures.push(`${mode}: ${(err as Error).message}`);
    log(`${mode}: FAILED: ${(err as Error).stack ?? String(err)}`);
  } finally {
    clearInterval(sampler);
    await stopServer(jarida);
    if (raw) await stopChild(raw);
  }
  return r;
}

/** Fetches each page once as wrk would; a 404 feed is "n/a", any other status over 399 a failure. */
async function fetchPages(base: string, targets: Targets, r: ModeResult): Promise<Map<{ name: PageName; path: string }, Fetched>> {
  const fetched = new Map<{ name: PageName; path: string }, Fetched>();
  for (const p of targets.pages) {
    const f = await fetchBare(base + p.path);
    const seen: PageSeen = { ...p, status: f.status, bytes: f.body.length };
    if (p.name === 'feed' && f.status === 404) seen.skipped = 'n/a (404: no feed yet)';
    else if (f.status < 200 || f.status >= 400) {
      seen.skipped = `failed: status ${f.status}`;
      r.failures.push(`${r.mode} ${p.name} ${p.path}: status ${f.status} (${f.body.toString('utf8', 0, 200)})`);
    } else fetched.set(p, f);
    log(`${r.mode} ${p.name} ${p.path}: ${f.status}, ${fmt(f.body.length)} bytes${seen.skipped ? ` — ${seen.skipped}` : ''}`);
    r.pages.push(seen);
  }
  return fetched;
}

/**
 * Fills every serving process's page cache: distinct pages, each on `2 × servers` new connections
 * (the cluster deals connections to workers in turn), until their bytes reach CACHE_FILL_FACTOR ×
 * the budget.
 */
async function fillCache(base: string, paths: readonly string[], budget: number, servers: number): Promise<{ pages: number; bytes: number; seconds: number; perProcess: number }> {
  const t0 = performance.now();
  let next = 0;
  let bytes = 0;
  let pages = 0;
  const lane = async () => {
    while (bytes < budget * CACHE_FILL_FACTOR && next < paths.length && performance.now() - t0 < FILL_MAX_SECONDS * 1000) {
      const path = paths[next++]!;
      for (let i = 0; i < 2 * servers; i++) {
        // The first as wrk asks (its bytes are counted), the others as browsers ask.
        const f = await fetchBare(base + path, i === 0 ? {} : { 'accept-encoding': 'br, gzip' });
        if (i === 0 && f.status === 200) {
          bytes += f.body.length;
          pages++;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: FILL_LANES }, lane));
  const seconds = (performance.now() - t0) / 1000;
  log(`warm: cache filled with ${fmt(pages)} pages, ${mb(bytes)} uncompressed (budget ${mb(budget)} per process) in ${fmt(seconds, 1)} s`);
  if (bytes < budget) log(`warm: WARNING: only ${mb(bytes)} of pages to fill a ${mb(budget)} cache`);
  return { pages, bytes, seconds, perProcess: budget };
}

/** Throws unless the raw server answers every page with Jarida's status, content-type and bytes. */
async function checkSameBytes(rawBase: string, fetched: Map<{ name: PageName; path: string }, Fetched>): Promise<void> {
  for (const [p, want] of fetched) {
    const f = await fetchBare(rawBase + p.path);
    if (f.status !== want.status || f.headers['content-type'] !== want.headers['content-type'] || !f.body.equals(want.body)) {
      throw new Error(`raw server ${p.path}: does not answer Jarida's bytes (status ${f.status}, ${f.body.length} bytes)`);
    }
  }
}

/** Runs wrk for the warm-up, then for the measured duration (the CPU `pid`'s process tree used meanwhile); records bad statuses and socket errors. */
async function measureCell(label: string, url: string, connections: number, c: ModeContext, failures: string[], pid: number | undefined): Promise<WrkResult | null> {
  const o = { script: c.script, connections, threads: c.threads, timeout: WRK_TIMEOUT_SECONDS };
  try {
    const warm = await runWrk(url, { ...o, duration: WARMUP_SECONDS });
    const m = await runWrk(url, { ...o, duration: c.duration, ...(pid ? { cpuOf: pid } : {}) });
    log(`${label}: ${fmt(m.rps)} req/s, p50 ${fmt(m.p50, 2)} p99 ${fmt(m.p99, 2)} p99.9 ${fmt(m.p999, 2)} ms`);
    const bad = warm.badStatus + m.badStatus;
    const errors = warm.socketErrors + m.socketErrors;
    if (bad || errors) failures.push(`${label}: ${bad} responses not 2xx/3xx, ${errors} socket errors`);
    return m;
  } catch (err) {
    failures.push(`${label}: ${(err as Error).message}`);
    log(`${label}: FAILED: ${(err as Error).message}`);
    return null;
  }
}
