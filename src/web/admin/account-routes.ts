/**
 * The desk's own door: the first admin of an empty site, logging in and out, the one-time link that
 * sets a password, and a staff member's account page (password, second factor, sessions, API tokens).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findUserApiTokens, revokeApiToken } from '../../store/api-tokens.js';
import { findUserSessions, revokeSession, revokeUserSessions } from '../../store/sessions.js';
import { countUsers, updateUserTotp } from '../../store/users.js';
import {
  AccountError, changePassword, checkLogin, createApiToken, createFirstAdmin, findLinkAccount, newTotp, setPasswordWithLink, startSession, totpMatches,
} from './accounts.js';
import { safeNext, type Desk } from './plugin.js';
import { field, idParam } from './forms.js';

const PUBLIC = { config: { deskPublic: true } } as const;

/** Registers the routes on the desk's scope. */
export function registerAccountRoutes(app: FastifyInstance, desk: Desk): void {
  const { store } = desk.web;

  app.get('/', async (req, reply) => reply.redirect('/admin/articles', 303));

  // The first admin, in the browser, once: only while the site has no account.
  app.get('/setup', PUBLIC, async (req, reply) => {
    if ((await countUsers(store.db)) > 0) return reply.redirect('/admin/login', 303);
    return desk.page(req, reply, 'setup', {});
  });
  app.post('/setup', { ...PUBLIC, config: { ...PUBLIC.config, rateLimit: { max: 20, timeWindow: 60_000 } } }, async (req, reply) => {
    try {
      const user = await createFirstAdmin(store, { email: field(req.body, 'email'), name: field(req.body, 'name'), password: field(req.body, 'password') }, desk.now());
      await desk.audit(req, 'user.setup', `user:${user.id}`, { email: user.email, role: user.role }, user);
      return reply.redirect('/admin/login?created=1', 303);
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      if (err.code === 'JARIDA_SETUP_DONE') return reply.redirect('/admin/login', 303);
      return desk.page(req, reply, 'setup', { error: err.message, email: field(req.body, 'email'), name: field(req.body, 'name') }, 400);
    }
  });

  app.get('/login', PUBLIC, async (req, reply) => {
    if ((await countUsers(store.db)) === 0) return reply.redirect('/admin/setup', 303);
    const q = req.query as Record<string, string | undefined>;
    return desk.page(req, reply, 'login', { next: safeNext(q.next ?? '/admin/'), message: q.created ? 'The account is ready: log in.' : q.set ? 'Your password is set: log in.' : undefined });
  });
  // A flood brake per process; the real limit (per account and address) is in checkLogin, shared through the store.
  app.post('/login', { config: { deskPublic: true, rateLimit: { max: 60, timeWindow: 60_000 } } }, async (req, reply) => login(desk, req, reply));

  app.post('/logout', async (req, reply) => {
    await revokeSession(store.db, req.staff!.user.id, req.staff!.session.idHash, desk.now());
    await desk.audit(req, 'logout', `user:${req.staff!.user.id}`);
    reply.clearCookie(desk.cookie.name, { path: '/' });
    return reply.redirect('/admin/login', 303);
  });

  // The one-time link of `jarida users add` or an admin's reset.
  app.get('/password/:token', PUBLIC, async (req, reply) => {
    const user = await findLinkAccount(store, (req.params as { token: string }).token, desk.now());
    if (!user) return desk.page(req, reply, 'message', { title: 'Link expired', text: 'This link has expired or was used already; ask an admin for a new one.' }, 410);
    return desk.page(req, reply, 'password', { account: { email: user.email, name: user.name } });
  });
  app.post('/password/:token', { config: { deskPublic: true, rateLimit: { max: 30, timeWindow: 60_000 } } }, async (req, reply) => {
    const token = (req.params as { token: string }).token;
    try {
      const user = await setPasswordWithLink(store, token, field(req.body, 'password'), desk.now());
      await desk.audit(req, 'user.password.set', `user:${user.id}`, null, user);
      return reply.redirect('/admin/login?set=1', 303);
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      const user = await findLinkAccount(store, token, desk.now());
      if (!user) return desk.page(req, reply, 'message', { title: 'Link expired', text: err.message }, 410);
      return desk.page(req, reply, 'password', { account: { email: user.email, name: user.name }, error: err.message }, 400);
    }
  });

  app.get('/account', async (req, reply) => accountPage(desk, req, reply));
  app.post('/account/password', async (req, reply) => {
    try {
      await changePassword(store, req.staff!.user.id, field(req.body, 'current'), field(req.body, 'password'), desk.now());
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      return accountPage(desk, req, reply, { error: err.message }, 400);
    }
    await desk.audit(req, 'user.password.change', `user:${req.staff!.user.id}`);
    // Every session ended with the change, this one too: log in again with the new password.
    reply.clearCookie(desk.cookie.name, { path: '/' });
    return reply.redirect('/admin/login?set=1', 303);
  });
  app.post('/account/sessions/revoke', async (req, reply) => {
    const me = req.staff!;
    const which = field(req.body, 'session');
    if (which === 'others') {
      const n = await revokeUserSessions(store.db, me.user.id, desk.now(), me.session.idHash);
      await desk.audit(req, 'session.revoke', `user:${me.user.id}`, { others: n });
    } else if (await revokeSession(store.db, me.user.id, which, desk.now())) {
      await desk.audit(req, 'session.revoke', `user:${me.user.id}`, { session: which.slice(0, 8) });
    }
    return reply.redirect('/admin/account', 303);
  });
  app.post('/account/totp', async (req, reply) => {
    const me = req.staff!.user;
    const action = field(req.body, 'action');
    if (action === 'disable') {
      await updateUserTotp(store.db, me.id, null, desk.now());
      await desk.audit(req, 'user.totp.disable', `user:${me.id}`);
      return reply.redirect('/admin/account', 303);
    }
    const secret = field(req.body, 'secret');
    if (!/^[A-Z2-7]{16,64}$/.test(secret) || !totpMatches(secret, field(req.body, 'code'), desk.now())) {
      return accountPage(desk, req, reply, { error: 'The code does not match: scan the key again and enter the current code.' }, 400);
    }
    await updateUserTotp(store.db, me.id, secret, desk.now());
    await desk.audit(req, 'user.totp.enable', `user:${me.id}`);
    return reply.redirect('/admin/account', 303);
  });
  app.post('/account/tokens', async (req, reply) => {
    const me = req.staff!.user;
    try {
      const made = await createApiToken(store, me.id, { name: field(req.body, 'name'), scope: field(req.body, 'scope') }, desk.now());
      await desk.audit(req, 'token.create', `token:${made.id}`, { name: field(req.body, 'name'), scope: field(req.body, 'scope') });
      return accountPage(desk, req, reply, { newToken: made.token });
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      return accountPage(desk, req, reply, { error: err.message }, 400);
    }
  });
  app.post('/account/tokens/:id/revoke', async (req, reply) => {
    const id = idParam(req.params);
    if (id !== undefined && (await revokeApiToken(store.db, req.staff!.user.id, id, desk.now()))) await desk.audit(req, 'token.revoke', `token:${id}`);
    return reply.redirect('/admin/account', 303);
  });
}

async function login(desk: Desk, req: FastifyRequest, reply: FastifyReply) {
  const { store } = desk.web;
  const next = safeNext(field(req.body, 'next'));
  const email = field(req.body, 'email');
  const result = await checkLogin(store, { email, password: field(req.body, 'password'), totp: field(req.body, 'totp') }, req.ip, desk.now());
  if ('refused' in result) {
    const r = result.refused;
    if (r.kind === 'limited') reply.header('retry-after', String(r.retryAfterS));
    return desk.page(req, reply, 'login', { next, email, error: r.message, totp: r.kind === 'totp' }, r.kind === 'limited' ? 429 : 401);
  }
  const { token, expiresAt } = await startSession(store, result.user.id, { ip: req.ip, userAgent: req.headers['user-agent'] }, desk.now(), desk.times);
  await desk.audit(req, 'login', `user:${result.user.id}`, null, result.user);
  // Max-Age, not Expires: the browser's clock decides, not ours (JARIDA_NOW may be years away from it).
  reply.setCookie(desk.cookie.name, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: desk.cookie.secure, maxAge: Math.floor((expiresAt.getTime() - desk.now().getTime()) / 1000) });
  return reply.redirect(next, 303);
}

async function accountPage(desk: Desk, req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) {
  const { store } = desk.web;
  const me = req.staff!;
  const now = desk.now();
  const sessions = (await findUserSessions(store.db, me.user.id, now)).map((s) => ({ ...s, current: s.idHash === me.session.idHash }));
  const tokens = await findUserApiTokens(store.db, me.user.id);
  const enrol = me.user.totp ? null : newTotp(desk.web.config.site.siteName, me.user.email);
  return desk.page(req, reply, 'account', { me: me.user, sessions, tokens, totpOn: me.user.totp, enrol, ...extra }, status);
}

