/**
 * Benchmark fill worker: makes batches of bench articles, oldest first, with their search terms (as
 * bulk import's workers do), so the thread that writes to the store only writes. Receives
 * `{ start, end, total, nowMs, spanMs, sourceIds }`, answers with the batch's ArticleInputs.
 */
import { parentPort } from 'node:worker_threads';
import type { ArticleInput } from '../src/model/types.js';
import { searchDocument } from '../src/search/document.js';
import { benchArticle } from './content.js';

export interface FillJob {
  start: number;
  end: number;
  total: number;
  nowMs: number;
  spanMs: number;
  sourceIds: number[];
}

parentPort?.on('message', (job: FillJob) => {
  const batch: ArticleInput[] = [];
  // Oldest first, as a site grows: ids rise with time (benchArticle's i = 0 is the newest).
  for (let i = job.start; i < job.end; i++) {
    const a = benchArticle(job.total - 1 - i, job.total, job.nowMs, job.spanMs, job.sourceIds);
    batch.push({ ...a, searchDocument: searchDocument({ title: a.title, summary: a.summary ?? null, contentHtml: a.contentHtml ?? null, language: a.language }) });
  }
  parentPort!.postMessage(batch);
});
