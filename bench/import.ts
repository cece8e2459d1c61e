/**
 * `npm run bench:import`: writes an NDJSON archive of N articles (default 100,000; realistic ~2 KB
 * HTML bodies, en/tr/ar titles, eight sources, spread over 30 days) in a temporary folder, then
 * imports it end to end with importFile() into a fresh SQLite file — read, parse, check, sanitize
 * (worker threads, `ingest.workers`), save with day counts — once more (everything unchanged), then
 * a second archive of as many other articles (the 30 days before) into the filled store.
 * Prints articles/s, CPU time per article (all threads; the main thread's CPU time and busy time:
 * on a shared machine these say more than the wall clock), peak RSS and the database size.
 * Options: --articles N, --workers N.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config.js';
import { importFile, type ImportSummary } from '../src/ingest/import/import.js';
import { findPublishedTotal } from '../src/store/day-counts.js';
import { openMigratedStore } from '../src/store/db.js';
import { BENCH_SOURCES, benchArticle } from './content.js';

const { values } = parseArgs({ options: { articles: { type: 'string', default: '100000' }, workers: { type: 'string' } } });
const total = Number(values.articles);
if (!Number.isInteger(total) || total < 1) {
  process.stderr.write('usage: node dist/bench/import.js [--articles N] [--workers N]\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'jarida-bench-import-'));
const NOW = Date.parse('2019-02-15T09:00:00Z');
const SPAN = 30 * 86_400_000;

/** Writes an NDJSON archive of articles `from`…`from + total - 1` (streamed: memory stays flat for any N). */
async function writeArchive(file: string, from: number): Promise<void> {
  const out = createWriteStream(file);
  const ids = BENCH_SOURCES.map((_, k) => k);
  for (let i = from; i < from + total; i++) {
    const a = benchArticle(i, total, NOW, SPAN, ids);
    const s = BENCH_SOURCES[a.sourceId]!;
    const line = JSON.stringify({
      guid: a.guid, url: a.url, title: a.title, published: a.publishedAt.toISOString(), content_html: a.contentHtml,
      summary: a.summary, author: a.author, language: a.language, categories: ['News'],
      source: { title: s.title, site_url: s.siteUrl, language: s.language },
    });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

/** The main thread's CPU time so far in µs (Linux: /proc; elsewhere null). */
function mainThreadCpuUs(): number | null {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000; // utime + stime, in ticks of 10 ms
  } catch {
    return null;
  }
}

try {
  // 1. The archive, and a second one of as many other articles (the 30 days before): imported
  // into the filled store.
  const file = join(dir, 'archive.ndjson');
  const older = join(dir, 'older.ndjson');
  await writeArchive(file, 0);
  await writeArchive(older, total);
  const bytes = statSync(file).size;
  const rssAfterWriting = process.resourceUsage().maxRSS;

  // 2. Import into a fresh SQLite file, then import the same file again.
  const dbPath = join(dir, 'import.db');
  const env = values.workers !== undefined ? { JARIDA_INGEST_WORKERS: values.workers } : { JARIDA_INGEST_WORKERS: process.env.JARIDA_INGEST_WORKERS };
  const config = parseConfig({ databaseUrl: `sqlite:${dbPath}` }, env);
  const store = await openMigratedStore(config.databaseUrl);
  const options = { timeZone: config.site.timeZone, defaultLanguage: config.site.defaultLanguage, workers: config.ingest.workers };
  // CPU time (all threads) and the main thread's busy time: wall time alone says little on a shared machine.
  const measured = async (path: string) => {
    const cpu = process.cpuUsage();
    const main = mainThreadCpuUs();
    const elu = performance.eventLoopUtilization();
    const summary = await importFile(store, path, options);
    const c = process.cpuUsage(cpu);
    const e = performance.eventLoopUtilization(elu);
    const m = mainThreadCpuUs();
    return { summary, cpuUs: c.user + c.system, mainUs: e.active * 1000, mainCpuUs: m === null || main === null ? null : m - main };
  };
  const first = await measured(file);
  const again = await measured(file);
  const filled = await measured(older);
  const published = await findPublishedTotal(store.db);
  await store.close();
  const dbBytes = ['', '-wal'].reduce((s, ext) => s + (statSync(dbPath + ext, { throwIfNoEntry: false })?.size ?? 0), 0);

  const line = (what: string, { summary: s, cpuUs, mainUs, mainCpuUs }: { summary: ImportSummary; cpuUs: number; mainUs: number; mainCpuUs: number | null }) => {
    const n = s.imported + s.updated + s.unchanged + s.skipped;
    const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
    return `| ${what} | ${fmt(n)} | ${s.seconds.toFixed(2)} | **${fmt(n / s.seconds)}** | ${fmt(cpuUs / n)} | ${mainCpuUs === null ? '–' : fmt(mainCpuUs / n)} | ${fmt(mainUs / n)} | ${fmt(s.imported)} / ${fmt(s.unchanged)} / ${s.skipped} |`;
  };
  process.stdout.write([
    `NDJSON archive: ${total.toLocaleString('en-US')} articles, ${(bytes / 1024 / 1024).toFixed(1)} MB; workers: ${config.ingest.workers}; Node ${process.version}`,
    '',
    '| run | articles | seconds | articles/s | CPU µs/article (all threads) | main thread CPU µs/article | main thread busy µs/article | imported / unchanged / skipped |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    line('import into a fresh SQLite store', first),
    line('the same file again (all unchanged)', again),
    line('as many other articles into the filled store', filled),
    '',
    `published total after the imports: ${published.toLocaleString('en-US')}`,
    `peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (main thread and workers; ${Math.round(rssAfterWriting / 1024)} MB already after writing the archive)`,
    `SQLite: ${(dbBytes / 1024 / 1024).toFixed(1)} MB, ${Math.round(dbBytes / (2 * total)).toLocaleString('en-US')} bytes per article`,
    '',
  ].join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
