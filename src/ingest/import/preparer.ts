/**
 * The CPU-heavy part of an import — JSON parsing, checks and sanitizing of a batch — run on worker
 * threads when there are any (the main thread writes to the store meanwhile), else inline.
 */
import { Worker } from 'node:worker_threads';
import { compiledWorker } from '../../paths.js';
import { Pending } from '../../threads.js';
import { parseNdjsonLine, unpackLines, type Line, type PackedLines } from './ndjson.js';
import { prepareEntry, type ImportEntry, type LanguageFallback, type PreparedEntry } from './record.js';

/** A batch to prepare: NDJSON lines as read (or packed undecoded: sent to a worker without a copy), or entries a reader already made (WXR). */
export interface PrepareJob {
  lines?: Line[];
  packed?: PackedLines;
  entries?: ImportEntry[];
  /** The language of articles that do not name theirs (nor does their source). */
  language: LanguageFallback;
}

/** Returns the batch's entries prepared for the store, in order. */
export function prepareBatch(job: PrepareJob): PreparedEntry[] {
  const entries = job.entries ?? (job.packed ? unpackLines(job.packed) : job.lines ?? []).map(parseNdjsonLine);
  return entries.map((e) => prepareEntry(e, job.language));
}

/** Prepares batches, on worker threads or inline. */
export interface Preparer {
  run(job: PrepareJob): Promise<PreparedEntry[]>;
  close(): Promise<void>;
}

type Reply = { id: number; ok: PreparedEntry[] } | { id: number; error: string };

/**
 * Returns a preparer with `size` worker threads (inline when 0, or when the compiled worker is not
 * there — tests running the TypeScript sources). Jobs go to the worker with the fewest pending.
 */
export function createPreparer(size: number): Preparer {
  const file = compiledWorker(import.meta.url, 'prepare-worker');
  if (size < 1 || !file) return { run: async (job) => prepareBatch(job), close: async () => {} };
  const pending = new Pending<{ resolve: (r: PreparedEntry[]) => void; reject: (e: Error) => void; worker: Worker }>();
  const load = new Map<Worker, number>();
  const workers = Array.from({ length: size }, () => {
    // A larger young generation: sanitizing allocates many short-lived strings.
    const w = new Worker(file, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    load.set(w, 0);
    w.on('message', (reply: Reply) => {
      const task = pending.take(reply.id, (t) => t.worker === w);
      if (!task) return;
      load.set(w, load.get(w)! - 1);
      if ('ok' in reply) task.resolve(reply.ok);
      else task.reject(new Error(`import: prepare: ${reply.error}`));
    });
    w.on('error', (err) => {
      for (const task of pending.takeAll((t) => t.worker === w)) task.reject(new Error(`import: worker failed: ${err.message}`, { cause: err }));
    });
    return w;
  });
  return {
    run(job) {
      const w = workers.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
      load.set(w, load.get(w)! + 1);
      return new Promise((resolve, reject) => {
        const id = pending.add({ resolve, reject, worker: w });
        // Packed lines move to the worker (transferred), not copied.
        const p = job.packed;
        w.postMessage({ id, job }, p ? [p.bytes.buffer, p.ends.buffer, p.numbers.buffer, p.tooLong.buffer] as ArrayBuffer[] : []);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

