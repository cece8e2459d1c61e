/**
 * Accounts of the desk as operations the handlers, the admin API and the CLI call: creating staff
 * with a one-time link, setting passwords (argon2id), logging in with its rate limit and optional
 * TOTP, sessions and API tokens. Secrets are random 256-bit tokens; the store keeps only their hashes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';
import { isRole, type Role, type StaffUser } from '../../model/staff.js';
import { countRecentActions, findNthRecentAction, insertAuditEntry } from '../../store/audit.js';
import { findApiTokenByHash, insertApiToken, touchApiToken, type ApiTokenRow, type TokenScope } from '../../store/api-tokens.js';
import type { Store } from '../../store/db.js';
import { findSession, insertSession, touchSession, type SessionRow } from '../../store/sessions.js';
import {
  countUsers, findUser, findUserByEmail, findUserCredentials, findUserLink, insertFirstAdmin, insertUser, insertUserLink, updateUserPassword, useTotpStep, useUserLink,
} from '../../store/users.js';
import { isCommonPassword } from './common-passwords.js';

/** How long things last; the defaults suit a newsroom (config `desk`). */
export interface DeskTimes {
  /** A session unused this long ends. */
  sessionIdleMs: number;
  /** A session ends this long after login, however active. */
  sessionMaxMs: number;
  /** A one-time link to set a password works this long. */
  linkMs: number;
}

export const DEFAULT_DESK_TIMES: DeskTimes = Object.freeze({
  sessionIdleMs: 24 * 3600_000,
  sessionMaxMs: 14 * 24 * 3600_000,
  linkMs: 72 * 3600_000,
});

/** The login's rate limit: this many failed logins per account, and per address, within the window. */
export const LOGIN_LIMIT = Object.freeze({ failures: 10, windowMs: 15 * 60_000 });

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/** An account operation refused for a reason the user may read; `field` names the form field. */
export class AccountError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly code = 'JARIDA_ACCOUNT',
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

/** Returns a new random secret (URL-safe, 256 bits). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Returns the hash the store keeps of a secret (SHA-256: the secret has 256 random bits, no need for a slow hash). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Returns the email trimmed and lower-cased, or throws AccountError when it is not an address. */
export function normalizeEmail(raw: unknown): string {
  const e = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (e.length > 254 || !/^[^\s@<>"']+@[^\s@<>"']+\.[^\s@<>"']+$/.test(e)) throw new AccountError('email: not an email address', 'email');
  return e;
}

/** Returns a display name trimmed and bounded, or throws AccountError naming the field. */
export function normalizeName(raw: unknown): string {
  const n = typeof raw === 'string' ? raw.trim().replace(/[\u0000-\u001f\u007f]/g, '') : '';
  if (!n) throw new AccountError('name: must not be empty', 'name');
  if (n.length > 100) throw new AccountError('name: longer than 100 characters', 'name');
  return n;
}

/** Throws AccountError when the password is too short, too long, common, or the account's own email or name. */
export function checkPassword(password: unknown, who: { email?: string; name?: string } = {}): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) throw new AccountError(`password: at least ${MIN_PASSWORD_LENGTH} characters`, 'password');
  if (password.length > MAX_PASSWORD_LENGTH) throw new AccountError(`password: at most ${MAX_PASSWORD_LENGTH} characters`, 'password');
  const lower = password.toLowerCase();
  if (isCommonPassword(lower)) throw new AccountError('password: one of the most common passwords; choose another', 'password');
  const own = [who.email, who.email?.split('@')[0], who.name].filter((x): x is string => Boolean(x && x.length >= 4)).map((x) => x.toLowerCase());
  if (own.some((x) => lower.includes(x))) throw new AccountError('password: must not contain your email or name', 'password');
  if (/^(.)\1*$/.test(password)) throw new AccountError('password: one character repeated', 'password');
  return password;
}

/** Returns the argon2id hash of a password (OWASP parameters: 19 MiB, 2 passes). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

/** A hash verified when the account does not exist, so that a wrong email costs the same time as a wrong password. */
let dummyHash: Promise<string> | undefined;

async function passwordMatches(hashed: string | null, password: string): Promise<boolean> {
  if (!hashed) {
    dummyHash ??= hashPassword(newSecret());
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(hashed, password).catch(() => false);
}

/** Where a one-time link points (a path under /admin; the CLI prefixes siteUrl). */
export function passwordLinkPath(token: string): string {
  return `/admin/password/${token}`;
}

/**
 * Creates an account without a password and returns it with the path of its one-time link, which
 * sets the password (`jarida users add`, an admin in the desk).
 */
export async function createAccount(store: Store, input: { email: unknown; name?: unknown; role: unknown }, now: Date, times = DEFAULT_DESK_TIMES): Promise<{ user: StaffUser; linkPath: string; expiresAt: Date }> {
  const email = normalizeEmail(input.email);
  const name = input.name === undefined || input.name === '' ? email.split('@')[0]! : normalizeName(input.name);
  if (!isRole(input.role)) throw new AccountError('role: one of contributor, author, editor, admin', 'role');
  if (await findUserByEmail(store.db, email)) throw new AccountError(`email: ${email} has an account already`, 'email');
  const id = await insertUser(store.db, { email, name, role: input.role as Role }, now);
  const link = await newPasswordLink(store, id, now, times);
  return { user: (await findUser(store.db, id))!, ...link };
}

/** Makes a new one-time link for the account (an admin's password reset); earlier links stop working. */
export async function newPasswordLink(store: Store, userId: number, now: Date, times = DEFAULT_DESK_TIMES): Promise<{ linkPath: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + times.linkMs);
  await insertUserLink(store.db, { tokenHash: hashSecret(token), userId, purpose: 'password', expiresAt }, now);
  return { linkPath: passwordLinkPath(token), expiresAt };
}

/** Returns the account a one-time link sets the password of, while the link works. */
export async function findLinkAccount(store: Store, token: string, now: Date): Promise<StaffUser | undefined> {
  const link = await findUserLink(store.db, hashSecret(token), 'password', now);
  return link && findUser(store.db, link.userId);
}

/** Sets the password through a one-time link (used once); the account's sessions end. Throws AccountError. */
export async function setPasswordWithLink(store: Store, token: string, password: unknown, now: Date): Promise<StaffUser> {
  const user = await findLinkAccount(store, token, now);
  if (!user) throw new AccountError('this link has expired or was used already; ask an admin for a new one', 'link', 'JARIDA_LINK_INVALID');
  const pw = checkPassword(password, user);
  const hashed = await hashPassword(pw);
  if (!(await useUserLink(store.db, hashSecret(token), now))) throw new AccountError('this link has expired or was used already; ask an admin for a new one', 'link', 'JARIDA_LINK_INVALID');
  await updateUserPassword(store.db, user.id, hashed, now);
  return user;
}

/** Changes the password of a logged-in account (its current password asked again); every session ends. */
export async function changePassword(store: Store, userId: number, current: unknown, next: unknown, now: Date): Promise<void> {
  const cred = await findUserCredentials(store.db, { id: userId });
  if (!cred || typeof current !== 'string' || !(await passwordMatches(cred.passwordHash, current))) throw new AccountError('current password: wrong', 'current');
  const pw = checkPassword(next, cred.user);
  await updateUserPassword(store.db, userId, await hashPassword(pw), now);
}

/** Creates the first admin of an empty site (once: refused as soon as any account exists). */
export async function createFirstAdmin(store: Store, input: { email: unknown; name: unknown; password: unknown }, now: Date): Promise<StaffUser> {
  if ((await countUsers(store.db)) > 0) throw new AccountError('the site has an admin already', undefined, 'JARIDA_SETUP_DONE');
  const email = normalizeEmail(input.email);
  const name = normalizeName(input.name);
  const pw = checkPassword(input.password, { email, name });
  const id = await insertFirstAdmin(store.db, { email, name, passwordHash: await hashPassword(pw) }, now);
  if (id === undefined) throw new AccountError('the site has an admin already', undefined, 'JARIDA_SETUP_DONE');
  return (await findUser(store.db, id))!;
}

/** Why a login was refused; the message is shown as it is. */
export type LoginRefusal = { kind: 'limited'; message: string; retryAfterS: number } | { kind: 'wrong'; message: string } | { kind: 'totp'; message: string };

/**
 * Checks a login: the rate limit (failed logins of the account, and of the address, in the window),
 * the password, then the TOTP code when the account has the second factor. Records the outcome in
 * the audit log. Returns the account, or the refusal.
 */
export async function checkLogin(
  store: Store,
  input: { email: unknown; password: unknown; totp?: unknown },
  ip: string,
  now: Date,
): Promise<{ user: StaffUser } | { refused: LoginRefusal }> {
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase().slice(0, 254) : '';
  const since = new Date(now.getTime() - LOGIN_LIMIT.windowMs);
  for (const by of [{ target: email }, { ip }] as const) {
    if ((await countRecentActions(store.db, 'login.failed', by, since)) >= LOGIN_LIMIT.failures) {
      const nth = await findNthRecentAction(store.db, 'login.failed', by, since, LOGIN_LIMIT.failures);
      const retryAfterS = Math.max(1, Math.ceil(((nth ? Date.parse(nth) : now.getTime()) + LOGIN_LIMIT.windowMs - now.getTime()) / 1000));
      const who = 'target' in by ? 'this account' : 'this address';
      await insertAuditEntry(store.db, { at: now,  userId: null, userEmail: email || null, action: 'login.limited', target: email || null, detail: { by: 'target' in by ? 'account' : 'address' }, ip });
      return { refused: { kind: 'limited', message: `Too many failed logins for ${who}: try again in ${Math.ceil(retryAfterS / 60)} minutes.`, retryAfterS } };
    }
  }
  const cred = email ? await findUserCredentials(store.db, { email }) : undefined;
  const ok = await passwordMatches(cred?.passwordHash ?? null, typeof input.password === 'string' ? input.password : '');
  if (!cred || !ok || cred.user.disabled) {
    await insertAuditEntry(store.db, { at: now,  userId: cred?.user.id ?? null, userEmail: email || null, action: 'login.failed', target: email || null, detail: cred?.user.disabled && ok ? { reason: 'disabled' } : null, ip });
    return { refused: { kind: 'wrong', message: 'Wrong email or password.' } };
  }
  if (cred.totpSecret) {
    if (input.totp === undefined || input.totp === '') return { refused: { kind: 'totp', message: 'Enter the code from your authenticator app.' } };
    const step = totpStep(cred.totpSecret, input.totp, now);
    if (step === null) {
      await insertAuditEntry(store.db, { at: now,  userId: cred.user.id, userEmail: email, action: 'login.failed', target: email, detail: { reason: 'totp' }, ip });
      return { refused: { kind: 'totp', message: 'Wrong code.' } };
    }
    if (!(await useTotpStep(store.db, cred.user.id, step))) {
      await insertAuditEntry(store.db, { at: now,  userId: cred.user.id, userEmail: email, action: 'login.failed', target: email, detail: { reason: 'totp replay' }, ip });
      return { refused: { kind: 'totp', message: 'That code was used already: wait for the next one.' } };
    }
  }
  return { user: cred.user };
}

const TOTP_PERIOD_S = 30;

/** Returns the time step a 6-digit code is the account's TOTP code for (now, or one step of clock drift either way), or null. */
export function totpStep(secret: string, code: unknown, now: Date): number | null {
  if (typeof code !== 'string' || !/^\s*\d{6}\s*$/.test(code)) return null;
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S });
  const delta = totp.validate({ token: code.trim(), timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 1000 / TOTP_PERIOD_S) + delta;
}

/** Returns whether a 6-digit code is the account's TOTP code now (one step of clock drift either way). */
export function totpMatches(secret: string, code: unknown, now: Date): boolean {
  return totpStep(secret, code, now) !== null;
}

/** Returns a new TOTP secret and its `otpauth://` URI for an authenticator app. */
export function newTotp(siteName: string, email: string): { secret: string; uri: string } {
  const secret = new Secret({ size: 20 });
  const totp = new TOTP({ issuer: siteName, label: email, secret, algorithm: 'SHA1', digits: 6, period: 30 });
  return { secret: secret.base32, uri: totp.toString() };
}

/** Starts a session for the account; returns the token for its cookie. */
export async function startSession(store: Store, userId: number, client: { ip: string; userAgent?: string }, now: Date, times = DEFAULT_DESK_TIMES): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + times.sessionMaxMs);
  await insertSession(store.db, { idHash: hashSecret(token), userId, expiresAt, ip: client.ip, userAgent: client.userAgent ?? null }, now);
  return { token, expiresAt };
}

/** How often a session's last activity is written (not on every request). */
const TOUCH_EVERY_MS = 60_000;

/**
 * Returns the account and session of a cookie's token while the session is valid: not revoked, not
 * past its absolute or idle expiry, begun after the account's last password change, the account enabled.
 */
export async function resolveSession(store: Store, token: string | undefined, now: Date, times = DEFAULT_DESK_TIMES): Promise<{ user: StaffUser; session: SessionRow } | undefined> {
  if (!token || token.length > 100) return undefined;
  const session = await findSession(store.db, hashSecret(token));
  if (!session || session.revokedAt) return undefined;
  const t = now.getTime();
  if (Date.parse(session.expiresAt) <= t || Date.parse(session.lastSeenAt) + times.sessionIdleMs <= t) return undefined;
  const user = await findUser(store.db, session.userId);
  if (!user || user.disabled || (user.passwordChangedAt && Date.parse(session.createdAt) < Date.parse(user.passwordChangedAt))) return undefined;
  if (t - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) await touchSession(store.db, session.idHash, now);
  return { user, session };
}

/** The prefix of every API token, so that a leaked one is recognisable (secret scanners). */
export const API_TOKEN_PREFIX = 'jrd_';

/** Creates an API token for the account; returns the token (shown once) and its id. */
export async function createApiToken(store: Store, userId: number, input: { name: unknown; scope: unknown }, now: Date): Promise<{ id: number; token: string }> {
  const name = typeof input.name === 'string' ? input.name.trim().slice(0, 100) : '';
  if (!name) throw new AccountError('name: must not be empty', 'name');
  if (input.scope !== 'read' && input.scope !== 'write') throw new AccountError('scope: read or write', 'scope');
  const token = `${API_TOKEN_PREFIX}${newSecret()}`;
  const id = await insertApiToken(store.db, { userId, name, tokenHash: hashSecret(token), scope: input.scope as TokenScope }, now);
  return { id, token };
}

/** Returns the account and token of an API token while it is valid (not revoked, made after the last password change, account enabled). */
export async function resolveApiToken(store: Store, token: string | undefined, now: Date): Promise<{ user: StaffUser; token: ApiTokenRow } | undefined> {
  if (!token || !token.startsWith(API_TOKEN_PREFIX) || token.length > 100) return undefined;
  const row = await findApiTokenByHash(store.db, hashSecret(token));
  if (!row || row.revokedAt) return undefined;
  const user = await findUser(store.db, row.userId);
  if (!user || user.disabled || (user.passwordChangedAt && Date.parse(row.createdAt) < Date.parse(user.passwordChangedAt))) return undefined;
  if (!row.lastUsedAt || now.getTime() - Date.parse(row.lastUsedAt) >= TOUCH_EVERY_MS) await touchApiToken(store.db, row.id, now);
  return { user, token: row };
}
