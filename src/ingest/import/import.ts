/**
 * importFile(): a whole archive into the store, top to bottom —
 *   open → detect the format from the first bytes → read entries as a stream (NDJSON lines or
 *   WordPress items) → prepare batches (check, sanitize; worker threads) → save each batch
 *   (saveArticles: created / updated / unchanged / duplicate) → tally.
 * Memory stays flat: the stream is read only as fast as batches are saved, with at most a few
 * batches between the reader and the store.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ArticleInput } from '../../model/types.js';
import { saveArticles } from '../../store/articles.js';
import { withBulkWrites } from '../../store/bulk.js';
import { analyzeAfterBulkWrite } from '../../store/search.js';
import type { Store } from '../../store/db.js';
import { ensureSource, findSourceByUrl } from '../../store/sources.js';
import { normalizeUrl } from '../process/url.js';
import { ImportError } from './errors.js';
import { LinePacker, readLineBytes } from './ndjson.js';
import { createPreparer, type PrepareJob } from './preparer.js';
import type { ImportEntry, ImportSource, LanguageFallback, PreparedEntry } from './record.js';
import { readWxr, type WxrChannel } from './wxr.js';

export { ImportError } from './errors.js';

/** How to import: the site's settings, and what the command line says. */
export interface ImportOptions {
  /** The site's time zone: each article's day. */
  timeZone: string;
  /** The site's default language: articles, sources and channels that name none. */
  defaultLanguage: string;
  /** The source of articles that name none (default: the WordPress site's title, else the file's name). */
  source?: string;
  /** The language of articles that name none (before their source's, the channel's or the site's). */
  language?: string;
  /** The languages an article naming none (nor its source, the channel or --lang) may be detected as (default: en, tr, ar). */
  languages?: readonly string[];
  /** Worker threads that check and sanitize (0: the main thread). */
  workers?: number;
  /** Entries per batch prepared on a worker (default 500). */
  batchSize?: number;
  /** Articles per store transaction at most (default 2,000; fewer when their text passes 8 MB). */
  storeBatch?: number;
  /** Read this instead of opening `path` (standard input for `-`; tests). */
  input?: AsyncIterable<Uint8Array>;
  /** Told the ids of the articles each batch created or updated (the command queues their images). */
  onSaved?: (articleIds: number[]) => void;
}

/** Where an import is: bytes read of the total (null when unknown: standard input), entries done. */
export interface ImportProgress {
  bytes: number;
  totalBytes: number | null;
  entries: number;
  elapsedMs: number;
}

/** What an import did. */
export interface ImportSummary {
  format: 'ndjson' | 'wxr';
  imported: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** Skips counted by reason, most frequent first. */
  reasons: { reason: string; count: number }[];
  /** The first skips, with where they are: `line 12: invalid JSON (Unexpected token …)`. */
  examples: string[];
  bytes: number;
  seconds: number;
}

const EXAMPLES = 10;

/** Characters of HTML and search terms one store transaction holds at most (~16 MB of strings). */
const STORE_BATCH_CHARS = 8_000_000;

/** Bytes of the batches being prepared at most (more than one batch); their results are held until saved. */
const IN_FLIGHT_BYTES = 32 * 1024 * 1024;

/**
 * Imports an NDJSON or WordPress (WXR/RSS) archive — `-` reads standard input — and returns what it
 * did. Importing the same file again stores nothing new; a changed article is updated. Throws
 * ImportError (code IMPORT_READ / IMPORT_FORMAT) for a file that cannot be read or is not an archive.
 * @example const s = await importFile(store, 'posts.ndjson', { timeZone: 'Europe/Istanbul', defaultLanguage: 'en' });
 */
export async function importFile(store: Store, path: string, options: ImportOptions, onProgress?: (p: ImportProgress) => void): Promise<ImportSummary> {
  const started = performance.now();
  const label = path === '-' ? 'standard input' : path;
  try {
    const { chunks, totalBytes, close } = await openInput(path, options.input);
    const progress: ImportProgress = { bytes: 0, totalBytes, entries: 0, elapsedMs: 0 };
    try {
      const { format, body } = await detectFormat(counting(chunks, (n) => (progress.bytes += n)));
      const tally = new Tally(format);
      let channel: WxrChannel | null = null;
      const fallbackSource = (): ImportSource => ({
        title: options.source ?? channel?.title ?? fileTitle(path),
        url: null,
        siteUrl: options.source ? null : channel?.link ?? null,
        language: options.source ? null : channel?.language ?? null,
      });
      const language = (): LanguageFallback => ({ declared: options.language ?? channel?.language ?? null, languages: options.languages, defaultLanguage: options.defaultLanguage });
      const batchSize = options.batchSize ?? 500;
      const batches = format === 'ndjson'
        ? ndjsonJobs(body, batchSize, language)
        : wxrJobs(body, batchSize, language, (c) => (channel = c));
      const sourceIdOf = sourceResolver(store, fallbackSource);

      // Prepared batches gather into one store transaction of up to `storeBatch` articles or
      // STORE_BATCH_CHARS of text: a commit costs about the same for 500 articles as for 2,000.
      const storeBatch = options.storeBatch ?? 2000;
      let inputs: ArticleInput[] = [];
      let where: string[] = [];
      let chars = 0;
      let entries = 0;
      const flush = async () => {
        if (inputs.length > 0) {
          const results = await saveArticles(store.db, inputs, options.timeZone);
          results.forEach((r, i) => tally.saved(r.outcome, where[i]!));
          options.onSaved?.(results.flatMap((r) => (r.outcome === 'created' || r.outcome === 'updated' ? [r.id] : [])));
        }
        progress.entries += entries;
        progress.elapsedMs = performance.now() - started;
        inputs = [];
        where = [];
        chars = 0;
        entries = 0;
        onProgress?.(progress);
      };
      const save = async (prepared: PreparedEntry[]) => {
        for (const e of prepared) {
          entries++;
          if (!('article' in e)) {
            tally.skip(e.at, e.skip, e.detail);
            continue;
          }
          const { source, publishedAt, ...article } = e.article;
          inputs.push({ ...article, sourceId: await sourceIdOf(source), publishedAt: new Date(publishedAt) });
          where.push(e.at);
          chars += (article.contentHtml?.length ?? 0) + (article.searchDocument?.body.length ?? 0);
        }
        if (inputs.length >= storeBatch || chars >= STORE_BATCH_CHARS) await flush();
      };

      // Up to `depth` batches are prepared on the workers while the oldest one is saved; the reader
      // is not pulled meanwhile, so the file stream stays paused.
      // With workers, enough batches that they go on while a whole store transaction is written.
      const workers = options.workers ?? 0;
      const preparer = createPreparer(workers);
      const depth = workers > 0 ? workers + 1 + Math.ceil(storeBatch / batchSize) : 2;
      // ... and never more than IN_FLIGHT_BYTES of them (archives of long articles), but always one.
      const inFlight: { prepared: Promise<PreparedEntry[]>; bytes: number }[] = [];
      let inFlightBytes = 0;
      const saveOldest = async () => {
        const oldest = inFlight.shift()!;
        inFlightBytes -= oldest.bytes;
        await save(await oldest.prepared);
      };
      try {
        await withBulkWrites(store.db, async () => {
          for await (const job of batches) {
            const bytes = jobBytes(job);
            const prepared = preparer.run(job); // (packed lines are handed over: measured before)
            prepared.catch(() => {}); // awaited in order below; not an unhandled rejection meanwhile
            inFlight.push({ prepared, bytes });
            inFlightBytes += bytes;
            while (inFlight.length >= depth || (inFlight.length > 1 && inFlightBytes > IN_FLIGHT_BYTES)) await saveOldest();
          }
          while (inFlight.length > 0) await saveOldest();
          await flush();
        });
      } finally {
        await preparer.close();
      }
      // Searches plan with the table statistics: a bulk write makes them stale at once.
      await analyzeAfterBulkWrite(store.db);
      return tally.summary(progress.bytes, (performance.now() - started) / 1000);
    } finally {
      close();
    }
  } catch (err) {
    if (err instanceof ImportError) throw new ImportError(err.code, `import: ${label}: ${err.message}`, { cause: err.cause });
    const code = (err as NodeJS.ErrnoException).code;
    if (code && /^E[A-Z]+$/.test(code)) throw new ImportError('IMPORT_READ', `import: ${label}: cannot read (${code})`, { cause: err });
    throw err;
  }
}

/** Returns about how many bytes a batch holds: its lines, or its entries' bodies (WXR). */
function jobBytes(job: PrepareJob): number {
  if (job.packed) return job.packed.bytes.byteLength;
  let n = 0;
  for (const e of job.entries ?? []) if ('article' in e) n += 2 * ((e.article.contentHtml?.length ?? 0) + (e.article.summary?.length ?? 0));
  return n;
}

/** Returns the file's bytes as a stream, its size (null for standard input), and how to close it. */
async function openInput(path: string, input?: AsyncIterable<Uint8Array>) {
  if (input) return { chunks: input, totalBytes: null, close: () => {} };
  if (path === '-') return { chunks: process.stdin as AsyncIterable<Uint8Array>, totalBytes: null, close: () => {} };
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new ImportError('IMPORT_READ', `cannot read (${err.code ?? err.message})`, { cause: err });
  });
  if (info.isDirectory()) throw new ImportError('IMPORT_READ', 'is a directory, not a file');
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  return { chunks: stream as AsyncIterable<Uint8Array>, totalBytes: info.size, close: () => stream.destroy() };
}

/** Passes the chunks through, counting their bytes. */
async function* counting(chunks: AsyncIterable<Uint8Array>, add: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    add(c.byteLength);
    yield c;
  }
}

/**
 * Returns the format from the first non-blank byte — `{` NDJSON, `<` XML — and the body to read (all
 * of it, a UTF-8 byte order mark removed). Throws IMPORT_FORMAT for anything else.
 */
async function detectFormat(chunks: AsyncIterable<Uint8Array>): Promise<{ format: 'ndjson' | 'wxr'; body: AsyncIterable<Uint8Array> }> {
  const it = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let first: number | undefined;
  let offset = 0;
  while (first === undefined) {
    const next = await it.next();
    if (next.done) break;
    let c = next.value;
    if (head.length === 0 && c[0] === 0xef && c[1] === 0xbb && c[2] === 0xbf) c = c.subarray(3);
    head.push(c);
    for (let i = 0; i < c.length && first === undefined; i++) {
      if (c[i] !== 0x20 && c[i] !== 0x0a && c[i] !== 0x0d && c[i] !== 0x09) first = c[i];
    }
    offset += c.length;
    if (first === undefined && offset > 1024 * 1024) break;
  }
  if (first === undefined) throw new ImportError('IMPORT_FORMAT', 'empty: no article to import');
  if (first !== 0x7b && first !== 0x3c) {
    const start = Buffer.concat(head).toString('utf8').trim().slice(0, 20).replace(/[^\x20-\x7e]/g, '?');
    throw new ImportError('IMPORT_FORMAT', `neither NDJSON (first character '{') nor XML (first character '<'): it starts with "${start}"`);
  }
  async function* body() {
    yield* head;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  return { format: first === 0x7b ? 'ndjson' : 'wxr', body: body() };
}

/** Yields NDJSON lines in batches to prepare. */
async function* ndjsonJobs(body: AsyncIterable<Uint8Array>, size: number, language: () => LanguageFallback): AsyncGenerator<PrepareJob> {
  const lines = new LinePacker();
  for await (const line of readLineBytes(body)) {
    lines.add(line);
    if (lines.length >= size) yield { packed: lines.take(), language: language() };
  }
  if (lines.length) yield { packed: lines.take(), language: language() };
}

/** Yields WordPress items in batches to prepare; the channel goes to `onChannel` before its first item. */
async function* wxrJobs(body: AsyncIterable<Uint8Array>, size: number, language: () => LanguageFallback, onChannel: (c: WxrChannel) => void): AsyncGenerator<PrepareJob> {
  let entries: ImportEntry[] = [];
  for await (const e of readWxr(body)) {
    if ('channel' in e) {
      onChannel(e.channel);
      continue;
    }
    entries.push(e);
    if (entries.length >= size) {
      yield { entries, language: language() };
      entries = [];
    }
  }
  if (entries.length) yield { entries, language: language() };
}

/** Returns a function giving the id of an entry's source: found by URL or title, created when missing (kind manual: never fetched). */
function sourceResolver(store: Store, fallback: () => ImportSource) {
  const ids = new Map<string, number>();
  return async (named: ImportSource | null): Promise<number> => {
    const s = named ?? fallback();
    const key = `${s.title}\n${s.url ?? ''}`;
    let id = ids.get(key);
    if (id === undefined) {
      const url = normalizeUrl(s.url);
      const byUrl = url ? await findSourceByUrl(store.db, url) : undefined;
      id = byUrl?.id ?? (await ensureSource(store.db, { kind: 'manual', title: s.title, url, siteUrl: normalizeUrl(s.siteUrl), language: s.language }));
      if (ids.size < 10_000) ids.set(key, id);
    }
    return id;
  };
}

/** The file's name without its extension: the source of articles that name none. */
function fileTitle(path: string): string {
  if (path === '-') return 'Imported articles';
  return basename(path, extname(path)) || basename(path);
}

/** Counts outcomes and skip reasons, and keeps the first examples. */
class Tally {
  private counts = { imported: 0, updated: 0, unchanged: 0, skipped: 0 };
  private reasons = new Map<string, number>();
  private examples: string[] = [];
  constructor(private format: 'ndjson' | 'wxr') {}

  skip(at: string, reason: string, detail?: string): void {
    this.counts.skipped++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    if (this.examples.length < EXAMPLES) this.examples.push(`${at}: ${reason}${detail ? ` (${detail})` : ''}`);
  }

  saved(outcome: 'created' | 'updated' | 'unchanged' | 'duplicate', at: string): void {
    if (outcome === 'created') this.counts.imported++;
    else if (outcome === 'duplicate') this.skip(at, 'same URL as an article of another source');
    else this.counts[outcome]++;
  }

  summary(bytes: number, seconds: number): ImportSummary {
    const reasons = [...this.reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
    return { format: this.format, ...this.counts, reasons, examples: this.examples, bytes, seconds };
  }
}
