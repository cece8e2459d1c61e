/**
 * Fills benchmark stores with N articles (bench/content.ts) over a time span ending at a fixed "now",
 * in batches of 20,000 (memory stays flat): fillStore (any store, ARTICLES_PER_DAY a day; the scale
 * and page benchmarks) and fillBenchStore (SQLite over a given span; deep-pages.ts and backup.ts).
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ArticleInput } from '../src/model/types.js';
import { insertArticles } from '../src/store/articles.js';
import { openMigratedStore } from '../src/store/db.js';
import { analyzeAfterBulkWrite, compactSearchIndex } from '../src/store/search.js';
import { ensureSource } from '../src/store/sources.js';
import { addSection } from '../src/store/categories.js';
import { benchArticle, BENCH_SECTIONS, BENCH_SOURCES } from './content.js';
import type { FillJob } from './fill-worker.js';

export const BENCH_NOW = Date.parse('2019-02-15T12:00:00+03:00');
export const BENCH_TZ = 'Europe/Istanbul';
const BATCH = 20_000;
const FILL_WORKER_JS = fileURLToPath(new URL('./fill-worker.js', import.meta.url));

/** Inserts `total` articles published over `spanMs` before BENCH_NOW into the store at `path`; returns seconds taken. */
export async function fillBenchStore(path: string, total: number, spanMs: number, progress: (line: string) => void): Promise<number> {
  const store = await openMigratedStore(`sqlite:${path}`);
  const t0 = performance.now();
  try {
    const sourceIds: number[] = [];
    for (const s of BENCH_SOURCES) {
      sourceIds.push(await ensureSource(store.db, { kind: 'feed', title: s.title, url: `${s.siteUrl}feed.xml`, siteUrl: s.siteUrl, language: s.language }));
    }
    for (let start = 0; start < total; start += 20_000) {
      const batch: ArticleInput[] = [];
      for (let i = start; i < Math.min(start + 20_000, total); i++) batch.push(benchArticle(i, total, BENCH_NOW, spanMs, sourceIds));
      await insertArticles(store.db, batch, BENCH_TZ);
      progress(`filled ${Math.min(start + 20_000, total).toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);
    }
  } finally {
    await store.close();
  }
  return (performance.now() - t0) / 1000;
}

/** Articles a day in the scale and page benchmarks' stores, near a real network's (~270/day): the span grows with N. */
export const ARTICLES_PER_DAY = 270;

/**
 * Fills the empty store at `url` with `total` articles, ARTICLES_PER_DAY a day before BENCH_NOW,
 * oldest first; a worker (fill-worker.ts) makes each batch and its search terms while this thread
 * writes the previous one. Returns the seconds taken; `progress` gets a line per batch.
 */
export async function fillStore(url: string, total: number, progress: (line: string) => void): Promise<number> {
  const store = await openMigratedStore(url);
  const spanMs = (total / ARTICLES_PER_DAY) * 86_400_000;
  const t0 = performance.now();
  try {
    const sourceIds: number[] = [];
    for (const s of BENCH_SOURCES) {
      sourceIds.push(await ensureSource(store.db, { kind: 'feed', title: s.title, url: `${s.siteUrl}feed.xml`, siteUrl: s.siteUrl, language: s.language }));
    }
    for (const s of BENCH_SECTIONS) await addSection(store.db, s.slug, { name: s.en, en: s.en, tr: s.tr, ar: s.ar });
    const worker = new Worker(FILL_WORKER_JS);
    const make = (start: number) => new Promise<ArticleInput[]>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (batch: ArticleInput[]) => {
        worker.off('error', reject);
        resolve(batch);
      });
      const job: FillJob = { start, end: Math.min(start + BATCH, total), total, nowMs: BENCH_NOW, spanMs, sourceIds };
      worker.postMessage(job);
    });
    let inserted = 0;
    try {
      let next = make(0);
      for (let start = 0; start < total; start += BATCH) {
        const batch = await next;
        if (start + BATCH < total) next = make(start + BATCH);
        inserted += await insertArticles(store.db, batch, BENCH_TZ);
        const s = (performance.now() - t0) / 1000;
        if (total > BATCH) progress(`${inserted.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${Math.round(inserted / s).toLocaleString('en-US')} articles/s)`);
      }
    } finally {
      await worker.terminate();
    }
    if (inserted !== total) throw new Error(`fill: inserted ${inserted} of ${total} (duplicate slug or guid?)`);
    await analyzeAfterBulkWrite(store.db); // as `jarida import` does
    await compactSearchIndex(store.db); // as `jarida import` ends, and ingest daily: a site's index is merged
  } finally {
    await store.close(); // SQLite: checkpoints the WAL into the main file
  }
  return (performance.now() - t0) / 1000;
}
