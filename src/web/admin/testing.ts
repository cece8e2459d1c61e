/** For the desk's tests: a client over `app.inject()` that keeps cookies and sends each form's CSRF token. */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/db.js';
import { createAccount } from './accounts.js';

/** A browser-like client: cookies kept, `_csrf` read from the last page it fetched. */
export class DeskClient {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(
    readonly app: FastifyInstance,
    readonly ip = '127.0.0.1',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: { headers: Record<string, unknown>; body: string }) {
    const set = res.headers['set-cookie'];
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair, ...attrs] = String(c).split(';');
      const [k, v = ''] = pair!.split('=');
      const gone = attrs.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (gone || v === '') this.cookies.delete(k!.trim());
      else this.cookies.set(k!.trim(), v);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
  }

  /** GETs a desk path. */
  async get(url: string) {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() }, remoteAddress: this.ip });
    this.keep(res);
    return res;
  }

  /** POSTs a form with the current CSRF token (unless `_csrf` is given, or null to leave it out). */
  async post(url: string, form: Record<string, string | null>) {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries({ _csrf: this.csrf, ...form })) if (v !== null) fields[k] = v;
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
      remoteAddress: this.ip,
    });
    this.keep(res);
    return res;
  }

  /** POSTs a multipart form (the article editor): text fields, and files as `{ filename, type, bytes }`. */
  async postMultipart(url: string, form: Record<string, string | string[] | { filename: string; type: string; bytes: Buffer }>) {
    const boundary = `----jarida${Math.random().toString(16).slice(2)}`;
    const parts: Buffer[] = [];
    const add = (name: string, v: string | { filename: string; type: string; bytes: Buffer }) => {
      if (typeof v === 'string') parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`));
      else parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${v.filename}"\r\nContent-Type: ${v.type}\r\n\r\n`), v.bytes, Buffer.from('\r\n'));
    };
    add('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) add(k, one);
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat(parts),
      remoteAddress: this.ip,
    });
    this.keep(res);
    return res;
  }

  /** Logs in (fetching the login form first for its CSRF token); returns the answer. */
  async login(email: string, password: string, totp?: string) {
    await this.get('/admin/login');
    return this.post('/admin/login', { email, password, next: '/admin/', ...(totp ? { totp } : {}) });
  }
}

/** The password the tests give every account. */
export const TEST_PASSWORD = 'correct horse battery staple';

/** Creates an account with a password set through its one-time link; returns its id. */
export async function addTestUser(app: FastifyInstance, store: Store, email: string, role: string, now: Date): Promise<number> {
  const made = await createAccount(store, { email, role, name: email.split('@')[0] }, now);
  const c = new DeskClient(app);
  await c.get(made.linkPath);
  const res = await c.post(made.linkPath, { password: TEST_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`addTestUser: setting the password answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return made.user.id;
}

/** Creates an account (as addTestUser) and returns a client logged in to it; throws when the login fails. */
export async function loggedIn(app: FastifyInstance, store: Store, email: string, role: string, now: Date, ip?: string): Promise<DeskClient> {
  await addTestUser(app, store, email, role, now);
  const c = new DeskClient(app, ip);
  const res = await c.login(email, TEST_PASSWORD);
  if (res.statusCode !== 303) throw new Error(`loggedIn: ${email} could not log in (${res.statusCode})`);
  return c;
}
