/**
 * What the HTTP benchmarks share: child processes that are always killed on exit, fetching a page
 * once, measuring a URL (or a mix of URLs) with autocannon, peak memory, and number formatting.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/** Response headers not copied to the raw server (per-response or hop-by-hop). */
export const SKIP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

const children = new Set<ChildProcess>();
const cleanups: (() => void)[] = [];

/** Kills every child still running and runs the registered cleanups (also on exit and signals). */
export function cleanupSync(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
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

/** Stops a child with SIGTERM (SIGKILL after 5 s). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
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
