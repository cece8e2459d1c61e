/**
 * The sitemap routes: `/sitemap.xml` (the index), `/sitemaps/<file>.xml` and `/robots.txt`.
 *
 * Caching: a file whose XML comes to at most `cacheBytes` (sitemapLimits: 2 MB by default) is made whole and handed to the
 * page cache like a page (tags: its month, so that a change in that month drops just that file;
 * validators, gzip/brotli made once). A larger one (a busy month: 50,000 URLs with their alternates
 * is some 25 MB) is streamed to the client as it is read, gzipped on the way when asked, and kept
 * only by CDNs (Cache-Control and Surrogate-Key as pages): no request holds more than `cacheBytes`
 * of it. The news sitemap is not page-cached (its window moves with the clock, which clears no
 * cache): each process answers the one it made for NEWS_MEMO_MS; CDNs keep it for s-maxage. Answers whose links come from the request's Host (no siteUrl)
 * are never cached.
 */
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebDeps } from '../app.js';
import { cacheControl, cdnTagHeaders, pageMeta } from '../http.js';
import { siteOrigin } from '../origin.js';
import { tags } from '../cache.js';
import { sitemapFile, type SitemapFile, type SitemapSite } from './files.js';
import { indexedFiles, parseSitemapFileName, sitemapFileName, SITEMAP_LIMITS, type SitemapLimits } from './plan.js';
import { robotsTxt } from './robots.js';
import { SITEMAP_CONTENT_TYPE, sitemapIndexXml } from './xml.js';

/** What the sitemap routes read of the app's deps (the config per request: site settings change). */
export type SitemapDeps = Pick<WebDeps, 'store' | 'config' | 'now'>;

const BAD_HOST = '400 Bad Request: the Host header is not a host name (set siteUrl to make sitemap links independent of it)\n';

/**
 * Registers `/sitemap.xml`, `/sitemaps/:file` and `/robots.txt` (at the root: not per language).
 * `limits`: the per-file limits (tests lower maxUrls to see a month split).
 */
export function registerSitemaps(app: FastifyInstance, deps: SitemapDeps, limits: SitemapLimits = sitemapLimits(deps.config.pageCache.maxBytes)): void {
  app.get('/sitemap.xml', async (req, reply) => {
    const site = siteOf(deps, req, limits);
    if (!site) return badHost(reply);
    const files = await indexedFiles(deps.store.db, { limits, origin: site.origin, languages: site.languages.length, now: site.now });
    const xml = sitemapIndexXml(files.map((f) => ({ loc: `${site.origin}/sitemaps/${sitemapFileName(f.ref)}`, lastmod: f.lastmod })));
    // Any article change may move a lastmod or add a file: they all carry `home`.
    if (!site.fromRequest) pageMeta.set(req.raw, { tags: [tags.home] });
    return reply.type(SITEMAP_CONTENT_TYPE).send(xml);
  });

  const news = new NewsMemo();
  app.get<{ Params: { file: string } }>('/sitemaps/:file', async (req, reply) => {
    const ref = parseSitemapFileName(req.params.file);
    if (!ref) return notFound(reply);
    const site = siteOf(deps, req, limits);
    if (!site) return badHost(reply);
    if (ref.kind === 'news' && !site.fromRequest) return news.send(reply, deps, site, () => sitemapFile(deps.store.db, ref, { ...site, log: req.log }));
    const file = await sitemapFile(deps.store.db, ref, { ...site, log: req.log });
    if (!file) return notFound(reply);
    return sendFile(req, reply, deps, file, site);
  });

  app.get('/robots.txt', async (req, reply) => {
    const site = siteOf(deps, req, limits);
    if (!site) return badHost(reply);
    if (!site.fromRequest) pageMeta.set(req.raw, { tags: [] }); // changes only with the settings, which reset the cache
    return reply.type('text/plain; charset=utf-8').send(robotsTxt(site.origin, site, deps.config.robots.disallow));
  });
}

/** How long one process answers the news sitemap it made (wall-clock ms): a CDN keeps it s-maxage anyway. */
export const NEWS_MEMO_MS = 10_000;

/**
 * The news sitemap as last made, answered again for NEWS_MEMO_MS: it is made per request (its window
 * moves with the clock, so the page cache cannot keep it), and a busy day's 500 entries cost some
 * 7 ms each time (measured at 1,000,000 articles: 263 req/s, p99 3.2 s at 64 connections).
 * Made again when the clock's minute, the origin or the site's name changes.
 */
class NewsMemo {
  private last: { key: string; until: number; xml: Buffer; tags: string[] } | null = null;

  async send(reply: FastifyReply, deps: SitemapDeps, site: SitemapSite, make: () => Promise<SitemapFile | null>) {
    const key = `${site.origin}\n${site.siteName}\n${Math.floor(site.now.getTime() / 60_000)}`;
    let last = this.last;
    if (!last || last.key !== key || Date.now() >= last.until) {
      const file = await make();
      if (!file) return notFound(reply);
      let xml = '';
      for await (const chunk of file.chunks) xml += chunk; // at most 1,000 entries (NEWS_MAX_URLS): some 450 KB
      // Bytes, encoded once: a 240 KB string is encoded again on every send (1,270 req/s that way).
      this.last = last = { key, until: Date.now() + NEWS_MEMO_MS, xml: Buffer.from(xml), tags: file.tags };
    }
    return reply.type(SITEMAP_CONTENT_TYPE).header('cache-control', cacheControl(200, deps.config.http)).headers(cdnTagHeaders(last.tags)).send(last.xml);
  }
}

/**
 * Returns the protocol's limits, with files cached whole up to 8 MB or a sixteenth of the page
 * cache's budget, whichever is less (2 MB at the default 32 MB): crawlers walking every month must
 * not push the pages readers ask for out of the cache.
 */
export function sitemapLimits(pageCacheBytes: number): SitemapLimits {
  return { ...SITEMAP_LIMITS, cacheBytes: Math.min(SITEMAP_LIMITS.cacheBytes, Math.floor(pageCacheBytes / 16)) };
}

/** Returns what a file is made from for this request; null for a Host that is not a host name. */
function siteOf(deps: SitemapDeps, req: FastifyRequest, limits: SitemapLimits): (SitemapSite & { fromRequest: boolean }) | null {
  const found = siteOrigin(deps.config, req);
  if (!found) return null;
  const { site } = deps.config;
  return { origin: found.origin, fromRequest: found.fromRequest, siteName: site.siteName, defaultLanguage: site.defaultLanguage, languages: site.languages, now: deps.now(), limits };
}

/**
 * Sends a file: whole through the page cache when it ends within cacheBytes, else streamed (the
 * chunks read so far first, then the rest as the store yields it).
 */
async function sendFile(req: FastifyRequest, reply: FastifyReply, deps: SitemapDeps, file: SitemapFile, site: SitemapSite & { fromRequest: boolean }) {
  const it = file.chunks[Symbol.asyncIterator]();
  const cdnHeaders = () => {
    if (site.fromRequest) return;
    reply.header('cache-control', cacheControl(200, deps.config.http)).headers(cdnTagHeaders(file.tags));
  };
  const head: string[] = [];
  let size = 0;
  for (;;) {
    const next = await it.next();
    if (next.done) {
      if (file.pageCache === false) cdnHeaders();
      else if (!site.fromRequest) pageMeta.set(req.raw, { tags: file.tags });
      return reply.type(SITEMAP_CONTENT_TYPE).send(head.join(''));
    }
    head.push(next.value);
    size += next.value.length;
    if (size > site.limits.cacheBytes) break;
  }
  async function* rest() {
    while (head.length) yield head.shift()!;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  reply.type(SITEMAP_CONTENT_TYPE).header('vary', 'Accept-Encoding');
  cdnHeaders();
  const body = Readable.from(rest(), { objectMode: false });
  if (!acceptsGzip(req.headers['accept-encoding'])) return reply.send(body);
  // Brotli is left to the cached files: gzip streams at a fraction of its cost.
  const gz = createGzip({ level: 6 });
  body.on('error', (err) => gz.destroy(err));
  return reply.header('content-encoding', 'gzip').send(body.pipe(gz));
}

/** Returns whether the client takes gzip (named, or `*`, without q=0). */
export function acceptsGzip(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    return (name === 'gzip' || name === 'x-gzip' || name === '*') && !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
  });
}

function notFound(reply: FastifyReply) {
  return reply.code(404).type('text/plain; charset=utf-8').send('404 Not Found: no such sitemap\n');
}

function badHost(reply: FastifyReply) {
  // Not cacheable anywhere: the next request may carry a good Host.
  return reply.code(400).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(BAD_HOST);
}
