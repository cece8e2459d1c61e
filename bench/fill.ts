/**
 * Fills a fresh SQLite store with N benchmark articles (bench/content.ts) over a time span ending
 * at a fixed "now", in batches of 20,000 (memory stays flat); used by bench/deep-pages.ts and
 * bench/backup.ts.
 */
import type { ArticleInput } from '../src/model/types.js';
import { insertArticles } from '../src/store/articles.js';
import { openMigratedStore } from '../src/store/db.js';
import { ensureSource } from '../src/store/sources.js';
import { benchArticle, BENCH_SOURCES } from './content.js';

export const BENCH_NOW = Date.parse('2019-02-15T12:00:00+03:00');
export const BENCH_TZ = 'Europe/Istanbul';

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
