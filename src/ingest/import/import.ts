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
import { analyzeAfterBulkWrite } from '../../store/search.js';
import type { Store } from '../../store/db.js';
import { ensureSource, findSourceByUrl } from '../../store/sources.js';
import { normalizeUrl } from '../process/url.js';
import { ImportError } from './errors.js';
import { readLines, type Line } from './ndjson.js';
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
  /** Articles per store transaction (default 500). */
  batchSize?: number;
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
      const batches = format === 'ndjson'
        ? ndjsonJobs(body, options.batchSize ?? 500, language)
        : wxrJobs(body, options.batchSize ?? 500, language, (c) => (channel = c));
      const sourceIdOf = sourceResolver(store, fallbackSource);

      const save = async (prepared: PreparedEntry[]) => {
        const inputs: ArticleInput[] = [];
        const where: string[] = [];
        for (const e of prepared) {
          if (!('article' in e)) {
            tally.skip(e.at, e.skip, e.detail);
            continue;
          }
          const { source, publishedAt, ...article } = e.article;
          inputs.push({ ...article, sourceId: await sourceIdOf(source), publishedAt: new Date(publishedAt) });
          where.push(e.at);
        }
        const results = await saveArticles(store.db, inputs, options.timeZone);
        results.forEach((r, i) => tally.saved(r.outcome, where[i]!));
        options.onSaved?.(results.flatMap((r) => (r.outcome === 'created' || r.outcome === 'updated' ? [r.id] : [])));
        progress.entries += prepared.length;
        progress.elapsedMs = performance.now() - started;
        onProgress?.(progress);
      };

      // Up to `depth` batches are prepared on the workers while the oldest one is saved; the reader
      // is not pulled meanwhile, so the file stream stays paused.
      const preparer = createPreparer(options.workers ?? 0);
      const depth = Math.max(2, (options.workers ?? 0) + 1);
      const inFlight: Promise<PreparedEntry[]>[] = [];
      try {
        for await (const job of batches) {
          const p = preparer.run(job);
          p.catch(() => {}); // awaited in order below; not an unhandled rejection meanwhile
          inFlight.push(p);
          if (inFlight.length >= depth) await save(await inFlight.shift()!);
        }
        while (inFlight.length > 0) await save(await inFlight.shift()!);
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
  let lines: Line[] = [];
  for await (const line of readLines(body)) {
    lines.push(line);
    if (lines.length >= size) {
      yield { lines, language: language() };
      lines = [];
    }
  }
  if (lines.length) yield { lines, language: language() };
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
