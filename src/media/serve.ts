/**
 * Serving `/media/<hash>-<width>.<ext>`: the bytes from the media store, kept in an in-process LRU
 * so a warm file is one map lookup and one write. `mediaFront` answers those in front of Fastify
 * (as the page cache's front does for pages); the route answers the rest and fills the LRU, so
 * `inject()` and the real server give the same answers. The files are immutable: a new image has a
 * new name, so browsers and CDNs keep them a year without asking again.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import { isMediaName, type MediaFiles } from './files.js';
import { CONTENT_TYPES } from './process.js';
import type { VariantFormat } from '../store/media.js';

/** A file ready to send: its bytes and the headers of a 200 and of a 304. */
export interface MediaEntry {
  bytes: Buffer;
  /** Asked for since the eviction sweep last passed it (second chance: a hit costs no map writes). */
  used: boolean;
  etag: string;
  ok: Record<string, string>;
  notModified: Record<string, string>;
}

/** The path prefix of media files. */
export const MEDIA_PREFIX = '/media/';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// An image is only ever an image: never sniffed as something else, never active content.
const SAFETY: Readonly<Record<string, string>> = { 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'" };
const NOT_FOUND = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=60', ...SAFETY };

/**
 * The media files a serving process sends, with the LRU of the recently sent ones (at most
 * `maxBytes`; a file over an eighth of that is read from the store each time).
 * @example const media = new MediaServer(openMediaFiles(config.media), { maxBytes: config.media.memoryCacheBytes });
 */
export class MediaServer {
  private readonly lru = new Map<string, MediaEntry>();
  private bytes = 0;
  private readonly loading = new Map<string, Promise<MediaEntry | null>>();
  private headers = SAFETY;
  readonly maxBytes: number;

  constructor(
    readonly files: MediaFiles,
    opts: { maxBytes: number },
  ) {
    this.maxBytes = opts.maxBytes;
  }

  /**
   * Sets the headers every file's answer carries besides its own (the app's security headers, web/app.ts;
   * by default nosniff and a CSP allowing nothing). Files in memory are forgotten: their answers were made
   * with the old ones.
   */
  useHeaders(headers: Readonly<Record<string, string>>): void {
    this.headers = { ...SAFETY, ...headers };
    this.lru.clear();
    this.bytes = 0;
  }

  /** Returns the file when it is in memory; `path` is its URL path, `/media/<name>` (the front's fast path). */
  cachedPath(path: string): MediaEntry | undefined {
    const e = this.lru.get(path);
    if (e) e.used = true;
    return e;
  }

  /** Returns the file when it is in memory. */
  cached(name: string): MediaEntry | undefined {
    return this.cachedPath(MEDIA_PREFIX + name);
  }

  /** Returns the file, from memory or the store (one read however many ask at once); null when there is none. */
  async load(name: string): Promise<MediaEntry | null> {
    if (!isMediaName(name)) return null;
    const hit = this.cached(name);
    if (hit) return hit;
    let p = this.loading.get(name);
    if (!p) {
      p = this.files.get(name).then((bytes) => (bytes ? this.remember(name, bytes) : null)).finally(() => this.loading.delete(name));
      this.loading.set(name, p);
    }
    return p;
  }

  private remember(name: string, bytes: Buffer): MediaEntry {
    const etag = `"${createHash('sha1').update(bytes).digest('base64url')}"`;
    const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1) as VariantFormat];
    const common = { ...this.headers, 'cache-control': IMMUTABLE, etag };
    const entry: MediaEntry = { bytes, used: false, etag, ok: { 'content-type': type, 'content-length': String(bytes.length), ...common }, notModified: common };
    if (bytes.length <= this.maxBytes / 8) {
      this.lru.set(MEDIA_PREFIX + name, entry);
      this.bytes += bytes.length;
      // Oldest first; one asked for since the last sweep goes to the back once instead (second chance).
      for (const [k, e] of this.lru) {
        if (this.bytes <= this.maxBytes) break;
        this.lru.delete(k);
        if (e.used) {
          e.used = false;
          this.lru.set(k, e);
        } else this.bytes -= e.bytes.length;
      }
    }
    return entry;
  }
}

/** Returns true when the client's copy is this one (If-None-Match names its ETag, or `*`). */
export function matchesEtag(headers: IncomingHttpHeaders, etag: string): boolean {
  return matchesIfNoneMatch(headers['if-none-match'], etag);
}

/** Returns the If-None-Match value of raw headers (read without building `req.headers`, which Node makes on first use). */
function rawIfNoneMatch(raw: string[]): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!;
    if (k.length === 13 && k.toLowerCase() === 'if-none-match') return raw[i + 1];
  }
  return undefined;
}

function matchesIfNoneMatch(inm: string | undefined, etag: string): boolean {
  if (inm === undefined) return false;
  if (inm === etag || inm.trim() === '*') return true;
  return inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

function send(req: IncomingMessage, res: ServerResponse, e: MediaEntry): void {
  if (matchesIfNoneMatch(rawIfNoneMatch(req.rawHeaders), e.etag)) {
    res.writeHead(304, e.notModified);
    res.end();
    return;
  }
  res.writeHead(200, e.ok);
  res.end(req.method === 'HEAD' ? undefined : e.bytes);
}

/**
 * Returns the server's request handler in front of `next`: a GET or HEAD of a media file in memory
 * is answered here; everything else goes on to `next` (Fastify, or the page cache's front).
 */
export function mediaFront(media: MediaServer, next: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url;
    if (url !== undefined && url.startsWith(MEDIA_PREFIX) && (req.method === 'GET' || req.method === 'HEAD')) {
      const hit = media.cachedPath(url);
      if (hit) return send(req, res, hit);
    }
    next(req, res);
  };
}

/** Registers `GET /media/:name` on the app: the file, a 304, or a plain 404 for unknown and malformed names. */
export function registerMediaRoute(app: FastifyInstance, media: MediaServer, log?: Logger): void {
  app.get(`${MEDIA_PREFIX}:name`, async (req, reply) => {
    const { name } = req.params as { name: string };
    let entry: MediaEntry | null = null;
    try {
      entry = await media.load(name);
    } catch (err) {
      log?.error({ err, name }, 'media: cannot read the file');
      return reply.code(503).headers({ ...NOT_FOUND, 'cache-control': 'no-store', 'retry-after': '5' }).send('503 media store unavailable\n');
    }
    if (!entry) return reply.code(404).headers(NOT_FOUND).send('404 not found\n');
    if (matchesEtag(req.headers, entry.etag)) return reply.code(304).headers(entry.notModified).send();
    return reply.code(200).headers(entry.ok).send(entry.bytes);
  });
}
