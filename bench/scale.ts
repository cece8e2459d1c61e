/**
 * Scale benchmark: fills a fresh store with N articles for each size asked (bulk insert rate and
 * database size), serves it with the real app in a child process (page cache off: every request
 * reads the store) and measures home, a deep home page, an article, a day archive, a month archive
 * and search (a mix of queries in English, Turkish and Arabic) with autocannon; then prints one
 * table per page and the ratios of the largest size to the smallest.
 *
 *   npm run bench:scale -- --articles 100000,1000000 [--store sqlite|postgres] [--duration S=5]
 *                          [--connections C=16] [--db-dir DIR]
 *
 * --db-dir DIR keeps SQLite stores there (scale-N.db), reused when present. PostgreSQL stores are
 * schemas `jarida_bench_N` in DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * dropped at the end; with --reuse kept, and reused when they hold N articles. Progress goes to stderr, the report (Markdown) to stdout.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { findArticlesByDay, findLatestArticles } from '../src/store/articles.js';
import { findPublishedTotal } from '../src/store/day-counts.js';
import { openMigratedStore, openStore } from '../src/store/db.js';
import { analyzeAfterBulkWrite } from '../src/store/search.js';
import { ARTICLES_PER_DAY, BENCH_NOW, fillStore } from './fill.js';
import { benchSchemaUrl, failures, fetchPage, fmt, log, mb, measure, onCleanup, peakRss, runBench, startChild, stopChild, type Measurement } from './lib.js';

const NOW = new Date(BENCH_NOW).toISOString();
const SERVER_JS = fileURLToPath(new URL('./server.js', import.meta.url));

/** What readers search for: rare and common words, phrases, three languages, a day range. */
const SEARCHES = [
  'budget', 'central bank', 'minister', '"interest rate decision"', 'metro beirut', 'vaccination campaign cairo',
  'İstanbul', 'bütçe planını', 'faiz kararını', 'ISTANBUL metro',
  'الموازنة', 'البنك المركزي', 'مشروع المترو',
  'zebra', 'elections -budget',
];

interface Options {
  sizes: number[];
  store: 'sqlite' | 'postgres';
  duration: number;
  connections: number;
  dbDir: string | null;
  /** PostgreSQL: keep the bench schemas, and reuse one that holds N articles. */
  reuse: boolean;
  pgUrl: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      articles: { type: 'string', default: '100000' },
      store: { type: 'string', default: 'sqlite' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '16' },
      'db-dir': { type: 'string' },
      reuse: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('usage: node dist/bench/scale.js [--articles N[,N…]=100000] [--store sqlite|postgres] [--duration S=5] [--connections C=16] [--db-dir DIR] [--reuse]\n');
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number) => {
    const n = Number(raw.replace(/[_]/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return n;
  };
  if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error(`--store must be sqlite or postgres, got ${values.store}`);
  return {
    sizes: values.articles.split(',').map((s) => int('articles', s.trim(), 1000)).sort((a, b) => a - b),
    store: values.store,
    duration: int('duration', values.duration, 1),
    connections: int('connections', values.connections, 1),
    dbDir: values['db-dir'] ?? null,
    reuse: values.reuse ?? false,
    pgUrl: process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/test',
  };
}

interface Fill {
  articles: number;
  seconds: number;
  bytes: number;
  reused: boolean;
}

/** Returns the store URL for size N. */
function storeUrl(o: Options, n: number, tmp: string): string {
  if (o.store === 'sqlite') return `sqlite:${join(o.dbDir ?? tmp, `scale-${n}.db`)}`;
  return benchSchemaUrl(o.pgUrl, n);
}

/** Fills the store with N articles, ARTICLES_PER_DAY a day before NOW; reuses a filled SQLite file. */
async function fill(url: string, total: number, o: Options): Promise<Fill> {
  if (o.store === 'sqlite' && existsSync(url.slice('sqlite:'.length))) {
    const store = await openMigratedStore(url);
    const n = await findPublishedTotal(store.db);
    await store.close();
    if (n === total) return { articles: n, seconds: 0, bytes: await storeBytes(url, o), reused: true };
    throw new Error(`${url} holds ${n} articles, not ${total}: remove it`);
  }
  if (o.store === 'postgres') {
    if (o.reuse && (await countIn(url)) === total) {
      const store = openStore(url);
      await analyzeAfterBulkWrite(store.db).finally(() => store.close());
      return { articles: total, seconds: 0, bytes: await storeBytes(url, o), reused: true };
    }
    await onServer(o, (schema) => sql`drop schema if exists ${sql.id(schema)} cascade; create schema ${sql.id(schema)}`, url);
  }
  const seconds = await fillStore(url, total, (line) => log(`fill ${fmt(total)}: ${line}`));
  return { articles: total, seconds, bytes: await storeBytes(url, o), reused: false };
}

/** Returns the published articles of a PostgreSQL bench schema, or -1 when it is not there. */
async function countIn(url: string): Promise<number> {
  const store = openStore(url);
  try {
    return await findPublishedTotal(store.db);
  } catch {
    return -1;
  } finally {
    await store.close();
  }
}

/** Returns the store's size on disk: SQLite file (+ WAL), or the schema's tables, indexes and TOAST. */
async function storeBytes(url: string, o: Options): Promise<number> {
  if (o.store === 'sqlite') {
    const path = url.slice('sqlite:'.length);
    let n = statSync(path).size;
    for (const extra of [`${path}-wal`, `${path}-shm`]) if (existsSync(extra)) n += statSync(extra).size;
    return n;
  }
  const store = openStore(url);
  try {
    const { rows } = await sql<{ n: number }>`select coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint as n from pg_class c
      join pg_namespace s on s.oid = c.relnamespace where s.nspname = current_schema() and c.relkind = 'r'`.execute(store.db);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await store.close();
  }
}

/** Runs a statement on the server's default schema (creating or dropping a bench schema). */
async function onServer(o: Options, statement: (schema: string) => ReturnType<typeof sql>, url: string): Promise<void> {
  const schema = new URL(url).searchParams.get('schema')!;
  const admin = openStore(o.pgUrl);
  try {
    await statement(schema).execute(admin.db);
  } finally {
    await admin.close();
  }
}

interface Target {
  name: string;
  paths: string[];
  /** Connections for this page (default --connections): one shows a request's own latency, without queueing. */
  connections?: number;
}

/** Picks the measured URLs: home, the middle home page, the middle article, its day and month, the searches. */
async function pickTargets(url: string, total: number): Promise<Target[]> {
  const store = openStore(url);
  try {
    const [a] = await findLatestArticles(store.db, 1, Math.floor(total / 2));
    if (!a) throw new Error(`no article at offset ${Math.floor(total / 2)}`);
    const [first] = await findArticlesByDay(store.db, a.localDay, 1);
    const day = a.localDay.replaceAll('-', '/');
    const searches = [...SEARCHES.map((q) => `/search?q=${encodeURIComponent(q)}`), `/search?q=minister&from=${a.localDay}&to=${a.localDay}`];
    return [
      { name: 'home', paths: ['/'] },
      { name: `home, page ${fmt(Math.floor(total / 40))}`, paths: [`/?page=${Math.floor(total / 40)}`] },
      { name: 'article', paths: [`/${day}/${encodeURIComponent((first ?? a).slug)}/`] },
      { name: 'day archive', paths: [`/${day}/`] },
      { name: 'month archive', paths: [`/${day.slice(0, 7)}/`] },
      { name: `search (${searches.length} queries)`, paths: searches },
      { name: 'search, 1 connection', paths: searches, connections: 1 },
    ];
  } finally {
    await store.close();
  }
}

interface SizeResult {
  n: number;
  fill: Fill;
  pages: { name: string; m: Measurement; bytes: number }[];
  rss: number | null;
}

async function runSize(o: Options, n: number, tmp: string): Promise<SizeResult> {
  const url = storeUrl(o, n, tmp);
  log(`size ${fmt(n)}: ${o.store === 'sqlite' ? url : `schema jarida_bench_${n}`}`);
  const filled = await fill(url, n, o);
  log(`size ${fmt(n)}: ${filled.reused ? 'reused' : `filled in ${fmt(filled.seconds, 1)} s (${fmt(n / filled.seconds)} articles/s)`}, ${mb(filled.bytes)}`);
  const targets = await pickTargets(url, n);
  const env = { ...process.env, JARIDA_PAGE_CACHE: '0', LOG_LEVEL: 'warn' };
  const server = await startChild(SERVER_JS, [url, NOW], `server ${n}`, undefined, env);
  const base = `http://127.0.0.1:${server.port}`;
  const pages: SizeResult['pages'] = [];
  let rss: number | null = null;
  try {
    for (const t of targets) {
      let bytes = 0;
      for (const p of t.paths) {
        const f = await fetchPage(base + p);
        if (f.status !== 200) throw new Error(`${t.name} ${p}: status ${f.status}`);
        bytes += f.body.length;
      }
      const m = await measure(`${fmt(n)} ${t.name}`, base, { ...o, connections: t.connections ?? o.connections }, t.paths);
      pages.push({ name: t.name, m, bytes: Math.round(bytes / t.paths.length) });
    }
  } finally {
    rss = peakRss(server.child.pid);
    await stopChild(server.child);
  }
  return { n, fill: filled, pages, rss };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const tmp = mkdtempSync(join(tmpdir(), 'jarida-scale-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  if (o.dbDir) mkdirSync(o.dbDir, { recursive: true });
  const results: SizeResult[] = [];
  for (const n of o.sizes) {
    results.push(await runSize(o, n, tmp));
    if (o.store === 'sqlite' && !o.dbDir) rmSync(join(tmp, `scale-${n}.db`), { force: true });
  }
  if (o.store === 'postgres' && !o.reuse) {
    for (const n of o.sizes) await onServer(o, (schema) => sql`drop schema if exists ${sql.id(schema)} cascade`, storeUrl(o, n, tmp)).catch(() => {});
  }

  const lines: string[] = [''];
  lines.push(`## Jarida scale benchmark — ${o.store === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${o.sizes.map((n) => fmt(n)).join(' / ')} articles`);
  lines.push('');
  lines.push(`Node ${process.version}, ${availableParallelism()} CPUs; page cache off; autocannon ${o.connections} connections × ${o.duration} s per page after a warm-up; ${ARTICLES_PER_DAY} articles a day; server in a child process.`);
  lines.push('');
  lines.push('| articles | bulk insert | articles/s | store size | bytes/article | server peak RSS |');
  lines.push('|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    lines.push(`| ${fmt(r.n)} | ${r.fill.reused ? 'reused' : `${fmt(r.fill.seconds, 1)} s`} | ${r.fill.reused ? '–' : fmt(r.n / r.fill.seconds)} | ${mb(r.fill.bytes)} | ${fmt(r.fill.bytes / r.n)} | ${mb(r.rss)} |`);
  }
  lines.push('');
  lines.push(`| page | ${o.sizes.map((n) => `${fmt(n)}: req/s · p50 · p99 ms`).join(' | ')} | ${o.sizes.length > 1 ? 'largest/smallest req/s' : ''} |`);
  lines.push(`|---|${o.sizes.map(() => '---:').join('|')}|---:|`);
  const names = results[0]!.pages.map((p) => p.name);
  for (const [i, name] of names.entries()) {
    const cells = results.map((r) => {
      const m = r.pages[i]!.m;
      return `${fmt(m.rps)} · ${m.p50} · ${m.p99}`;
    });
    const ratio = results.length > 1 ? fmt(results[results.length - 1]!.pages[i]!.m.rps / results[0]!.pages[i]!.m.rps, 2) : '';
    lines.push(`| ${name.replace(/, page [\d,]+/, ', middle page')} | ${cells.join(' | ')} | ${ratio} |`);
  }
  const bad = results.reduce((s, r) => s + r.pages.reduce((t, p) => t + p.m.bad, 0), 0);
  lines.push('');
  lines.push(`Responses not 200: ${fmt(bad)}${failures.length ? ` — FAILED: ${failures.join('; ')}` : ''}.`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (failures.length) throw new Error(`${failures.length} measurement(s) had non-200 responses or errors`);
}

await runBench(main);
