/** The one error type of the fetch step, with a stable `code` that callers and logs match on. */

/** Every way a fetch can fail; stable, match on these rather than on messages. */
export type FetchErrorCode =
  /** A non-2xx status other than 304; `status` and `retryAfterSeconds` are set. */
  | 'JARIDA_FETCH_HTTP'
  /** Connect timeout, or the total timeout (headers and body) passed. */
  | 'JARIDA_FETCH_TIMEOUT'
  /** The body, after decompression, is over `maxBytes`. */
  | 'JARIDA_FETCH_TOO_LARGE'
  /** The TLS handshake failed (bad certificate, https to a plain-TCP server, …). */
  | 'JARIDA_FETCH_TLS'
  /** The host name did not resolve. */
  | 'JARIDA_FETCH_DNS'
  /** Any other socket or protocol failure (connection refused, reset, bad HTTP). */
  | 'JARIDA_FETCH_NETWORK'
  /** The host is, or resolves to, a private/loopback/… address not in the allow list. */
  | 'JARIDA_FETCH_PRIVATE_ADDRESS'
  /** Not a valid URL, or not http:/https:. */
  | 'JARIDA_FETCH_URL'
  /** Too many redirects, or a redirect loop. */
  | 'JARIDA_FETCH_REDIRECT'
  /** A Content-Encoding we do not decode, or a corrupt compressed body. */
  | 'JARIDA_FETCH_ENCODING'
  /** The caller's `signal` aborted the fetch. */
  | 'JARIDA_FETCH_ABORTED';

/** Extra facts a FetchError carries besides its message. */
export interface FetchErrorDetails {
  /** The URL being fetched when it failed (the redirect hop, not always the first URL). */
  url?: string;
  status?: number;
  retryAfterSeconds?: number | null;
  cause?: unknown;
}

/** A failed fetch; the message starts with `fetch: ` and names the URL, `cause` keeps the low-level error. */
export class FetchError extends Error {
  readonly code: FetchErrorCode;
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | null;

  constructor(code: FetchErrorCode, message: string, details: FetchErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'FetchError';
    this.code = code;
    this.url = details.url;
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
  }
}

/** Returns true when `err` is a FetchError (optionally with the given code). */
export function isFetchError(err: unknown, code?: FetchErrorCode): err is FetchError {
  return err instanceof FetchError && (code === undefined || err.code === code);
}
