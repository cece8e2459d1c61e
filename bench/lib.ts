/**
 * What the HTTP benchmarks share: child processes (and their process groups) that are always killed
 * on exit, fetching a page once, measuring a URL (or a mix of URLs) with autocannon, memory of a
 * process tree, and number formatting.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import autocannon from 'autocannon';

/** Response headers not copied to the raw server (per-response or hop-by-hop). */
export const SKIP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

const children = new Set<ChildProcess>();
/** Process groups of detached children (a server and its cluster workers). */
const groups = new Set<number>();
const cleanups: (() => void)[] = [];

/** Kills every child (and child process group) still running and runs the registered cleanups (also on exit and signals). */
export function cleanupSync(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
  for (const g of groups) killGroup(g);
  groups.clear();
  while (cleanups.length) cleanups.pop()!();
}
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping`);
    process.exit(130);
  });
}

/** Runs `fn` when the benchmark ends, however it ends. */
export function onCleanup(fn: () => void): void {
  cleanups.push(fn);
}

/** Forks a bench child and resolves with the port it reports over IPC. */
export function startChild(script: string, args: string[], name: string, init?: unknown, env?: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [], ...(env ? { env } : {}) });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name}: no port after 600 s`)), 600_000);
    const onExit = (code: number | null, signal: string | null) => fail(new Error(`${name}: exited before listening (code ${code}, signal ${signal})`));
    function fail(err: Error) {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(err);
    }
    child.once('exit', onExit);
    child.once('error', fail);
    child.once('message', (msg: { port?: number }) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (!msg?.port) return fail(new Error(`${name}: bad ready message ${JSON.stringify(msg)}`));
      resolve({ child, port: msg.port });
    });
    if (init !== undefined) child.send(init as object);
  });
}

/** Stops a child with SIGTERM (SIGKILL after `killAfterMs`). */
export async function stopChild(child: ChildProcess, killAfterMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Sends SIGKILL to the process group `pgid` (a detached child and what it forked); ignores a group already gone. */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Spawns a server command in its own process group and resolves once a stdout line matches
 * `ready` (its stdout and stderr are passed through to stderr); fails when it exits first or after
 * `timeoutMs`. Stop it with stopServer; it and its workers are killed on exit either way.
 */
export function startServer(cmd: string, args: string[], o: { name: string; ready: RegExp; env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<ChildProcess> {
  const child = spawn(cmd, args, { env: o.env, cwd: o.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  if (child.pid) groups.add(child.pid);
  child.once('exit', () => children.delete(child));
  child.stderr!.on('data', (b: Buffer) => process.stderr.write(prefixLines(o.name, b)));
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`${o.name}: no ready line after ${(o.timeoutMs ?? 600_000) / 1000} s`)), o.timeoutMs ?? 600_000);
    const onExit = (code: number | null, signal: string | null) => fail(new Error(`${o.name}: exited before it was ready (code ${code}, signal ${signal})`));
    const onData = (b: Buffer) => {
      process.stderr.write(prefixLines(o.name, b));
      seen = (seen + b.toString('utf8')).slice(-4096);
      if (!o.ready.test(seen)) return;
      cleanup();
      resolve(child);
    };
    function cleanup() {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // keep draining what it prints later
    }
    function fail(err: Error) {
      cleanup();
      if (child.pid) killGroup(child.pid);
      reject(err);
    }
    child.once('exit', onExit);
    child.once('error', fail);
    child.stdout!.on('data', onData);
  });
}

/** Stops a server from startServer with SIGTERM (SIGKILL after 10 s), then kills whatever is left of its process group. */
export async function stopServer(child: ChildProcess): Promise<void> {
  await stopChild(child, 10_000);
  if (child.pid) {
    killGroup(child.pid);
    groups.delete(child.pid);
  }
}

function prefixLines(name: string, b: Buffer): string {
  return b.toString('utf8').replace(/^(?=.)/gm, `  [${name}] `);
}

/** Resolves with a TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Resident memory of a process tree, in bytes: its processes, their summed and largest peak (VmHWM)
 * and current (VmRSS) sizes, and their proportional set size (Pss: each page shared by k processes,
 * such as Node's own code, counted 1/k in each, so the sum is what the tree holds in RAM).
 */
export interface TreeMemory {
  processes: number;
  hwmTotal: number;
  hwmMax: number;
  rssTotal: number;
  /** Summed Pss now (/proc/PID/smaps_rollup); 0 where the kernel does not have it. */
  pssTotal: number;
  /** Each process's VmHWM, the root first. */
  hwms: number[];
}

/** Returns the memory of `pid` and all its descendants (Linux /proc), or null when it is gone or /proc is missing. */
export function treeMemory(pid: number | undefined): TreeMemory | null {
  if (!pid) return null;
  const m: TreeMemory = { processes: 0, hwmTotal: 0, hwmMax: 0, rssTotal: 0, pssTotal: 0, hwms: [] };
  eachInTree(pid, 'status', (p, status) => {
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    m.processes++;
    m.hwmTotal += kb('VmHWM');
    m.hwmMax = Math.max(m.hwmMax, kb('VmHWM'));
    m.hwms.push(kb('VmHWM'));
    m.rssTotal += kb('VmRSS');
    m.pssTotal += pss(p);
  });
  return m.processes ? m : null;
}

/** Clock ticks a second of /proc/PID/stat's times (USER_HZ: 100 on every Linux Node runs on). */
const CLOCK_TICKS = 100;

/**
 * Returns the CPU time (user + system, seconds) that `pid` and all its descendants have used, every
 * thread of each, from /proc/PID/stat; null when it is gone or /proc is missing. Two readings around a
 * run give its CPU per request: steadier than requests a second on a shared machine, whose cores
 * other tenants take a varying share of (a process that waits costs nothing here).
 */
export function treeCpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  let ticks = 0;
  let seen = 0;
  eachInTree(pid, 'stat', (_p, stat) => {
    // After the command name (in parentheses, which may hold spaces): utime and stime are the 12th and 13th fields.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
    seen++;
  });
  return seen ? ticks / CLOCK_TICKS : null;
}

/** Calls `read` with `/proc/PID/<file>` of `pid` and of each of its descendants (one that exited meanwhile is skipped). */
function eachInTree(pid: number, file: 'status' | 'stat', read: (pid: number, text: string) => void): void {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return; // exited meanwhile, or no /proc
  }
  read(pid, text);
  for (const c of childPids(pid)) eachInTree(c, file, read);
}

/** Returns a process's proportional set size in bytes, or 0 when it is gone or the kernel lacks smaps_rollup (before 4.14). */
function pss(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Returns the pids of a process's children, from /proc/PID/task/TID/children. */
function childPids(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
    } catch {
      // task gone
    }
  }
  return out;
}

/** Returns the peak resident set size (VmHWM) of a process in bytes, or null off Linux. */
export function peakRss(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** One response, its headers (without per-response ones) and body. */
export interface Fetched {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Fetches a URL once, not following redirects. */
export async function fetchPage(url: string): Promise<Fetched> {
  const res = await fetch(url, { redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!SKIP_HEADERS.has(k)) headers[k] = v;
  });
  return { status: res.status, headers, body };
}

/**
 * Fetches a URL once on a new connection with node:http and no request headers but Host (and
 * Connection) unless given, as wrk sends: no Accept-Encoding, so the body is what wrk gets.
 */
export function fetchBare(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined && !SKIP_HEADERS.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', (err) => reject(new Error(`fetch ${url}: ${err.message}`, { cause: err })));
    req.end();
  });
}

/** autocannon's numbers for one URL (or mix). */
export interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  requests: number;
  bad: number;
  detail: string;
}

/** Every measurement's non-200 responses and errors, for the report and the exit code. */
export const failures: string[] = [];

/**
 * Measures `url` (with `paths`: each connection cycles through them) for `duration` seconds at
 * `connections`, after a short warm-up; non-200 responses are counted and recorded in `failures`.
 */
export async function measure(label: string, url: string, o: { duration: number; connections: number }, paths?: readonly string[]): Promise<Measurement> {
  const warmup = Math.min(2, Math.max(1, Math.round(o.duration / 5)));
  log(`${label}: ${url}${paths ? ` (${paths.length} paths)` : ''} (warm-up ${warmup} s, then ${o.duration} s at ${o.connections} connections)`);
  const requests = paths?.map((path) => ({ method: 'GET' as const, path }));
  const run = (duration: number) => autocannon({ url, connections: o.connections, duration, timeout: 30, ...(requests ? { requests } : {}) });
  const runs = [await run(warmup), await run(o.duration)];
  let bad = 0;
  const details: string[] = [];
  for (const r of runs) {
    for (const [code, s] of Object.entries(r.statusCodeStats)) {
      if (code !== '200') {
        bad += s.count;
        details.push(`${s.count}× ${code}`);
      }
    }
    bad += r.errors + r.timeouts;
    if (r.errors) details.push(`${r.errors} errors`);
    if (r.timeouts) details.push(`${r.timeouts} timeouts`);
  }
  const r = runs[1]!;
  if (bad) failures.push(`${label}: ${bad} bad responses (${details.join(', ')})`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.average, requests: r.requests.total, bad, detail: details.join(', ') };
}

/**
 * Returns the environment the HTTP benchmarks start `jarida serve` with (in an empty cwd: no
 * jarida.config.json either): the bench site's clock and time zone, no demo, no ingestion, and every
 * request admitted (admission control and the API's per-address limit off: wrk is one address). The
 * caller sets JARIDA_PAGE_CACHE, and turns admission back on where it is measured.
 */
export function benchServeEnv(databaseUrl: string, site: { now: number; timeZone: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    JARIDA_NOW: new Date(site.now).toISOString(),
    JARIDA_TIME_ZONE: site.timeZone,
    JARIDA_DEMO: '0',
    JARIDA_INGEST: '0',
    JARIDA_SITE_URL: 'https://news.example', // the feed's links: a feed built from the request's Host is not cached
    // Throughput of every request, as before admission control (web/admission.ts): past 16 renders at once a
    // process answers 503, which the plain cells count as failures; bench/search.ts measures the overload.
    JARIDA_MAX_IN_FLIGHT: '0',
    JARIDA_API_RATE_LIMIT: '0', // one address (wrk's) makes every request: the content API's per-address limit would answer 429
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  delete env.JARIDA_CONFIG;
  return env;
}

/** Returns the machine as the reports name it: cores, CPU model, Node version. */
export function machineLine(): string {
  return `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
}

/** Returns the URL of the PostgreSQL bench schema of N articles (`jarida_bench_N`) on the server of `base`. */
export function benchSchemaUrl(base: string, n: number): string {
  const u = new URL(base);
  u.searchParams.set('schema', `jarida_bench_${n}`);
  return u.toString();
}

/** Returns the whole number an option gives (`1_000_000` and `1,000,000` too); throws naming the option when it is none or below `min`. */
export function intOption(name: string, raw: string, min: number): number {
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`bench: --${name} must be an integer ≥ ${min}, got ${raw}`);
  return n;
}

/** Writes a progress line to stderr. */
export function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

/** Returns the number with thousands separators and `digits` decimals. */
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** Returns bytes as megabytes, or n/a. */
export const mb = (b: number | null) => (b === null ? 'n/a' : `${fmt(b / 1048576, 1)} MB`);

/** Runs the benchmark's main, then exits: 0, or 1 with the error on stderr; children are killed either way. */
export async function runBench(main: () => Promise<void>): Promise<never> {
  try {
    await main();
    cleanupSync();
    process.exit(0);
  } catch (err) {
    process.stderr.write(`bench: FAILED: ${(err as Error).stack ?? String(err)}\n`);
    cleanupSync();
    process.exit(1);
  }
}
