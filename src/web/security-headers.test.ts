import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import type { MediaFiles } from '../media/files.js';
import { MediaServer } from '../media/serve.js';
import { saveArticle } from '../store/articles.js';
import type { Store } from '../store/db.js';
import { ensureSource } from '../store/sources.js';
import { openTestStore } from '../store/testing.js';
import { buildApp } from './app.js';
import { PageCache } from './cache.js';
import { pageMeta } from './http.js';
import { DESK_CSP, helmetOptions, isDeskPath, MEDIA_CSP, securityHeaders, type HeaderSet } from './security-headers.js';
import { loadTheme } from './theme.js';

const TZ = 'Europe/Istanbul';
const now = () => new Date('2019-02-15T09:00:00Z');
const theme = loadTheme(null);
const plain = securityHeaders({ https: false, hashes: theme.hashes });
// HSTS too: it must be absent on a plain-http site (toEqual takes an undefined value as absent).
const NAMES = [...Object.keys(plain.site), 'strict-transport-security'];
const IMAGE = '0123456789abcdef01234567-640.png';
const IMAGE_BYTES = Buffer.from('\x89PNG\r\n\x1a\n not really');
const files = { label: 'test', get: async (name: string) => (name === IMAGE ? IMAGE_BYTES : null) } as unknown as MediaFiles;

/** The security headers of an answer, by the names the site sends. */
const securityOf = (h: Headers | Record<string, unknown>, names = NAMES) =>
  Object.fromEntries(names.map((n) => [n, h instanceof Headers ? h.get(n) : (h[n] as string | undefined)]));
/** The CSP's script sources, and the hashes of the page's inline scripts. */
const scriptSources = (csp: string) => (/(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? '').trim().split(/\s+/).sort();
const inlineScriptHashes = (html: string) =>
  [...new Set([...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`))].sort();

describe('the security headers', () => {
  it('are what helmet sends, made once, with the Permissions-Policy beside', async () => {
    const fastify = Fastify();
    // The same options (its types come from helmet's CommonJS declarations, ours from the ESM ones).
    await fastify.register(fastifyHelmet, helmetOptions({ https: false, hashes: theme.hashes }) as FastifyHelmetOptions);
    fastify.get('/', async () => 'x');
    const res = await fastify.inject({ url: '/' });
    const { 'permissions-policy': pp, ...fromHelmet } = plain.site;
    expect(securityOf(res.headers, Object.keys(fromHelmet))).toEqual(fromHelmet);
    expect(pp).toMatch(/camera=\(\), .*geolocation=\(\), .*interest-cohort=\(\), .*microphone=\(\)/);
    await fastify.close();
  });

  it('say the policies the site needs, HSTS and upgrades only on an https site', () => {
    const h = plain.site;
    expect(h).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
    });
    const csp = h['content-security-policy']!;
    for (const d of ["default-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'", "script-src-attr 'none'", "style-src 'self'", "img-src 'self' data: https: http:"]) {
      expect(csp.split(';'), d).toContain(d);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(scriptSources(csp)).toEqual([...theme.hashes.scripts].sort());
    expect(csp).toMatch(/frame-src www\.youtube\.com /); // the video players an article body may embed
    expect(h['strict-transport-security']).toBeUndefined();
    expect(csp).not.toContain('upgrade-insecure-requests');

    const tls = securityHeaders({ https: true, hashes: theme.hashes }).site;
    expect(tls['strict-transport-security']).toBe('max-age=31536000');
    expect(tls['content-security-policy']).toContain("img-src 'self' data: https:;");
    expect(tls['content-security-policy']).toMatch(/;upgrade-insecure-requests$/);
    expect(plain.media).toEqual({ ...plain.site, 'content-security-policy': MEDIA_CSP });
  });

  it("tell the desk's paths as the router reads them", () => {
    for (const url of ['/admin', '/admin/', '/admin/users?page=2', '/admin?x', '/api/admin/articles/1', '//admin/x', '/api//admin', '/%61dmin/x', '/admin/%E0%A4%A']) expect(isDeskPath(url), url).toBe(true);
    for (const url of ['/', '/administration/', '/tr/admin/', '/api/adminx', '/search?q=/admin/', '/admins']) expect(isDeskPath(url), url).toBe(false);
  });
});

describe('every answer of the site', () => {
  let store: Store;
  let app: FastifyInstance;
  let article: string;

  beforeAll(async () => {
    store = await openTestStore();
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    const saved = await saveArticle(store.db, { sourceId, guid: 'a', title: 'First story', contentHtml: '<p>Text.</p>', publishedAt: new Date('2019-02-14T10:00:00Z') }, TZ);
    await saveArticle(store.db, { sourceId, guid: 'b', title: 'Second story', publishedAt: new Date('2019-02-13T10:00:00Z') }, TZ);
    article = `/2019/02/14/${saved.slug}/`;
    app = await buildApp({ store, config: parseConfig({ timeZone: TZ }), now, theme, media: new MediaServer(files, { maxBytes: 1 << 20 }) });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('carries them, whatever it is: pages, search, JSON, the feed, the stylesheet, errors, redirects', async () => {
    const cases: [string, number, string][] = [
      ['/', 200, 'text/html'],
      [article, 200, 'text/html'],
      ['/2019/02/14/', 200, 'text/html'],
      ['/search?q=story', 200, 'text/html'],
      ['/search.json?q=story', 200, 'application/json'],
      ['/search.json?page=x', 400, 'application/json'],
      ['/feed.xml', 200, 'application/rss+xml'],
      [theme.stylesheet.path, 200, 'text/css'],
      ['/2019/13/45/', 404, 'text/html'],
      ['/no/such/page/at/all/here/', 404, 'text/html'],
      ['/%E0%A4%A/', 400, 'text/html'], // a malformed URL: answered outside Fastify's hooks
      [`/?q=${'x'.repeat(3000)}`, 400, 'text/html'], // refused by an onRequest hook
      ['/en/', 301, ''],
      ['/healthz', 200, 'application/json'],
    ];
    for (const [url, status, type] of cases) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(status);
      expect(String(res.headers['content-type'] ?? ''), url).toContain(type);
      expect(securityOf(res.headers), url).toEqual(plain.site);
    }
    const notModified = await app.inject({ url: '/', headers: { 'if-none-match': String((await app.inject({ url: '/' })).headers.etag) } });
    expect(notModified.statusCode).toBe(304);
    expect(securityOf(notModified.headers)).toEqual(plain.site);
  });

  it("allows the page's inline scripts by their hashes, and nothing else inline", async () => {
    for (const url of ['/', article, '/2019/13/45/']) {
      const res = await app.inject({ url });
      const csp = String(res.headers['content-security-policy']);
      expect(inlineScriptHashes(res.body), url).toEqual(scriptSources(csp));
      expect(inlineScriptHashes(res.body), url).toHaveLength(2);
      expect(res.body, url).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('sends an image with the same headers, its CSP allowing nothing', async () => {
    for (const url of [`/media/${IMAGE}`, `/media/${IMAGE.replace('0123', '9999')}`]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(url.endsWith(IMAGE) ? 200 : 404);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['content-security-policy'], url).toBe(MEDIA_CSP);
      expect(res.headers['referrer-policy'], url).toBe('strict-origin-when-cross-origin');
    }
    expect(securityOf((await app.inject({ url: `/media/${IMAGE}` })).headers)).toEqual(plain.media);
  });
});

describe('through the page cache and the media front', () => {
  let store: Store;
  let app: FastifyInstance;
  let cache: PageCache;
  let base: string;
  let article: string;
  const https = securityHeaders({ https: true, hashes: theme.hashes });

  beforeAll(async () => {
    store = await openTestStore();
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    article = `/2019/02/14/${(await saveArticle(store.db, { sourceId, guid: 'a', title: 'First story', publishedAt: new Date('2019-02-14T10:00:00Z') }, TZ)).slug}/`;
    cache = new PageCache({ maxBytes: 1 << 22, timeZone: TZ, now });
    const config = parseConfig({ timeZone: TZ, siteUrl: 'https://news.example' });
    app = await buildApp({ store, config, now, theme, cache, media: new MediaServer(files, { maxBytes: 1 << 20 }) });
    // A stand-in for the desk: its pages must never be kept, whatever they say of themselves.
    app.get('/admin/ping', async () => ({ pong: true }));
    app.get('/admin/page', (req, reply) => {
      pageMeta.set(req.raw, { tags: ['home'] }); // as if rendered with sendPage
      return reply.header('cache-control', 'public, max-age=600').type('text/html; charset=utf-8').send('<p>desk</p>');
    });
    app.get('/admin/go', (_req, reply) => reply.redirect('/admin/ping', 302));
    app.get('/api/admin/fail', async () => {
      throw new Error('desk: failed');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers: { 'accept-encoding': 'identity', ...headers }, redirect: 'manual' });

  it('sends a cached page with exactly the headers of its first answer', async () => {
    for (const url of ['/', article, '/search.json?q=story']) {
      const first = await get(url);
      const second = await get(url);
      expect([first.headers.get('x-cache'), second.headers.get('x-cache')], url).toEqual(['miss', 'hit']);
      expect(securityOf(first.headers), url).toEqual(https.site);
      expect(securityOf(second.headers), url).toEqual(securityOf(first.headers));
      const notModified = await get(url, { 'if-none-match': second.headers.get('etag')! });
      expect(notModified.status).toBe(304);
      expect(securityOf(notModified.headers), url).toEqual(https.site);
    }
    const br = await get('/', { 'accept-encoding': 'br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(securityOf(br.headers)).toEqual(https.site);
  });

  it('sends an image from memory with exactly the headers of its first answer', async () => {
    const first = await get(`/media/${IMAGE}`);
    const second = await get(`/media/${IMAGE}`); // the media front, from memory
    expect(securityOf(first.headers)).toEqual(https.media);
    expect(securityOf(second.headers)).toEqual(https.media);
  });

  it("gives every desk answer the desk's CSP and private, no-store, and never keeps one", async () => {
    const before = cache.stats().entries;
    for (const [url, status] of [
      ['/admin/ping', 200], ['/admin/page', 200], ['/admin/page', 200], ['//admin/page', 200], ['/%61dmin/page', 200],
      ['/admin/go', 302], ['/api/admin/fail', 500], ['/admin/anything-404', 404], ['/api/admin/nothing/', 404], ['/admin/%E0%A4%A', 400],
    ] as const) {
      const res = await get(url);
      expect(res.status, url).toBe(status);
      expect(res.headers.get('cache-control'), url).toBe('private, no-store');
      expect(res.headers.get('content-security-policy'), url).toBe(DESK_CSP);
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), url).toBe('DENY');
      expect(res.headers.get('cross-origin-resource-policy'), url).toBe('same-origin');
      expect(res.headers.get('x-cache'), url).toBeNull();
      expect(res.headers.get('surrogate-key'), url).toBeNull();
    }
    expect(cache.stats().entries).toBe(before);
    const head = await fetch(`${base}/admin/page`, { method: 'HEAD' });
    expect(head.headers.get('cache-control')).toBe('private, no-store');
    // Not the desk: the public site's policy.
    const other = await get('/administration/');
    expect(other.headers.get('content-security-policy')).toBe(https.site['content-security-policy']);
  });
});
