/**
 * Page benchmark (issue 5): the real `jarida serve` on a SQLite store of N articles, cold (page
 * cache off) and warm (cache on and full), against a bare node:http server sending the same bytes
 * with the same number of processes, measured cell by cell in the same run with wrk.
 *
 *   npm run bench -- [--db PATH] [--articles N=1000000] [--duration S=5 | --quick]
 *                    [--connections 16,64,256] [--workers N] [--threads T=2]
 *                    [--pages home,article,day,search,feed,…] [--modes cold,warm]
 *
 * --db PATH is filled with N articles when missing (270 a day before 2019-02-15, as bench:scale;
 * ~6 min for 1,000,000 on 2 cores) and reused when present; the default is
 * <tmpdir>/jarida-bench-N.db, kept for the next run. Each cell (page × mode × connections) runs wrk
 * for a warm-up second (not reported) and then --duration seconds, first on Jarida, then on the raw
 * server. Progress goes to stderr, the report (Markdown) to stdout. Exits 2 without wrk, 1 when a
 * response was not 2xx/3xx, a socket failed or a step failed (after the report when it got there).
 */
import { existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { parseConfig } from '../src/config.js';
import { BENCH_NOW, BENCH_TZ, fillStore } from './fill.js';
import { benchServeEnv, fmt, intOption, log, machineLine, mb, onCleanup, runBench } from './lib.js';
import { DEFAULT_PAGES, pickTargets, PAGE_NAMES, type PageName } from './pages-targets.js';
import { runMode, type ModeResult } from './pages-run.js';
import { report } from './pages-report.js';
import { wrkVersion, writeWrkScript } from './wrk.js';
import { runMediaBench } from './media.js';

const MAIN_JS = fileURLToPath(new URL('../src/main.js', import.meta.url));

/** The bench's options, validated. */
export interface Options {
  db: string;
  articles: number;
  /** Whether --articles was given (a reused store must then hold that many). */
  articlesGiven: boolean;
  duration: number;
  connections: number[];
  /** `serve --workers N`; null: serve's default (the cores). The raw server copies Jarida's process count either way. */
  workers: number | null;
  threads: number;
  pages: PageName[];
  modes: ('cold' | 'warm')[];
}

const USAGE = `usage: npm run bench -- [options]
  --db PATH              SQLite store: filled when missing, reused when present (default <tmpdir>/jarida-bench-N.db, kept)
  --articles N           articles to fill (default 1,000,000)
  --duration S           seconds per measured cell, after a 1 s warm-up (default 5)
  --quick                1 s cells
  --connections LIST     wrk connections (default 16,64,256)
  --workers N            jarida serve --workers N (default: serve's own, the cores); the raw server runs as many processes
  --threads T            wrk threads (default 2)
  --pages LIST           of ${PAGE_NAMES.join(',')}
                         (default ${DEFAULT_PAGES.join(',')})
  --modes LIST           of cold,warm (default both)
  -h, --help             this text
`;

function parseOptions(argv: string[], serveHasWorkers: boolean): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      articles: { type: 'string' },
      duration: { type: 'string', default: '5' },
      quick: { type: 'boolean' },
      connections: { type: 'string', default: '16,64,256' },
      workers: { type: 'string' },
      threads: { type: 'string', default: '2' },
      pages: { type: 'string', default: DEFAULT_PAGES.join(',') },
      modes: { type: 'string', default: 'cold,warm' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const int = intOption;
  const list = <T extends string>(name: string, raw: string, allowed: readonly T[]) => raw.split(',').map((s) => {
    if (!allowed.includes(s.trim() as T)) throw new Error(`bench: --${name}: ${s} is not one of ${allowed.join(', ')}`);
    return s.trim() as T;
  });
  const articles = int('articles', values.articles ?? '1000000', 1000);
  let workers = values.workers === undefined ? null : int('workers', values.workers, 1);
  if (workers !== null && !serveHasWorkers) {
    log(`jarida serve has no --workers yet: measuring it as it starts, not with ${workers} workers`);
    workers = null;
  }
  return {
    db: values.db ?? join(tmpdir(), `jarida-bench-${articles}.db`),
    articles,
    articlesGiven: values.articles !== undefined,
    duration: values.quick ? 1 : int('duration', values.duration, 1),
    connections: values.connections.split(',').map((s) => int('connections', s.trim(), 1)),
    workers,
    threads: int('threads', values.threads, 1),
    pages: list('pages', values.pages, PAGE_NAMES),
    modes: list('modes', values.modes, ['cold', 'warm'] as const),
  };
}

/** Returns whether `jarida serve` takes --workers (being added next to this bench). */
function serveTakesWorkers(): boolean {
  const r = spawnSync(process.execPath, [MAIN_JS, 'serve', '--help'], { encoding: 'utf8' });
  return /--workers\b/.test(`${r.stdout}${r.stderr}`);
}

/** Fill time, or null when the store was reused. */
interface Filled {
  seconds: number | null;
  bytes: number;
}

/** Fills `o.db` when it is missing (into PATH.partial, renamed when complete); reuses it otherwise. */
async function ensureStore(o: Options): Promise<Filled> {
  if (!existsSync(o.db)) {
    const partial = `${o.db}.partial`;
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(f, { force: true });
    log(`filling ${o.db} with ${fmt(o.articles)} articles`);
    const seconds = await fillStore(`sqlite:${partial}`, o.articles, (line) => log(`fill: ${line}`));
    renameSync(partial, o.db);
    for (const f of [`${partial}-wal`, `${partial}-shm`]) rmSync(f, { force: true });
    log(`filled ${fmt(o.articles)} articles in ${fmt(seconds, 1)} s (${fmt(o.articles / seconds)} articles/s)`);
    return { seconds, bytes: statSync(o.db).size };
  }
  log(`reusing ${o.db}`);
  return { seconds: null, bytes: statSync(o.db).size };
}

async function main(): Promise<void> {
  const wrk = wrkVersion();
  if (!wrk) {
    process.stderr.write('bench: wrk not found; install it: apt-get install -y wrk\n');
    process.exit(2);
  }
  const o = parseOptions(process.argv.slice(2), serveTakesWorkers());
  const tmp = mkdtempSync(join(tmpdir(), 'jarida-pages-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));

  const filled = await ensureStore(o);
  const targets = await pickTargets(o.db, o.pages);
  if (o.articlesGiven && targets.total !== o.articles) throw new Error(`bench: ${o.db} holds ${fmt(targets.total)} articles, not ${fmt(o.articles)}: remove it or drop --articles`);
  log(`targets: ${targets.note}`);

  const env = benchServeEnv(`sqlite:${o.db}`, { now: BENCH_NOW, timeZone: BENCH_TZ });
  const cacheBytes = parseConfig({}, env).pageCache.maxBytes;
  const script = writeWrkScript(tmp);
  const results: ModeResult[] = [];
  for (const mode of o.modes) {
    results.push(await runMode(mode, { ...o, mainJs: MAIN_JS, env: { ...env, JARIDA_PAGE_CACHE: mode === 'warm' ? '1' : '0' }, cwd: tmp, script, targets, cacheBytes }));
  }
  const machine = `${machineLine()}, ${wrk}`;
  const { text, failed } = report(o, { machine, filled, targets, results, cacheBytes });
  process.stdout.write(text);
  // /media/ warm beside the raw server (bench/media.ts): a store and an image of its own.
  process.stdout.write(`\n${(await runMediaBench({ duration: o.duration, connections: o.connections, workers: o.workers ?? availableParallelism(), threads: o.threads })).text}`);
  if (!process.argv.includes('--db')) log(`kept ${o.db} (${mb(filled.bytes)}) for the next run`);
  if (failed.length) throw new Error(`bench: ${failed.length} cell(s) or page(s) failed: ${failed.join('; ')}`);
}

await runBench(main);
