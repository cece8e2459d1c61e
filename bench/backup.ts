/**
 * SQLite backup methods, measured on a store of N articles while another process writes (batches
 * of 20 articles) and reads (page 1) without pause: SQLite's online backup API copying every page
 * in one step (what `jarida backup` does), the same API at 100 pages a step (better-sqlite3's
 * default; restarts whenever another connection writes), and VACUUM INTO.
 *
 *   npm run build && node dist/bench/backup.js [--articles 100000] [--db PATH]
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { findLatestArticles, insertArticles } from '../src/store/articles.js';
import { openStore } from '../src/store/db.js';
import { benchArticle } from './content.js';
import { BENCH_NOW, BENCH_TZ, fillBenchStore } from './fill.js';

const { values } = parseArgs({ options: { articles: { type: 'string', default: '100000' }, db: { type: 'string' }, writer: { type: 'string' } } });
const SPAN = 365 * 86_400_000;

interface Stats { writes: number; maxWriteMs: number; maxReadMs: number }

if (values.writer) {
  // The site: writes and reads on its own connection until told to stop, reporting latencies on request.
  const store = openStore(`sqlite:${values.writer}`);
  let s: Stats = { writes: 0, maxWriteMs: 0, maxReadMs: 0 };
  let stop = false;
  process.on('message', (m: string) => {
    if (m === 'report') {
      process.send!(s);
      s = { writes: 0, maxWriteMs: 0, maxReadMs: 0 };
    }
    if (m === 'stop') stop = true;
  });
  let i = 10_000_000;
  process.send!('ready');
  while (!stop) {
    const batch = Array.from({ length: 20 }, () => benchArticle(i++, 1_000_000, BENCH_NOW, SPAN, [1, 2, 3, 4, 5, 6, 7, 8]));
    let t = performance.now();
    await insertArticles(store.db, batch, BENCH_TZ);
    s.maxWriteMs = Math.max(s.maxWriteMs, performance.now() - t);
    s.writes += 20;
    t = performance.now();
    await findLatestArticles(store.db, 20, 0);
    s.maxReadMs = Math.max(s.maxReadMs, performance.now() - t);
    await new Promise((r) => setTimeout(r, 5));
  }
  await store.close();
  process.exit(0);
}

const total = Number(values.articles);
const tmp = mkdtempSync(join(tmpdir(), 'jarida-backup-bench-'));
const path = values.db ?? join(tmp, 'site.db');
const log = (s: string) => process.stderr.write(`${s}\n`);
try {
  if (!existsSync(path)) log(`fill: ${(await fillBenchStore(path, total, SPAN, log)).toFixed(0)} s`);
  const child = fork(fileURLToPath(import.meta.url), ['--writer', path], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((r) => child.once('message', r));
  const report = () => new Promise<Stats>((r) => { child.once('message', (m) => r(m as Stats)); child.send('report'); });
  const size = (f: string) => `${(statSync(f).size / 1048576).toFixed(1)} MB`;
  const rows: string[] = [];
  const run = async (name: string, fn: (conn: BetterSqlite3.Database, out: string) => Promise<unknown> | unknown) => {
    const out = join(tmp, `${name.replace(/\W+/g, '-')}.db`);
    const conn = new BetterSqlite3(path, { fileMustExist: true });
    conn.pragma('busy_timeout = 5000');
    await report(); // reset
    const t = performance.now();
    let note = '';
    try {
      await fn(conn, out);
    } catch (err) {
      note = ` (${(err as Error).message})`;
    }
    const seconds = (performance.now() - t) / 1000;
    const s = await report();
    conn.close();
    const articles = existsSync(out) ? (new BetterSqlite3(out, { readonly: true }).prepare('select count(*) n from articles').get() as { n: number }).n : 0;
    rows.push(`| ${name} | ${seconds.toFixed(2)} s${note} | ${existsSync(out) ? size(out) : '-'} | ${articles.toLocaleString('en-US')} | ${s.writes} | ${s.maxWriteMs.toFixed(1)} ms | ${s.maxReadMs.toFixed(1)} ms |`);
    if (existsSync(out)) rmSync(out);
  };
  await run('no backup (3 s idle)', () => new Promise((r) => setTimeout(r, 3000)));
  await run('backup API, all pages in one step', (c, out) => c.backup(out, { progress: () => 0x7fffffff }));
  await run('VACUUM INTO', (c, out) => c.prepare('vacuum into ?').run(out));
  let restarts = 0;
  await run('backup API, 100 pages a step (default)', (c, out) => {
    const t = performance.now();
    let last = Infinity;
    return c.backup(out, {
      progress: ({ remainingPages }) => {
        if (remainingPages > last) restarts++;
        last = remainingPages;
        if (performance.now() - t > 60_000) throw new Error(`gave up after 60 s, ${restarts} restarts`);
        return 100;
      },
    });
  });
  child.send('stop');
  process.stdout.write(`${total.toLocaleString('en-US')} articles, store ${size(path)}; another process writes 20 articles and reads page 1 every ~5 ms throughout\n\n`);
  process.stdout.write('| method | elapsed | file | articles in copy | articles written meanwhile | slowest write meanwhile | slowest read meanwhile |\n|---|---:|---:|---:|---:|---:|---:|\n');
  process.stdout.write(rows.join('\n') + `\n\n100-page steps restarted ${restarts} times.\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
