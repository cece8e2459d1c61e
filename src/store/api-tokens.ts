/** Per-user tokens of the admin API: only their hashes are stored. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type TokenScope = 'read' | 'write';

/** A token as listed in the desk (never the token itself). */
export interface ApiTokenRow {
  id: number;
  userId: number;
  name: string;
  scope: TokenScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function toToken(r: { id: number; user_id: number; name: string; scope: string; created_at: string; last_used_at: string | null; revoked_at: string | null }): ApiTokenRow {
  return { id: Number(r.id), userId: Number(r.user_id), name: r.name, scope: r.scope as TokenScope, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

/** Stores a new token by its hash; returns its id. */
export async function insertApiToken(db: Kysely<Database>, t: { userId: number; name: string; tokenHash: string; scope: TokenScope }, now: Date): Promise<number> {
  const r = await db
    .insertInto('api_tokens')
    .values({ user_id: t.userId, name: t.name, token_hash: t.tokenHash, scope: t.scope, created_at: now.toISOString(), last_used_at: null, revoked_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Returns the token with that hash (revoked ones too: the caller refuses them). */
export async function findApiTokenByHash(db: Kysely<Database>, tokenHash: string): Promise<ApiTokenRow | undefined> {
  const r = await db.selectFrom('api_tokens').select(['id', 'user_id', 'name', 'scope', 'created_at', 'last_used_at', 'revoked_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
  return r && toToken(r);
}

/** Returns the account's tokens, newest first. */
export async function findUserApiTokens(db: Kysely<Database>, userId: number): Promise<ApiTokenRow[]> {
  const rows = await db.selectFrom('api_tokens').select(['id', 'user_id', 'name', 'scope', 'created_at', 'last_used_at', 'revoked_at']).where('user_id', '=', userId).orderBy('id', 'desc').execute();
  return rows.map(toToken);
}

/** Revokes one token of the account; returns whether it was live. */
export async function revokeApiToken(db: Kysely<Database>, userId: number, id: number, now: Date): Promise<boolean> {
  const r = await db.updateTable('api_tokens').set({ revoked_at: now.toISOString() }).where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records the token's use (at most once a minute is enough: the caller decides). */
export async function touchApiToken(db: Kysely<Database>, id: number, now: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', id).execute();
}
