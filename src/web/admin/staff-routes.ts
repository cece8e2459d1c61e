/** Admins' pages: the accounts (add with a one-time link, role, disable, password reset, sessions) and the audit log. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRole, ROLES } from '../../model/staff.js';
import { findAuditEntries } from '../../store/audit.js';
import { revokeUserSessions } from '../../store/sessions.js';
import { countActiveAdmins, findUser, findUsers, updateUser } from '../../store/users.js';
import { AccountError, createAccount, newPasswordLink } from './accounts.js';
import type { Desk } from './plugin.js';
import { field, idParam } from './forms.js';

const ADMIN = { config: { deskRole: 'admin' } } as const;
const AUDIT_PAGE = 50;

/** Registers the routes on the desk's scope. */
export function registerStaffRoutes(app: FastifyInstance, desk: Desk): void {
  const { store } = desk.web;

  app.get('/users', ADMIN, async (req, reply) => usersPage(desk, req, reply));
  app.post('/users', ADMIN, async (req, reply) => {
    try {
      const made = await createAccount(store, { email: field(req.body, 'email'), name: field(req.body, 'name'), role: field(req.body, 'role') }, desk.now(), desk.times);
      await desk.audit(req, 'user.create', `user:${made.user.id}`, { email: made.user.email, role: made.user.role });
      return usersPage(desk, req, reply, { link: { email: made.user.email, url: absolute(desk, req, made.linkPath), expiresAt: made.expiresAt.toISOString() } });
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      return usersPage(desk, req, reply, { error: err.message }, 400);
    }
  });
  app.post('/users/:id', ADMIN, async (req, reply) => {
    const id = idParam(req.params);
    const user = id === undefined ? undefined : await findUser(store.db, id);
    if (id === undefined || !user) return usersPage(desk, req, reply, { error: 'no such account' }, 404);
    const action = field(req.body, 'action');
    const now = desk.now();
    const lastAdmin = user.role === 'admin' && !user.disabled && (await countActiveAdmins(store.db)) <= 1;
    if (action === 'role') {
      const role = field(req.body, 'role');
      if (!isRole(role)) return usersPage(desk, req, reply, { error: `role: one of ${ROLES.join(', ')}` }, 400);
      if (lastAdmin && role !== 'admin') return usersPage(desk, req, reply, { error: 'the last admin keeps the admin role: make another admin first' }, 400);
      await updateUser(store.db, id, { role }, now);
      await desk.audit(req, 'user.role', `user:${id}`, { email: user.email, from: user.role, to: role });
    } else if (action === 'disable' || action === 'enable') {
      if (action === 'disable' && lastAdmin) return usersPage(desk, req, reply, { error: 'the last admin cannot be disabled' }, 400);
      await updateUser(store.db, id, { disabled: action === 'disable' }, now);
      await desk.audit(req, `user.${action}`, `user:${id}`, { email: user.email });
    } else if (action === 'reset') {
      // No mail server needed: the admin hands the link over.
      const link = await newPasswordLink(store, id, now, desk.times);
      await desk.audit(req, 'user.password.reset', `user:${id}`, { email: user.email });
      return usersPage(desk, req, reply, { link: { email: user.email, url: absolute(desk, req, link.linkPath), expiresAt: link.expiresAt.toISOString() } });
    } else if (action === 'revoke') {
      const n = await revokeUserSessions(store.db, id, now);
      await desk.audit(req, 'session.revoke', `user:${id}`, { email: user.email, sessions: n });
    } else {
      return usersPage(desk, req, reply, { error: `action: unknown (${action.slice(0, 30)})` }, 400);
    }
    return reply.redirect('/admin/users', 303);
  });

  app.get('/audit', ADMIN, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const userId = q.user && /^\d{1,15}$/.test(q.user) ? Number(q.user) : undefined;
    const before = q.before && /^\d{1,15}$/.test(q.before) ? Number(q.before) : undefined;
    const action = q.action && /^[a-z.]{1,40}$/.test(q.action) ? q.action : undefined;
    const { entries, next } = await findAuditEntries(store.db, { userId, action, before }, AUDIT_PAGE);
    const users = await findUsers(store.db);
    const nextHref = next ? `/admin/audit?${new URLSearchParams({ ...(userId ? { user: String(userId) } : {}), ...(action ? { action } : {}), before: String(next) })}` : null;
    return desk.page(req, reply, 'audit', { entries: entries.map((e) => ({ ...e, detail: e.detail ? JSON.stringify(e.detail) : '' })), users, filter: { user: userId, action }, nextHref });
  });
}

async function usersPage(desk: Desk, req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) {
  const users = await findUsers(desk.web.store.db);
  return desk.page(req, reply, 'users', { users, roles: ROLES, ...extra }, status);
}

/** Returns a link to hand over: under siteUrl when set, else on the address the admin uses. */
function absolute(desk: Desk, req: FastifyRequest, path: string): string {
  const site = desk.web.config.site.siteUrl;
  return site ? `${site.replace(/\/$/, '')}${path}` : `${req.protocol}://${req.host}${path}`;
}
