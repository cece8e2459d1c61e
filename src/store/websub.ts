/**
 * WebSub subscriptions (0015): the hub each source's feed advertises, and this site's subscription
 * to it. The ingest step (ingest/websub/) decides; this file only reads and writes the rows.
 */
import type { Kysely, Selectable } from 'kysely';
import { bounded, LIMITS } from '../model/limits.js';
import type { Database, WebSubSubscriptionsTable } from './schema.js';

/** Where a subscription stands: asked and not yet verified, verified, refused by the hub, failing, or being ended. */
export type WebSubState = 'pending' | 'active' | 'denied' | 'failed' | 'unsubscribing';

/** One subscription of a source's topic at a hub. */
export interface WebSubSubscription {
  id: number;
  sourceId: number;
  hub: string;
  topic: string;
  /** The HMAC key the hub signs pushes with; never shown. */
  secret: string;
  /** The last path segment of the callback URL: unguessable. */
  token: string;
  state: WebSubState;
  /** When the last (un)subscribe request went out and awaits the hub's verification; null: none awaited. */
  requestedAt: string | null;
  leaseSeconds: number | null;
  leaseExpiresAt: string | null;
  /** When the ingest loop looks at it again: renew, retry, give up waiting or delete. */
  nextAttemptAt: string | null;
  /** Failed tries in a row (the backoff). */
  attempts: number;
  lastError: string | null;
  lastPushAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Records the hub and topic a source's feed advertises now (null: none); returns nothing. */
export async function saveAdvertisedHub(db: Kysely<Database>, sourceId: number, advertised: { hub: string; topic: string } | null): Promise<void> {
  await db
    .updateTable('sources')
    .set({ websub_hub: advertised?.hub ?? null, websub_topic: advertised?.topic ?? null })
    .where('id', '=', sourceId)
    .execute();
}

/**
 * Returns the enabled feed sources that advertise a hub and have no subscription to it yet (those
 * to subscribe), oldest first, at most `limit`.
 */
export async function findSourcesToSubscribe(db: Kysely<Database>, limit: number): Promise<{ sourceId: number; hub: string; topic: string }[]> {
  const rows = await db
    .selectFrom('sources')
    .leftJoin('websub_subscriptions as w', (j) => j.onRef('w.source_id', '=', 'sources.id').onRef('w.hub', '=', 'sources.websub_hub'))
    .select(['sources.id', 'sources.websub_hub', 'sources.websub_topic'])
    .where('sources.enabled', '=', 1)
    .where('sources.kind', '=', 'feed')
    .where('sources.websub_hub', 'is not', null)
    .where('sources.websub_topic', 'is not', null)
    .where('w.id', 'is', null)
    .orderBy('sources.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ sourceId: Number(r.id), hub: r.websub_hub!, topic: r.websub_topic! }));
}

/**
 * Inserts a pending subscription (asked at `now`); returns its id, or undefined when the source
 * already has one at this hub (another process made it first).
 */
export async function insertSubscription(
  db: Kysely<Database>,
  s: { sourceId: number; hub: string; topic: string; secret: string; token: string; leaseSeconds: number; now: Date; nextAttemptAt: Date },
): Promise<number | undefined> {
  const now = s.now.toISOString();
  const made = await db
    .insertInto('websub_subscriptions')
    .values({
      source_id: s.sourceId, hub: s.hub, topic: s.topic, secret: s.secret, token: s.token, state: 'pending',
      requested_at: now, lease_seconds: s.leaseSeconds, next_attempt_at: s.nextAttemptAt.toISOString(), attempts: 0, created_at: now, updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return made ? Number(made.id) : undefined;
}

/** Returns the subscription whose callback URL ends in `token`, or undefined. */
export async function findSubscriptionByToken(db: Kysely<Database>, token: string): Promise<WebSubSubscription | undefined> {
  const row = await db.selectFrom('websub_subscriptions').selectAll().where('token', '=', token).executeTakeFirst();
  return row && toSubscription(row);
}

/** Returns every subscription of a source (one per hub), oldest first. */
export async function findSubscriptionsOfSource(db: Kysely<Database>, sourceId: number): Promise<WebSubSubscription[]> {
  const rows = await db.selectFrom('websub_subscriptions').selectAll().where('source_id', '=', sourceId).orderBy('id').execute();
  return rows.map(toSubscription);
}

/** Returns true when the source has a verified subscription whose lease runs past `now` (its items are pushed). */
export async function hasActiveSubscription(db: Kysely<Database>, sourceId: number, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('websub_subscriptions')
    .select('id')
    .where('source_id', '=', sourceId)
    .where('state', '=', 'active')
    .where('lease_expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row !== undefined;
}

/** A subscription the ingest loop must look at, with what its source advertises now. */
export interface DueSubscription extends WebSubSubscription {
  /** False when the source was removed, or is disabled. */
  sourceLive: boolean;
  /** The hub and topic the source's feed advertised at its last fetch. */
  advertisedHub: string | null;
  advertisedTopic: string | null;
}

/**
 * Returns the subscriptions due at `now` (to renew, retry, or stop waiting for), and those whose
 * source is gone, disabled or advertises another hub (to unsubscribe), at most `limit`.
 */
export async function findDueSubscriptions(db: Kysely<Database>, now: Date, limit: number): Promise<DueSubscription[]> {
  const rows = await db
    .selectFrom('websub_subscriptions as w')
    .leftJoin('sources as s', 's.id', 'w.source_id')
    .selectAll('w')
    .select(['s.id as live_id', 's.enabled as live_enabled', 's.websub_hub as advertised_hub', 's.websub_topic as advertised_topic'])
    .where((eb) =>
      eb.or([
        eb('w.next_attempt_at', '<=', now.toISOString()),
        eb.and([
          eb('w.state', '!=', 'unsubscribing'),
          eb.or([eb('s.id', 'is', null), eb('s.enabled', '!=', 1), eb('s.websub_hub', 'is', null), eb('s.websub_hub', '!=', eb.ref('w.hub'))]),
        ]),
      ]),
    )
    .orderBy('w.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    ...toSubscription(r),
    sourceLive: r.live_id !== null && r.live_enabled === 1,
    advertisedHub: r.advertised_hub ?? null,
    advertisedTopic: r.advertised_topic ?? null,
  }));
}

/** What a step of the subscription's life changes. */
export interface SubscriptionPatch {
  state?: WebSubState;
  topic?: string;
  requestedAt?: string | null;
  leaseSeconds?: number | null;
  leaseExpiresAt?: string | null;
  nextAttemptAt?: string | null;
  attempts?: number;
  lastError?: string | null;
  lastPushAt?: string;
}

/**
 * Changes a subscription; with `ifState`, only while it is in one of those states (a verification
 * racing a renewal); returns whether a row changed.
 */
export async function updateSubscription(db: Kysely<Database>, id: number, p: SubscriptionPatch, now: Date, ifState?: readonly WebSubState[]): Promise<boolean> {
  let q = db
    .updateTable('websub_subscriptions')
    .set({
      ...(p.state !== undefined ? { state: p.state } : {}),
      ...(p.topic !== undefined ? { topic: p.topic } : {}),
      ...(p.requestedAt !== undefined ? { requested_at: p.requestedAt } : {}),
      ...(p.leaseSeconds !== undefined ? { lease_seconds: p.leaseSeconds } : {}),
      ...(p.leaseExpiresAt !== undefined ? { lease_expires_at: p.leaseExpiresAt } : {}),
      ...(p.nextAttemptAt !== undefined ? { next_attempt_at: p.nextAttemptAt } : {}),
      ...(p.attempts !== undefined ? { attempts: p.attempts } : {}),
      ...(p.lastError !== undefined ? { last_error: bounded(p.lastError, LIMITS.error) } : {}),
      ...(p.lastPushAt !== undefined ? { last_push_at: p.lastPushAt } : {}),
      updated_at: now.toISOString(),
    })
    .where('id', '=', id);
  if (ifState) q = q.where('state', 'in', [...ifState]);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Deletes a subscription (unsubscribed, or given up); returns nothing. */
export async function deleteSubscription(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom('websub_subscriptions').where('id', '=', id).execute();
}

function toSubscription(r: Selectable<WebSubSubscriptionsTable>): WebSubSubscription {
  return {
    id: Number(r.id),
    sourceId: Number(r.source_id),
    hub: r.hub,
    topic: r.topic,
    secret: r.secret,
    token: r.token,
    state: r.state as WebSubState,
    requestedAt: r.requested_at,
    leaseSeconds: r.lease_seconds === null ? null : Number(r.lease_seconds),
    leaseExpiresAt: r.lease_expires_at,
    nextAttemptAt: r.next_attempt_at,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    lastPushAt: r.last_push_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
