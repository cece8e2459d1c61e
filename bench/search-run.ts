/**
 * The search benchmark's runs on a real `jarida serve`: cold searches (page cache off) cycling the
 * query mix at each connection count beside a raw node:http server sending the same bytes, each query
 * kind alone at one connection, and the overload — cold searches and cached pages at once, with
 * admission control on and off.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { parseConfig } from '../src/config.js';
import { fetchBare, fmt, freePort, log, startChild, startServer, stopChild, stopServer, treeMemory, type Fetched } from './lib.js';
import type { RawInit } from './raw-server.js';
import { QUERY_KINDS, type MixQuery, type QueryKind } from './search-mix.js';
import { runWrk, writeWrkPathsScript, type WrkResult } from './wrk.js';

const RAW_SERVER_JS = fileURLToPath(new URL('./raw-server.js', import.meta.url));
const WARMUP_SECONDS = 1;
const WRK_TIMEOUT_SECONDS = 10;

/** What every run needs. */
export interface RunContext {
  mainJs: string;
  /** benchServeEnv(): page cache and admission are set per run. */
  env: NodeJS.ProcessEnv;
  /** An empty folder: serve's cwd and the wrk scripts. */
  dir: string;
  workers: number | null;
  threads: number;
  duration: number;
}

/** Jarida's and the raw server's numbers at one connection count (null: that run failed). */
export interface ColdCell {
  connections: number;
  jarida: WrkResult | null;
  raw: WrkResult | null;
}

/** Everything the cold run measured. */
export interface ColdResult {
  /** Each query as Jarida answered it once. */
  answers: { path: string; status: number; bytes: number }[];
  cells: ColdCell[];
  /** Each kind's queries alone at one connection. */
  kinds: { kind: QueryKind; queries: number; seconds: number; result: WrkResult | null }[];
  jaridaProcesses: number;
  rawProcesses: number;
  failures: string[];
}

/** Runs the cold cells and the per-kind cells; failures are recorded, not thrown, once Jarida is up. */
export async function runCold(mix: readonly MixQuery[], connections: readonly number[], c: RunContext): Promise<ColdResult> {
  const r: ColdResult = { answers: [], cells: [], kinds: [], jaridaProcesses: 0, rawProcesses: 0, failures: [] };
  const jarida = await startJarida('cold', { ...c.env, JARIDA_PAGE_CACHE: '0' }, c);
  let raw: ChildProcess | null = null;
  try {
    const fetched = new Map<string, Fetched>();
    for (const q of mix) {
      const f = await fetchBare(jarida.base + q.path);
      r.answers.push({ path: q.path, status: f.status, bytes: f.body.length });
      if (f.status === 200) fetched.set(q.path, f);
      else r.failures.push(`cold ${q.kind} ${q.path}: status ${f.status} (${f.body.toString('utf8', 0, 200)})`);
    }
    const paths = [...fetched.keys()];
    if (!paths.length) throw new Error('no query answered 200');
    r.jaridaProcesses = jarida.processes;
    const rawPort = await freePort();
    const init: RawInit = { port: rawPort, workers: jarida.servers, pages: [...fetched].map(([path, f]) => ({ path, status: f.status, headers: f.headers, body: f.body.toString('base64') })) };
    raw = (await startChild(RAW_SERVER_JS, [], 'raw server', init)).child;
    r.rawProcesses = treeMemory(raw.pid)?.processes ?? 0;
    const rawBase = `http://127.0.0.1:${rawPort}`;
    await checkSameBytes(rawBase, fetched);
    const script = writeWrkPathsScript(c.dir, paths, { name: 'mix.lua' });
    for (const n of connections) {
      const cell: ColdCell = { connections: n, jarida: null, raw: null };
      cell.jarida = await measure(`cold ${n}c jarida`, jarida.base + paths[0], script, n, c, r.failures, true, jarida.child.pid);
      cell.raw = await measure(`cold ${n}c raw`, rawBase + paths[0], script, n, c, r.failures, true, raw.pid);
      r.cells.push(cell);
    }
    const seconds = Math.max(1, Math.round(c.duration / 5));
    for (const kind of QUERY_KINDS) {
      const own = mix.filter((q) => q.kind === kind && fetched.has(q.path)).map((q) => q.path);
      if (!own.length) continue;
      const kindScript = writeWrkPathsScript(c.dir, own, { name: `kind-${QUERY_KINDS.indexOf(kind)}.lua` });
      r.kinds.push({ kind, queries: own.length, seconds, result: await measure(`cold ${kind} 1c jarida`, jarida.base + own[0], kindScript, 1, { ...c, duration: seconds }, r.failures, false) });
    }
  } catch (err) {
    r.failures.push(`cold: ${(err as Error).message}`);
    log(`cold: FAILED: ${(err as Error).stack ?? String(err)}`);
  } finally {
    await stopServer(jarida.child);
    if (raw) await stopChild(raw);
  }
  return r;
}

/** One side of the overload: wrk's numbers (its non-2xx are the 503s). */
export interface OverloadSide {
  connections: number;
  paths: number;
  result: WrkResult | null;
}

/** One overload run: cold searches and cached pages at the same time. */
export interface OverloadResult {
  /** http.maxInFlight per process; 0: admission off. */
  maxInFlight: number;
  search: OverloadSide;
  cached: OverloadSide;
  /** The cached pages alone, before the searches start: what the overload is compared with. */
  cachedAlone: WrkResult | null;
  /** From /metrics (the whole cluster), over the measured seconds: 503s sent, stale copies sent instead. */
  refused: number | null;
  staleServed: number | null;
  failures: string[];
}

/**
 * Serves with the page cache on and `maxInFlight` (null: serve's default; 0: admission off), puts the
 * cached pages in every process's cache and measures them alone, then runs wrk on the query mix (each
 * request a new cache key, so every search renders) and wrk on the cached pages at once, after a
 * warm-up second of both.
 */
export async function runOverload(mix: readonly MixQuery[], cachedPaths: readonly string[], o: { maxInFlight: number | null; searchConnections: number; cachedConnections: number }, c: RunContext): Promise<OverloadResult> {
  const label = o.maxInFlight === 0 ? 'overload, admission off' : 'overload, admission on';
  const token = randomBytes(12).toString('hex');
  const env: NodeJS.ProcessEnv = { ...c.env, JARIDA_PAGE_CACHE: '1', JARIDA_METRICS_TOKEN: token };
  if (o.maxInFlight === null) delete env.JARIDA_MAX_IN_FLIGHT;
  else env.JARIDA_MAX_IN_FLIGHT = String(o.maxInFlight);
  const r: OverloadResult = {
    maxInFlight: parseConfig({}, env).http.maxInFlight, // serve's own default when unset
    search: { connections: o.searchConnections, paths: mix.length, result: null },
    cached: { connections: o.cachedConnections, paths: cachedPaths.length, result: null },
    cachedAlone: null,
    refused: null,
    staleServed: null,
    failures: [],
  };
  const jarida = await startJarida(label, env, c);
  try {
    // Each process's cache: the cluster deals new connections to the workers in turn.
    for (const path of cachedPaths) {
      for (let i = 0; i < 2 * Math.max(1, jarida.servers); i++) {
        const f = await fetchBare(jarida.base + path);
        if (f.status !== 200) throw new Error(`${path}: status ${f.status}`);
      }
    }
    const cachedScript = writeWrkPathsScript(c.dir, cachedPaths, { name: 'cached.lua' });
    const wrk = (seconds: number) => ({ threads: c.threads, duration: seconds, timeout: WRK_TIMEOUT_SECONDS });
    r.cachedAlone = await runWrk(jarida.base + cachedPaths[0], { ...wrk(c.duration), script: cachedScript, connections: o.cachedConnections });
    log(`${label}: cached pages alone ${fmt(r.cachedAlone.rps)} req/s, p99 ${fmt(r.cachedAlone.p99, 2)} ms`);
    const run = async (tag: string, seconds: number) => {
      const searchScript = writeWrkPathsScript(c.dir, mix.map((q) => q.path), { name: `overload-${tag}.lua`, bust: `${tag}${Date.now().toString(36)}` });
      return Promise.all([
        runWrk(jarida.base + mix[0]!.path, { ...wrk(seconds), script: searchScript, connections: o.searchConnections }),
        runWrk(jarida.base + cachedPaths[0], { ...wrk(seconds), script: cachedScript, connections: o.cachedConnections }),
      ]);
    };
    await run('w', WARMUP_SECONDS);
    const before = await admissionCounts(jarida.base, token);
    [r.search.result, r.cached.result] = await run('m', c.duration);
    const after = await admissionCounts(jarida.base, token);
    if (before && after) {
      r.refused = after.refused - before.refused;
      r.staleServed = after.stale - before.stale;
    }
    for (const [side, m] of [['searches', r.search.result], ['cached', r.cached.result]] as const) {
      log(`${label}: ${side} ${fmt(m.rps)} req/s, p50 ${fmt(m.p50, 2)} p99 ${fmt(m.p99, 2)} p99.9 ${fmt(m.p999, 2)} ms, ${fmt(m.badStatus)} non-2xx, ${fmt(m.socketErrors)} socket errors`);
    }
  } catch (err) {
    r.failures.push(`${label}: ${(err as Error).message}`);
    log(`${label}: FAILED: ${(err as Error).stack ?? String(err)}`);
  } finally {
    await stopServer(jarida.child);
  }
  return r;
}

/** A started `jarida serve`: its process, URL, processes (a cluster counts its primary) and serving processes (0: one process serves). */
interface Jarida {
  child: ChildProcess;
  base: string;
  processes: number;
  servers: number;
}

/** Starts `jarida serve` on a free port as bench/pages-run.ts does. */
async function startJarida(label: string, env: NodeJS.ProcessEnv, c: RunContext): Promise<Jarida> {
  const port = await freePort();
  const args = [c.mainJs, 'serve', '--port', String(port), '--host', '127.0.0.1', ...(c.workers ? ['--workers', String(c.workers)] : [])];
  log(`${label}: node ${args.join(' ')} (JARIDA_PAGE_CACHE=${env.JARIDA_PAGE_CACHE}, JARIDA_MAX_IN_FLIGHT=${env.JARIDA_MAX_IN_FLIGHT ?? 'unset'})`);
  const child = await startServer(process.execPath, args, { name: `jarida ${label}`, ready: /Jarida is serving .* at http:\/\//, env, cwd: c.dir });
  const processes = treeMemory(child.pid)?.processes ?? 1;
  return { child, base: `http://127.0.0.1:${port}`, processes, servers: processes > 1 ? processes - 1 : 0 };
}

/** Throws unless the raw server answers every path with Jarida's status, content-type and bytes. */
async function checkSameBytes(rawBase: string, fetched: Map<string, Fetched>): Promise<void> {
  for (const [path, want] of fetched) {
    const f = await fetchBare(rawBase + path);
    if (f.status !== want.status || f.headers['content-type'] !== want.headers['content-type'] || !f.body.equals(want.body)) {
      throw new Error(`raw server ${path}: does not answer Jarida's bytes (status ${f.status}, ${f.body.length} bytes)`);
    }
  }
}

/**
 * Runs wrk (after a warm-up unless `warmUp` is false) and records non-2xx responses and socket errors
 * as failures; with `pid`, the CPU its process tree used meanwhile.
 */
async function measure(label: string, url: string, script: string, connections: number, c: RunContext, failures: string[], warmUp = true, pid?: number): Promise<WrkResult | null> {
  const o = { script, connections, threads: c.threads, timeout: WRK_TIMEOUT_SECONDS };
  try {
    const warm = warmUp ? await runWrk(url, { ...o, duration: WARMUP_SECONDS }) : null;
    const m = await runWrk(url, { ...o, duration: c.duration, ...(pid ? { cpuOf: pid } : {}) });
    log(`${label}: ${fmt(m.rps)} req/s, p50 ${fmt(m.p50, 2)} p99 ${fmt(m.p99, 2)} p99.9 ${fmt(m.p999, 2)} ms`);
    const bad = (warm?.badStatus ?? 0) + m.badStatus;
    const errors = (warm?.socketErrors ?? 0) + m.socketErrors;
    if (bad || errors) failures.push(`${label}: ${bad} responses not 2xx/3xx, ${errors} socket errors`);
    if (!m.requests) failures.push(`${label}: no response in ${c.duration} s`);
    return m;
  } catch (err) {
    failures.push(`${label}: ${(err as Error).message}`);
    log(`${label}: FAILED: ${(err as Error).message}`);
    return null;
  }
}

/** Returns the cluster's admission counters from /metrics, or null when it does not answer. */
async function admissionCounts(base: string, token: string): Promise<{ refused: number; stale: number } | null> {
  try {
    const f = await fetchBare(`${base}/metrics`, { authorization: `Bearer ${token}` });
    if (f.status !== 200) return null;
    const text = f.body.toString('utf8');
    const counter = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const r = { refused: counter('jarida_admission_refused_total'), stale: counter('jarida_admission_stale_total') };
    return Number.isFinite(r.refused) && Number.isFinite(r.stale) ? r : null;
  } catch {
    return null;
  }
}
