/**
 * Two `jarida serve` processes on one PostgreSQL database, as a site behind a load balancer runs
 * them: they share the ingestion (every due feed fetched once, by one of them, none left out) and a
 * change made anywhere empties both page caches. PostgreSQL only: SQLite has one writer by design.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rss } from '../ingest/testdata/feeds.js';
import { openMigratedStore } from '../store/db.js';
import { ensureDaysInTimeZone } from '../store/day-zone.js';
import { insertSource } from '../store/sources.js';
import { createTestDatabase, skipStoreTests, testStoreKind, type TestDatabase } from '../store/testing.js';
import { MAIN, startServe } from './testing.js';

const FEEDS = 30;
/** How long the feed server holds each request, so that the two instances' rounds overlap. */
const HOLD_MS = 300;
const TZ = 'Europe/Istanbul';

/** Per feed: requests, requests in flight now and at most, and the User-Agent (which instance) of each. */
const requests = new Map<number, number>();
const inFlight = new Map<number, number>();
const maxInFlight = new Map<number, number>();
const agents = new Map<number, string[]>();
let server: Server;
let base: string;
let database: TestDatabase | undefined;
const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'jarida-instances-'));

const skip = testStoreKind() !== 'postgres' || (await skipStoreTests());

function feed(n: number): string {
  const day = (k: number) => new Date(Date.now() - 2 * 86_400_000 - (n * 2 + k) * 60_000).toUTCString();
  const body = `<p>${`Feed ${n} reports on the harbour plan, the council vote and what residents said. `.repeat(8)}</p>`;
  return rss([0, 1].map((k) => ({ guid: `${n}-${k}`, title: `Story ${k} of feed ${n}`, link: `${base}/story/${n}-${k}`, date: day(k), content: body })));
}

beforeAll(async () => {
  if (skip) return;
  if (!existsSync(MAIN)) throw new Error('run `npm run build` first (npm test does)');
  server = createServer((req, res) => {
    const m = /^\/feed\/(\d+)\.xml$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const n = Number(m[1]);
    requests.set(n, (requests.get(n) ?? 0) + 1);
    agents.set(n, [...(agents.get(n) ?? []), String(req.headers['user-agent'])]);
    inFlight.set(n, (inFlight.get(n) ?? 0) + 1);
    maxInFlight.set(n, Math.max(maxInFlight.get(n) ?? 0, inFlight.get(n)!));
    setTimeout(() => {
      inFlight.set(n, inFlight.get(n)! - 1);
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed(n));
    }, HOLD_MS);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  database = await createTestDatabase();
  const store = await openMigratedStore(database.url);
  try {
    await ensureDaysInTimeZone(store, TZ);
    for (let n = 0; n < FEEDS; n++) await insertSource(store.db, { kind: 'feed', title: `Feed ${n}`, url: `${base}/feed/${n}.xml` });
  } finally {
    await store.close();
  }
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (server) await new Promise<void>((r) => server.close(() => r()));
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** The environment of instance `name`: its own User-Agent (a config file), ingestion in serve. */
function instanceEnv(name: string): Record<string, string> {
  const config = join(dir, `${name}.json`);
  writeFileSync(config, JSON.stringify({ fetch: { userAgent: `jarida-test-${name}` } }));
  return {
    DATABASE_URL: database!.url,
    JARIDA_CONFIG: config,
    JARIDA_WORKERS: '1', // one process each: the test reads each instance's own cache
    JARIDA_ALLOW_PRIVATE: '127.0.0.1/32',
    JARIDA_INGEST: '1',
    JARIDA_INGEST_CONCURRENCY: '2',
    JARIDA_INGEST_WORKERS: '0',
    JARIDA_DEMO: '0',
    JARIDA_TIME_ZONE: TZ,
  };
}

/** Resolves once `pred` holds, polling every 50 ms; fails naming `what` after `ms`. */
async function until(what: string, pred: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops a child with SIGTERM; resolves with its exit code. */
function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  const gone = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  return gone;
}

describe.skipIf(skip)('two jarida serve processes on one PostgreSQL database', () => {
  it('share the fetching without overlap or starvation, and clear each other\'s page caches', async () => {
    const [a, b] = await Promise.all([startServe(instanceEnv('A')), startServe(instanceEnv('B'))]);
    children.push(a.child, b.child);
    let stderr = '';
    for (const c of [a.child, b.child]) c.stderr!.on('data', (d) => (stderr += d));

    // The first round: every feed fetched, once, by one instance at a time; both took part.
    await until('every feed fetched', () => requests.size === FEEDS && [...inFlight.values()].every((n) => n === 0), 60_000);
    await new Promise((r) => setTimeout(r, 1500)); // nothing fetched twice after a while either
    expect([...requests.values()]).toEqual(Array(FEEDS).fill(1));
    expect(Math.max(...maxInFlight.values())).toBe(1);
    const by = { A: 0, B: 0 };
    for (const [ua] of agents.values()) by[ua === 'jarida-test-A' ? 'A' : 'B']++;
    expect(by.A + by.B).toBe(FEEDS);
    expect(by.A, `A fetched ${by.A}, B ${by.B}`).toBeGreaterThan(0);
    expect(by.B, `A fetched ${by.A}, B ${by.B}`).toBeGreaterThan(0);

    // Both serve what both stored.
    await until('the stories on both home pages', async () => {
      const [pa, pb] = await Promise.all([fetch(`${a.url}/`).then((r) => r.text()), fetch(`${b.url}/`).then((r) => r.text())]);
      return pa.includes('Story 0 of feed') && pb.includes('Story 0 of feed');
    }, 10_000);

    // B's home page comes from its cache once warm.
    await until('a cache hit on B', async () => (await fetch(`${b.url}/`)).headers.get('x-cache') === 'hit', 5000);

    // A third process adds an article; B hears of it and renders its home page again.
    const title = 'Late news heard by every instance';
    const added = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const p = spawn(process.execPath, [MAIN, 'article', 'add', '--title', title, '--published', new Date().toISOString()], {
        env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', DATABASE_URL: database!.url, JARIDA_TIME_ZONE: TZ },
      });
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (err += d));
      p.on('exit', (code) => resolve({ code, out, err }));
    });
    expect(added.err).toBe('');
    expect(added.out).toMatch(/^created article \d+/);
    const t0 = Date.now();
    let seen: Response | undefined;
    await until('the new article on B', async () => {
      const res = await fetch(`${b.url}/`);
      const html = await res.text();
      if (html.includes(title)) seen = res;
      return seen !== undefined;
    }, 3000);
    expect(seen!.headers.get('x-cache')).toBe('miss');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect((await fetch(`${b.url}/`)).headers.get('x-cache')).toBe('hit');
    expect(await (await fetch(`${a.url}/`)).text()).toContain(title);

    // Both stop cleanly.
    expect(await Promise.all([stop(a.child), stop(b.child)])).toEqual([0, 0]);
    expect(stderr).toBe('');
  }, 120_000);
});
