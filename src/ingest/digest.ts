/**
 * The CPU-heavy, pure part of a refresh — parse the body (or extract the page) and prepare every
 * item (rules, sanitize, normalize) — as one job that runs inline or on a worker thread, so
 * ingestion uses the second core and `jarida serve` stays responsive while it ingests.
 */
import { Worker } from 'node:worker_threads';
import type { FeedItem, ParsedFeed } from '../model/feed.js';
import type { SourceRules } from '../model/rules.js';
import { compiledWorker } from '../paths.js';
import { Pending } from '../threads.js';
import { extractArticle, isLinkList, type ExtractedArticle } from './extract/extract.js';
import { decodeText } from './parse/decode.js';
import { ParseError, firstOfEachGuid, parseFeed } from './parse/parse.js';
import { needsFullText, prepareItem, type PreparedItem } from './process/item.js';

/** One body to digest, with what its source contributes to each item. */
export interface DigestJob {
  bytes: Uint8Array;
  url: string;
  contentType: string | null;
  /** The response's Content-Language and Content-Location headers (fallback language, base URL). */
  contentLanguage?: string | null;
  contentLocation?: string | null;
  kind: 'feed' | 'page';
  sourceId: number;
  language: string | null;
  /** The site's languages: what an item naming no language (nor its source or feed) may be detected as. */
  languages?: readonly string[];
  rules: SourceRules;
  /** Fetch time (ms): the publication time of items without a usable date. */
  now: number;
  feedUrl: string | null;
}

/** The digested body: the feed's metadata, its items, and each item prepared for the store. */
export interface Digest {
  feed: Omit<ParsedFeed, 'items'>;
  /** The parsed items; content is kept only for short items (the rest has it in `prepared`). */
  items: FeedItem[];
  prepared: PreparedItem[];
  /** Per item: it carries only a short summary (a candidate for full text). */
  short: boolean[];
}

/** Returns the digest of a body; throws ParseError (or an extract error for pages). */
export function digest(job: DigestJob): Digest {
  const { items: entries, ...feed } = job.kind === 'page' ? pageAsFeed(job.bytes, job.contentType, job.url) : parseFeed(job.bytes, { url: job.url, contentType: job.contentType, contentLanguage: job.contentLanguage, contentLocation: job.contentLocation });
  const items = firstOfEachGuid(entries); // entries of one feed sharing a guid: the first is the story
  const ctx = { sourceId: job.sourceId, language: job.language ?? feed.language, languages: job.languages, rules: job.rules, now: new Date(job.now), feedUrl: job.feedUrl };
  const short = items.map(needsFullText);
  return {
    feed,
    // Only full-text candidates need their text again; the rest crosses the thread boundary slim.
    items: items.map((i, k) => (short[k] ? i : { ...i, content: null })),
    prepared: items.map((i) => prepareItem(i, ctx)),
    short,
  };
}

/**
 * A page source's article needs this many characters of text: Reader View's own "readerable"
 * minimum. There is no feed summary to weigh it against, and a title does not tell an article from
 * a sign-in form (nearly every page has one), so shorter content is no article.
 */
export const MIN_PAGE_TEXT = 140;

/**
 * Returns the article a page source stores from the page `html` at `url`, or null when the page
 * holds none: Reader View found no content, less than MIN_PAGE_TEXT characters, or mostly links.
 *
 * @example pageArticle(html, url)?.title
 */
export function pageArticle(html: string, url: string): ExtractedArticle | null {
  const a = extractArticle(html, url);
  return a && a.textLength >= MIN_PAGE_TEXT && !isLinkList(a) ? a : null;
}

/** Returns an article page as a feed of one item (a `page` source). */
export function pageAsFeed(bytes: Uint8Array, contentType: string | null, url: string): ParsedFeed {
  const html = decodeText(bytes, contentType).text;
  const a = pageArticle(html, url);
  if (!a) throw new Error(`extract: ${url}: no readable article on the page`);
  const link = a.canonicalUrl ?? url;
  const published = a.publishedTime ? new Date(a.publishedTime) : null;
  return {
    format: 'rss', version: null, wellFormed: true, title: a.siteName, siteUrl: null, feedUrl: null, description: null,
    language: a.language, ttlMinutes: null, skipHours: [], skipDays: [],
    items: [{
      guid: link, url: link, title: a.title, summary: a.excerpt, content: a.contentHtml, author: a.byline,
      published: published && !Number.isNaN(published.getTime()) ? published : null, updated: null,
      imageUrl: a.leadImageUrl, categories: a.categories, language: a.language,
    }],
  };
}

/** Runs digest jobs: on worker threads when there are any, else inline. */
export interface Digester {
  run(job: DigestJob): Promise<Digest>;
  close(): Promise<void>;
}

/** Returns a digester running jobs in the calling thread. */
export function inlineDigester(): Digester {
  return { run: async (job) => digest(job), close: async () => {} };
}

type Reply = { id: number; ok: Digest } | { id: number; error: { message: string; code?: string; name?: string } };

/**
 * Returns a digester with `size` worker threads (inline when 0, or when the compiled worker is not
 * there — e.g. tests running the TypeScript sources before a build).
 */
export function createDigester(size: number): Digester {
  const file = compiledWorker(import.meta.url, 'digest-worker');
  if (size < 1 || !file) return inlineDigester();
  const idle: Worker[] = [];
  const queue: { job: DigestJob; resolve: (d: Digest) => void; reject: (e: Error) => void }[] = [];
  const busy = new Pending<{ resolve: (d: Digest) => void; reject: (e: Error) => void; worker: Worker }>();
  let closed = false;

  const start = (): Worker => {
    // A larger young generation: digesting allocates many short-lived strings (measured ~30% faster).
    const w = new Worker(file, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    w.unref();
    w.on('message', (reply: Reply) => {
      const task = busy.take(reply.id, (t) => t.worker === w);
      // No task: the answer of a worker whose job was failed already (it crashed, and was replaced):
      // it is not idle, it is gone.
      if (!task) return;
      if ('ok' in reply) task.resolve(reply.ok);
      else task.reject(toError(reply.error));
      idle.push(w);
      pump();
    });
    w.on('error', (err) => {
      // A crashed worker fails its job and is replaced.
      for (const task of busy.takeAll((t) => t.worker === w)) task.reject(new Error(`digest: worker failed: ${err.message}`, { cause: err }));
      if (!closed) idle.push(start());
      pump();
    });
    return w;
  };
  let started = false; // workers start with the first job: a command that digests nothing spawns none

  const pump = () => {
    while (idle.length && queue.length) {
      const w = idle.pop()!;
      const task = queue.shift()!;
      w.postMessage({ id: busy.add({ resolve: task.resolve, reject: task.reject, worker: w }), job: task.job });
    }
  };

  return {
    run(job) {
      if (closed) return Promise.reject(new Error('digest: closed'));
      if (!started) {
        started = true;
        for (let i = 0; i < size; i++) idle.push(start());
      }
      return new Promise((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      await Promise.all([...idle, ...busy.takeAll().map((t) => t.worker)].map((w) => w.terminate()));
    },
  };
}

function toError(e: { message: string; code?: string; name?: string }): Error {
  if (e.name === 'ParseError' && e.code) return new ParseError(e.code as ParseError['code'], e.message);
  return Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
}

