/**
 * Page benchmark: fills a fresh SQLite file with N articles, serves it with the real app in a child
 * process and measures the home page, an article page and a day archive with autocannon, against a
 * bare node:http server answering the same bytes, plus the home page on a small store (scale check).
 *
 *   npm run bench -- [--articles N] [--duration S] [--connections C] [--compare N] [--db PATH]
 *
 * --db PATH keeps the large database at PATH (filled when missing, reused as is when present).
 * Progress goes to stderr, the report (Markdown) to stdout. Exits non-zero when any response is not
 * a 200 or a step fails; child processes are killed on every exit.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config.js';
import type { ArticleInput } from '../src/model/types.js';
import { findLatestArticles, insertArticles } from '../src/store/articles.js';
import { findDayCounts, findPublishedTotal } from '../src/store/day-counts.js';
import { openMigratedStore } from '../src/store/db.js';
import { ensureSource } from '../src/store/sources.js';
import { benchArticle, BENCH_SOURCES } from './content.js';
import { failures, fetchPage, fmt, log, mb, measure, onCleanup, peakRss, startChild, stopChild, runBench, type Fetched, type Measurement } from './lib.js';

const NOW = '2019-02-15T12:00:00+03:00';
const SPAN_MS = 10 * 365 * 86_400_000;
const BATCH = 20_000;
const SERVER_JS = fileURLToPath(new URL('./server.js', import.meta.url));
const RAW_SERVER_JS = fileURLToPath(new URL('./raw-server.js', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  articles: number;
  duration: number;
  connections: number;
  compare: number;
  db: string | null;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      articles: { type: 'string', default: '100000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '32' },
      compare: { type: 'string', default: '10000' },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('usage: node dist/bench/pages.js [--articles N=100000] [--duration S=10] [--connections C=32] [--compare N=10000] [--db PATH]\n');
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number) => {
    const n = Number(raw.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return n;
  };
  return {
    articles: int('articles', values.articles, 1),
    duration: int('duration', values.duration, 1),
    connections: int('connections', values.connections, 1),
    compare: int('compare', values.compare, 1),
    db: values.db ?? null,
  };
}

let tmpDir: string | null = null;
onCleanup(() => {
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = null;
});

// ---------------------------------------------------------------------------------------------
// Filling

const config = parseConfig({ databaseUrl: 'sqlite::memory:' }, { JARIDA_NOW: NOW });
const nowMs = config.fixedNow!.getTime();

interface Fill {
  articles: number;
  seconds: number;
  insertSeconds: number;
  bytes: number;
  reused: boolean;
}

/** Fills a fresh database file with `total` articles in batches (rows generated per batch). */
async function fillDatabase(path: string, total: number, label: string): Promise<Fill> {
  if (existsSync(path)) throw new Error(`${path} already exists; the benchmark fills a fresh database`);
  const store = await openMigratedStore(`sqlite:${path}`);
  const tz = config.site.timeZone;
  let inserted = 0;
  let insertMs = 0;
  const t0 = performance.now();
  try {
    const sourceIds: number[] = [];
    for (const s of BENCH_SOURCES) {
      sourceIds.push(await ensureSource(store.db, { kind: 'feed', title: s.title, url: `${s.siteUrl}feed.xml`, siteUrl: s.siteUrl, language: s.language }));
    }
    for (let start = 0; start < total; start += BATCH) {
      const end = Math.min(start + BATCH, total);
      const batch: ArticleInput[] = [];
      for (let i = start; i < end; i++) batch.push(benchArticle(i, total, nowMs, SPAN_MS, sourceIds));
      const t1 = performance.now();
      inserted += await insertArticles(store.db, batch, tz);
      insertMs += performance.now() - t1;
      if (total > BATCH) {
        const s = (performance.now() - t0) / 1000;
        log(`${label}: ${end.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${Math.round(end / s).toLocaleString('en-US')} articles/s)`);
      }
    }
  } finally {
    await store.close(); // checkpoints the WAL into the main file
  }
  const seconds = (performance.now() - t0) / 1000;
  if (inserted !== total) throw new Error(`${label}: inserted ${inserted} of ${total} articles (duplicate slug or guid?)`);
  return { articles: inserted, seconds, insertSeconds: insertMs / 1000, bytes: dbBytes(path), reused: false };
}

function dbBytes(path: string): number {
  let n = statSync(path).size;
  for (const extra of [`${path}-wal`, `${path}-shm`]) if (existsSync(extra)) n += statSync(extra).size;
  return n;
}

interface Targets {
  total: number;
  pages: { name: string; path: string }[];
  note: string;
}

/** Picks the measured URLs: `/`, the middle article and its day's archive. */
async function pickTargets(path: string): Promise<Targets> {
  const store = await openMigratedStore(`sqlite:${path}`);
  try {
    const total = Number(await findPublishedTotal(store.db));
    const [a] = await findLatestArticles(store.db, 1, Math.floor(total / 2));
    if (!a) throw new Error(`no article at offset ${Math.floor(total / 2)} of ${total}`);
    const day = a.localDay;
    const count = (await findDayCounts(store.db, day, day)).get(day) ?? 0;
    return {
      total,
      pages: [
        { name: 'home', path: '/' },
        { name: 'article', path: `/${day.replace(/-/g, '/')}/${encodeURIComponent(a.slug)}/` },
        { name: 'day archive', path: `/${day.replace(/-/g, '/')}/` },
      ],
      note: `article #${a.id} (${a.language}, ${a.localDay}), day archive ${day} with ${count} articles`,
    };
  } finally {
    await store.close();
  }
}


function fillLine(label: string, f: Fill): string {
  if (f.reused) return `- ${label}: reused existing database, ${fmt(f.articles)} published articles, file ${mb(f.bytes)}`;
  return `- ${label}: ${fmt(f.articles)} articles in ${fmt(f.seconds, 1)} s → **${fmt(f.articles / f.seconds)} articles/s** `
    + `(insertArticles alone: ${fmt(f.articles / f.insertSeconds)}/s), DB file ${mb(f.bytes)}`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  tmpDir = mkdtempSync(join(tmpdir(), 'jarida-bench-'));
  const mainDb = o.db ?? join(tmpDir, 'main.db');
  const compareDb = join(tmpDir, 'compare.db');

  // 1. Fill.
  let fill: Fill;
  if (o.db && existsSync(o.db)) {
    log(`reusing ${o.db}`);
    fill = { articles: 0, seconds: 0, insertSeconds: 0, bytes: dbBytes(o.db), reused: true };
  } else {
    log(`filling ${mainDb} with ${fmt(o.articles)} articles`);
    fill = await fillDatabase(mainDb, o.articles, 'fill');
    log(fillLine('fill', fill).slice(2));
  }
  const targets = await pickTargets(mainDb);
  if (fill.reused) fill.articles = targets.total;
  log(`targets: ${targets.note}`);

  // 2. Jarida in a child process; fetch each page once.
  const jarida = await startChild(SERVER_JS, [mainDb, NOW], 'server');
  const base = `http://127.0.0.1:${jarida.port}`;
  log(`server pid ${jarida.child.pid} on ${base}`);
  const fetched = new Map<string, Fetched>();
  for (const p of targets.pages) {
    const f = await fetchPage(base + p.path);
    if (f.status !== 200) {
      throw new Error(`${p.name} ${p.path}: status ${f.status} (${f.headers.location ?? f.body.toString('utf8', 0, 300)})`);
    }
    fetched.set(p.path, f);
  }

  // 4. The raw baseline with the same bytes and headers.
  const raw = await startChild(RAW_SERVER_JS, [], 'raw-server', {
    pages: targets.pages.map((p) => {
      const f = fetched.get(p.path)!;
      return { path: p.path, headers: f.headers, body: f.body.toString('base64') };
    }),
  });
  const rawBase = `http://127.0.0.1:${raw.port}`;
  for (const p of targets.pages) {
    const f = await fetchPage(rawBase + p.path);
    const want = fetched.get(p.path)!;
    if (f.status !== 200 || !f.body.equals(want.body) || f.headers['content-type'] !== want.headers['content-type']) {
      throw new Error(`raw-server ${p.path}: does not answer the same bytes`);
    }
  }

  // 3. Measure Jarida, then the baseline.
  const results: { name: string; path: string; bytes: number; jarida: Measurement; raw?: Measurement }[] = [];
  for (const p of targets.pages) {
    results.push({ name: p.name, path: p.path, bytes: fetched.get(p.path)!.body.length, jarida: await measure(`jarida ${p.name}`, base + p.path, o) });
  }
  for (const r of results) r.raw = await measure(`raw ${r.name}`, rawBase + r.path, o);

  // 6. Peak RSS of the servers.
  const rssMain = peakRss(jarida.child.pid);
  const rssRaw = peakRss(raw.child.pid);
  await stopChild(jarida.child);
  await stopChild(raw.child);

  // 5. Scale check on a small store.
  log(`filling ${compareDb} with ${fmt(o.compare)} articles`);
  const compareFill = await fillDatabase(compareDb, o.compare, 'compare fill');
  const small = await startChild(SERVER_JS, [compareDb, NOW], 'compare server');
  const homeCheck = await fetchPage(`http://127.0.0.1:${small.port}/`);
  if (homeCheck.status !== 200) throw new Error(`compare home: status ${homeCheck.status}`);
  const smallHome = await measure('jarida home (compare)', `http://127.0.0.1:${small.port}/`, o);
  const rssSmall = peakRss(small.child.pid);
  await stopChild(small.child);

  // Report.
  const home = results[0]!.jarida;
  const scale = home.rps / smallHome.rps;
  const lines: string[] = [];
  lines.push('');
  lines.push(`## Jarida page benchmark — ${fmt(fill.articles)} articles`);
  lines.push('');
  lines.push(`Node ${process.version}, ${availableParallelism()} CPUs, autocannon ${o.connections} connections × ${o.duration} s per measurement (after a warm-up), server in a child process.`);
  lines.push(`Pages: ${targets.note}.`);
  lines.push('');
  lines.push(fillLine('fill', fill));
  lines.push(fillLine('compare fill', compareFill));
  lines.push('');
  lines.push('| page | bytes | jarida req/s | p50 ms | p99 ms | raw req/s | p50 ms | p99 ms | jarida/raw |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const j = r.jarida;
    const w = r.raw!;
    lines.push(`| ${r.name} \`${r.path.length > 40 ? `${r.path.slice(0, 37)}…` : r.path}\` | ${fmt(r.bytes)} | ${fmt(j.rps)} | ${j.p50} | ${j.p99} | ${fmt(w.rps)} | ${w.p50} | ${w.p99} | ${fmt(j.rps / w.rps, 3)} |`);
  }
  lines.push('');
  lines.push(`Scale: home ${fmt(home.rps)} req/s at ${fmt(fill.articles)} articles vs ${fmt(smallHome.rps)} req/s at ${fmt(compareFill.articles)} `
    + `(p50 ${home.p50}/${smallHome.p50} ms, p99 ${home.p99}/${smallHome.p99} ms) → ratio **${fmt(scale, 3)}** `
    + `(${scale >= 0.8 ? 'within' : 'NOT within'} 20%; goal: within 20% at 1,000,000 vs 10,000).`);
  lines.push('');
  lines.push(`Peak RSS (VmHWM): Jarida server ${mb(rssMain)} (${fmt(fill.articles)} articles), ${mb(rssSmall)} (${fmt(compareFill.articles)}); raw server ${mb(rssRaw)}; bench process ${mb(process.resourceUsage().maxRSS * 1024)}.`);
  const total = results.reduce((n, r) => n + r.jarida.requests + r.raw!.requests, smallHome.requests);
  const bad = results.reduce((n, r) => n + r.jarida.bad + r.raw!.bad, smallHome.bad);
  lines.push(`Responses: ${fmt(total)} measured, ${fmt(bad)} not 200${failures.length ? ` — FAILED: ${failures.join('; ')}` : ''}.`);
  process.stdout.write(`${lines.join('\n')}\n`);

  if (o.db) log(`kept ${o.db}`);
  if (failures.length) throw new Error(`${failures.length} measurement(s) had non-200 responses or errors`);
}

await runBench(main);
