import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { treeCpuSeconds } from './lib.js';
import { runWrk, wrkVersion, writeWrkPathsScript } from './wrk.js';

const PATHS = ['/search?q=budget', '/search?q=%22central%20bank%22', '/tr/search?q=b%C3%BCt%C3%A7e', '/', '/odd/"quoted"\\path'];

let server: Server;
let base: string;
let dir: string;
const seen: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jarida-wrk-test-'));
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(req.url?.startsWith('/') && seen.length % 10 === 0 ? 503 : 200, { 'content-length': 2 });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!wrkVersion())('wrk walking a list of paths', () => {
  it('requests every path of the list as written, from each thread, and still reports its counts', async () => {
    seen.length = 0;
    const script = writeWrkPathsScript(dir, PATHS, { name: 'walk.lua' });
    const r = await runWrk(base + PATHS[0], { script, connections: 2, threads: 2, duration: 1, timeout: 2 });
    expect(new Set(seen)).toEqual(new Set(PATHS));
    expect(r.requests).toBeGreaterThan(100);
    expect(Math.abs(r.requests - seen.length)).toBeLessThanOrEqual(4); // requests in flight when wrk stopped
    expect(r.badStatus).toBeGreaterThan(0); // every tenth was a 503: counted as wrk's non-2xx
    // The two threads start apart in the list: the first two requests are not the same path.
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('makes every request a new page key with bust, keeping the query', async () => {
    seen.length = 0;
    const script = writeWrkPathsScript(dir, PATHS.slice(0, 4), { name: 'bust.lua', bust: 'r7' });
    await runWrk(base + PATHS[0], { script, connections: 4, threads: 2, duration: 1, timeout: 2 });
    expect(seen.length).toBeGreaterThan(100);
    expect(new Set(seen).size).toBe(seen.length);
    for (const url of seen) {
      const m = /^(.*)[?&]n=r7\.[01]\.\d+$/.exec(url);
      expect(m, url).not.toBeNull();
      expect(PATHS).toContain(m![1]);
    }
    expect(seen.some((u) => u.startsWith('/?n=r7.'))).toBe(true); // a path without a query gets one
  });
});

describe.skipIf(!wrkVersion())('CPU per request', () => {
  // A server in its own process spending 2 ms of CPU (its own clock, not the wall's) on each request.
  const BURN = `require('node:http').createServer((req, res) => {
    const t = process.cpuUsage();
    for (;;) { const d = process.cpuUsage(t); if (d.user + d.system >= 2000) break; }
    res.end('ok');
  }).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });`;
  let child: ChildProcess;
  let url: string;
  beforeAll(async () => {
    child = spawn(process.execPath, ['-e', BURN], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve) => child.stdout!.once('data', (b: Buffer) => resolve(b.toString().trim())));
    url = `http://127.0.0.1:${port}/`;
  });
  afterAll(() => {
    child.kill();
  });

  it("reads a process tree's CPU time, and none for a process that is not there", () => {
    const before = treeCpuSeconds(process.pid)!;
    const t = Date.now();
    while (Date.now() - t < 150); // ~150 ms of CPU
    expect(treeCpuSeconds(process.pid)! - before).toBeGreaterThanOrEqual(0.1);
    expect(treeCpuSeconds(2 ** 22 + 17)).toBeNull();
    expect(treeCpuSeconds(undefined)).toBeNull();
  });

  it("gives the server's CPU milliseconds per request, which wrk alone cannot tell", async () => {
    const script = writeWrkPathsScript(dir, ['/'], { name: 'cpu.lua' });
    const r = await runWrk(url, { script, connections: 1, threads: 1, duration: 1, timeout: 2, cpuOf: child.pid! });
    expect(r.requests).toBeGreaterThan(20);
    expect(r.cpuMsPerRequest).toBeGreaterThanOrEqual(1.9);
    expect(r.cpuMsPerRequest).toBeLessThan(8);
    const without = await runWrk(url, { script, connections: 1, threads: 1, duration: 1, timeout: 2 });
    expect(without.cpuMsPerRequest).toBeNull();
  });
});
