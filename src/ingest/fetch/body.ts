/**
 * Reading a response body: undo its Content-Encoding (gzip, deflate, br) with zlib streams and
 * stop as soon as the decoded size passes the limit, so a compression bomb costs at most the
 * limit plus one zlib chunk, never its full size.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pipeline as pipelineCb } from 'node:stream';
import zlib from 'node:zlib';
import { FetchError } from './errors.js';

/** The Accept-Encoding fetchResource sends: exactly what readBody can decode. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/** What readBody needs besides the stream. */
export interface ReadBodyOptions {
  /** The Content-Encoding header, or null. */
  contentEncoding: string | null;
  /** Largest decoded size accepted, in bytes. */
  maxBytes: number;
  /** For error messages. */
  url: string;
}

type Stage = NodeJS.ReadWriteStream | ((source: AsyncIterable<Buffer>) => AsyncIterable<Buffer>);

// Lenient at the end like browsers: a body cut short still yields what was decoded.
const ZLIB_OPTIONS: zlib.ZlibOptions = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS: zlib.BrotliOptions = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/**
 * Returns the decoded body bytes; throws FetchError JARIDA_FETCH_TOO_LARGE as soon as more than
 * `maxBytes` come out of the decoders, JARIDA_FETCH_ENCODING for an unknown or corrupt encoding.
 */
export async function readBody(body: Readable, opts: ReadBodyOptions): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  // Kept aside: pipeline may reject with the AbortError of tearing the stages down instead.
  let overLimit: FetchError | null = null;
  const sink = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > opts.maxBytes) throw (overLimit = tooLarge(opts.url, opts.maxBytes));
      chunks.push(chunk);
    }
  };
  let stages: Stage[];
  try {
    stages = decoders(opts.contentEncoding);
  } catch (err) {
    discardBody(body);
    throw new FetchError('JARIDA_FETCH_ENCODING', `fetch: ${opts.url}: ${(err as Error).message}`, { url: opts.url });
  }
  try {
    // The array form takes functions as stages at run time; the typings only list streams.
    await pipeline([body, ...stages, sink] as unknown as NodeJS.ReadableStream[]);
  } catch (err) {
    if (overLimit) throw overLimit;
    if (err instanceof FetchError) throw err;
    if (isDecoderError(err)) {
      throw new FetchError('JARIDA_FETCH_ENCODING', `fetch: ${opts.url}: corrupt ${opts.contentEncoding} body: ${(err as Error).message}`, {
        url: opts.url,
        cause: err,
      });
    }
    throw err;
  }
  // A fresh Uint8Array of its own: `.buffer` is exactly the body, not a slab of Node's buffer pool.
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** Drops a body that will not be read (undici's emits an AbortError when destroyed unread, hence the listener). */
export function discardBody(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}

/** zlib errors carry Z_DATA_ERROR-like codes, brotli ones ERR__ERROR_FORMAT_… */
function isDecoderError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(Z_|ERR__|ERR_BROTLI)/.test(code);
}

/** Returns the TOO_LARGE error for `url`. */
export function tooLarge(url: string, maxBytes: number): FetchError {
  return new FetchError('JARIDA_FETCH_TOO_LARGE', `fetch: ${url}: body over ${formatBytes(maxBytes)}`, { url });
}

/** Returns `10 MB`, `512 KB` or `1000 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}

/** Returns the decoding stages for a Content-Encoding list, last-applied encoding first. */
function decoders(contentEncoding: string | null): Stage[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  return codings.reverse().map((coding) => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip(ZLIB_OPTIONS);
      case 'deflate':
        return inflateAuto;
      case 'br':
        return zlib.createBrotliDecompress(BROTLI_OPTIONS);
      default:
        throw new Error(`unsupported Content-Encoding "${coding}"`);
    }
  });
}

/**
 * "deflate" should be zlib-wrapped but some servers send raw deflate; browsers sniff the first
 * byte (a zlib header has compression method 8 in its low nibble), so do we.
 */
async function* inflateAuto(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head: Buffer = first.value;
  const inflate = (head[0]! & 0x0f) === 0x08 ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS);
  const input = Readable.from(
    (async function* () {
      try {
        yield head;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        await iterator.return?.();
      }
    })(),
  );
  yield* pipelineCb(input, inflate, () => {});
}
