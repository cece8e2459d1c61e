/** Turning socket, DNS, TLS and undici errors into FetchErrors that name the URL and keep the cause. */
import { FetchError } from './errors.js';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
// OpenSSL certificate verification results, as Node reports them in err.code.
const CERT_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'HOSTNAME_MISMATCH',
]);

const FRIENDLY: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
};

/** What the caller knows about the failing fetch, for the message. */
export interface NetworkErrorContext {
  url: string;
  connectTimeoutMs: number;
}

/** Returns the code of `err`, or of the first error inside an AggregateError (happy eyeballs). */
function codeOf(err: unknown): string {
  const e = err as { code?: unknown; errors?: unknown[] } | null;
  if (typeof e?.code === 'string') return e.code;
  const inner = e?.errors?.[0] as { code?: unknown } | undefined;
  return typeof inner?.code === 'string' ? inner.code : '';
}

/** Returns a one-line message: OpenSSL's `reason` rather than its multi-line dump, else the message. */
function messageOf(err: unknown): string {
  const e = err as { message?: unknown; reason?: unknown; errors?: { message?: unknown }[] } | null;
  if (typeof e?.reason === 'string' && e.reason !== '') return e.reason;
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : e?.errors?.[0]?.message;
  return (typeof message === 'string' ? message : String(err)).replace(/\s+/g, ' ').trim();
}

/** Returns a FetchError (TLS, DNS, TIMEOUT or NETWORK) for a low-level failure of `ctx.url`. */
export function networkError(err: unknown, ctx: NetworkErrorContext): FetchError {
  const { url } = ctx;
  const code = codeOf(err);
  const message = messageOf(err);
  const suffix = code ? ` (${code})` : '';
  if (DNS_CODES.has(code)) {
    const host = safeHost(url);
    const what = code === 'ENOTFOUND' || code === 'EAI_NONAME' ? `host ${host} not found` : `DNS lookup of ${host} failed`;
    return new FetchError('JARIDA_FETCH_DNS', `fetch: ${url}: ${what}${suffix}`, { url, cause: err });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    const s = ctx.connectTimeoutMs / 1000;
    return new FetchError('JARIDA_FETCH_TIMEOUT', `fetch: ${url}: no connection within ${s} s${suffix}`, { url, cause: err });
  }
  if (TIMEOUT_CODES.has(code)) {
    return new FetchError('JARIDA_FETCH_TIMEOUT', `fetch: ${url}: timed out: ${message}${suffix}`, { url, cause: err });
  }
  if (
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    CERT_CODES.has(code) ||
    /\b(TLS|SSL)\b/.test(message)
  ) {
    const hint = code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ? ' (does the server speak plain HTTP?)' : '';
    return new FetchError('JARIDA_FETCH_TLS', `fetch: ${url}: TLS handshake failed: ${message}${hint}${suffix}`, { url, cause: err });
  }
  if (code.startsWith('HPE_')) {
    return new FetchError('JARIDA_FETCH_NETWORK', `fetch: ${url}: invalid HTTP response: ${message}${suffix}`, { url, cause: err });
  }
  const what = FRIENDLY[code] ?? message;
  return new FetchError('JARIDA_FETCH_NETWORK', `fetch: ${url}: ${what}${suffix}`, { url, cause: err });
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
