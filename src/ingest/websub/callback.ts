/**
 * The subscriber's callback (W3C WebSub §5.3, §7): the hub's verification of intent (GET) and its
 * content distribution (POST). A push is checked against the subscription's secret (HMAC, constant
 * time) and its items stored at once by the same step a polled fetch uses (refresh.ts storeItems:
 * rules, sanitizing, de-duplication). The web route (web/websub.ts) only maps these to HTTP.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { findSourceById } from '../../store/sources.js';
import { deleteSubscription, findSubscriptionByToken, updateSubscription, type WebSubSubscription } from '../../store/websub.js';
import type { Digester } from '../digest.js';
import { storeItems, type RefreshResult } from '../refresh.js';
import { RENEW_AT, type WebSubDeps } from './subscribe.js';

/** A lease granted by a hub is taken within these bounds (seconds): a minute to a year. */
const LEASE_BOUNDS = [60, 365 * 86_400] as const;
const DAY_MS = 86_400_000;

/** The query of a verification request (`hub.*` fields), as received. */
export interface VerificationQuery {
  mode?: unknown;
  topic?: unknown;
  challenge?: unknown;
  leaseSeconds?: unknown;
  reason?: unknown;
}

/** What to answer the hub: the status and a plain-text body. */
export interface CallbackAnswer {
  status: number;
  body: string;
}

/**
 * Answers a hub's verification of intent for the subscription behind `token`: the challenge (200)
 * when the mode and topic match a request this site made and still awaits, else 404. A `denied`
 * subscription is recorded (and tried again in a day). Never throws on what the request holds.
 * @example await verifyIntent(deps, token, { mode: 'subscribe', topic, challenge: 'x1', leaseSeconds: '86400' }) // { status: 200, body: 'x1' }
 */
export async function verifyIntent(deps: WebSubDeps, token: string, q: VerificationQuery): Promise<CallbackAnswer> {
  const refused = { status: 404, body: 'no such subscription request\n' };
  const sub = await findSubscriptionByToken(deps.store.db, token);
  const mode = text(q.mode);
  const topic = text(q.topic);
  if (!sub || topic !== sub.topic) return refused;
  const now = deps.now();
  const at = { sourceId: sub.sourceId, subscription: sub.id, hub: sub.hub };
  if (mode === 'denied') {
    const reason = text(q.reason)?.slice(0, 300) ?? 'no reason given';
    await updateSubscription(deps.store.db, sub.id, { state: 'denied', requestedAt: null, lastError: `websub: hub ${sub.hub} denied the subscription: ${reason}`, nextAttemptAt: new Date(now.getTime() + DAY_MS).toISOString() }, now);
    deps.log.warn({ ...at, reason }, 'websub: subscription denied by the hub');
    return { status: 200, body: 'ok\n' };
  }
  const challenge = text(q.challenge);
  if (!challenge || challenge.length > 1024 || sub.requestedAt === null) return refused;
  if (mode === 'subscribe' && (sub.state === 'pending' || sub.state === 'active')) {
    const lease = leaseOf(q.leaseSeconds, sub);
    const ok = await updateSubscription(deps.store.db, sub.id, {
      state: 'active', requestedAt: null, leaseSeconds: lease, attempts: 0, lastError: null,
      leaseExpiresAt: new Date(now.getTime() + lease * 1000).toISOString(),
      nextAttemptAt: new Date(now.getTime() + lease * 1000 * RENEW_AT).toISOString(),
    }, now, ['pending', 'active']);
    if (!ok) return refused;
    deps.log.info({ ...at, leaseSeconds: lease }, 'websub: subscription verified');
    return { status: 200, body: challenge };
  }
  if (mode === 'unsubscribe' && sub.state === 'unsubscribing') {
    await deleteSubscription(deps.store.db, sub.id);
    deps.log.info(at, 'websub: unsubscription verified');
    return { status: 200, body: challenge };
  }
  return refused;
}

/** A pushed body and the headers that matter. */
export interface Push {
  body: Uint8Array;
  contentType: string | null;
  /** X-Hub-Signature: `sha256=<hex>` (sha1, sha384, sha512 too). */
  signature: string | null;
}

/** What a push did: the answer for the hub, and what was stored (null: the content was ignored). */
export interface PushOutcome extends CallbackAnswer {
  stored: Pick<RefreshResult, 'items' | 'created' | 'updated' | 'unchanged' | 'duplicates'> | null;
}

/**
 * Takes a hub's content distribution for the subscription behind `token`: 410 when there is no
 * such live subscription (the hub may end it); a missing or wrong signature is answered 202 as the
 * spec allows, and the content ignored (logged); a signed feed has its items stored at once.
 * Never throws on what the request holds.
 */
export async function receivePush(deps: WebSubDeps & { digester: Digester }, token: string, push: Push): Promise<PushOutcome> {
  const sub = await findSubscriptionByToken(deps.store.db, token);
  if (!sub || (sub.state !== 'active' && sub.state !== 'pending')) return { status: 410, body: 'no such subscription\n', stored: null };
  const at = { sourceId: sub.sourceId, subscription: sub.id, hub: sub.hub };
  const ignored = { status: 202, body: 'accepted\n', stored: null };
  if (!signatureMatches(push.signature, sub.secret, push.body)) {
    deps.log.warn({ ...at, signature: push.signature ? 'wrong' : 'missing' }, 'websub: push ignored: bad signature');
    return ignored;
  }
  const source = await findSourceById(deps.store.db, sub.sourceId);
  if (!source || !source.enabled || !source.url) {
    deps.log.info(at, 'websub: push ignored: the source is gone or disabled');
    return ignored;
  }
  const now = deps.now();
  const result = { items: 0, created: 0, updated: 0, unchanged: 0, duplicates: 0, skipped: [] as RefreshResult['skipped'], fullTextFailures: 0 };
  try {
    const digested = await deps.digester.run({
      bytes: push.body, url: source.url, contentType: push.contentType, kind: 'feed', sourceId: source.id, language: source.language,
      languages: deps.config.site.languages, rules: source.rules, now: now.getTime(), feedUrl: source.url,
    });
    await storeItems(deps, source, digested, now, result);
  } catch (err) {
    deps.log.warn({ ...at, err: (err as Error).message.replace(/\s+/g, ' ').slice(0, 300) }, 'websub: push ignored: not a feed');
    return ignored;
  }
  await updateSubscription(deps.store.db, sub.id, { lastPushAt: now.toISOString() }, now);
  const { items, created, updated, unchanged, duplicates } = result;
  deps.log.info({ ...at, items, created, updated, skipped: result.skipped.length }, 'websub: push stored');
  return { status: 202, body: 'accepted\n', stored: { items, created, updated, unchanged, duplicates } };
}

const HMAC_HEX_LENGTH: Record<string, number> = { sha1: 40, sha256: 64, sha384: 96, sha512: 128 };

/**
 * Returns true when `header` (`method=hex`) is the HMAC of `body` under `secret` with one of the
 * methods the spec allows (sha1, sha256, sha384, sha512); compared in constant time.
 * @example signatureMatches('sha256=' + createHmac('sha256', s).update(b).digest('hex'), s, b) // true
 */
export function signatureMatches(header: string | null, secret: string, body: Uint8Array): boolean {
  const m = header ? /^\s*(sha1|sha256|sha384|sha512)=([0-9a-fA-F]+)\s*$/.exec(header) : null;
  if (!m || m[2]!.length !== HMAC_HEX_LENGTH[m[1]!]) return false;
  const expected = createHmac(m[1]!, secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}

/** Returns the granted lease in seconds: the hub's `hub.lease_seconds` within bounds, else the one asked. */
function leaseOf(value: unknown, sub: WebSubSubscription): number {
  const raw = text(value);
  const n = raw && /^\d{1,12}$/.test(raw) ? Number(raw) : (sub.leaseSeconds ?? LEASE_BOUNDS[0]);
  return Math.min(LEASE_BOUNDS[1], Math.max(LEASE_BOUNDS[0], n));
}

/** Returns a query value as one string (the first of a repeated one), or null. */
function text(v: unknown): string | null {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : null;
}
