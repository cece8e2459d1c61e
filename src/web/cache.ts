/**
 * The page cache: rendered 200 HTML pages kept in memory, least recently used first out when over
 * the byte budget, emptied by every change signal (store/changes.ts) and at midnight in the site's
 * time zone (pages show today's date and the strip of recent days).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addDays, dayStartInstant, localDay } from '../calendar/zone.js';

/** A cached page. */
export interface PageCacheEntry {
  body: string;
  contentType: string;
  /** Bytes counted against the budget: the body's UTF-8 length and the key's. */
  bytes: number;
  /** What the page shows ('day:2019-02-15', 'article:42' …), for clearing precisely; empty: clear with everything. */
  tags: readonly string[];
  /** When it was rendered (ms since the epoch), for ETag/Last-Modified later. */
  storedAt: number;
}

/** Hits, misses and size, for logs and tests. */
export interface PageCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  clears: number;
}

/**
 * An in-memory LRU of rendered pages bounded by bytes.
 * @example const cache = new PageCache({ maxBytes: 64 << 20, timeZone: 'Europe/Istanbul', now: () => new Date() });
 */
export class PageCache {
  readonly maxBytes: number;
  private readonly timeZone: string;
  private readonly now: () => Date;
  /** Insertion order is recency: the first entry is the least recently used. */
  private readonly entries = new Map<string, PageCacheEntry>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private clears = 0;
  private expiresAt: number;
  private gen = 0;

  constructor(opts: { maxBytes: number; timeZone: string; now: () => Date }) {
    this.maxBytes = opts.maxBytes;
    this.timeZone = opts.timeZone;
    this.now = opts.now;
    this.expiresAt = this.nextMidnight();
  }

  /**
   * Changes at every clear: a page rendered from data read before a clear must not be stored after
   * it (it may show what the change replaced). Read it before rendering, pass it to set().
   */
  get generation(): number {
    this.expireAtMidnight();
    return this.gen;
  }

  /** Returns the page under this key, now the most recently used; undefined when absent. */
  get(key: string): PageCacheEntry | undefined {
    this.expireAtMidnight();
    const e = this.entries.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /**
   * Stores a page rendered at `generation`; returns false when it is not stored (a clear came since,
   * or it alone is over the budget). Evicts the least recently used pages to make room.
   */
  set(key: string, page: { body: string; contentType: string; tags?: readonly string[] }, generation = this.generation): boolean {
    if (generation !== this.generation) return false;
    const bytes = Buffer.byteLength(page.body) + key.length;
    if (bytes > this.maxBytes) return false;
    this.remove(key);
    this.entries.set(key, { body: page.body, contentType: page.contentType, bytes, tags: page.tags ?? [], storedAt: this.now().getTime() });
    this.bytes += bytes;
    for (const [k] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(k);
    }
    return true;
  }

  /** Empties the cache (a change was committed, or a new day began). */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.gen++;
    this.clears++;
  }

  stats(): PageCacheStats {
    return { entries: this.entries.size, bytes: this.bytes, hits: this.hits, misses: this.misses, clears: this.clears };
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }

  private expireAtMidnight(): void {
    if (this.now().getTime() < this.expiresAt) return;
    this.clear();
    this.expiresAt = this.nextMidnight();
  }

  private nextMidnight(): number {
    return dayStartInstant(addDays(localDay(this.now(), this.timeZone), 1), this.timeZone).getTime();
  }
}

/**
 * Returns the cache key of a page request: language, path, and the query with its parameters sorted
 * (`?b=1&a=2` and `?a=2&b=1` are one page).
 * @example pageCacheKey('en', '/2019/02/?page=2&utm=x') === 'en /2019/02/?page=2&utm=x'
 */
export function pageCacheKey(lang: string, url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (q < 0 || q === url.length - 1) return `${lang} ${path}`;
  const params = new URLSearchParams(url.slice(q + 1));
  params.sort();
  const query = params.toString();
  return query ? `${lang} ${path}?${query}` : `${lang} ${path}`;
}

/**
 * Serves GET pages from the cache and stores rendered 200 HTML pages in it, marking each answer
 * `X-Cache: hit` or `miss`; error pages, redirects and anything not HTML pass by. The handlers do
 * not know about it.
 */
export function registerPageCache(app: FastifyInstance, cache: PageCache, langOf: (url: string) => string): void {
  const pending = new WeakMap<FastifyRequest, { key: string; generation: number }>();
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET') return;
    const key = pageCacheKey(langOf(req.url), req.url);
    const hit = cache.get(key);
    if (hit) return reply.header('x-cache', 'hit').type(hit.contentType).send(hit.body);
    pending.set(req, { key, generation: cache.generation });
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const p = pending.get(req);
    const type = String(reply.getHeader('content-type') ?? '');
    if (!p || reply.statusCode !== 200 || typeof payload !== 'string' || !type.startsWith('text/html')) return payload;
    reply.header('x-cache', 'miss');
    cache.set(p.key, { body: payload, contentType: type }, p.generation);
    return payload;
  });
}
