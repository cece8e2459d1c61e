import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { findAuditEntries } from '../../store/audit.js';
import type { Store } from '../../store/db.js';
import { openTestStore, skipStoreTests } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { TOTP, Secret } from 'otpauth';
import { addTestUser, DeskClient, TEST_PASSWORD } from './testing.js';

const skip = await skipStoreTests();
let store: Store;
let app: FastifyInstance;
let clock = new Date('2026-12-01T10:00:00Z');
const config = parseConfig({ siteName: 'Desk Test', databaseUrl: 'sqlite::memory:', demo: false }, {});

beforeAll(async () => {
  store = await openTestStore();
  app = await buildApp({ store, config, now: () => clock });
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

const actions = async () => (await findAuditEntries(store.db, {}, 500)).entries;

describe.skipIf(skip)('the desk: first admin, login, sessions, CSRF', () => {
  it('sends an empty site to the first admin form, makes the admin once, then refuses a second', async () => {
    const c = new DeskClient(app);
    const login = await c.get('/admin/login');
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/admin/setup');
    const form = await c.get('/admin/setup');
    expect(form.statusCode).toBe(200);
    expect(form.headers['cache-control']).toBe('private, no-store');
    const weak = await c.post('/admin/setup', { name: 'Ayşe', email: 'ayse@news.example', password: 'password123' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('most common passwords');
    const short = await c.post('/admin/setup', { name: 'Ayşe', email: 'ayse@news.example', password: 'x7#kq' });
    expect(short.body).toContain('at least 10 characters');
    const made = await c.post('/admin/setup', { name: 'Ayşe', email: 'Ayse@News.example', password: TEST_PASSWORD });
    expect(made.statusCode).toBe(303);
    const again = await new DeskClient(app).post('/admin/setup', { name: 'Mallory', email: 'm@evil.example', password: TEST_PASSWORD, _csrf: null });
    expect(again.statusCode).not.toBe(303);
    const other = new DeskClient(app);
    await other.get('/admin/login');
    expect((await other.get('/admin/setup')).statusCode).toBe(303); // no form once an account exists
    const second = await other.post('/admin/setup', { name: 'Mallory', email: 'm@evil.example', password: TEST_PASSWORD });
    expect(second.headers.location).toBe('/admin/login');
    const { findUsers } = await import('../../store/users.js');
    expect((await findUsers(store.db)).map((u) => [u.email, u.role])).toEqual([['ayse@news.example', 'admin']]);
    expect((await actions()).some((e) => e.action === 'user.setup' && e.userEmail === 'ayse@news.example')).toBe(true);
  });

  it('answers a page without a session with the login form and 401, and a write with 401', async () => {
    const c = new DeskClient(app);
    const page = await c.get('/admin/users');
    expect(page.statusCode).toBe(401);
    expect(page.body).toContain('action="/admin/login"');
    expect(page.body).toContain('value="/admin/users"');
    const write = await c.post('/admin/users', { email: 'x@news.example', role: 'admin' });
    expect(write.statusCode).toBe(401);
  });

  it('logs in with a cookie that is HttpOnly and SameSite=Lax, and lands where it was going', async () => {
    const c = new DeskClient(app);
    await c.get('/admin/login');
    const res = await c.post('/admin/login', { email: 'ayse@news.example', password: TEST_PASSWORD, next: '/admin/users' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/users');
    const cookie = [res.headers['set-cookie']].flat().find((x) => String(x).startsWith('jarida_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // plain http site
    expect((await c.get('/admin/users')).statusCode).toBe(200);
    // Never to another site after login.
    const evil = new DeskClient(app);
    await evil.get('/admin/login');
    const r2 = await evil.post('/admin/login', { email: 'ayse@news.example', password: TEST_PASSWORD, next: '//evil.example/admin' });
    expect(r2.headers.location).toBe('/admin/');
  });

  it('refuses a write without the CSRF token, with a wrong one, and with another session\'s', async () => {
    const a = new DeskClient(app);
    await a.login('ayse@news.example', TEST_PASSWORD);
    await a.get('/admin/users');
    expect((await a.post('/admin/users', { email: 'nocsrf@news.example', role: 'author', _csrf: null })).statusCode).toBe(403);
    expect((await a.post('/admin/users', { email: 'wrong@news.example', role: 'author', _csrf: 'abc-def' })).statusCode).toBe(403);
    const b = new DeskClient(app);
    await b.login('ayse@news.example', TEST_PASSWORD);
    await b.get('/admin/users');
    // b's token with a's cookies: bound to b's session, refused for a's.
    expect((await a.post('/admin/users', { email: 'cross@news.example', role: 'author', _csrf: b.csrf })).statusCode).toBe(403);
    const { findUserByEmail } = await import('../../store/users.js');
    for (const e of ['nocsrf', 'wrong', 'cross']) expect(await findUserByEmail(store.db, `${e}@news.example`)).toBeUndefined();
    expect((await a.post('/admin/users', { email: 'ok@news.example', role: 'author' })).statusCode).toBe(200);
    expect(await findUserByEmail(store.db, 'ok@news.example')).toBeDefined();
  });

  it('adds a user with a one-time link that sets the password once and expires', async () => {
    const admin = new DeskClient(app);
    await admin.login('ayse@news.example', TEST_PASSWORD);
    await admin.get('/admin/users');
    const res = await admin.post('/admin/users', { email: 'can@news.example', name: 'Can', role: 'editor' });
    const link = /<code class="token">https?:\/\/[^/]+(\/admin\/password\/[^<]+)<\/code>/.exec(res.body)![1]!;
    const u = new DeskClient(app);
    expect((await u.get(link)).statusCode).toBe(200);
    expect((await u.post(link, { password: 'can@news.example!' })).body).toContain('must not contain your email');
    expect((await u.post(link, { password: 'a quiet river at dawn' })).statusCode).toBe(303);
    expect((await u.get(link)).statusCode).toBe(410); // used
    expect((await u.login('can@news.example', 'a quiet river at dawn')).statusCode).toBe(303);
    // A link past its time does not work.
    await admin.get('/admin/users');
    const r2 = await admin.post('/admin/users', { email: 'late@news.example', role: 'author' });
    const late = /<code class="token">https?:\/\/[^/]+(\/admin\/password\/[^<]+)<\/code>/.exec(r2.body)![1]!;
    const saved = clock;
    clock = new Date(clock.getTime() + 73 * 3600_000);
    expect((await new DeskClient(app).get(late)).statusCode).toBe(410);
    clock = saved;
  });

  it('rate-limits 10 wrong passwords for that account and that address, with a clear message', async () => {
    await addTestUser(app, store, 'limit@news.example', 'author', clock);
    const c = new DeskClient(app, '203.0.113.7');
    for (let i = 0; i < 10; i++) expect((await c.login('limit@news.example', `wrong password ${i}`)).statusCode).toBe(401);
    const right = await c.login('limit@news.example', TEST_PASSWORD);
    expect(right.statusCode).toBe(429);
    expect(right.body).toContain('Too many failed logins for this account');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    // From another address, the account is still limited.
    expect((await new DeskClient(app, '198.51.100.9').login('limit@news.example', TEST_PASSWORD)).statusCode).toBe(429);
    // From that address, another account is limited too.
    const other = await c.login('ayse@news.example', TEST_PASSWORD);
    expect(other.statusCode).toBe(429);
    expect(other.body).toContain('for this address');
    // Unrelated account and address: fine.
    expect((await new DeskClient(app, '198.51.100.10').login('ayse@news.example', TEST_PASSWORD)).statusCode).toBe(303);
    // After the window, the account logs in again.
    const saved = clock;
    clock = new Date(clock.getTime() + 16 * 60_000);
    expect((await new DeskClient(app, '198.51.100.11').login('limit@news.example', TEST_PASSWORD)).statusCode).toBe(303);
    clock = saved;
    const failed = (await actions()).filter((e) => e.action === 'login.failed' && e.target === 'limit@news.example');
    expect(failed.length).toBe(10);
    expect(failed[0]!.ip).toBe('203.0.113.7');
  });

  it('ends sessions: revoked, idle, past their absolute end, from before a password change, of a disabled account', async () => {
    await addTestUser(app, store, 'sess@news.example', 'author', clock);
    const c = new DeskClient(app);
    await c.login('sess@news.example', TEST_PASSWORD);
    expect((await c.get('/admin/account')).statusCode).toBe(200);
    // Idle past 24 h.
    const saved = clock;
    clock = new Date(saved.getTime() + 25 * 3600_000);
    expect((await c.get('/admin/account')).statusCode).toBe(401);
    clock = saved;
    // Revoked from another session of the same account.
    const d = new DeskClient(app);
    await d.login('sess@news.example', TEST_PASSWORD);
    await d.get('/admin/account');
    await d.post('/admin/account/sessions/revoke', { session: 'others' });
    expect((await c.get('/admin/account')).statusCode).toBe(401);
    expect((await d.get('/admin/account')).statusCode).toBe(200);
    // A cookie from before a password change.
    const old = new DeskClient(app);
    await old.login('sess@news.example', TEST_PASSWORD);
    const stolen = new Map(old.cookies);
    await d.get('/admin/account');
    expect((await d.post('/admin/account/password', { current: TEST_PASSWORD, password: 'a brand new passphrase' })).statusCode).toBe(303);
    const replay = new DeskClient(app);
    replay.cookies = stolen;
    expect((await replay.get('/admin/account')).statusCode).toBe(401);
    expect((await d.get('/admin/account')).statusCode).toBe(401); // every session ended, this one too
    // Absolute end: 14 days however active.
    const e = new DeskClient(app);
    await e.login('sess@news.example', 'a brand new passphrase');
    for (let day = 1; day <= 15; day++) {
      clock = new Date(saved.getTime() + day * 23 * 3600_000); // 15 × 23 h is past 14 days
      const r = await e.get('/admin/account');
      if (day < 15) expect(r.statusCode).toBe(200);
      else expect(r.statusCode).toBe(401);
    }
    clock = saved;
    // Disabled by an admin.
    const f = new DeskClient(app);
    await f.login('sess@news.example', 'a brand new passphrase');
    const admin = new DeskClient(app);
    await admin.login('ayse@news.example', TEST_PASSWORD);
    await admin.get('/admin/users');
    const { findUserByEmail } = await import('../../store/users.js');
    const id = (await findUserByEmail(store.db, 'sess@news.example'))!.id;
    expect((await admin.post(`/admin/users/${id}`, { action: 'disable' })).statusCode).toBe(303);
    expect((await f.get('/admin/account')).statusCode).toBe(401);
    expect((await new DeskClient(app).login('sess@news.example', 'a brand new passphrase')).statusCode).toBe(401);
  });

  it('keeps roles: an editor cannot open users, settings or the audit log (403)', async () => {
    await addTestUser(app, store, 'ed@news.example', 'editor', clock);
    const c = new DeskClient(app);
    await c.login('ed@news.example', TEST_PASSWORD);
    expect((await c.get('/admin/users')).statusCode).toBe(403);
    expect((await c.get('/admin/audit')).statusCode).toBe(403);
    await c.get('/admin/account');
    expect((await c.post('/admin/users', { email: 'sneaky@news.example', role: 'admin' })).statusCode).toBe(403);
  });

  it('asks for the TOTP code once the second factor is on', async () => {
    await addTestUser(app, store, 'totp@news.example', 'author', clock);
    const c = new DeskClient(app);
    await c.login('totp@news.example', TEST_PASSWORD);
    const page = await c.get('/admin/account');
    const secret = /name="secret" value="([A-Z2-7]+)"/.exec(page.body)![1]!;
    const code = (at: Date) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at.getTime() });
    expect((await c.post('/admin/account/totp', { secret, code: '000000' === code(clock) ? '111111' : '000000' })).statusCode).toBe(400);
    expect((await c.post('/admin/account/totp', { secret, code: code(clock) })).statusCode).toBe(303);
    const d = new DeskClient(app);
    const asked = await d.login('totp@news.example', TEST_PASSWORD);
    expect(asked.statusCode).toBe(401);
    expect(asked.body).toContain('Enter the code');
    expect((await d.login('totp@news.example', TEST_PASSWORD, code(clock))).statusCode).toBe(303);
    // The same code again, within its window: a replay, refused; the next step's code works.
    const replay = await new DeskClient(app).login('totp@news.example', TEST_PASSWORD, code(clock));
    expect(replay.statusCode).toBe(401);
    expect(replay.body).toContain('used already');
    const later = new Date(clock.getTime() + 30_000);
    const saved = clock;
    clock = later;
    expect((await new DeskClient(app).login('totp@news.example', TEST_PASSWORD, code(later))).statusCode).toBe(303);
    clock = saved;
  });

  it('logs every action with its user in the audit log, viewable and filterable by admins', async () => {
    const admin = new DeskClient(app);
    await admin.login('ayse@news.example', TEST_PASSWORD);
    const all = await actions();
    for (const a of ['user.setup', 'login', 'login.failed', 'login.limited', 'user.create', 'user.password.set', 'user.password.change', 'user.disable', 'session.revoke', 'user.totp.enable']) {
      expect(all.some((e) => e.action === a), a).toBe(true);
    }
    expect(all.filter((e) => e.action === 'user.create').every((e) => e.userEmail === 'ayse@news.example')).toBe(true);
    const page = await admin.get('/admin/audit?action=login.failed');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('limit@news.example');
    expect(page.body).not.toContain('user.create');
  });
});
