/**
 * Security headers on every answer: a Content-Security-Policy, nosniff, Referrer-Policy, framing
 * refused, Permissions-Policy, Cross-Origin-Opener-Policy, and HSTS on an https site.
 *
 * The set is made once at start, by running helmet's middleware against an object that keeps what it
 * sets, and the same set is sent three ways: Fastify adds it to every answer it sends (an onRequest
 * hook, so a handler may still set its own, as the media route does), the page cache's front puts it
 * in the headers each cached page body keeps (http.ts), and the media front in each image's (media/serve.ts).
 * Cached pages are one body for every reader, so scripts are allowed by hash, never by nonce: the
 * theme's inline scripts are hashed when it loads (theme-inline.ts).
 *
 * The desk (`/admin/…`, its API `/api/admin/…`) has a policy of its own, with nothing inline, and is
 * never stored by a shared cache: `private, no-store` on every answer under it, whatever its status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { VIDEO_HOSTS } from '../model/embeds.js';
import type { InlineHashes } from './theme-inline.js';

/** Response headers, lower-case names. */
export type HeaderSet = Readonly<Record<string, string>>;

/** The headers of the site's answers: pages, feeds, JSON and the stylesheet (`site`), and images (`media`). */
export interface SecurityHeaders {
  site: HeaderSet;
  media: HeaderSet;
}

/** Powerful features no page of the site uses, refused to it and to whatever it embeds. */
export const PERMISSIONS_POLICY =
  'accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), interest-cohort=(), magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=()';

/** The policy of an image: it loads nothing and runs nothing. */
export const MEDIA_CSP = "default-src 'none'";

/** The desk's policy: scripts, styles, forms and frames from the site itself only; nothing inline. */
export const DESK_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/** Cache-Control of every desk answer: never kept by a CDN, a proxy or the page cache. */
export const DESK_CACHE_CONTROL = 'private, no-store';

/** Cross-Origin-Resource-Policy of every desk answer: no other site's page may load one (its JSON is private). */
export const DESK_CORP = 'same-origin';

/**
 * Returns the public pages' CSP directives: scripts and styles by the theme's hashes; images and
 * audio/video from anywhere on https (article bodies show the originals' when media is off; on a
 * plain-http site also http, which such a page may load anyway); frames only from the video hosts the
 * sanitizer lets through; forms to the site (the search form).
 */
export function siteCspDirectives(opts: { https: boolean; hashes: InlineHashes }): Record<string, string[]> {
  const remote = opts.https ? ['https:'] : ['https:', 'http:'];
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': opts.hashes.scripts.length ? [...opts.hashes.scripts] : ["'none'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", ...opts.hashes.styles],
    'img-src': ["'self'", 'data:', ...remote],
    'media-src': ["'self'", ...remote],
    'frame-src': VIDEO_HOSTS.length ? [...VIDEO_HOSTS] : ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  if (opts.https) directives['upgrade-insecure-requests'] = [];
  return directives;
}

/** Returns helmet's options for the site's answers (also what `@fastify/helmet` would take). */
export function helmetOptions(opts: { https: boolean; hashes: InlineHashes }): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: siteCspDirectives(opts) },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // A year, this host only: its subdomains may be someone else's, still on http.
    strictTransportSecurity: opts.https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
    // Browsers' own default: off would slow the first load of the originals' images (media off).
    xDnsPrefetchControl: false,
    // Each header costs every answer, a cache hit too (Node checks each one as it writes it): left out
    // are those for browsers and plug-ins gone (Internet Explorer, the XSS auditor, Flash), and those
    // that guard what is not there: CORP and Origin-Agent-Cluster keep other sites' pages from reading
    // ours through side channels, and every public answer is public (the desk's carry CORP, below).
    xDownloadOptions: false,
    xXssProtection: false,
    xPermittedCrossDomainPolicies: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
  };
}

/**
 * Returns the security headers for a site (https or not) and a theme's inline hashes, made once by
 * running helmet against a capturing response.
 * @example const h = securityHeaders({ https: config.site.siteUrl?.startsWith('https:') ?? false, hashes: theme.hashes });
 */
export function securityHeaders(opts: { https: boolean; hashes: InlineHashes }): SecurityHeaders {
  const site: Record<string, string> = { ...captureHelmet(helmetOptions(opts)), 'permissions-policy': PERMISSIONS_POLICY };
  const media = { ...site, 'content-security-policy': MEDIA_CSP };
  return { site: Object.freeze(site), media: Object.freeze(media) };
}

/** Returns the headers helmet's middleware sets with these options, names in lower case. */
export function captureHelmet(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
      return res;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err) => {
    if (err) throw new Error('security headers: helmet refused the options', { cause: err });
  });
  return headers;
}

/**
 * Returns whether a request URL is the desk's (`/admin`, `/api/admin` and below), as the router
 * reads it (app.ts routerOptions): percent-escapes decoded, repeated slashes as one, a trailing one ignored.
 * @example isDeskPath('//admin/users?page=2') === true; isDeskPath('/administration/') === false
 */
export function isDeskPath(url: string): boolean {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path);
    } catch {
      // Malformed: the router answers 400 without a route; the plain path is what it has.
    }
  }
  if (path.includes('//')) path = path.replace(/\/{2,}/g, '/');
  return /^\/(api\/)?admin(\/|$)/.test(path);
}

/**
 * Sets the desk's headers on a reply: its CSP, `private, no-store` and CORP `same-origin`. The desk
 * plugin may call it; buildApp does it on every answer under the desk's paths anyway (registerSecurityHeaders).
 * @example app.addHook('onRequest', async (_req, reply) => { applyDeskHeaders(reply); });
 */
export function applyDeskHeaders(reply: FastifyReply): FastifyReply {
  return reply.headers({ 'content-security-policy': DESK_CSP, 'cross-origin-resource-policy': DESK_CORP, 'cache-control': DESK_CACHE_CONTROL });
}

/**
 * Puts the site's security headers on every answer Fastify sends (before the handler, which may
 * replace one, as the media route does its CSP), and on the desk's its own (applyDeskHeaders), with
 * `private, no-store` set again when it is sent, whatever the handler set (the page hooks leave the
 * desk alone, http.ts; hooks of a plugin registered later run after this one: they must not set Cache-Control).
 */
export function registerSecurityHeaders(app: FastifyInstance, headers: SecurityHeaders): void {
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(headers.site);
    if (isDeskPath(req.url)) applyDeskHeaders(reply);
    done();
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    if (isDeskPath(req.url)) reply.header('cache-control', DESK_CACHE_CONTROL);
    done(null, payload);
  });
}

/** Sets the security headers on an answer sent outside the hooks (Fastify's frameworkErrors: a malformed URL). */
export function applySecurityHeaders(reply: FastifyReply, headers: SecurityHeaders): FastifyReply {
  reply.headers(headers.site);
  if (isDeskPath(reply.request.url)) applyDeskHeaders(reply);
  return reply;
}
