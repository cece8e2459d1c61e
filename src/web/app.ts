/**
 * buildApp(): the Fastify instance serving the reader-facing site. It does not listen, so tests
 * drive it with `inject()` and `jarida serve` calls `listen()`.
 */
import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { configWithSite, type Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { LANGS, type Lang } from '../model/types.js';
import { openMediaFiles } from '../media/open.js';
import { webMetrics } from '../metrics/http.js';
import type { Metrics } from '../metrics/metrics.js';
import { mediaFront, MediaServer, registerMediaRoute } from '../media/serve.js';
import { LiveSettings } from '../settings/live.js';
import { StoreError, type Store } from '../store/db.js';
import { createSearchRunner, type SearchRunner } from './search-runner.js';
import type { PageCache } from './cache.js';
import { HttpError } from './errors.js';
import { Admission } from './admission.js';
import { pageFront, registerPageHttp } from './http.js';
import { STRINGS } from './i18n/strings.js';
import { renderCounts, sendPage } from './page.js';
import { registerRoutes } from './routes.js';
import { registerWebSubCallback } from './websub.js';
import { registerDesk } from './admin/plugin.js';
import { registerAdminApi } from './admin/api/plugin.js';
import { registerContentApi } from './api/plugin.js';
import type { DeskTimes } from './admin/accounts.js';
import { applySecurityHeaders, registerSecurityHeaders, securityHeaders } from './security-headers.js';
import { loadTheme, type Theme } from './theme.js';
import { buildHeader, pageContext } from './view.js';
import type { ChromeCache } from './chrome-cache.js';

/** What the web tier needs; the store and config come from the caller. */
export interface WebDeps {
  store: Store;
  /**
   * The config, its `site` the settings in effect: replaced by a new frozen Config when they change
   * (`settings`), so a handler reads it per request and never keeps it.
   */
  config: Config;
  /** The clock; JARIDA_NOW (config.fixedNow) fixes it. */
  now: () => Date;
  theme: Theme;
  /** The site settings in effect, following changes made anywhere; the desk changes them through it (`update`). */
  settings: LiveSettings;
  /** Where searches run: a worker thread on a SQLite file store (search-runner.ts). */
  search: SearchRunner;
  /** The header's and footer's reads kept between changes, when the caller hears them (serve.ts); else read each time. */
  chrome?: ChromeCache;
}

/** Longest a closing app waits for handlers still running (their readers may have left). */
const CLOSE_WAIT_MS = 10_000;

/** Counts the requests between onRequest and onSend; `settled` resolves when none is left, or after `ms`. */
function handlersRunning() {
  const counted = new WeakSet<object>();
  let n = 0;
  let wake: (() => void) | null = null;
  return {
    started(req: object) {
      counted.add(req);
      n++;
    },
    ended(req: object) {
      if (!counted.delete(req)) return;
      if (--n === 0) wake?.();
    },
    async settled(ms: number): Promise<void> {
      if (n === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, ms);
      });
      clearTimeout(timer);
      wake = null;
    },
  };
}

/** Longest query string a page accepts; longer ones get a 400 page. */
export const MAX_QUERY_LENGTH = 2048;

/**
 * Returns the app for a store and config, not yet listening; with `cache`, pages are served from it
 * (web/cache.ts) by a handler in front of Fastify's (http.ts) — `listen()` uses it, `inject()` does not.
 * `settings`: the live site settings (settings/live.ts), which the caller feeds the store's changes
 * (`heard`); without, a holder read once from the store over `config.site` (the config file's; those
 * alone when the store is out of reach).
 * When they change, every next request sees them and the page cache starts again.
 */
export async function buildApp(
  opts: { store: Store; config: Config; now?: () => Date; theme?: Theme; log?: Logger; cache?: PageCache; chrome?: ChromeCache; media?: MediaServer; settings?: LiveSettings; deskTimes?: DeskTimes; metrics?: Metrics },
): Promise<FastifyInstance> {
  const { config } = opts;
  const fixed = config.fixedNow;
  const settings = opts.settings ?? (await LiveSettings.open(opts.store, config.site, { log: opts.log }).catch((err: unknown) => {
    opts.log?.warn({ err }, "web: cannot read the site settings from the store; the config file's apply");
    return LiveSettings.unread(opts.store, config.site, { log: opts.log });
  }));
  const deps: WebDeps = {
    store: opts.store,
    config: configWithSite(config, settings.current()),
    now: opts.now ?? (fixed ? () => new Date(fixed) : () => new Date()),
    theme: opts.theme ?? loadTheme(config.themeDir),
    settings,
    search: createSearchRunner(opts.store, { threads: config.http.searchThreads, ...(opts.metrics ? { onQuery: opts.metrics.query } : {}) }),
    ...(opts.chrome ? { chrome: opts.chrome } : {}),
  };
  // New settings: the next request renders with them, and no page rendered with the old ones is served again.
  const stopFollowing = settings.onChange((site) => {
    deps.config = configWithSite(config, site);
    opts.cache?.reset(site.timeZone);
  });
  // Made once: Fastify, the page cache's front and the media front send the same (security-headers.ts).
  const security = securityHeaders({ https: config.site.siteUrl?.startsWith('https:') ?? false, hashes: deps.theme.hashes });
  // The image files under /media/ (media/serve.ts); pages learn what is stored from the store (web/images.ts).
  const media = opts.media ?? new MediaServer(openMediaFiles(config.media), { maxBytes: config.media.memoryCacheBytes });
  media.useHeaders(security.media);
  // Metrics (metrics/): answers counted here and in front of Fastify; `/metrics` per config.metrics.
  const metered = opts.metrics ? webMetrics(opts.metrics, config.metrics) : undefined;
  if (opts.metrics && opts.cache) opts.metrics.watchPageCache(() => opts.cache!.stats());
  // At most http.maxInFlight requests render at once; the next get a 503 or a stale copy (admission.ts).
  const admission = config.http.maxInFlight > 0
    ? new Admission(config.http.maxInFlight, security.site, { defaultLanguage: config.site.defaultLanguage, stylesheet: deps.theme.stylesheet.path }, { maxWaitMs: config.http.maxWaitMs })
    : undefined;
  if (opts.metrics && admission) opts.metrics.watchAdmission(() => admission.stats());
  const front = (handler: Parameters<typeof pageFront>[2]) => {
    const admitted = admission ? admission.wrap(handler) : handler;
    const served = mediaFront(media, opts.cache ? pageFront(opts.cache, config.http, admitted, { security: security.site, log: opts.log, byHost: !config.site.siteUrl, admission }) : admitted);
    return metered ? metered.front(served) : served;
  };
  const handling = handlersRunning();
  const app = Fastify({
    ...(opts.log ? { loggerInstance: opts.log } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }), // errors only, not a line per request
    return503OnClosing: true,
    // Behind a reverse proxy: the client's address and scheme from X-Forwarded-* (http.trustProxy).
    trustProxy: config.http.trustProxy,
    // Malformed percent-encoding (400) and over-long path segments (404: no slug is that long).
    // They are answered without the hooks: the security headers are set here.
    frameworkErrors: (err: Error & { code?: string }, req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) =>
      errorPage(req, applySecurityHeaders(reply, security), err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 404 : 400, 'malformed URL'),
    routerOptions: { maxParamLength: 1000, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    // Warm media files and cached pages are answered before Fastify sees the request.
    serverFactory: (handler: Parameters<typeof pageFront>[2]) => createServer(front(handler)),
  } as FastifyServerOptions);

  // First, so that an answer refused by a later hook carries them too; the desk's: no-store.
  registerSecurityHeaders(app, security);
  metered?.register(app);
  // A callback hook, not an async one: it runs on every page, and a promise per request costs.
  app.addHook('onRequest', (req, _reply, done) => {
    handling.started(req);
    const q = req.url.indexOf('?');
    done(q >= 0 && req.url.length - q - 1 > MAX_QUERY_LENGTH ? new HttpError(400, `query string longer than ${MAX_QUERY_LENGTH} characters`) : undefined);
  });
  // Every answer goes through onSend (errors too), after which its handler no longer reads the store.
  app.addHook('onSend', (req, _reply, payload, done) => {
    handling.ended(req);
    done(null, payload);
  });

  // Fastify closes once every connection has; a handler whose reader left may still be searching or
  // rendering: the search threads and the store (closed by the caller next) wait for it.
  app.addHook('onClose', async () => {
    await handling.settled(CLOSE_WAIT_MS);
    stopFollowing();
    await deps.search.close();
  });
  registerPageHttp(app, { cache: opts.cache, http: config.http, now: deps.now });
  if (opts.cache) {
    opts.cache.renderCounts = async (lang) => {
      const ctx = pageContext(deps.config.site, lang, deps.now(), deps.chrome);
      return renderCounts(deps.theme, ctx, await buildHeader(deps.store, ctx, ctx.urls.home()));
    };
  }
  registerMediaRoute(app, media, opts.log);
  registerRoutes(app, deps);
  // WebSub: hubs verify this site's subscriptions and push feeds here (ingest/websub/).
  registerWebSubCallback(app, deps, opts.log);

  function langOfPath(url: string): Lang {
    const first = url.split(/[/?]/)[1];
    const l = LANGS.find((x) => x === first);
    const { site } = deps.config;
    return l && site.languages.includes(l) ? l : site.defaultLanguage;
  }

  async function errorPage(req: { url: string }, reply: import('fastify').FastifyReply, status: number, detail?: string) {
    const ctx = pageContext(deps.config.site, langOfPath(req.url), deps.now(), deps.chrome);
    const t = STRINGS[ctx.lang];
    const kind = status === 404 ? 'notFound' : status < 500 ? 'badRequest' : 'serverError';
    const text = kind === 'notFound' ? t.notFoundText : kind === 'badRequest' ? t.badRequestText : t.serverErrorText;
    const path = req.url.split('?')[0] ?? '/';
    return sendPage(reply, deps, ctx, path, {
      template: 'error',
      title: t[kind],
      data: { error: { status, title: t[kind], text, detail: kind === 'badRequest' ? detail : undefined } },
    }, status);
  }

  app.setNotFoundHandler((req, reply) => errorPage(req, reply, 404));
  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
    // The store unreachable or out of connections (a burst beyond the pool): 503, try again soon.
    const unavailable = err instanceof StoreError;
    if (unavailable) reply.header('retry-after', '5');
    const status = err instanceof HttpError ? err.statusCode : err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : unavailable ? 503 : 500;
    if (status >= 500) req.log.error({ err, url: req.url }, 'web: page failed');
    try {
      return await errorPage(req, reply, status, err instanceof HttpError ? err.detail : err.message);
    } catch (renderErr) {
      req.log.error({ err: renderErr }, 'web: error page failed');
      return reply.code(status).type('text/plain; charset=utf-8').send(`${status}\n`);
    }
  });
  // Registered last: awaiting a plugin loads every route queued before it, and those must already
  // have the site's error and not-found handlers above. The desk and its API set their own inside.
  // The editorial desk at /admin (its own hooks, bodies, CSRF and templates: admin/plugin.ts).
  await registerDesk(app, deps, { mediaFiles: media.files, log: opts.log ?? createLogger('silent'), times: opts.deskTimes, trustProxy: config.http.trustProxy });
  await registerAdminApi(app, deps);
  // The public content API at /api/v1 (api/plugin.ts: its own errors, CORS, ETags and rate limit).
  await registerContentApi(app, deps, { rateLimit: config.api.rateLimit });
  return app;
}
