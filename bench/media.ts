/**
 * Media benchmark: a stored image variant served warm by the real `jarida serve` (`/media/…`, from
 * its in-process LRU in front of Fastify) against the bare node:http server sending the same bytes
 * and headers with the same number of processes, measured with wrk in the same run.
 *
 *   npm run bench:media -- [--duration S=5] [--connections 16,64,256] [--workers N=cores] [--threads T=2]
 *
 * The image is made here (a 1600 × 900 JPEG scene) and stored through the media pipeline into a
 * temporary folder store; the 640 px WebP (the srcset's usual pick) is the file measured. Prints a
 * Markdown table with req/s, p50/p99 latency and the ratio Jarida / raw (goal ≥ 0.8, said under the
 * table). Exits 1 when a response was not 200, 2 without wrk. `npm run bench` runs it after the pages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { parseConfig } from '../src/config.js';
import { NO_PRIVATE_ADDRESSES } from '../src/ingest/fetch/guard.js';
import { FolderMediaFiles } from '../src/media/files.js';
import { collectImages, mediaDepsOf, storeImages } from '../src/media/pipeline.js';
import { sampleJpeg } from '../src/media/testdata/images.js';
import { saveArticle } from '../src/store/articles.js';
import { openMigratedStore } from '../src/store/db.js';
import { findMediaOfArticle } from '../src/store/media.js';
import { ensureSource } from '../src/store/sources.js';
import { fetchBare, fmt, freePort, log, machineLine, onCleanup, runBench, startChild, startServer, stopChild, stopServer } from './lib.js';
import type { RawInit } from './raw-server.js';
import { runWrk, wrkVersion, writeWrkScript, type WrkResult } from './wrk.js';

const MAIN_JS = fileURLToPath(new URL('../src/main.js', import.meta.url));
const RAW_SERVER_JS = fileURLToPath(new URL('./raw-server.js', import.meta.url));
const GOAL = 0.8;

/** Stores one image into a fresh SQLite store and folder; returns the database URL, folder and the measured file's path. */
export async function prepareMediaStore(dir: string): Promise<{ databaseUrl: string; mediaDir: string; path: string; bytes: number }> {
  const databaseUrl = `sqlite:${join(dir, 'media-bench.db')}`;
  const mediaDir = join(dir, 'media');
  const config = parseConfig({ databaseUrl, media: { dir: mediaDir } });
  const store = await openMigratedStore(databaseUrl);
  try {
    const source = await ensureSource(store.db, { kind: 'feed', title: 'Bench', siteUrl: 'https://bench.example/', language: 'en' });
    const url = 'https://bench.example/lead.jpg';
    const a = await saveArticle(store.db, { sourceId: source, guid: 'a', url: 'https://bench.example/a', title: 'Bench', summary: 'S', contentHtml: '<p>x</p>', imageUrl: url, author: null, language: 'en', publishedAt: new Date('2019-02-15T09:00:00Z') }, config.site.timeZone);
    const jpeg = await sampleJpeg(1600, 900, 5);
    const deps = { ...mediaDepsOf({ store, log: pino({ level: 'warn' }), now: () => new Date(), config }, new FolderMediaFiles(mediaDir), NO_PRIVATE_ADDRESSES), load: async () => jpeg };
    await storeImages(deps, await collectImages(deps, [a.id]));
    const [row] = await findMediaOfArticle(store.db, a.id);
    const v = row?.variants.find((x) => x.f === 'webp' && x.w === 640);
    if (!row || row.status !== 'ready' || !v) throw new Error(`bench: the image was not stored (${row?.error ?? 'no row'})`);
    return { databaseUrl, mediaDir, path: `/media/${row.hash}-${v.w}.${v.f}`, bytes: v.b };
  } finally {
    await store.close();
  }
}

/** What the media bench measures with. */
export interface MediaBenchOptions {
  duration: number;
  connections: number[];
  workers: number;
  threads: number;
}

/**
 * Runs the media cells and returns the Markdown report and the problems found (bad responses, a
 * ratio under the goal); `npm run bench` calls it after the pages.
 */
export async function runMediaBench(o: MediaBenchOptions): Promise<{ text: string; problems: string[] }> {
  const wrk = wrkVersion();
  if (!wrk) throw new Error('bench: wrk not found; install it: apt-get install -y wrk');
  const { duration, connections, workers, threads } = o;
  const dir = mkdtempSync(join(tmpdir(), 'jarida-bench-media-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const script = writeWrkScript(dir);
  const m = await prepareMediaStore(dir);
  log(`stored ${m.path} (${fmt(m.bytes)} bytes)`);

  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: m.databaseUrl, JARIDA_MEDIA_DIR: m.mediaDir, JARIDA_DEMO: '0', JARIDA_INGEST: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  delete env.JARIDA_CONFIG;
  const jarida = await startServer(process.execPath, [MAIN_JS, 'serve', '--port', String(port), '--workers', String(workers)], { name: 'jarida', ready: /is serving/, env, cwd: dir });
  const rows: { connections: number; jarida: WrkResult; raw: WrkResult }[] = [];
  try {
    const url = `http://127.0.0.1:${port}${m.path}`;
    // Warm every worker's LRU (each process has its own): enough requests that each one served some.
    for (let i = 0; i < workers * 20; i++) await fetchBare(url);
    const seen = await fetchBare(url);
    if (seen.status !== 200 || seen.body.length !== m.bytes) throw new Error(`bench: ${url} answered ${seen.status} with ${seen.body.length} bytes`);
    const init: RawInit = { port: await freePort(), workers: workers > 1 ? workers : 0, pages: [{ path: m.path, status: 200, headers: seen.headers, body: seen.body.toString('base64') }] };
    const raw = await startChild(RAW_SERVER_JS, [], 'raw-server', init);
    try {
      const rawUrl = `http://127.0.0.1:${raw.port}${m.path}`;
      for (const c of connections) {
        await runWrk(url, { script, connections: c, threads, duration: 1, timeout: 10 });
        const j = await runWrk(url, { script, connections: c, threads, duration, timeout: 10 });
        await runWrk(rawUrl, { script, connections: c, threads, duration: 1, timeout: 10 });
        const r = await runWrk(rawUrl, { script, connections: c, threads, duration, timeout: 10 });
        rows.push({ connections: c, jarida: j, raw: r });
        log(`${c} connections: jarida ${fmt(j.rps)} req/s, raw ${fmt(r.rps)} req/s (${fmt(j.rps / r.rps, 2)})`);
      }
    } finally {
      await stopChild(raw.child);
    }
  } finally {
    await stopServer(jarida);
  }
  const lines = [
    `## /media/ warm vs raw node:http — ${m.path.slice(7)} (${fmt(m.bytes)} bytes)`,
    '',
    `${machineLine()}, ${wrk}; ${workers} process(es) each; ${duration} s per cell after a 1 s warm-up.`,
    '',
    '| connections | Jarida req/s | p50 ms | p99 ms | raw req/s | p50 ms | p99 ms | ratio |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.connections} | ${fmt(r.jarida.rps)} | ${fmt(r.jarida.p50, 2)} | ${fmt(r.jarida.p99, 2)} | ${fmt(r.raw.rps)} | ${fmt(r.raw.p50, 2)} | ${fmt(r.raw.p99, 2)} | ${fmt(r.jarida.rps / r.raw.rps, 2)} |`),
  ];
  const problems: string[] = [];
  const bad = rows.filter((r) => r.jarida.badStatus + r.jarida.socketErrors + r.raw.badStatus + r.raw.socketErrors > 0);
  if (bad.length) problems.push(`media: bad responses or socket errors at ${bad.map((r) => r.connections).join(', ')} connections`);
  const slow = rows.filter((r) => r.jarida.rps / r.raw.rps < GOAL);
  lines.push(slow.length ? `Goal ≥ ${GOAL} × raw: not met at ${slow.map((r) => r.connections).join(', ')} connections.` : `Goal ≥ ${GOAL} × raw: met at every cell.`, '');
  return { text: `${lines.join('\n')}\n`, problems };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '5' }, connections: { type: 'string', default: '16,64,256' }, workers: { type: 'string' }, threads: { type: 'string', default: '2' }, quick: { type: 'boolean' } } });
  if (!wrkVersion()) {
    process.stderr.write('bench: wrk not found; install it: apt-get install -y wrk\n');
    process.exit(2);
  }
  const r = await runMediaBench({
    duration: values.quick ? 1 : Number(values.duration),
    connections: values.connections.split(',').map(Number),
    workers: Number(values.workers ?? availableParallelism()),
    threads: Number(values.threads),
  });
  process.stdout.write(r.text);
  if (r.problems.some((p) => p.includes('bad responses'))) throw new Error(r.problems.join('; '));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runBench(main);
