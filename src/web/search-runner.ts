/**
 * Where searches run. On a SQLite file store a search runs on a worker thread of its own
 * (search-worker.ts, its own read connection): better-sqlite3 is synchronous, so a search on the
 * main thread — milliseconds, tens of them for common words — would hold every other request of
 * the process, cached pages included, until it ends (issue 16: a flood of searches left cached
 * pages unanswered for a second). On the thread the main one goes on reading its sockets.
 *
 * Inline instead (same results, same code: `findSearchResults`) on PostgreSQL (its queries run in
 * the server's processes already), on an in-memory store (no other thread can open it), with
 * `http.searchThreads` 0, and where the compiled worker is missing (tests running the sources).
 */
import { Worker } from 'node:worker_threads';
import type { Article } from '../model/types.js';
import type { ArticleHeadline } from '../store/articles.js';
import { compiledWorker } from '../paths.js';
import { Pending } from '../threads.js';
import { snippetMaker, type SnippetPiece } from '../search/snippet.js';
import { searchText } from '../search/document.js';
import type { Store } from '../store/db.js';
import type { OpenOptions } from '../store/dialect.js';
import { searchArticles, type SearchFilter } from '../store/search.js';

/** One page of a search: what to find, which page, the terms to mark in snippets. */
export interface SearchRequest {
  filter: SearchFilter;
  limit: number;
  offset: number;
  highlight: Set<string>;
}

/** What the search page and its JSON show of an article found (its card, and its source's id). */
export type FoundHeadline = ArticleHeadline & Pick<Article, 'sourceId'>;

/** An article found, its title and a snippet of its text with the searched words marked. */
export interface FoundArticle {
  article: FoundHeadline;
  title: SnippetPiece[];
  snippet: SnippetPiece[];
}

/** A page of results; `total` at most SEARCH_CANDIDATES, `capped` when there are more. */
export interface SearchAnswer {
  results: FoundArticle[];
  total: number;
  capped: boolean;
}

/** Runs searches, on worker threads or inline. */
export interface SearchRunner {
  run(req: SearchRequest): Promise<SearchAnswer>;
  /** Worker threads searching (0: inline). */
  readonly threads: number;
  close(): Promise<void>;
}

/**
 * Returns a page of results with snippets: the whole of a search, wherever it runs.
 * @example await findSearchResults(store.db, { filter: { parts: [{ terms: ['budget'], prefix: true }] }, limit: 20, offset: 0, highlight: new Set(['budget']) })
 */
export async function findSearchResults(db: Store['db'], req: SearchRequest): Promise<SearchAnswer> {
  const found = await searchArticles(db, req.filter, req.limit, req.offset);
  const snippet = snippetMaker(req.highlight);
  return {
    results: found.articles.map((a) => ({
      article: {
        id: a.id, slug: a.slug, title: a.title, summary: a.summary, language: a.language, publishedAt: a.publishedAt,
        localDay: a.localDay, sourceTitle: a.sourceTitle, sourceSlug: a.sourceSlug, imageUrl: a.imageUrl, sourceId: a.sourceId,
      },
      title: snippet(a.title, 1000),
      snippet: snippet(searchText(a)),
    })),
    total: found.total,
    capped: found.capped,
  };
}

/**
 * A search answer as a thread sends it: each snippet as its texts alone, plain and marked in turn
 * (packPieces). A thread's message is copied (structured clone), and twenty results' few hundred
 * piece objects cost three times what their strings do (~100 → ~30 µs a page, and less garbage).
 */
export interface PackedAnswer {
  results: { article: FoundHeadline; title: string[]; snippet: string[] }[];
  total: number;
  capped: boolean;
}

/**
 * Returns the answer packed for sending, as JSON (unpackAnswer undoes it). A message holding one
 * string is copied as its bytes; the same answer as objects took the main thread twice as long to
 * read (V8's deserializer ~67 µs a page of results, JSON.parse ~32; writing either ~35–40 µs).
 */
export function packAnswer(a: SearchAnswer): string {
  const packed: PackedAnswer = { total: a.total, capped: a.capped, results: a.results.map((r) => ({ article: r.article, title: packPieces(r.title), snippet: packPieces(r.snippet) })) };
  return JSON.stringify(packed);
}

/** Returns the answer a thread packed. */
export function unpackAnswer(json: string): SearchAnswer {
  const p = JSON.parse(json) as PackedAnswer;
  return { total: p.total, capped: p.capped, results: p.results.map((r) => ({ article: r.article, title: unpackPieces(r.title), snippet: unpackPieces(r.snippet) })) };
}

/**
 * Returns the pieces' texts, plain and marked in turn from a plain one ('' where two of a kind meet).
 * @example packPieces([{ text: 'bank', mark: true }, { text: ' rates', mark: false }]) // ['', 'bank', ' rates']
 */
export function packPieces(pieces: readonly SnippetPiece[]): string[] {
  const out: string[] = [];
  for (const p of pieces) {
    if (p.mark === (out.length % 2 === 0)) out.push(''); // a plain one where a marked one is due, or the reverse
    out.push(p.text);
  }
  return out;
}

/** Returns the pieces packPieces packed. */
export function unpackPieces(texts: readonly string[]): SnippetPiece[] {
  const out: SnippetPiece[] = [];
  for (let i = 0; i < texts.length; i++) if (texts[i] !== '') out.push({ text: texts[i]!, mark: i % 2 === 1 });
  return out;
}

/**
 * SQLite's page cache of a search thread (MB): twice the web connection's. A search reads the index's
 * pages of its words and twenty rows scattered over the archive; with 8 MB the benchmark's query mix
 * (bench:search, 1,000,000 articles) missed enough of them to cost ~7% more CPU a search (1.77 → 1.65 ms
 * with 16; 32 measured the same as 16).
 */
const SEARCH_SQLITE_CACHE_MB = 16;

/**
 * The nice value of a search thread on Linux (search-worker.ts): below the main thread, so that
 * cache hits and page renders get the cores first. 15 rather than the lowest, 19, by measurement
 * (bench:search, two processes, 2 cores, three to seven runs of each in turn): at 19 a search thread
 * starved while both cores were busy, its process's searches queued behind it — p99 at 64
 * connections 94–163 ms against 72–94 at 15, the same ~1,075 a second — and under the overload the
 * cached pages' p99 was 17–125 ms (median 41) against 10–28 (median 15) at 15. At 0 the cached pages
 * waited behind the searches (158–199 ms).
 */
export const SEARCH_NICE = 15;

/** What a search thread is started with (workerData). */
export interface SearchWorkerData {
  url: string;
  sqliteCacheMb: number;
}

/** A search thread's answer to request `id`, and the store queries it made for it (kind, seconds), for the metrics. */
export type SearchReply = ({ id: number; ok: string } | { id: number; error: string }) & { queries?: [string, number][] };

/**
 * Returns the runner of a store: `threads` worker threads on a SQLite file store, inline otherwise
 * (see the top of this file). A thread that fails fails its searches (a 500 page) and is replaced.
 */
export function createSearchRunner(store: Store, opts: { threads: number; sqliteCacheMb?: number; onQuery?: OpenOptions['onQuery'] }): SearchRunner {
  const file = compiledWorker(import.meta.url, 'search-worker');
  const onFile = store.notifications.kind === 'sqlite' && store.notifications.file;
  if (opts.threads < 1 || !onFile || !file) {
    return { threads: 0, run: (req) => findSearchResults(store.db, req), close: async () => {} };
  }
  const data: SearchWorkerData = { url: store.url, sqliteCacheMb: opts.sqliteCacheMb ?? SEARCH_SQLITE_CACHE_MB };
  const pending = new Pending<{ resolve: (a: SearchAnswer) => void; reject: (e: Error) => void; worker: Worker }>();
  const load: number[] = new Array<number>(opts.threads).fill(0);
  const workers: (Worker | null)[] = new Array<Worker | null>(opts.threads).fill(null);
  let closed = false;

  const failAll = (slot: number, w: Worker, message: string) => {
    for (const task of pending.takeAll((t) => t.worker === w)) task.reject(new Error(`search: worker thread ${message}`));
    load[slot] = 0;
    workers[slot] = null; // started again by the next search
  };
  const start = (slot: number): Worker => {
    const w = new Worker(file, { workerData: data });
    w.unref(); // an idle search thread keeps no process alive
    w.on('message', (reply: SearchReply) => {
      const task = pending.take(reply.id, (t) => t.worker === w);
      if (!task) return;
      load[slot]!--;
      // The thread's own queries, counted as the process's are (metrics: jarida_store_query_duration_seconds).
      if (opts.onQuery) for (const [kind, seconds] of reply.queries ?? []) opts.onQuery(kind, seconds);
      if ('ok' in reply) task.resolve(unpackAnswer(reply.ok));
      else task.reject(new Error(reply.error));
    });
    w.on('error', (err) => failAll(slot, w, `failed: ${err.message}`));
    w.on('exit', (code) => {
      if (workers[slot] === w) failAll(slot, w, `exited (code ${code})`);
    });
    return w;
  };
  return {
    threads: opts.threads,
    run(req) {
      if (closed) return Promise.reject(new Error('search: the runner is closed'));
      let slot = 0;
      for (let i = 1; i < load.length; i++) if (load[i]! < load[slot]!) slot = i;
      const w = workers[slot] ?? (workers[slot] = start(slot));
      load[slot]!++;
      return new Promise((resolve, reject) => {
        w.postMessage({ id: pending.add({ resolve, reject, worker: w }), req });
      });
    },
    async close() {
      closed = true;
      const running = workers.filter((w): w is Worker => w !== null);
      workers.fill(null);
      for (const task of pending.takeAll()) task.reject(new Error('search: the runner is closed'));
      await Promise.all(running.map((w) => w.terminate()));
    },
  };
}


