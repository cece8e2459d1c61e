/**
 * The load generator of the page benchmark: wrk (Debian package `wrk`, C, epoll), driven with a Lua
 * `done()` callback that prints its counts and latency percentiles as one JSON line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What one wrk run measured: latencies in milliseconds. */
export interface WrkResult {
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Responses with a status over 399 (wrk's "Non-2xx or 3xx responses"). */
  badStatus: number;
  /** Connect, read and write errors and timeouts. */
  socketErrors: number;
}

const MARK = 'JARIDA_WRK ';

/** wrk's Lua hook: one line, prefixed with MARK, that runWrk parses. Latencies are in microseconds. */
const DONE_LUA = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('${MARK}{"requests":%d,"durationUs":%d,"p50":%.1f,"p99":%.1f,"p999":%.1f,"max":%.1f,"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status))
end
`;

/** Returns wrk's version line (`wrk debian/4.1.0-3+b2 [epoll]`), or null when wrk is not on PATH. */
export function wrkVersion(): string | null {
  const r = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (r.error) return null;
  const line = `${r.stdout}${r.stderr}`.split('\n')[0]?.replace(/\s*Copyright.*$/, '').trim();
  return line || 'wrk (unknown version)';
}

/** Writes the Lua script into `dir` and returns its path. */
export function writeWrkScript(dir: string): string {
  const path = join(dir, 'done.lua');
  writeFileSync(path, DONE_LUA);
  return path;
}

/** Runs wrk against one URL for `duration` seconds and resolves with its numbers; rejects when wrk fails or prints no result. */
export function runWrk(url: string, o: { script: string; connections: number; threads: number; duration: number; timeout: number }): Promise<WrkResult> {
  const threads = Math.min(o.threads, o.connections);
  const args = ['-t', String(threads), '-c', String(o.connections), '-d', `${o.duration}s`, '--timeout', `${o.timeout}s`, '-s', o.script, url];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.once('error', (err) => reject(new Error(`wrk: could not run it: ${err.message}`, { cause: err })));
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) return reject(new Error(`wrk ${args.join(' ')}: exit ${code}, no result:\n${out.trim()}`));
      resolve(parseResult(line.slice(MARK.length)));
    });
  });
}

function parseResult(json: string): WrkResult {
  const r = JSON.parse(json) as Record<string, number>;
  const ms = (us: number) => us / 1000;
  return {
    rps: r.requests! / (r.durationUs! / 1e6),
    requests: r.requests!,
    p50: ms(r.p50!),
    p99: ms(r.p99!),
    p999: ms(r.p999!),
    max: ms(r.max!),
    badStatus: r.status!,
    socketErrors: r.connect! + r.read! + r.write! + r.timeout!,
  };
}
