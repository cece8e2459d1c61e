/** A worker thread that prepares import batches (see preparer.ts): parse, check, sanitize. */
import { parentPort } from 'node:worker_threads';
import { prepareBatch, type PrepareJob } from './preparer.js';

parentPort?.on('message', ({ id, job }: { id: number; job: PrepareJob }) => {
  try {
    parentPort!.postMessage({ id, ok: prepareBatch(job) });
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).message });
  }
});
