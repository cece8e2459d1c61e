/**
 * Search benchmark (issue 16): the real `jarida serve` on an existing store, searched with a query
 * mix drawn from the store's own text (bench/search-mix.ts) — cold (page cache off) at each
 * connection count beside a raw node:http server sending the same bytes, each query kind alone at
 * one connection, then the overload: cold searches and cached pages at once, admission on and off.
 *
 *   npm run bench:search -- --db PATH | --database-url postgres://…
 *                           [--connections 1,16,64] [--duration S=5 | --quick] [--workers N] [--threads T=2]
 *                           [--sample 3000] [--seed 16] [--max-in-flight N]
 *                           [--overload 256,64] [--parts cold,overload]
 *
 * The store is not filled here: `npm run bench -- --db PATH --articles N --pages home --modes warm
 * --connections 16 --quick` fills one. Progress goes to stderr, the report (Markdown) to stdout. Exits
 * 2 without wrk, 1 when a plain cell had a response other than 2xx or a socket error, or a step failed
 * (503s are expected in the overload cells only).
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findArticleIdRange, findArticlesByIds } from '../src/store/articles.js';
import { findPublishedTotal } from '../src/store/day-counts.js';
import { openStore } from '../src/store/db.js';
import { searchText } from '../src/search/document.js';
import type { Article } from '../src/model/types.js';
import { BENCH_NOW, BENCH_TZ } from './fill.js';
import { rng } from './content.js';
import { benchServeEnv, fmt, intOption, log, machineLine, onCleanup, runBench } from './lib.js';
import { pickQueryMix, type SampledArticle } from './search-mix.js';
import { runCold, runOverload, type OverloadResult, type RunContext } from './search-run.js';
import { searchReport } from './search-report.js';
import { wrkVersion } from './wrk.js';

const MAIN_JS = fileURLToPath(new URL('../src/main.js', import.meta.url));
/** Ids drawn per read. */
const DRAW_BATCH = 500;

interface Options {
  url: string;
  connections: number[];
  duration: number;
  workers: number | null;
  threads: number;
  sample: number;
  seed: number;
  maxInFlight: number | null;
  overload: { search: number; cached: number };
  parts: ('cold' | 'overload')[];
}

const USAGE = `usage: npm run bench:search -- (--db PATH | --database-url URL) [options]
  --db PATH              an existing SQLite store (fill one with: npm run bench -- --db PATH --articles N --pages home --modes warm --connections 16 --quick)
  --database-url URL     or a PostgreSQL store (postgres://…), measured the same way
  --connections LIST     wrk connections of the cold cells (default 1,16,64)
  --duration S           seconds per measured cell, after a 1 s warm-up (default 5); each query kind alone: S/5 (at least 1)
  --quick                1 s cells
  --workers N            jarida serve --workers N (default: serve's own, the cores); the raw server runs as many processes
  --threads T            wrk threads (default 2)
  --sample N             published articles sampled for the query mix (default 3000)
  --seed N               of the sample and the mix (default 16)
  --max-in-flight N      admission's limit per process in the overload with admission on (default: serve's, 16)
  --overload S,C         connections of cold searches and of cached pages in the overload (default 256,64)
  --parts LIST           of cold,overload (default both)
  -h, --help             this text
`;

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      'database-url': { type: 'string' },
      connections: { type: 'string', default: '1,16,64' },
      duration: { type: 'string', default: '5' },
      quick: { type: 'boolean' },
      workers: { type: 'string' },
      threads: { type: 'string', default: '2' },
      sample: { type: 'string', default: '3000' },
      seed: { type: 'string', default: '16' },
      'max-in-flight': { type: 'string' },
      overload: { type: 'string', default: '256,64' },
      parts: { type: 'string', default: 'cold,overload' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const int = intOption;
  if ((values.db === undefined) === (values['database-url'] === undefined)) throw new Error(`bench: give one of --db PATH or --database-url URL\n${USAGE}`);
  if (values.db !== undefined && !existsSync(values.db)) throw new Error(`bench: ${values.db} does not exist (this benchmark does not fill stores; see --help)`);
  const overload = values.overload.split(',').map((s) => int('overload', s.trim(), 1));
  if (overload.length !== 2) throw new Error(`bench: --overload takes two numbers, searches,cached; got ${values.overload}`);
  const parts = values.parts.split(',').map((s) => {
    if (s.trim() !== 'cold' && s.trim() !== 'overload') throw new Error(`bench: --parts: ${s} is not one of cold, overload`);
    return s.trim() as 'cold' | 'overload';
  });
  return {
    url: values.db !== undefined ? `sqlite:${values.db}` : values['database-url']!,
    connections: values.connections.split(',').map((s) => int('connections', s.trim(), 1)),
    duration: values.quick ? 1 : int('duration', values.duration, 1),
    workers: values.workers === undefined ? null : int('workers', values.workers, 1),
    threads: int('threads', values.threads, 1),
    sample: int('sample', values.sample, 10),
    seed: int('seed', values.seed, 0),
    maxInFlight: values['max-in-flight'] === undefined ? null : int('max-in-flight', values['max-in-flight'], 1),
    overload: { search: overload[0]!, cached: overload[1]! },
    parts,
  };
}

/** A random sample of published articles, drawn by random ids through the store's reads; and the newest of them. */
interface Sample {
  total: number;
  articles: SampledArticle[];
  drawn: number;
  newest: Article;
}

/** Draws random ids between the store's smallest and largest until `size` published articles (or 20 × size ids) are read. */
async function sampleStore(url: string, size: number, seed: number): Promise<Sample> {
  const store = openStore(url);
  try {
    const total = await findPublishedTotal(store.db);
    const range = await findArticleIdRange(store.db);
    if (!range || total === 0) throw new Error(`bench: no published article in ${url}`);
    const random = rng(seed ^ 0x5eed);
    const seen = new Set<number>();
    const out: SampledArticle[] = [];
    let newest: Article | null = null;
    let drawn = 0;
    while (out.length < Math.min(size, total) && drawn < 20 * size) {
      const ids: number[] = [];
      for (let i = 0; i < DRAW_BATCH; i++) {
        const id = range.min + Math.floor(random() * (range.max - range.min + 1));
        if (!seen.has(id)) ids.push(id);
        seen.add(id);
      }
      drawn += DRAW_BATCH;
      for (const a of (await findArticlesByIds(store.db, ids)).sort((x, y) => x.id - y.id)) {
        if (a.status !== 'published' || out.length >= size) continue;
        out.push({ id: a.id, title: a.title, text: searchText(a), language: a.language, localDay: a.localDay, sourceId: a.sourceId });
        if (!newest || a.publishedAt > newest.publishedAt) newest = a;
      }
    }
    log(`sampled ${fmt(out.length)} published articles of ${fmt(total)} (ids ${fmt(range.min)}–${fmt(range.max)}, ${fmt(drawn)} drawn)`);
    return { total, articles: out, drawn, newest: newest! };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const wrk = wrkVersion();
  if (!wrk) {
    process.stderr.write('bench: wrk not found; install it: apt-get install -y wrk\n');
    process.exit(2);
  }
  const o = parseOptions(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'jarida-search-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));

  const sample = await sampleStore(o.url, o.sample, o.seed);
  const mix = pickQueryMix(sample.articles, { seed: o.seed });
  for (const q of mix.queries) log(`query ${q.kind} (${q.lang}): ${q.path}`);
  const articlePath = `/${sample.newest.localDay.replaceAll('-', '/')}/${encodeURIComponent(sample.newest.slug)}/`;
  const cachedPaths = ['/', articlePath];

  const c: RunContext = { mainJs: MAIN_JS, env: benchServeEnv(o.url, { now: BENCH_NOW, timeZone: BENCH_TZ }), dir, workers: o.workers, threads: o.threads, duration: o.duration };
  const cold = o.parts.includes('cold') ? await runCold(mix.queries, o.connections, c) : null;
  const overload: OverloadResult[] = [];
  if (o.parts.includes('overload')) {
    for (const maxInFlight of [o.maxInFlight, 0]) {
      overload.push(await runOverload(mix.queries, cachedPaths, { maxInFlight, searchConnections: o.overload.search, cachedConnections: o.overload.cached }, c));
    }
  }
  const machine = `${machineLine()}, ${wrk}`;
  const { text, failed } = searchReport({
    machine, store: o.url.replace(/\/\/[^@/]*@/, '//…@'), total: sample.total, sample: { size: sample.articles.length, drawn: sample.drawn, seed: o.seed },
    mix, duration: o.duration, threads: o.threads, workers: o.workers, cachedPaths, cold, overload,
  });
  process.stdout.write(text);
  if (failed.length) throw new Error(`bench: ${failed.length} failure(s): ${failed.join('; ')}`);
}

await runBench(main);
