/** `jarida users …`: staff accounts of the desk from the shell (the first admin of a site without a browser, a lost password). */
import { ROLES } from '../model/staff.js';
import { findUserByEmail, findUsers, updateUser } from '../store/users.js';
import { insertAuditEntry } from '../store/audit.js';
import { createAccount, newPasswordLink, normalizeEmail } from '../web/admin/accounts.js';
import { withContext, type CommandContext, type GlobalOptions } from './context.js';

/** Returns the link to print: under siteUrl when set, else the address `serve` listens on. */
function linkOf(ctx: CommandContext, path: string): string {
  const base = ctx.config.site.siteUrl?.replace(/\/$/, '') ?? `http://${ctx.config.host.includes(':') ? `[${ctx.config.host}]` : ctx.config.host}:${ctx.config.port}`;
  return `${base}${path}`;
}

/** Creates an account and prints its one-time link, which sets the password. */
export async function usersAddCommand(email: string, opts: GlobalOptions & { role: string; name?: string }): Promise<void> {
  await withContext(opts, async (ctx) => {
    const now = ctx.now();
    const made = await createAccount(ctx.store, { email, name: opts.name, role: opts.role }, now);
    await insertAuditEntry(ctx.store.db, { at: now,  userId: null, userEmail: null, action: 'user.create', target: `user:${made.user.id}`, detail: { email: made.user.email, role: made.user.role, by: 'cli' }, ip: null });
    process.stdout.write(`user ${made.user.id}: ${made.user.email} (${made.user.role})\nset the password, once, before ${made.expiresAt.toISOString()}:\n${linkOf(ctx, made.linkPath)}\n`);
  });
}

/** Prints a new one-time link for an account (earlier links stop working). */
export async function usersResetCommand(email: string, opts: GlobalOptions): Promise<void> {
  await withContext(opts, async (ctx) => {
    const user = await findUserByEmail(ctx.store.db, normalizeEmail(email));
    if (!user) throw new Error(`users: no account ${email}`);
    const now = ctx.now();
    const link = await newPasswordLink(ctx.store, user.id, now);
    await insertAuditEntry(ctx.store.db, { at: now,  userId: null, userEmail: null, action: 'user.password.reset', target: `user:${user.id}`, detail: { email: user.email, by: 'cli' }, ip: null });
    process.stdout.write(`set the password of ${user.email}, once, before ${link.expiresAt.toISOString()}:\n${linkOf(ctx, link.linkPath)}\n`);
  });
}

/** Lists the accounts: id, email, role, state. */
export async function usersListCommand(opts: GlobalOptions & { json?: boolean }): Promise<void> {
  await withContext(opts, async (ctx) => {
    const users = await findUsers(ctx.store.db);
    if (opts.json) return void process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
    const lines = users.map((u) => `${String(u.id).padStart(4)}  ${u.email}  ${u.role}  ${u.disabled ? 'disabled' : u.active ? 'active' : 'link not used'}${u.totp ? '  2fa' : ''}`);
    process.stdout.write(`${(lines.length ? lines : ['no accounts yet: jarida users add <email> --role admin']).join('\n')}\n`);
  });
}

/** Disables or enables an account (a disabled one's sessions end). */
export async function usersDisableCommand(email: string, disabled: boolean, opts: GlobalOptions): Promise<void> {
  await withContext(opts, async (ctx) => {
    const user = await findUserByEmail(ctx.store.db, normalizeEmail(email));
    if (!user) throw new Error(`users: no account ${email}`);
    await updateUser(ctx.store.db, user.id, { disabled }, ctx.now());
    await insertAuditEntry(ctx.store.db, { at: ctx.now(),  userId: null, userEmail: null, action: disabled ? 'user.disable' : 'user.enable', target: `user:${user.id}`, detail: { email: user.email, by: 'cli' }, ip: null });
    process.stdout.write(`${user.email}: ${disabled ? 'disabled' : 'enabled'}\n`);
  });
}

