/** Desk sessions: one row per logged-in browser, found by the hash of its cookie's token. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A session as the desk lists it. */
export interface SessionRow {
  idHash: string;
  userId: number;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  revokedAt: string | null;
}

/** Stores a new session. */
export async function insertSession(db: Kysely<Database>, s: { idHash: string; userId: number; expiresAt: Date; ip: string | null; userAgent: string | null }, now: Date): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto('sessions')
    .values({ id_hash: s.idHash, user_id: s.userId, created_at: at, last_seen_at: at, expires_at: s.expiresAt.toISOString(), ip: s.ip, user_agent: s.userAgent?.slice(0, 300) ?? null, revoked_at: null })
    .execute();
}

/** Returns the session with that hash (whatever its state: the caller checks expiry and revocation). */
export async function findSession(db: Kysely<Database>, idHash: string): Promise<SessionRow | undefined> {
  const r = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  return r && toSession(r);
}

/** Returns the account's sessions that are not revoked, newest first. */
export async function findUserSessions(db: Kysely<Database>, userId: number, now: Date): Promise<SessionRow[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toSession);
}

/** Records activity on the session (the idle expiry counts from it). */
export async function touchSession(db: Kysely<Database>, idHash: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id_hash', '=', idHash).execute();
}

/** Revokes one session of the account; returns whether it was one of its live sessions. */
export async function revokeSession(db: Kysely<Database>, userId: number, idHash: string, now: Date): Promise<boolean> {
  const r = await db.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('id_hash', '=', idHash).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Revokes every session of the account but `except`; returns how many. */
export async function revokeUserSessions(db: Kysely<Database>, userId: number, now: Date, except?: string): Promise<number> {
  let q = db.updateTable('sessions').set({ revoked_at: now.toISOString() }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (except) q = q.where('id_hash', '!=', except);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Deletes sessions that ended (expired or revoked) before `before`; returns how many. */
export async function deleteEndedSessions(db: Kysely<Database>, before: Date): Promise<number> {
  const at = before.toISOString();
  const r = await db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<', at), eb('revoked_at', '<', at)])).executeTakeFirst();
  return Number(r.numDeletedRows);
}

function toSession(r: { id_hash: string; user_id: number; created_at: string; last_seen_at: string; expires_at: string; ip: string | null; user_agent: string | null; revoked_at: string | null }): SessionRow {
  return { idHash: r.id_hash, userId: Number(r.user_id), createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, ip: r.ip, userAgent: r.user_agent, revokedAt: r.revoked_at };
}
