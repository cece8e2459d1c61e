/** The audit log: who did what, when, from which address; failed logins too (the login's rate limit reads them). */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** One entry of the audit log. */
export interface AuditEntry {
  id: number;
  at: string;
  userId: number | null;
  userEmail: string | null;
  action: string;
  target: string | null;
  /** What changed, as stored (JSON object), or null. */
  detail: Record<string, unknown> | null;
  ip: string | null;
}

/** What a caller records; `at` is the caller's clock; no target or detail: null. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'target' | 'detail'> & { at: Date; target?: string | null; detail?: Record<string, unknown> | null };

/** Appends an entry; inside a write's transaction when given one, so the action and its record commit together. */
export async function insertAuditEntry(db: Kysely<Database> | Transaction<Database>, e: NewAuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: e.at.toISOString(),
      user_id: e.userId,
      user_email: e.userEmail,
      action: e.action,
      target: e.target?.slice(0, 500) ?? null,
      detail: e.detail ? JSON.stringify(e.detail).slice(0, 20_000) : null,
      ip: e.ip,
    })
    .execute();
}

/** The audit log's filters. */
export interface AuditFilter {
  userId?: number;
  /** An action or an action's prefix followed by `.`: `login`, `article.`. */
  action?: string;
  /** Entries before this id (the next page). */
  before?: number;
}

/** Returns entries newest first, at most `limit`, with the id to pass as `before` for the next page (or null). */
export async function findAuditEntries(db: Kysely<Database>, filter: AuditFilter, limit: number): Promise<{ entries: AuditEntry[]; next: number | null }> {
  let q = db.selectFrom('audit_log').selectAll();
  if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
  if (filter.action) q = filter.action.endsWith('.') ? q.where('action', 'like', `${filter.action.replace(/[%_\\]/g, '')}%`) : q.where('action', '=', filter.action);
  if (filter.before !== undefined) q = q.where('id', '<', filter.before);
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
  const entries = rows.slice(0, limit).map((r) => ({
    id: Number(r.id),
    at: r.at,
    userId: r.user_id === null ? null : Number(r.user_id),
    userEmail: r.user_email,
    action: r.action,
    target: r.target,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    ip: r.ip,
  }));
  return { entries, next: rows.length > limit ? entries[entries.length - 1]!.id : null };
}

/** Returns how many entries of `action` name this target (an account's email) or come from this address since `since`. */
export async function countRecentActions(db: Kysely<Database>, action: string, by: { target: string } | { ip: string }, since: Date): Promise<number> {
  let q = db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', action).where('at', '>=', since.toISOString());
  q = 'target' in by ? q.where('target', '=', by.target) : q.where('ip', '=', by.ip);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Returns the instant of the oldest of the newest `n` entries of `action` for this target or address since `since` (when the limit lifts). */
export async function findNthRecentAction(db: Kysely<Database>, action: string, by: { target: string } | { ip: string }, since: Date, n: number): Promise<string | undefined> {
  let q = db.selectFrom('audit_log').select('at').where('action', '=', action).where('at', '>=', since.toISOString());
  q = 'target' in by ? q.where('target', '=', by.target) : q.where('ip', '=', by.ip);
  const rows = await q.orderBy('at', 'desc').limit(n).execute();
  return rows.length === n ? rows[n - 1]!.at : undefined;
}
