/** A worker thread that digests bodies (see digest.ts): parse or extract, then prepare every item. */
import { parentPort } from 'node:worker_threads';
import { digest, type DigestJob } from './digest.js';

parentPort?.on('message', ({ id, job }: { id: number; job: DigestJob }) => {
  try {
    parentPort!.postMessage({ id, ok: digest(job) });
  } catch (err) {
    const e = err as Error & { code?: string };
    parentPort!.postMessage({ id, error: { message: e.message, code: e.code, name: e.name } });
  }
});
