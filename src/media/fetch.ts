/**
 * Fetching one image through the feeds' fetcher (fetch/fetch.ts): the same private-address guard
 * and allow list, redirects, size limit and deadline. Failures become the image's one-line error.
 */
import { fetchResource, isFetchError, type AddressAllowList } from '../ingest/fetch/fetch.js';
import { AddressRefusedError } from '../ingest/fetch/guard.js';
import { formatBytes } from '../ingest/fetch/body.js';
import { ImageError } from './process.js';

/** How images are fetched: the feeds' identity and guard, the images' own limits. */
export interface ImageFetchOptions {
  userAgent: string;
  allowPrivate: AddressAllowList;
  connectTimeoutMs: number;
  timeoutMs: number;
  maxBytes: number;
}

const ACCEPT = 'image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.5';

/**
 * Returns the bytes at `url`; throws ImageError with the cause in a few words: `image: 404 Not
 * Found`, `image: timed out after 20 s`, `image: refused private address 10.0.0.1 (private)`.
 * @example await fetchImageBytes('https://x.example/a.jpg', { userAgent, allowPrivate: NO_PRIVATE_ADDRESSES, connectTimeoutMs: 10_000, timeoutMs: 20_000, maxBytes: 10 << 20 })
 */
export async function fetchImageBytes(url: string, opts: ImageFetchOptions): Promise<Uint8Array> {
  try {
    const res = await fetchResource(url, {
      userAgent: opts.userAgent,
      allowPrivate: opts.allowPrivate,
      connectTimeoutMs: Math.min(opts.connectTimeoutMs, opts.timeoutMs),
      totalTimeoutMs: opts.timeoutMs,
      maxBytes: opts.maxBytes,
      accept: ACCEPT,
    });
    return res.bytes;
  } catch (err) {
    throw new ImageError(`image: ${fetchCause(err, opts)}`, { cause: err });
  }
}

function fetchCause(err: unknown, opts: ImageFetchOptions): string {
  if (!isFetchError(err)) return oneLine((err as Error)?.message ?? String(err));
  switch (err.code) {
    case 'JARIDA_FETCH_HTTP': return err.message.replace(/^fetch: .*?: HTTP /, '');
    case 'JARIDA_FETCH_TIMEOUT': return /no connection within/.test(err.message) ? `no connection within ${Math.min(opts.connectTimeoutMs, opts.timeoutMs) / 1000} s` : `timed out after ${opts.timeoutMs / 1000} s`;
    case 'JARIDA_FETCH_TOO_LARGE': return `file over ${formatBytes(opts.maxBytes)}`;
    case 'JARIDA_FETCH_PRIVATE_ADDRESS': {
      const refused = err instanceof AddressRefusedError ? err : err.cause instanceof AddressRefusedError ? err.cause : null;
      return refused ? `refused private address ${refused.address} (${refused.reason})` : 'refused private address';
    }
    default: return oneLine(err.message.replace(/^fetch: (\S+: )?/, ''));
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 300);
}
