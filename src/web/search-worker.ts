/**
 * A search thread (search-runner.ts): its own read connection to the SQLite file store, answering
 * one search at a time, in the order asked. On Linux the thread runs at a lower priority
 * (SEARCH_NICE): when the cores are busy, the process's main thread — cache hits, page renders —
 * goes first, and searches take what is left.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/db.js';
import { findSearchResults, packAnswer, SEARCH_NICE, type SearchReply, type SearchRequest, type SearchWorkerData } from './search-runner.js';


const data = workerData as SearchWorkerData;
try {
  // /proc/thread-self → `<pid>/task/<tid>`: setpriority on a thread id sets that thread's alone.
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), SEARCH_NICE);
} catch {
  // not Linux, or not allowed: searches run at the process's priority
}
// The store queries of the search in progress (one at a time: better-sqlite3 is synchronous), sent
// back with its answer for the process's metrics.
let queries: [string, number][] = [];
const store = openStore(data.url, { sqliteCacheMb: data.sqliteCacheMb, onQuery: (kind, seconds) => queries.push([kind, seconds]) });

parentPort?.on('message', ({ id, req }: { id: number; req: SearchRequest }) => {
  const mine = (queries = []); // each query is sent once, with the answer of the search then running
  findSearchResults(store.db, req).then(
    (ok) => parentPort!.postMessage({ id, ok: packAnswer(ok), queries: mine } satisfies SearchReply),
    (err: unknown) => parentPort!.postMessage({ id, error: (err as Error).message, queries: mine } satisfies SearchReply),
  );
});
