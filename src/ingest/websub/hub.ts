/**
 * Talking to a hub (W3C WebSub §5.1): one form POST of a (un)subscription request, through the
 * fetcher's address guard (a hub on a private address is refused unless allowed), no redirects
 * followed, a total deadline. The hub answers 202 Accepted and verifies the intent later.
 */
import { STATUS_CODES } from 'node:http';
import { Agent } from 'undici';
import { readBody } from '../fetch/body.js';
import { FetchError } from '../fetch/errors.js';
import { AddressRefusedError, assertLiteralHostAllowed, guardedLookup, type AddressAllowList } from '../fetch/guard.js';
import { networkError } from '../fetch/network.js';

/** How to reach a hub: the fetcher's settings. */
export interface HubOptions {
  userAgent: string;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  allowPrivate: AddressAllowList;
}

/** The form fields of a (un)subscription request. */
export interface HubRequest {
  mode: 'subscribe' | 'unsubscribe';
  topic: string;
  callback: string;
  secret?: string;
  leaseSeconds?: number;
}

/**
 * POSTs the request to the hub; resolves when the hub accepts it (any 2xx), throws FetchError
 * naming the hub otherwise (its status and the first line of its answer, a refused address, a
 * timeout, a network failure).
 * @example await postToHub('https://hub.test/', { mode: 'subscribe', topic, callback, secret, leaseSeconds: 864000 }, opts)
 */
export async function postToHub(hub: string, r: HubRequest, opts: HubOptions): Promise<void> {
  const url = new URL(hub);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchError('JARIDA_FETCH_URL', `websub: hub ${hub}: only http: and https: hubs are used`, { url: hub });
  const form = new URLSearchParams({ 'hub.mode': r.mode, 'hub.topic': r.topic, 'hub.callback': r.callback });
  if (r.secret) form.set('hub.secret', r.secret);
  if (r.leaseSeconds) form.set('hub.lease_seconds', String(r.leaseSeconds));
  const agent = new Agent({ connect: { timeout: opts.connectTimeoutMs, lookup: guardedLookup(opts.allowPrivate) } });
  try {
    assertLiteralHostAllowed(url.hostname, opts.allowPrivate);
    const res = await agent.request({
      origin: url.origin, path: url.pathname + url.search, method: 'POST',
      headers: { 'user-agent': opts.userAgent, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(), signal: AbortSignal.timeout(opts.totalTimeoutMs),
    });
    // The hub's answer says why it refused; read a little of it, never all.
    const said = await readBody(res.body, { contentEncoding: null, maxBytes: 64 * 1024, url: hub }).then((b) => Buffer.from(b).toString('utf8'), () => '');
    if (res.statusCode < 200 || res.statusCode > 299) {
      const why = said.replace(/\s+/g, ' ').trim().slice(0, 200);
      throw new FetchError('JARIDA_FETCH_HTTP', `websub: hub ${hub}: ${r.mode} refused: HTTP ${res.statusCode} ${STATUS_CODES[res.statusCode] ?? ''}${why ? `: ${why}` : ''}`.trim(), { url: hub, status: res.statusCode });
    }
  } catch (err) {
    if (err instanceof AddressRefusedError) throw new FetchError('JARIDA_FETCH_PRIVATE_ADDRESS', `websub: hub ${hub}: ${err.detail}`, { url: hub, cause: err });
    if (err instanceof FetchError) throw err;
    if ((err as Error).name === 'TimeoutError') throw new FetchError('JARIDA_FETCH_TIMEOUT', `websub: hub ${hub}: no answer within ${opts.totalTimeoutMs / 1000} s`, { url: hub, cause: err });
    const e = networkError(err, { url: hub, connectTimeoutMs: opts.connectTimeoutMs });
    throw new FetchError(e.code, `websub: ${e.message}`, { url: hub, cause: err });
  } finally {
    agent.destroy().catch(() => {});
  }
}
