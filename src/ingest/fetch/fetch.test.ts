import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_USER_AGENT, fetchResource, FetchError, parseAllowList, parseRetryAfter, type FetchOptions } from './fetch.js';
import { testServers } from './testdata/servers.js';

const servers = testServers();
afterEach(() => servers.closeAll());

const base: FetchOptions = { userAgent: DEFAULT_USER_AGENT, allowPrivate: parseAllowList('127.0.0.1/32') };

/** Returns the FetchError `promise` rejects with (fails the test if it resolves or throws something else). */
async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const err = await promise.then(
    () => new Error('expected the fetch to fail'),
    (e: unknown) => e,
  );
  if (!(err instanceof FetchError)) throw err;
  expect(err.message).toMatch(/^fetch: /);
  return err;
}

/** Writes `total` bytes in 64 KB chunks, honouring backpressure; resolves with the bytes written. */
async function stream(res: ServerResponse, total: number, chunk = Buffer.alloc(64 * 1024, 0x61)): Promise<number> {
  let sent = 0;
  while (sent < total && !res.destroyed) {
    const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
    sent += piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done).off('close', done);
          resolve();
        };
        res.on('drain', done).on('close', done);
      });
    }
  }
  res.end();
  return sent;
}

/** Returns what `run` resolves or rejects with, and how far the process RSS rose above its start meanwhile. */
async function withPeakRss<T>(run: () => Promise<T>): Promise<{ value: T; rise: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const value = await run();
    return { value, rise: Math.max(peak, process.memoryUsage().rss) - before };
  } finally {
    clearInterval(sampler);
  }
}

/** Returns a gzip stream of `megabytes` MB of zeros, compressed chunk by chunk (never held whole). */
async function gzipOfZeros(megabytes: number, make: () => zlib.Gzip | zlib.BrotliCompress): Promise<Buffer> {
  const z = make();
  const out: Buffer[] = [];
  z.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => z.on('end', resolve));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < megabytes; i++) if (!z.write(zeros)) await new Promise((r) => z.once('drain', r));
  z.end();
  await done;
  return Buffer.concat(out);
}

describe('fetchResource: conditional GET and headers', () => {
  it('returns 200 with validators, then notModified on the conditional request', async () => {
    const seen: IncomingMessage['headers'][] = [];
    const s = await servers.http((req, res) => {
      seen.push(req.headers);
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=windows-1256', etag: '"v1"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' });
      res.end('<rss/>');
    });
    const first = await fetchResource(`${s.origin}/feed#frag`, base);
    expect(first).toMatchObject({ status: 200, url: `${s.origin}/feed`, notModified: false, permanentRedirectTo: null, etag: '"v1"' });
    expect(first.contentType).toBe('application/rss+xml; charset=windows-1256');
    expect(first.lastModified).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
    expect(Buffer.from(first.bytes).toString()).toBe('<rss/>');
    expect(seen[0]!['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(seen[0]!['accept-encoding']).toBe('gzip, deflate, br');

    const second = await fetchResource(`${s.origin}/feed`, { ...base, etag: first.etag, lastModified: first.lastModified });
    expect(second).toMatchObject({ status: 304, notModified: true, etag: '"v1"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' });
    expect(second.bytes.length).toBe(0);
    expect(seen[1]!['if-modified-since']).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['x-gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['deflate', zlib.deflateRawSync], // raw deflate, as some servers send it
    ['br', zlib.brotliCompressSync],
  ] as const)('decodes a %s body (%o)', async (encoding, compress) => {
    const text = 'خبر عاجل — breaking news. '.repeat(500);
    const s = await servers.http((_req, res) => res.writeHead(200, { 'content-encoding': encoding }).end(compress(Buffer.from(text))));
    const r = await fetchResource(s.origin, base);
    expect(Buffer.from(r.bytes).toString()).toBe(text);
  });

  it('refuses an unknown Content-Encoding and a corrupt gzip body', async () => {
    const s = await servers.http((req, res) => {
      res.writeHead(200, { 'content-encoding': req.url === '/zstd' ? 'zstd' : 'gzip' }).end('not gzip at all');
    });
    expect((await failure(fetchResource(`${s.origin}/zstd`, base))).code).toBe('JARIDA_FETCH_ENCODING');
    const corrupt = await failure(fetchResource(`${s.origin}/gz`, base));
    expect(corrupt.code).toBe('JARIDA_FETCH_ENCODING');
    expect(corrupt.message).toContain(`${s.origin}/gz`);
  });
});

describe('fetchResource: size limit', () => {
  it('passes a body of exactly maxBytes and refuses maxBytes + 1 (chunked, with Content-Length, gzip)', async () => {
    const s = await servers.http((req, res) => {
      const n = req.url!.startsWith('/over') ? 1001 : 1000;
      const body = Buffer.alloc(n, 0x78);
      if (req.url!.endsWith('/gzip')) return res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(body));
      if (req.url!.endsWith('/length')) return res.writeHead(200, { 'content-length': n }).end(body);
      res.write(body.subarray(0, 500)); // chunked
      res.end(body.subarray(500));
    });
    for (const kind of ['chunked', 'length', 'gzip']) {
      const ok = await fetchResource(`${s.origin}/exact/${kind}`, { ...base, maxBytes: 1000 });
      expect(ok.bytes.length).toBe(1000);
      const err = await failure(fetchResource(`${s.origin}/over/${kind}`, { ...base, maxBytes: 1000 }));
      expect(err.code).toBe('JARIDA_FETCH_TOO_LARGE');
      expect(err.message).toBe(`fetch: ${s.origin}/over/${kind}: body over 1000 bytes`);
    }
  });

  it('stops a streamed 100 MB body early, without the memory growing', async () => {
    let sent = Promise.resolve(0);
    const s = await servers.http((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      sent = stream(res, 100 * 1024 * 1024);
    });
    const started = Date.now();
    const { value: err, rise } = await withPeakRss(() => failure(fetchResource(s.origin, base)));
    expect(err.code).toBe('JARIDA_FETCH_TOO_LARGE');
    expect(err.message).toBe(`fetch: ${s.origin}/: body over 10 MB`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await sent).toBeLessThan(40 * 1024 * 1024); // the server was cut off, not drained
    expect(rise).toBeLessThan(80 * 1024 * 1024);
  });

  it('refuses at once a body whose Content-Length is over the limit', async () => {
    const s = await servers.http((_req, res) => {
      res.writeHead(200, { 'content-length': 100 * 1024 * 1024 });
      void stream(res, 100 * 1024 * 1024);
    });
    expect((await failure(fetchResource(s.origin, base))).code).toBe('JARIDA_FETCH_TOO_LARGE');
  });

  describe('compression bombs', () => {
    let gzipBomb: Buffer;
    let brotliBomb: Buffer;
    beforeAll(async () => {
      gzipBomb = await gzipOfZeros(1024, () => zlib.createGzip({ level: 9 }));
      brotliBomb = await gzipOfZeros(1024, () => zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } }));
    });

    /** The same deflate data in a zlib wrapper: gzip's 10-byte header and 8-byte trailer swapped for zlib's. */
    const deflateBomb = () => {
      const adler = Buffer.alloc(4);
      adler.writeUInt32BE((((1024 * 1024 * 1024) % 65521) * 65536 + 1) >>> 0); // Adler-32 of 1 GB of zeros
      return Buffer.concat([Buffer.from([0x78, 0xda]), gzipBomb.subarray(10, -8), adler]);
    };

    it.each([
      ['gzip', () => gzipBomb],
      ['deflate', deflateBomb],
      ['br', () => brotliBomb],
    ] as const)('stops a %s bomb of 1 GB of zeros at the limit, quickly', async (encoding, bomb) => {
      expect(bomb().length).toBeLessThan(1.5 * 1024 * 1024);
      const s = await servers.http((_req, res) => res.writeHead(200, { 'content-encoding': encoding }).end(bomb()));
      const started = Date.now();
      const { value: err, rise } = await withPeakRss(() => failure(fetchResource(s.origin, base)));
      expect(err.code).toBe('JARIDA_FETCH_TOO_LARGE');
      // Inflating the whole gigabyte takes seconds here; stopping at 10 MB takes tens of milliseconds.
      expect(Date.now() - started).toBeLessThan(1000);
      expect(rise).toBeLessThan(80 * 1024 * 1024);
    });
  });
});

describe('fetchResource: redirects', () => {
  /** A server where /r/<status>/<rest> answers <status> with Location /<rest> (or the Location in ?to=). */
  const redirector = () =>
    servers.http((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const m = /^\/r\/(\d{3})(\/.*)$/.exec(url.pathname);
      if (m) return res.writeHead(Number(m[1]), { location: url.searchParams.get('to') ?? m[2]! }).end();
      if (url.pathname.startsWith('/loop/')) return res.writeHead(302, { location: url.pathname === '/loop/a' ? 'b' : '/loop/a' }).end();
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`final ${url.pathname}`);
    });

  it('follows 301 → 301 → 308 → 200 and reports the permanent move', async () => {
    const s = await redirector();
    const r = await fetchResource(`${s.origin}/r/301/r/301/r/308/feed`, base);
    expect(r).toMatchObject({ status: 200, url: `${s.origin}/feed`, permanentRedirectTo: `${s.origin}/feed` });
    expect(Buffer.from(r.bytes).toString()).toBe('final /feed');
  });

  it('gives no permanentRedirectTo when any hop is temporary', async () => {
    const s = await redirector();
    const r = await fetchResource(`${s.origin}/r/301/r/302/r/301/feed`, base);
    expect(r).toMatchObject({ url: `${s.origin}/feed`, permanentRedirectTo: null });
    const single = await fetchResource(`${s.origin}/r/307/feed`, base);
    expect(single.permanentRedirectTo).toBeNull();
  });

  it('resolves a relative Location against the hop', async () => {
    const s = await redirector();
    const r = await fetchResource(`${s.origin}/r/302/x?to=../../elsewhere/feed.xml`, base);
    expect(r.url).toBe(`${s.origin}/elsewhere/feed.xml`);
  });

  it('follows maxRedirects redirects and refuses one more', async () => {
    const s = await redirector();
    const five = await fetchResource(`${s.origin}/r/302/r/302/r/302/r/302/r/302/feed`, base);
    expect(five.url).toBe(`${s.origin}/feed`);
    const err = await failure(fetchResource(`${s.origin}/r/302/r/302/r/302/r/302/r/302/r/302/feed`, base));
    expect(err.code).toBe('JARIDA_FETCH_REDIRECT');
    expect(err.message).toMatch(/more than 5 redirects/);
  });

  it('reports a redirect loop clearly', async () => {
    const s = await redirector();
    const err = await failure(fetchResource(`${s.origin}/loop/a`, base));
    expect(err.code).toBe('JARIDA_FETCH_REDIRECT');
    expect(err.message).toBe(`fetch: ${s.origin}/loop/a: redirect loop: ${s.origin}/loop/a → ${s.origin}/loop/b → ${s.origin}/loop/a`);
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const s = await redirector();
    const err = await failure(fetchResource(`${s.origin}/r/302/x?to=file:///etc/passwd`, base));
    expect(err.code).toBe('JARIDA_FETCH_URL');
    expect(err.message).toContain('redirect to file:///etc/passwd');
  });
});

describe('fetchResource: HTTP errors', () => {
  it.each([
    [404, undefined, null],
    [410, undefined, null],
    [500, undefined, null],
    [429, '30', 30],
    [503, '120', 120],
    [503, 'an HTTP-date 2 minutes ahead', 120],
  ])('turns %i (Retry-After %s) into FetchError JARIDA_FETCH_HTTP', async (status, retryAfter, seconds) => {
    const value = retryAfter?.startsWith('an HTTP-date') ? new Date(Date.now() + 120_000).toUTCString() : retryAfter;
    const s = await servers.http((_req, res) => res.writeHead(status, value ? { 'retry-after': value } : {}).end('oops'));
    const err = await failure(fetchResource(`${s.origin}/feed`, base));
    expect(err).toMatchObject({ code: 'JARIDA_FETCH_HTTP', status, url: `${s.origin}/feed` });
    expect(err.message).toMatch(new RegExp(`^fetch: ${s.origin}/feed: HTTP ${status}`));
    if (seconds === null) expect(err.retryAfterSeconds).toBeNull();
    else expect(Math.abs(err.retryAfterSeconds! - seconds)).toBeLessThanOrEqual(2);
  });

  it('parses Retry-After values', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('  90 ', now)).toBe(90);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('Sun, 31 Dec 2023 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('fetchResource: timeouts and transport failures', () => {
  const fast = { ...base, totalTimeoutMs: 1500 };

  it.each(['headers', 'body'])('cuts a server that drips its %s one byte a second at the total timeout', async (part) => {
    const head = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n');
    const s = await servers.tcp((socket) => {
      let i = 0;
      if (part === 'body') socket.write(head);
      const timer = setInterval(() => {
        if (socket.destroyed) return clearInterval(timer);
        socket.write(part === 'headers' ? head.subarray(i, i + 1) : '1\r\nx\r\n');
        i++;
      }, 1000);
      socket.on('close', () => clearInterval(timer));
      socket.on('error', () => {});
    });
    const started = Date.now();
    const err = await failure(fetchResource(s.origin, fast));
    expect(err.code).toBe('JARIDA_FETCH_TIMEOUT');
    expect(err.message).toBe(`fetch: ${s.origin}/: no complete response within 1.5 s`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('cuts a server that accepts and never answers', async () => {
    const s = await servers.tcp((socket) => socket.on('error', () => {}));
    const err = await failure(fetchResource(s.origin, fast));
    expect(err.code).toBe('JARIDA_FETCH_TIMEOUT');
    expect(s.connections).toBe(1);
  });

  it('gives a TLS error, not a hang, for https:// to a plain HTTP server', async () => {
    const s = await servers.http((_req, res) => res.end('plain'));
    const url = `https://127.0.0.1:${s.port}/`;
    const err = await failure(fetchResource(url, fast));
    expect(err.code).toBe('JARIDA_FETCH_TLS');
    expect(err.message).toMatch(new RegExp(`^fetch: ${url}: TLS handshake failed: [^\\n]+ \\(ERR_SSL_`));
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('gives a TLS error for a certificate nobody vouches for', async () => {
    const s = await servers.https((_req, res) => res.end('secret'));
    const url = `https://127.0.0.1:${s.port}/`;
    const err = await failure(fetchResource(url, fast));
    expect(err.code).toBe('JARIDA_FETCH_TLS');
    // Node's own words, with the code; Node 24 adds a hint about --use-system-ca after them.
    expect(err.message.startsWith(`fetch: ${url}: TLS handshake failed: self-signed certificate`)).toBe(true);
    expect(err.message.endsWith(' (DEPTH_ZERO_SELF_SIGNED_CERT)')).toBe(true);
    expect(err.message).not.toContain('\n');
  });

  it('hits the connect timeout for https:// to a TCP server that never answers the handshake', async () => {
    const s = await servers.tcp((socket) => socket.on('error', () => {}));
    const url = `https://127.0.0.1:${s.port}/`;
    const err = await failure(fetchResource(url, { ...base, connectTimeoutMs: 300, totalTimeoutMs: 10_000 }));
    expect(err.code).toBe('JARIDA_FETCH_TIMEOUT');
    expect(err.message).toBe(`fetch: ${url}: no connection within 0.3 s (UND_ERR_CONNECT_TIMEOUT)`);
  });

  it('reports a refused connection as a network error', async () => {
    const s = await servers.http((_req, res) => res.end());
    const url = `${s.origin}/`;
    await s.close();
    const err = await failure(fetchResource(url, base));
    expect(err.code).toBe('JARIDA_FETCH_NETWORK');
    expect(err.message).toBe(`fetch: ${url}: connection refused (ECONNREFUSED)`);
  });

  it('reports a host that does not resolve as a DNS error', async () => {
    const err = await failure(fetchResource('http://no-such-host.invalid/feed', base));
    expect(err.code).toBe('JARIDA_FETCH_DNS');
    expect(err.message).toMatch(/^fetch: http:\/\/no-such-host\.invalid\/feed: (host no-such-host\.invalid not found|DNS lookup)/);
  });

  it("stops when the caller's signal aborts", async () => {
    const s = await servers.tcp((socket) => socket.on('error', () => {}));
    const err = await failure(fetchResource(s.origin, { ...base, signal: AbortSignal.timeout(200) }));
    expect(err.code).toBe('JARIDA_FETCH_ABORTED');
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/feed', 'javascript:alert(1)', 'data:text/plain,hi', 'not a url'])(
    'refuses %s',
    async (url) => {
      const err = await failure(fetchResource(url, base));
      expect(err.code).toBe('JARIDA_FETCH_URL');
    },
  );
});
