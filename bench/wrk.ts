/**
 * The load generator of the page benchmark: wrk (Debian package `wrk`, C, epoll), driven with a Lua
 * `done()` callback that prints its counts and latency percentiles as one JSON line; for a list of
 * paths (the search benchmark's query mix), a `request()` that walks the list.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { treeCpuSeconds } from './lib.js';

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
  /** CPU milliseconds the server (`cpuOf`: its process tree, every thread) used per request; null when not measured. */
  cpuMsPerRequest: number | null;
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

/**
 * Writes a Lua script into `dir` whose `request()` walks `paths` in order, round and round, each wrk
 * thread from its own offset (the i-th thread at i × 0.618 of the list), with the same `done()`; with
 * `bust`, every request gets `n=<bust>.<thread>.<count>` added to its query, so that no two requests
 * (of this run: give each run its own `bust`) share a page cache key. Returns the script's path.
 * @example writeWrkPathsScript(tmp, ['/search?q=budget', '/search?q=metro'], { name: 'mix.lua', bust: 'r1' })
 */
export function writeWrkPathsScript(dir: string, paths: readonly string[], o: { name: string; bust?: string }): string {
  if (paths.length === 0) throw new Error('wrk: no paths to walk');
  const list = paths.map((p) => `  ${luaString(p)},`).join('\n');
  const seps = paths.map((p) => `  ${luaString(p.includes('?') ? '&' : '?')},`).join('\n');
  const bust = o.bust === undefined ? 'nil' : luaString(`n=${o.bust}.`);
  const lua = `local paths = {\n${list}\n}
local seps = {\n${seps}\n}
local bust = ${bust}
local threads = 0
setup = function(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
init = function(args)
  tid = tid or 0
  i = math.floor(tid * 0.6180339887 * #paths) % #paths
  count = 0
end
request = function()
  i = i % #paths + 1
  local path = paths[i]
  if bust then
    count = count + 1
    path = path .. seps[i] .. bust .. tid .. "." .. count
  end
  return wrk.format(nil, path)
end
${DONE_LUA}`;
  const path = join(dir, o.name);
  writeFileSync(path, lua);
  return path;
}

/** Returns `s` as a Lua string literal: printable ASCII as is, every other byte (and `"`, `\`) as a `\ddd` escape. */
function luaString(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) out += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${String(b).padStart(3, '0')}`;
  return `${out}"`;
}

/** Runs wrk against one URL for `duration` seconds and resolves with its numbers; rejects when wrk fails or prints no result. */
export function runWrk(url: string, o: { script: string; connections: number; threads: number; duration: number; timeout: number; cpuOf?: number }): Promise<WrkResult> {
  const threads = Math.min(o.threads, o.connections);
  const args = ['-t', String(threads), '-c', String(o.connections), '-d', `${o.duration}s`, '--timeout', `${o.timeout}s`, '-s', o.script, url];
  const cpuBefore = treeCpuSeconds(o.cpuOf);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.once('error', (err) => reject(new Error(`wrk: could not run it: ${err.message}`, { cause: err })));
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) return reject(new Error(`wrk ${args.join(' ')}: exit ${code}, no result:\n${out.trim()}`));
      const r = parseResult(line.slice(MARK.length));
      const cpuAfter = treeCpuSeconds(o.cpuOf);
      if (cpuBefore !== null && cpuAfter !== null && r.requests > 0) r.cpuMsPerRequest = ((cpuAfter - cpuBefore) * 1000) / r.requests;
      resolve(r);
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
    cpuMsPerRequest: null,
  };
}
