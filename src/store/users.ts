/** Staff accounts of the desk, and their one-time links (set a password). Only hashes of secrets are stored. */
import type { Kysely, Selectable } from 'kysely';
import type { Role, StaffUser } from '../model/staff.js';
import type { Database, UsersTable } from './schema.js';

const USER_COLUMNS = ['id', 'email', 'name', 'role', 'totp_secret', 'disabled', 'password_hash', 'password_changed_at', 'created_at'] as const;
type UserRow = Pick<Selectable<UsersTable>, (typeof USER_COLUMNS)[number]>;

function toUser(r: UserRow): StaffUser {
  return {
    id: Number(r.id),
    email: r.email,
    name: r.name,
    role: r.role as Role,
    totp: Boolean(r.totp_secret),
    disabled: Number(r.disabled) === 1,
    passwordChangedAt: r.password_changed_at,
    active: r.password_hash !== null,
    createdAt: r.created_at,
  };
}

/** An account with what logging in checks: its password hash and TOTP secret. */
export interface UserCredentials {
  user: StaffUser;
  passwordHash: string | null;
  totpSecret: string | null;
}

/** Returns the number of accounts (0: the site has no staff yet, the first admin may be made in the browser). */
export async function countUsers(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Returns the new account's id; throws (unique email) when the address is taken. */
export async function insertUser(db: Kysely<Database>, u: { email: string; name: string; role: Role; passwordHash?: string | null }, now: Date): Promise<number> {
  const at = now.toISOString();
  const r = await db
    .insertInto('users')
    .values({ email: u.email, name: u.name, role: u.role, password_hash: u.passwordHash ?? null, password_changed_at: u.passwordHash ? at : null, disabled: 0, created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/**
 * Inserts the first admin, only while there is no account at all; returns its id, or undefined when
 * an account exists. Two browsers racing on an empty site make one: the transaction first claims a
 * settings row (`desk.setup`, unique key), which a second transaction waits for and then finds taken
 * (counting the accounts alone would let both see none on PostgreSQL).
 */
export async function insertFirstAdmin(db: Kysely<Database>, u: { email: string; name: string; passwordHash: string }, now: Date): Promise<number | undefined> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx.insertInto('settings').values({ key: 'desk.setup', value: JSON.stringify(now.toISOString()) }).onConflict((oc) => oc.column('key').doNothing()).returning('key').executeTakeFirst();
    if (!claimed || (await countUsers(trx)) > 0) return undefined;
    return insertUser(trx, { ...u, role: 'admin' }, now);
  });
}

/** Returns the account with that id. */
export async function findUser(db: Kysely<Database>, id: number): Promise<StaffUser | undefined> {
  const r = await db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
  return r && toUser(r);
}

/** Returns the account with that (lower-cased) email. */
export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<StaffUser | undefined> {
  const r = await db.selectFrom('users').select(USER_COLUMNS).where('email', '=', email).executeTakeFirst();
  return r && toUser(r);
}

/** Returns the account with its password hash and TOTP secret, by email (for logging in). */
export async function findUserCredentials(db: Kysely<Database>, by: { email: string } | { id: number }): Promise<UserCredentials | undefined> {
  let q = db.selectFrom('users').select(USER_COLUMNS);
  q = 'email' in by ? q.where('email', '=', by.email) : q.where('id', '=', by.id);
  const r = await q.executeTakeFirst();
  return r && { user: toUser(r), passwordHash: r.password_hash, totpSecret: r.totp_secret };
}

/** Returns every account, admins first, then by email. */
export async function findUsers(db: Kysely<Database>): Promise<StaffUser[]> {
  const rows = await db.selectFrom('users').select(USER_COLUMNS).orderBy('email').execute();
  return rows.map(toUser);
}

/**
 * Sets the password; sessions and API tokens begun before `now` stop working (password_changed_at),
 * and the account's sessions are revoked.
 */
export async function updateUserPassword(db: Kysely<Database>, id: number, passwordHash: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash, password_changed_at: at, updated_at: at }).where('id', '=', id).execute();
    await trx.updateTable('sessions').set({ revoked_at: at }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
  });
}

/** Changes an account's name, role or disabled flag; returns whether it exists. A disabled account's sessions are revoked. */
export async function updateUser(db: Kysely<Database>, id: number, change: { name?: string; role?: Role; disabled?: boolean }, now: Date): Promise<boolean> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('users')
      .set({
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.role !== undefined ? { role: change.role } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled ? 1 : 0 } : {}),
        updated_at: at,
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (change.disabled) await trx.updateTable('sessions').set({ revoked_at: at }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
    return Number(r.numUpdatedRows) > 0;
  });
}

/** Sets (or with null, clears) the account's TOTP secret. */
export async function updateUserTotp(db: Kysely<Database>, id: number, secret: string | null, now: Date): Promise<void> {
  await db.updateTable('users').set({ totp_secret: secret, totp_last_step: null, updated_at: now.toISOString() }).where('id', '=', id).execute();
}

/**
 * Records the TOTP time step of a code just accepted, only when it is later than the last one;
 * returns false when that step (or a later one) was used already: the code is a replay.
 */
export async function useTotpStep(db: Kysely<Database>, id: number, step: number): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Counts the accounts that are active admins (the last one may not be demoted, disabled or removed). */
export async function countActiveAdmins(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'admin').where('disabled', '=', 0).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Stores a one-time link (by its token's hash); earlier unused links of the account for the same purpose stop working. */
export async function insertUserLink(db: Kysely<Database>, link: { tokenHash: string; userId: number; purpose: string; expiresAt: Date }, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('user_links').set({ used_at: at }).where('user_id', '=', link.userId).where('purpose', '=', link.purpose).where('used_at', 'is', null).execute();
    await trx.insertInto('user_links').values({ token_hash: link.tokenHash, user_id: link.userId, purpose: link.purpose, created_at: at, expires_at: link.expiresAt.toISOString(), used_at: null }).execute();
  });
}

/** Returns the account a one-time link is for, while the link is unused and not expired. */
export async function findUserLink(db: Kysely<Database>, tokenHash: string, purpose: string, now: Date): Promise<{ userId: number } | undefined> {
  const r = await db
    .selectFrom('user_links')
    .select('user_id')
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return r && { userId: Number(r.user_id) };
}

/** Marks the link used, once: returns false when it was used (or expired) meanwhile. */
export async function useUserLink(db: Kysely<Database>, tokenHash: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('user_links')
    .set({ used_at: now.toISOString() })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
