/**
 * The editorial desk at /admin: cookies, form and multipart bodies, CSRF on every state-changing
 * request, the session of the staff member, role gates, and the desk's pages and errors. Handlers
 * live in the *-routes.ts files beside this one; they call plain operations (accounts.ts, the store).
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { roleAtLeast, type Role, type StaffUser } from '../../model/staff.js';
import { StoreError } from '../../store/db.js';
import type { SessionRow } from '../../store/sessions.js';
import { countUsers } from '../../store/users.js';
import { findSetting, saveSettingOnce } from '../../store/settings.js';
import type { WebDeps } from '../app.js';
import { insertAuditEntry } from '../../store/audit.js';
import { DEFAULT_DESK_TIMES, newSecret, resolveSession, type DeskTimes } from './accounts.js';
import { registerAccountRoutes } from './account-routes.js';
import { registerStaffRoutes } from './staff-routes.js';
import { registerArticleRoutes } from './article-routes.js';
import { registerSettingsRoutes } from './settings-routes.js';
import type { UploadDeps } from '../../media/upload.js';
import type { MediaFiles } from '../../media/files.js';
import type { Logger } from '../../log.js';
import { registerSiteRoutes } from './site-routes.js';
import { loadDeskView, viewerOf, type DeskView } from './view.js';

/** The staff member of a request, when its session cookie is valid. */
export interface Staff {
  user: StaffUser;
  session: SessionRow;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff: Staff | null;
  }
  interface FastifyContextConfig {
    /** The route answers without a session (login, first admin, one-time link, assets). */
    deskPublic?: boolean;
    /** The least role the route needs. */
    deskRole?: Role;
  }
}

/** What the desk's handlers share. */
export interface Desk {
  web: WebDeps;
  view: DeskView;
  times: DeskTimes;
  /** Session cookie name and attributes (`__Host-` and Secure when the site is https). */
  cookie: { name: string; secure: boolean | 'auto' };
  now(): Date;
  /** Renders a desk page with the viewer, a fresh CSRF token and the layout. */
  page(req: FastifyRequest, reply: FastifyReply, template: string, data?: Record<string, unknown>, status?: number): FastifyReply;
  /** What an image upload needs (the site's media store). */
  uploads(): UploadDeps;
  /** Records an action of the request's staff member (or of nobody) in the audit log. */
  audit(req: FastifyRequest, action: string, target?: string | null, detail?: Record<string, unknown> | null, who?: StaffUser): Promise<void>;
}


/** Registers the desk under /admin on the app. */
export async function registerDesk(app: FastifyInstance, web: WebDeps, opts: { mediaFiles: MediaFiles; log: Logger; times?: DeskTimes; trustProxy?: boolean }): Promise<void> {
  await app.register(
    async (scope) => {
      const siteUrl = web.config.site.siteUrl;
      const https = Boolean(siteUrl?.startsWith('https:'));
      const secure: boolean | 'auto' = https ? true : opts.trustProxy ? 'auto' : false;
      const desk: Desk = {
        web,
        view: loadDeskView(),
        times: opts.times ?? DEFAULT_DESK_TIMES,
        cookie: { name: https ? '__Host-jarida_session' : 'jarida_session', secure },
        now: () => web.now(),
        uploads: () => ({ store: web.store, files: opts.mediaFiles, settings: web.config.media, log: opts.log, now: () => web.now(), siteUrl: web.config.site.siteUrl }),
        page(req, reply, template, data = {}, status = 200) {
          const csrfToken = reply.generateCsrf({ userInfo: csrfUserInfo(req) });
          const html = desk.view.render(`${template}.liquid`, { ...data, viewer: viewerOf(req.staff?.user), csrf: csrfToken, site: { name: web.config.site.siteName }, path: req.url.split('?')[0] });
          return reply.code(status).type('text/html; charset=utf-8').send(html);
        },
        async audit(req, action, target = null, detail = null, who) {
          const u = who ?? req.staff?.user;
          await insertAuditEntry(web.store.db, { at: desk.now(),  userId: u?.id ?? null, userEmail: u?.email ?? null, action, target, detail, ip: req.ip });
        },
      };

      // The CSRF tokens' HMAC key is the site's, kept in the store; read on the first desk request (the
      // site starts even when the store is out of reach) into the buffer the CSRF plugin holds.
      const key = new DeskKey(web);
      await scope.register(cookie);
      await scope.register(formbody, { bodyLimit: 1024 * 1024 });
      // A little above the image limit, so that the pipeline refuses an image too large with its own words.
      await scope.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: web.config.media.maxBytes + 1024 * 1024, files: 1, fields: 60, fieldSize: 1024 * 1024 } });
      await scope.register(csrf, {
        sessionPlugin: '@fastify/cookie',
        cookieKey: https ? '__Host-jarida_csrf' : 'jarida_csrf',
        cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure },
        // The token is bound to the session: a token from before login (or another session) is refused.
        getUserInfo: csrfUserInfo,
        csrfOpts: { userInfo: true, hmacKey: key.bytes },
        getToken: (req: FastifyRequest) => {
          const b = req.body as Record<string, unknown> | undefined;
          const fromBody = b && typeof b._csrf === 'string' ? b._csrf : undefined;
          return fromBody ?? (req.headers['x-csrf-token'] as string | undefined);
        },
      });
      await scope.register(rateLimit, { global: false });

      scope.decorateRequest('staff', null);
      scope.addHook('onRequest', async (req, reply) => {
        // Cache-Control and the desk's CSP: buildApp's security headers, on every answer under /admin.
        await key.load();
        const token = req.cookies[desk.cookie.name];
        req.staff = (await resolveSession(web.store, token, desk.now(), desk.times)) ?? null;
      });
      // Who may: a session for every route but the public ones; then the route's role; then CSRF on writes.
      scope.addHook('preHandler', (req, reply, done) => {
        const cfg = req.routeOptions.config;
        if (!cfg.deskPublic && !req.staff) {
          if (req.method === 'GET' || req.method === 'HEAD') {
            // A site without any account yet: to the form that makes the first admin.
            countUsers(web.store.db).then((n) => {
              if (n === 0) return void reply.redirect('/admin/setup', 303);
              desk.page(req, reply, 'login', { next: req.url.startsWith('/admin') ? req.url : '/admin/', message: 'Log in to continue.' }, 401);
            }, (err: unknown) => reply.send(err));
          } else {
            reply.code(401).type('text/plain; charset=utf-8').send('401: log in first\n');
          }
          return;
        }
        if (cfg.deskRole && req.staff && !roleAtLeast(req.staff.user.role, cfg.deskRole)) {
          desk.page(req, reply, 'message', { title: 'Not allowed', text: `This needs the role ${cfg.deskRole} or above; you are ${req.staff.user.role}.` }, 403);
          return;
        }
        if (req.method === 'GET' || req.method === 'HEAD') return done();
        scope.csrfProtection(req, reply, done);
      });

      scope.setNotFoundHandler((req, reply) => desk.page(req, reply, 'message', { title: 'Not found', text: 'There is no such page in the desk.' }, 404));
      scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
        // The store out of reach (or out of connections): 503, try again soon.
        const unavailable = err instanceof StoreError;
        if (unavailable) reply.header('retry-after', '5');
        const status = unavailable ? 503 : err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
        if (status >= 500) req.log.error({ err, url: req.url }, 'desk: request failed');
        const text = err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET'
          ? 'The form was out of date or not sent by this site (CSRF check). Go back, reload the page and try again.'
          : status === 413 ? `The upload is too large (images: at most ${Math.round(web.config.media.maxBytes / 1048576)} MB).`
          : unavailable ? 'The database is out of reach; try again in a moment.'
          : status < 500 ? err.message : 'Something went wrong; the error is in the log.';
        return desk.page(req, reply, 'message', { title: status === 403 ? 'Refused' : status < 500 ? 'Bad request' : 'Error', text }, status);
      });

      for (const a of [desk.view.assets.css, desk.view.assets.js]) {
        // Private, no-store like every desk answer (security-headers.ts): the hashed name changes with the file.
        scope.get(a.path.slice('/admin'.length), { config: { deskPublic: true } }, (_req, reply) => reply.type(a.type).send(a.body));
      }
      registerAccountRoutes(scope, desk);
      registerStaffRoutes(scope, desk);
      registerArticleRoutes(scope, desk);
      registerSettingsRoutes(scope, desk);
      registerSiteRoutes(scope, desk);
    },
    { prefix: '/admin' },
  );
}

/**
 * The site's key for the CSRF tokens' HMAC: made once, kept in the store, the same for every process
 * and instance. `bytes` is handed to the CSRF plugin at start and filled on the first desk request.
 */
class DeskKey {
  readonly bytes = Buffer.alloc(32);
  private loaded: Promise<void> | undefined;
  constructor(private readonly web: WebDeps) {}

  /** Reads the key (once; again after a failure, which the store's error reports as a 503). */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      const db = this.web.store.db;
      const stored = (await findSetting<string>(db, 'desk.key')) ?? (await saveSettingOnce(db, 'desk.key', newSecret()));
      Buffer.from(stored, 'base64url').copy(this.bytes);
    })().catch((err: unknown) => {
      this.loaded = undefined;
      throw err;
    });
    return this.loaded;
  }
}

/** What a CSRF token is bound to: the session (its hash), or `anonymous` before login (the login and setup forms). */
function csrfUserInfo(req: FastifyRequest): string {
  return req.staff?.session.idHash ?? 'anonymous';
}

/** Returns the desk path to go to after login: only a path under /admin/, never another site. */
export function safeNext(raw: string): string {
  return /^\/admin(\/[^\\]*)?$/.test(raw) && !raw.startsWith('//') ? raw : '/admin/';
}
