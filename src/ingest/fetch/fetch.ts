/**
 * Fetching one feed or page over HTTP(S): a conditional GET that follows redirects itself (each
 * hop guarded and counted), decompresses with a size limit and enforces a total deadline. It
 * returns bytes and the Content-Type; decoding the charset is the parse step's job.
 */
import { STATUS_CODES } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { ACCEPT_ENCODING, discardBody, readBody, tooLarge } from './body.js';
import { FetchError } from './errors.js';
import { AddressRefusedError, assertLiteralHostAllowed, guardedLookup, type AddressAllowList } from './guard.js';
import { networkError } from './network.js';

export { FetchError, isFetchError, type FetchErrorCode } from './errors.js';
export { parseAllowList, isAddressAllowed, NO_PRIVATE_ADDRESSES, type AddressAllowList } from './guard.js';

// The default lives with the config (config.ts reads no fetcher: every process loads the config).
export { DEFAULT_USER_AGENT } from '../../config.js';

/** How to fetch; only `userAgent` and `allowPrivate` are required. */
export interface FetchOptions {
  /** Validators from the last fetch, sent as If-None-Match / If-Modified-Since. */
  etag?: string | null;
  lastModified?: string | null;
  userAgent: string;
  /** TCP connect plus TLS handshake, per hop. Default 10 000. */
  connectTimeoutMs?: number;
  /** Everything: all hops, headers and body. Default 30 000. */
  totalTimeoutMs?: number;
  /** Largest body accepted, counted after decompression. Default 10 MB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Non-public addresses the operator allows (see parseAllowList). */
  allowPrivate: AddressAllowList;
  /** The Accept header; default any type. */
  accept?: string;
  signal?: AbortSignal;
}

/** What a successful (2xx or 304) fetch gives back. */
export interface FetchResult {
  status: number;
  /** The final URL, after redirects, without a fragment. */
  url: string;
  /** The final URL when every hop was a permanent redirect (301/308), so the caller updates the source. */
  permanentRedirectTo: string | null;
  /** 304: `bytes` is empty; etag/lastModified fall back to the ones sent. */
  notModified: boolean;
  bytes: Uint8Array;
  contentType: string | null;
  /** Content-Language and Content-Location: the parse step's fallback language and base URL. */
  contentLanguage: string | null;
  contentLocation: string | null;
  /** The Link header (RFC 8288): where WebSub's rel=hub and rel=self may be. */
  link: string | null;
  etag: string | null;
  lastModified: string | null;
  /** From Retry-After (seconds or HTTP-date), when the response has one. */
  retryAfterSeconds: number | null;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PERMANENT_STATUSES = new Set([301, 308]);

/**
 * Returns the response to a GET of `url`; throws FetchError for non-2xx (except 304), refused
 * addresses, timeouts, bodies over the limit and network, DNS and TLS failures.
 * @example await fetchResource('https://example.com/feed', { userAgent: DEFAULT_USER_AGENT, allowPrivate: NO_PRIVATE_ADDRESSES })
 */
export async function fetchResource(url: string, opts: FetchOptions): Promise<FetchResult> {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  const totalTimeoutMs = opts.totalTimeoutMs ?? 30_000;
  const maxRedirects = opts.maxRedirects ?? 5;
  const first = httpUrl(url, null);
  let current = first;
  const chain = [first.href];
  let allPermanent = true;
  // One agent per fetch: its lookup carries this fetch's allow list, and no socket outlives it.
  const agent = new Agent({ connect: { timeout: connectTimeoutMs, lookup: guardedLookup(opts.allowPrivate) } });
  const deadline = startDeadline(totalTimeoutMs, opts.signal);
  try {
    for (;;) {
      assertLiteralHostAllowed(current.hostname, opts.allowPrivate);
      const res = await request(agent, current, opts, deadline.signal);
      const location = header(res.headers, 'location');
      if (!REDIRECT_STATUSES.has(res.statusCode) || location === null) {
        const permanentRedirectTo = allPermanent && chain.length > 1 ? current.href : null;
        return await finish(res, current.href, permanentRedirectTo, opts);
      }
      discardBody(res.body);
      const next = httpUrl(location, current);
      chain.push(next.href);
      if (chain.indexOf(next.href) < chain.length - 1) {
        throw new FetchError('JARIDA_FETCH_REDIRECT', `fetch: ${first.href}: redirect loop: ${chain.join(' → ')}`, { url: current.href });
      }
      if (chain.length - 1 > maxRedirects) {
        const msg = `fetch: ${first.href}: more than ${maxRedirects} redirects: ${chain.join(' → ')}`;
        throw new FetchError('JARIDA_FETCH_REDIRECT', msg, { url: current.href });
      }
      allPermanent &&= PERMANENT_STATUSES.has(res.statusCode);
      current = next;
    }
  } catch (err) {
    const at = current.href;
    if (deadline.timedOut()) {
      const msg = `fetch: ${at}: no complete response within ${totalTimeoutMs / 1000} s`;
      throw new FetchError('JARIDA_FETCH_TIMEOUT', msg, { url: at, cause: err });
    }
    if (opts.signal?.aborted) throw new FetchError('JARIDA_FETCH_ABORTED', `fetch: ${at}: aborted`, { url: at, cause: opts.signal.reason });
    if (err instanceof AddressRefusedError) {
      const via = current === first ? '' : ` (redirected from ${first.href})`;
      throw new FetchError('JARIDA_FETCH_PRIVATE_ADDRESS', `fetch: ${at}: ${err.detail}${via}`, { url: at, cause: err });
    }
    if (err instanceof FetchError) throw err;
    throw networkError(err, { url: at, connectTimeoutMs });
  } finally {
    deadline.clear();
    agent.destroy().catch(() => {});
  }
}

function request(agent: Agent, target: URL, opts: FetchOptions, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent,
    accept: opts.accept ?? '*/*',
    'accept-encoding': ACCEPT_ENCODING,
  };
  // Sent on every hop, as browsers and Go do: a feed behind a redirect still gets its 304s.
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  return agent.request({ origin: target.origin, path: target.pathname + target.search, method: 'GET', headers, signal });
}

async function finish(
  res: Dispatcher.ResponseData,
  url: string,
  permanentRedirectTo: string | null,
  opts: FetchOptions,
): Promise<FetchResult> {
  const status = res.statusCode;
  const retryAfterSeconds = parseRetryAfter(header(res.headers, 'retry-after'));
  const result = {
    status,
    url,
    permanentRedirectTo,
    contentType: header(res.headers, 'content-type'),
    contentLanguage: header(res.headers, 'content-language'),
    contentLocation: header(res.headers, 'content-location'),
    link: header(res.headers, 'link'),
    etag: header(res.headers, 'etag'),
    lastModified: header(res.headers, 'last-modified'),
    retryAfterSeconds,
  };
  if (status === 304) {
    discardBody(res.body);
    const etag = result.etag ?? opts.etag ?? null;
    const lastModified = result.lastModified ?? opts.lastModified ?? null;
    return { ...result, etag, lastModified, notModified: true, bytes: new Uint8Array(0) };
  }
  if (status < 200 || status > 299) {
    discardBody(res.body);
    const text = STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : '';
    const retry = retryAfterSeconds === null ? '' : ` (retry after ${retryAfterSeconds} s)`;
    throw new FetchError('JARIDA_FETCH_HTTP', `fetch: ${url}: HTTP ${status}${text}${retry}`, { url, status, retryAfterSeconds });
  }
  const maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
  const contentEncoding = header(res.headers, 'content-encoding');
  const declared = Number(header(res.headers, 'content-length') ?? NaN);
  // Without an encoding the declared length is the decoded length: refuse before reading.
  if (contentEncoding === null && declared > maxBytes) {
    discardBody(res.body);
    throw tooLarge(url, maxBytes);
  }
  const bytes = await readBody(res.body, { contentEncoding, maxBytes, url });
  return { ...result, notModified: false, bytes };
}

/** Returns the URL `text` (resolved against `base` for a redirect) if it is http: or https:, without its fragment. */
function httpUrl(text: string, base: URL | null): URL {
  const where = base ? `fetch: ${base.href}: redirect to` : 'fetch:';
  let parsed: URL;
  try {
    parsed = new URL(text, base ?? undefined);
  } catch (cause) {
    throw new FetchError('JARIDA_FETCH_URL', `${where} "${text}": not a valid URL`, { url: base?.href ?? text, cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    const msg = `${where} ${parsed.href}: only http: and https: URLs are fetched`;
    throw new FetchError('JARIDA_FETCH_URL', msg, { url: base?.href ?? parsed.href });
  }
  parsed.hash = '';
  return parsed;
}

/** Returns a response header's value (repeated ones joined with ", "), or null. */
function header(headers: Dispatcher.ResponseData['headers'], name: string): string | null {
  const value = headers[name];
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : null;
  return value ?? null;
}

/** Returns the seconds a Retry-After value asks to wait (delay-seconds or HTTP-date), or null. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  const text = value?.trim() ?? '';
  if (/^\d+$/.test(text)) return Number(text);
  // Only HTTP-date shapes: Date.parse alone accepts far too much ("1.5" is a date to V8).
  if (!/^[A-Za-z]{3},? .*\d{2}:\d{2}:\d{2}/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

function startDeadline(ms: number, outer: AbortSignal | undefined) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`total timeout of ${ms} ms`));
  }, ms);
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}
