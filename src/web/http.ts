/**
 * HTTP for pages: validators (strong ETag, Last-Modified, 304), Cache-Control for browsers and CDNs,
 * Surrogate-Key/Cache-Tag naming what a page shows, and gzip/brotli made once per page body.
 *
 * Pages leave the app two ways with the same headers: a page cache hit is answered by `pageFront`
 * before Fastify sees the request (the fast path: a map lookup and one write, the security headers
 * among those each page body keeps); everything else goes through Fastify, and `registerPageHttp`'s
 * onSend hook adds the headers, stores the page when the request is the one rendering it for the
 * cache, and compresses. The desk's answers (`/admin`, `/api/admin`) are never stored.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log.js';
import { pageCacheKey, type CachedPage, type PageCache, type PageMeta } from './cache.js';
import { isDeskPath, type HeaderSet } from './security-headers.js';
import type { Admission } from './admission.js';

const gzipAsync = promisify(gzip);

const utf8 = new TextEncoder();
/** Strings up to this many UTF-16 units are encoded through the scratch buffer (3 bytes a unit at most). */
const SCRATCH_UNITS = 256 * 1024;
let scratch: Uint8Array | null = null;

/**
 * Returns the UTF-8 bytes of a string in a buffer of their own size, as `Buffer.from(s)` does (lone
 * surrogates as U+FFFD) at about half its cost for a rendered page: V8's encoder writing into a new
 * Buffer took 30–35 µs for a 30 KB page with Arabic in it (a two-byte string), `encodeInto` a reused
 * buffer and one copy 15–18 µs. Strings over SCRATCH_UNITS go to `Buffer.from`.
 * @example utf8Bytes('Kadıköy').equals(Buffer.from('Kadıköy')) === true
 */
export function utf8Bytes(s: string): Buffer {
  if (s.length > SCRATCH_UNITS) return Buffer.from(s);
  scratch ??= new Uint8Array(SCRATCH_UNITS * 3);
  const { written } = utf8.encodeInto(s, scratch);
  const out = Buffer.allocUnsafeSlow(written);
  out.set(scratch.subarray(0, written));
  return out;
}
const brotliAsync = promisify(brotliCompress);

/** Cache-Control for shared caches (CDNs): how long a page is fresh there, and how long it may be served stale while refetched. */
export interface HttpSettings {
  sMaxAge: number;
  staleWhileRevalidate: number;
}

export type Encoding = 'br' | 'gzip' | 'identity';

/**
 * A page's bytes with its validators, and its gzip and brotli forms made on first demand, once.
 * @example const b = new PageBody(Buffer.from(html), Date.now()); await b.encode('br');
 */
export class PageBody {
  /** Strong validator of these bytes (identity); encoded forms add `-gz`/`-br`. */
  readonly etag: string;
  /** Whole seconds, as HTTP dates carry them. */
  readonly modifiedAt: number;
  readonly lastModified: string;
  private readonly encoded = new Map<Exclude<Encoding, 'identity'>, Promise<Buffer>>();
  private readonly made = new Map<Encoding, Buffer>();
  /** Response headers by encoding and X-Cache, made once (http.ts pageHeaders). */
  readonly headerSets: Record<string, string>[] = [];
  /** Bytes of the compressed forms made so far. */
  compressedBytes = 0;

  constructor(
    readonly bytes: Buffer,
    modifiedAtMs: number,
  ) {
    this.etag = `"${createHash('sha1').update(bytes).digest('base64url')}"`;
    this.modifiedAt = Math.floor(modifiedAtMs / 1000) * 1000;
    this.lastModified = new Date(this.modifiedAt).toUTCString();
  }

  /** Returns the ETag of this body in an encoding (each representation has its own). */
  etagOf(enc: Encoding): string {
    return enc === 'identity' ? this.etag : `${this.etag.slice(0, -1)}-${enc === 'br' ? 'br' : 'gz'}"`;
  }

  /** Returns the body in an encoding, compressing it the first time (on the thread pool). */
  encode(enc: Encoding): Promise<Buffer> {
    if (enc === 'identity') return Promise.resolve(this.bytes);
    let p = this.encoded.get(enc);
    if (!p) {
      p = enc === 'br'
        ? brotliAsync(this.bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: this.bytes.length } })
        : gzipAsync(this.bytes, { level: 6 });
      p = p.then(exactSize);
      p.then((b) => {
        this.compressedBytes += b.length;
        this.made.set(enc, b);
      }).catch(() => {});
      this.encoded.set(enc, p);
    }
    return p;
  }

  /** Returns the body in an encoding when it is made already (the fast path answers without waiting). */
  ready(enc: Encoding): Buffer | undefined {
    return enc === 'identity' ? this.bytes : this.made.get(enc);
  }
}

/**
 * Returns the bytes in a buffer of their own size. zlib hands back a view of its 16 KB output chunk,
 * so a cached 4 KB page would keep 16 KB alive, uncounted by the cache's byte budget.
 */
function exactSize(b: Buffer): Buffer {
  if (b.buffer.byteLength === b.length) return b;
  const own = Buffer.allocUnsafeSlow(b.length);
  b.copy(own);
  return own;
}

/** Accept-Encoding values seen, and what they pick: browsers send a handful of distinct ones. */
const picked = new Map<string, Encoding>();

/** Returns the best encoding the client accepts: brotli, then gzip, else none. `q=0` refuses. */
export function pickEncoding(accept: string | undefined): Encoding {
  if (!accept) return 'identity';
  let enc = picked.get(accept);
  if (!enc) {
    enc = parseAcceptEncoding(accept);
    if (picked.size >= 256) picked.clear();
    picked.set(accept, enc);
  }
  return enc;
}

function parseAcceptEncoding(accept: string): Encoding {
  let gz = false;
  for (const part of accept.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p))) continue;
    if (name === 'br') return 'br';
    if (name === 'gzip' || name === 'x-gzip' || name === '*') gz = true;
  }
  return gz ? 'gzip' : 'identity';
}

/**
 * Returns whether the client's copy is current: If-None-Match names this body in any encoding
 * (weak comparison, RFC 9110 13.1.2), else If-Modified-Since is not older than it.
 */
export function isNotModified(headers: IncomingHttpHeaders, body: PageBody): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) {
    if (inm.trim() === '*') return true;
    const own = body.etag.slice(1, -1);
    for (const raw of inm.split(',')) {
      const tag = raw.trim().replace(/^W\//, '');
      if (!tag.startsWith('"') || !tag.endsWith('"')) continue;
      const opaque = tag.slice(1, -1).replace(/-(br|gz)$/, '');
      if (opaque === own) return true;
    }
    return false;
  }
  const ims = headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && body.modifiedAt <= since;
}

/** Returns Cache-Control for a page answer of this status. */
export function cacheControl(status: number, s: HttpSettings): string {
  if (status >= 500) return 'no-store';
  if (status >= 400) return `public, max-age=0, s-maxage=${Math.min(60, s.sMaxAge)}`;
  return `public, max-age=0, s-maxage=${s.sMaxAge}, stale-while-revalidate=${s.staleWhileRevalidate}`;
}

/**
 * Longest Surrogate-Key (and Cache-Tag) sent: CDNs take 16 KB of them in all (Fastly's Surrogate-Key,
 * Cloudflare's Cache-Tag) and Node's HTTP client refuses answers whose headers pass 16 KB.
 */
export const CDN_TAGS_MAX = 4096;

/**
 * Returns the Surrogate-Key and Cache-Tag headers naming a page's tags, the first ones up to
 * CDN_TAGS_MAX characters: list the broad tags first (every article change carries `home`, so a
 * list cut short still goes stale in a CDN when any of its articles changes).
 * @example cdnTagHeaders(['home', 'article-7']) // { 'surrogate-key': 'home article-7', 'cache-tag': 'home,article-7' }
 */
export function cdnTagHeaders(tagList: readonly string[]): { 'surrogate-key': string; 'cache-tag': string } {
  let n = 0;
  let size = -1;
  while (n < tagList.length && size + 1 + tagList[n]!.length <= CDN_TAGS_MAX) size += 1 + tagList[n++]!.length;
  const kept = n === tagList.length ? tagList : tagList.slice(0, n);
  return { 'surrogate-key': kept.join(' '), 'cache-tag': kept.join(',') };
}

/** Returns the headers of a 200 (or, without length and type, 304) page answer. */
function pageHeaders(body: PageBody, enc: Encoding, contentType: string, tagList: readonly string[], s: HttpSettings, xCache?: string, own?: Readonly<Record<string, string>>): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': contentType,
    'cache-control': cacheControl(200, s),
    etag: body.etagOf(enc),
    'last-modified': body.lastModified,
    vary: 'Accept-Encoding',
  };
  if (tagList.length) Object.assign(h, cdnTagHeaders(tagList));
  if (enc !== 'identity') h['content-encoding'] = enc;
  if (xCache) h['x-cache'] = xCache;
  return own ? Object.assign(h, own) : h;
}

/**
 * Answers a request for a static asset under a content-hashed name: cached for a year and never
 * revalidated (`immutable`; a new version has a new name), compressed once.
 */
export async function sendAsset(req: FastifyRequest, reply: FastifyReply, body: PageBody, contentType: string): Promise<FastifyReply> {
  const enc = pickEncoding(req.headers['accept-encoding']);
  reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', body.etagOf(enc)).header('vary', 'Accept-Encoding');
  if (isNotModified(req.headers, body)) return reply.code(304).send();
  if (enc !== 'identity') reply.header('content-encoding', enc);
  return reply.type(contentType).send(await body.encode(enc));
}

/** Meta of the page a request rendered (page.ts sets it); pages without it are not cached. */
export const pageMeta = new WeakMap<IncomingMessage, PageMeta>();

/** Requests rendering a page for the cache: its key, the cache mark and counts generation when it began. */
const leaders = new WeakMap<IncomingMessage, { key: string; mark: number; countsGen: number }>();

/**
 * Adds the page headers to every page Fastify renders, answers 304 when the client's copy is
 * current, compresses, and (with a cache) stores the page rendered for the cache.
 */
export function registerPageHttp(app: FastifyInstance, opts: { cache?: PageCache; http: HttpSettings; now: () => Date }): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const meta = pageMeta.get(req.raw);
    // The desk's pages are nobody else's: never stored, no shared-cache headers (security-headers.ts).
    if (!meta || isDeskPath(req.url)) return payload;
    if (reply.statusCode !== 200 || typeof payload !== 'string') {
      reply.header('cache-control', cacheControl(reply.statusCode, opts.http));
      return payload;
    }
    const contentType = String(reply.getHeader('content-type'));
    const leader = leaders.get(req.raw);
    let body = new PageBody(utf8Bytes(payload), opts.now().getTime());
    let xCache: string | undefined;
    if (opts.cache && leader) {
      const entry = opts.cache.store(leader.key, { contentType, body, meta, countsGen: leader.countsGen }, leader.mark);
      body = entry.body;
      xCache = 'miss';
    }
    const enc = pickEncoding(req.headers['accept-encoding']);
    reply.headers(pageHeaders(body, enc, contentType, meta.tags, opts.http, xCache, meta.headers));
    if (isNotModified(req.headers, body)) {
      reply.code(304);
      reply.removeHeader('content-type');
      reply.removeHeader('content-encoding');
      return null;
    }
    return body.encode(enc);
  });
}

/**
 * Returns the server's request handler in front of Fastify's (`next`): a GET or HEAD for a cached
 * page is answered from the cache, with the `security` headers (security-headers.ts); a stale page is
 * rendered again by the first request for it while the others get it as it was; a burst for a page
 * not yet cached renders it once, the rest wait. The desk's paths go straight on to `next`.
 */
export function pageFront(
  cache: PageCache,
  http: HttpSettings,
  next: (req: IncomingMessage, res: ServerResponse) => void,
  opts: { security: HeaderSet; log?: Logger; byHost?: boolean; admission?: Admission },
): (req: IncomingMessage, res: ServerResponse) => void {
  const inflight = new Map<string, Promise<void>>();
  const { security, log } = opts;
  const settings: FrontSettings = { http, security };

  const failed = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    log?.error({ err, url: req.url }, 'web: cached page failed');
    if (!res.headersSent) res.writeHead(500, { ...security, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('500\n');
  };

  const lead = (key: string, req: IncomingMessage, res: ServerResponse) => {
    let done!: () => void;
    inflight.set(key, new Promise<void>((r) => (done = r)));
    leaders.set(req, { key, mark: cache.mark, countsGen: cache.countsGen });
    res.once('close', () => {
      inflight.delete(key);
      done();
    });
    next(req, res);
  };

  return (req, res) => {
    const method = req.method;
    const url = req.url;
    if ((method !== 'GET' && method !== 'HEAD') || !url || url.length > 4096) return next(req, res);
    // Without a siteUrl a page's absolute links (canonical, og:url …) come from its Host: one copy per host.
    const key = opts.byHost ? hostCacheKey(req, url) : pageCacheKey(url);
    if (key === null) return next(req, res);
    const hit = cache.get(key);
    const flight = inflight.get(key);
    if (hit && (!hit.stale || flight)) {
      serveCached(cache, hit, req, res, settings, hit.stale ? 'stale' : 'hit')?.catch((err) => failed(req, res, err));
      return;
    }
    // At the limit of renders (admission.ts): the stale copy rather than a 503.
    if (hit && opts.admission?.full()) {
      opts.admission.staleServed++;
      serveCached(cache, hit, req, res, settings, 'stale')?.catch((err) => failed(req, res, err));
      return;
    }
    // Checked after the lookup, off the hit path: a desk page is never stored, so never a hit.
    if (!hit && isDeskPath(url)) return next(req, res);
    if (flight) {
      flight.then(() => {
        const again = cache.get(key);
        if (again) return serveCached(cache, again, req, res, settings, again.stale ? 'stale' : 'hit');
        next(req, res);
      }).catch((err) => failed(req, res, err));
      return;
    }
    if (method === 'HEAD' && !hit) return next(req, res);
    lead(key, req, res);
  };
}

/**
 * Returns the page cache key of a request whose page links to its own Host (no siteUrl): scheme (as a
 * proxy forwards it), host and the page's key; null for a Host too long to be one (not cached).
 * @example hostCacheKey({ headers: { host: '127.0.0.1:3000' } }, '/?b=1&a=2') === ' 127.0.0.1:3000 /?a=2&b=1'
 */
export function hostCacheKey(req: Pick<IncomingMessage, 'headers'>, url: string): string | null {
  const host = req.headers.host ?? '';
  const proto = req.headers['x-forwarded-proto'] ?? '';
  if (host.length > 260 || proto.length > 10) return null;
  return `${proto} ${host.toLowerCase()} ${pageCacheKey(url)}`;
}

/** What the front adds to a cached page's headers: Cache-Control's settings and the security headers. */
interface FrontSettings {
  http: HttpSettings;
  security: HeaderSet;
}

/**
 * Answers a request from a cached page: 304 or the bytes, synchronously when the page's counts are
 * current and its encoding made (the common case); else after bringing them up to date.
 */
function serveCached(cache: PageCache, e: CachedPage, req: IncomingMessage, res: ServerResponse, s: FrontSettings, xCache: string): Promise<void> | undefined {
  const enc = pickEncoding(req.headers['accept-encoding']);
  const bytes = e.hole && e.countsGen !== cache.countsGen ? undefined : e.body.ready(enc);
  if (bytes) return void writeCached(e, enc, bytes, req, res, s, xCache);
  return (async () => {
    if (e.hole && e.countsGen !== cache.countsGen) await refillCounts(cache, e);
    const made = e.body.ready(enc);
    const body = e.body;
    const out = made ?? (await body.encode(enc));
    if (!made) cache.resized(e);
    writeCached(e, enc, out, req, res, s, xCache, body);
  })();
}

/** Writes a cached page's answer with the headers its body keeps per encoding and X-Cache (made on first use). */
function writeCached(e: CachedPage, enc: Encoding, bytes: Buffer, req: IncomingMessage, res: ServerResponse, s: FrontSettings, xCache: string, body = e.body): void {
  const slot = (enc === 'identity' ? 0 : enc === 'gzip' ? 2 : 4) + (xCache === 'hit' ? 0 : 1);
  let headers = body.headerSets[slot];
  if (!headers) {
    headers = { ...s.security, ...pageHeaders(body, enc, e.contentType, e.tags, s.http, xCache, e.headers), 'content-length': String(bytes.length) };
    body.headerSets[slot] = headers;
  }
  if (isNotModified(req.headers, body)) {
    const { 'content-type': _t, 'content-encoding': _e, 'content-length': _l, ...rest } = headers;
    res.writeHead(304, rest);
    res.end();
    return;
  }
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

const refilling = new WeakMap<CachedPage, Promise<void>>();

/** Pastes the current header counts into a cached page (once, however many requests wait for it). */
function refillCounts(cache: PageCache, e: CachedPage): Promise<void> {
  let p = refilling.get(e);
  if (!p) {
    p = (async () => {
      const gen = cache.countsGen;
      const hole = e.hole!;
      const counts = await cache.counts(hole.lang);
      const old = e.body.bytes;
      if (!counts.equals(old.subarray(hole.start, hole.end))) {
        e.body = new PageBody(Buffer.concat([old.subarray(0, hole.start), counts, old.subarray(hole.end)]), Date.now());
        e.hole = { ...hole, end: hole.start + counts.length };
        cache.resized(e);
      }
      e.countsGen = gen;
    })().finally(() => refilling.delete(e));
    refilling.set(e, p);
  }
  return p;
}
