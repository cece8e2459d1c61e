/**
 * WebSub subscriptions' life, from the ingest loop (W3C WebSub §5.1, §5.2): a source whose feed
 * advertises a hub is subscribed (a callback on the site's public URL, a random secret per
 * subscription); a verified lease is renewed at 80% of its time; a failed request is tried again
 * with backoff; a source removed, disabled or no longer advertising the hub is unsubscribed. Polling
 * goes on meanwhile, at the longest interval while items are pushed (pollLater).
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/db.js';
import {
  deleteSubscription, findDueSubscriptions, findSourcesToSubscribe, hasActiveSubscription, insertSubscription,
  saveAdvertisedHub, updateSubscription, type DueSubscription,
} from '../../store/websub.js';
import type { AddressAllowList } from '../fetch/guard.js';
import type { IntervalBounds } from '../interval.js';
import type { AdvertisedHub } from './discover.js';
import { postToHub, type HubOptions, type HubRequest } from './hub.js';

/** What the subscriptions' upkeep needs: a part of the ingest deps. */
export interface WebSubDeps {
  store: Store;
  config: Config;
  allow: AddressAllowList;
  log: Logger;
  now: () => Date;
}

/** The lease asked of hubs (the hub decides: its verification says what it granted). */
export const LEASE_SECONDS = 10 * 86_400;
/** How long a request waits for the hub's verification before it counts as failed and is tried again. */
export const VERIFY_WAIT_MS = 3_600_000;
/** A lease is renewed when this share of it has passed. */
export const RENEW_AT = 0.8;
/** Subscriptions and sources looked at in one round, at most (the rest wait for the next round). */
const PER_ROUND = 50;
const DAY_MS = 86_400_000;

/** Returns the path of a subscription's callback under the site: `/websub/callback/<token>`. */
export function callbackPath(token: string): string {
  return `/websub/callback/${token}`;
}

/**
 * Records the hub the source's feed advertises now; returns whether the source's items are pushed
 * (it still advertises a hub and has a live verified subscription).
 */
export async function noteAdvertisedHub(deps: Pick<WebSubDeps, 'store'>, sourceId: number, advertised: AdvertisedHub | null, now: Date): Promise<boolean> {
  await saveAdvertisedHub(deps.store.db, sourceId, advertised);
  return advertised !== null && (await hasActiveSubscription(deps.store.db, sourceId, now));
}

/** Returns whether the source's items are pushed (a live verified subscription). */
export async function isPushed(deps: Pick<WebSubDeps, 'store'>, sourceId: number, now: Date): Promise<boolean> {
  return hasActiveSubscription(deps.store.db, sourceId, now);
}

/**
 * Returns the next fetch: as planned, or — while the source's items are pushed — no sooner than the
 * longest interval, so polling stays the fallback and never stops.
 * @example pollLater(next, true, now, config.ingest).at // now + ingest.maxIntervalMinutes at the earliest
 */
export function pollLater(next: { at: Date; intervalS: number }, pushed: boolean, now: Date, bounds: Pick<IntervalBounds, 'maxIntervalS'>): { at: Date; intervalS: number } {
  if (!pushed) return next;
  const latest = now.getTime() + bounds.maxIntervalS * 1000;
  return next.at.getTime() >= latest ? next : { at: new Date(latest), intervalS: next.intervalS };
}

/** What one round of upkeep did. */
export interface WebSubRound {
  subscribed: number;
  renewed: number;
  unsubscribed: number;
  dropped: number;
  failed: number;
}

/**
 * Runs one round of upkeep: subscribes sources that advertise a hub (when `ingest.websub` is on and
 * the site has a public `siteUrl`), renews, retries and unsubscribes what is due; returns its
 * counts. Hub failures are recorded on the subscription, never thrown.
 */
export async function runWebSub(deps: WebSubDeps): Promise<WebSubRound> {
  const round: WebSubRound = { subscribed: 0, renewed: 0, unsubscribed: 0, dropped: 0, failed: 0 };
  const siteUrl = deps.config.site.siteUrl;
  const on = deps.config.ingest.websub && siteUrl !== null;
  if (on) {
    for (const s of await findSourcesToSubscribe(deps.store.db, PER_ROUND)) await subscribeNew(deps, siteUrl, s, round);
  }
  for (const sub of await findDueSubscriptions(deps.store.db, deps.now(), PER_ROUND)) await tend(deps, on ? siteUrl : null, sub, round);
  if (round.subscribed + round.renewed + round.unsubscribed + round.dropped + round.failed > 0) deps.log.info(round, 'websub: round done');
  return round;
}

/** Makes the pending subscription, then asks the hub (the row exists first: a hub may verify before it answers). */
async function subscribeNew(deps: WebSubDeps, siteUrl: string, s: { sourceId: number; hub: string; topic: string }, round: WebSubRound): Promise<void> {
  const now = deps.now();
  const secret = randomBytes(32).toString('hex');
  const token = randomBytes(24).toString('base64url');
  const id = await insertSubscription(deps.store.db, { ...s, secret, token, leaseSeconds: LEASE_SECONDS, now, nextAttemptAt: new Date(now.getTime() + VERIFY_WAIT_MS) });
  if (id === undefined) return; // another process subscribes it
  const ok = await ask(deps, s.hub, { mode: 'subscribe', topic: s.topic, callback: siteUrl + callbackPath(token), secret, leaseSeconds: LEASE_SECONDS }, { sourceId: s.sourceId, subscription: id });
  if (ok === true) round.subscribed++;
  else {
    round.failed++;
    await updateSubscription(deps.store.db, id, { state: 'failed', requestedAt: null, attempts: 1, lastError: ok, nextAttemptAt: retryAt(now, 1).toISOString() }, deps.now());
  }
}

/** Renews, retries, unsubscribes or drops one due subscription. `siteUrl`: null when subscribing is off. */
async function tend(deps: WebSubDeps, siteUrl: string | null, sub: DueSubscription, round: WebSubRound): Promise<void> {
  const { db } = deps.store;
  const now = deps.now();
  const log = { sourceId: sub.sourceId, subscription: sub.id, hub: sub.hub };
  if (sub.state === 'unsubscribing') {
    // The hub never confirmed: its lease lapses by itself.
    await deleteSubscription(db, sub.id);
    round.dropped++;
    return;
  }
  const wanted = siteUrl !== null && sub.sourceLive && sub.advertisedHub === sub.hub;
  if (!wanted) {
    const live = sub.state === 'active' || sub.state === 'pending';
    const callbackBase = deps.config.site.siteUrl;
    if (live && callbackBase) {
      await updateSubscription(db, sub.id, { state: 'unsubscribing', requestedAt: now.toISOString(), nextAttemptAt: new Date(now.getTime() + VERIFY_WAIT_MS).toISOString() }, now);
      const ok = await ask(deps, sub.hub, { mode: 'unsubscribe', topic: sub.topic, callback: callbackBase + callbackPath(sub.token) }, log);
      if (ok === true) {
        round.unsubscribed++;
        deps.log.info({ ...log, sourceLive: sub.sourceLive }, 'websub: unsubscribing');
        return;
      }
    }
    await deleteSubscription(db, sub.id);
    round.dropped++;
    return;
  }
  // Renewal (active, 80% of the lease gone), or a retry (pending without verification, failed, denied).
  const renewing = sub.state === 'active' && sub.leaseExpiresAt !== null && sub.leaseExpiresAt > now.toISOString();
  const attempts = renewing ? sub.attempts : sub.attempts + 1;
  const topic = sub.advertisedTopic ?? sub.topic;
  await updateSubscription(db, sub.id, {
    ...(renewing ? {} : { state: 'pending' as const }), topic, requestedAt: now.toISOString(), attempts,
    nextAttemptAt: new Date(Math.max(now.getTime() + VERIFY_WAIT_MS, retryAt(now, attempts).getTime())).toISOString(),
  }, now);
  const ok = await ask(deps, sub.hub, { mode: 'subscribe', topic, callback: siteUrl + callbackPath(sub.token), secret: sub.secret, leaseSeconds: LEASE_SECONDS }, log);
  if (ok === true) {
    if (renewing) round.renewed++;
    else round.subscribed++;
    return;
  }
  round.failed++;
  const tries = attempts + (renewing ? 1 : 0);
  await updateSubscription(db, sub.id, { ...(renewing ? {} : { state: 'failed' as const }), requestedAt: null, attempts: tries, lastError: ok, nextAttemptAt: retryAt(now, tries).toISOString() }, deps.now());
}

/** Sends a request to the hub; returns true when accepted, else the error line (logged). */
async function ask(deps: WebSubDeps, hub: string, r: HubRequest, log: Record<string, unknown>): Promise<true | string> {
  const i = deps.config.ingest;
  const opts: HubOptions = { userAgent: i.userAgent, connectTimeoutMs: i.connectTimeoutMs, totalTimeoutMs: i.totalTimeoutMs, allowPrivate: deps.allow };
  try {
    await postToHub(hub, r, opts);
    deps.log.debug({ ...log, mode: r.mode, topic: r.topic }, 'websub: request accepted');
    return true;
  } catch (err) {
    const message = (err as Error).message.replace(/\s+/g, ' ').slice(0, 500);
    deps.log.warn({ ...log, mode: r.mode, err: message }, 'websub: request failed');
    return message;
  }
}

/** Returns when to try again after `attempts` failures: 5 minutes, doubling, at most a day. */
export function retryAt(now: Date, attempts: number): Date {
  return new Date(now.getTime() + Math.min(DAY_MS, 5 * 60_000 * 2 ** Math.max(0, Math.min(attempts - 1, 20))));
}
