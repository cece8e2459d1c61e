/**
 * What a page's head links to besides pages: the icons made from the site's logo (icons.ts), the web
 * app manifest and the OpenSearch description of each language. Small answers, cached by browsers
 * for a day and validated; not kept in the page cache (the OpenSearch template is absolute).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../html/text.js';
import { xmlText } from '../html/xml.js';
import type { Lang } from '../model/types.js';
import type { WebDeps } from './app.js';
import { isNotModified, PageBody, pickEncoding } from './http.js';
import { dirOf } from './i18n/strings.js';
import { BACKGROUND_COLOR, BRAND_COLOR, IconError, ICONS, IconSet, type IconPath } from './icons.js';
import { homeDescription } from './meta.js';
import { siteOrigin, type OriginRequest } from './origin.js';
import { pageContext } from './view.js';

export const MANIFEST_TYPE = 'application/manifest+json; charset=utf-8';
export const OPENSEARCH_TYPE = 'application/opensearchdescription+xml; charset=utf-8';

/** A day: icons, manifest and OpenSearch change only with the settings. */
const MAX_AGE = 'public, max-age=86400';

/** Answers with a body, its ETag and a day's caching; 304 when the client's copy is current. */
async function sendSmall(req: FastifyRequest, reply: FastifyReply, body: PageBody, type: string): Promise<FastifyReply> {
  const enc = type.startsWith('image/') ? 'identity' : pickEncoding(req.headers['accept-encoding']);
  reply.header('cache-control', MAX_AGE).header('etag', body.etagOf(enc)).header('vary', 'Accept-Encoding');
  if (isNotModified(req.headers, body)) return reply.code(304).send();
  if (enc !== 'identity') reply.header('content-encoding', enc);
  return reply.type(type).send(await body.encode(enc));
}

/**
 * Returns the route handler of an icon (PNG; `/favicon.ico` too, which browsers read by its bytes).
 * A logo that is not an image answers 500 with its reason logged once per request.
 */
export function iconRoute(deps: WebDeps, icons: IconSet, path: IconPath) {
  const bodies = new WeakMap<Buffer, PageBody>();
  return async (req: FastifyRequest, reply: FastifyReply) => {
    let png: Buffer;
    try {
      png = (await icons.get(deps.config.site.logo)).get(path)!;
    } catch (err) {
      if (err instanceof IconError) req.log.error({ err }, 'icons: the logo cannot be made into icons');
      throw err;
    }
    let body = bodies.get(png);
    if (!body) bodies.set(png, (body = new PageBody(png, Date.now())));
    return sendSmall(req, reply, body, 'image/png');
  };
}

/**
 * Returns the web app manifest of a language: name, start URL, colours and the icons, with the
 * language's `lang` and `dir`.
 * @example webManifest(ctx).icons[0] // { src: '/icon-192.png', sizes: '192x192', type: 'image/png' }
 */
export function webManifest(ctx: ReturnType<typeof pageContext>) {
  const name = ctx.site.siteName;
  return {
    name,
    short_name: name.length > 12 ? name.slice(0, 12).trim() : name,
    description: homeDescription(ctx),
    lang: ctx.lang,
    dir: dirOf(ctx.lang),
    start_url: ctx.urls.home(),
    scope: '/',
    display: 'standalone',
    theme_color: BRAND_COLOR,
    background_color: BACKGROUND_COLOR,
    icons: ICONS.filter((i) => i.size >= 192).map((i) => ({ src: i.path, sizes: `${i.size}x${i.size}`, type: 'image/png', ...(i.maskable ? { purpose: 'maskable' } : {}) })),
  };
}

/** Returns the route handler of a language's manifest. */
export function manifestRoute(deps: WebDeps, lang: Lang) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const ctx = pageContext(deps.config.site, lang, deps.now());
    return sendSmall(req, reply, new PageBody(Buffer.from(JSON.stringify(webManifest(ctx))), Date.now()), MANIFEST_TYPE);
  };
}

/**
 * Returns the OpenSearch 1.1 description of a language's search, with absolute URLs under `origin`.
 * @example openSearchXml(ctx, 'https://news.example') // '<?xml …<Url type="text/html" template="https://news.example/search?q={searchTerms}"/>…'
 */
export function openSearchXml(ctx: ReturnType<typeof pageContext>, origin: string): string {
  const x = (s: string) => escapeHtml(xmlText(s));
  const name = ctx.site.siteName;
  // ShortName: 16 characters at most (OpenSearch 1.1).
  return `<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
<ShortName>${x([...name].slice(0, 16).join(''))}</ShortName>
<Description>${x(`${ctx.t.searchLabel} - ${name}`.slice(0, 1024))}</Description>
<InputEncoding>UTF-8</InputEncoding>
<Language>${ctx.lang}</Language>
<Image height="32" width="32" type="image/png">${x(`${origin}/favicon.ico`)}</Image>
<Url type="text/html" method="get" template="${x(`${origin}${ctx.urls.search()}`)}?q={searchTerms}"/>
<Url type="application/opensearchdescription+xml" rel="self" template="${x(`${origin}${ctx.urls.prefix}/opensearch.xml`)}"/>
</OpenSearchDescription>
`;
}

/** Returns the route handler of a language's OpenSearch description; 400 for a Host that is not a host name. */
export function openSearchRoute(deps: WebDeps, lang: Lang) {
  return async (req: FastifyRequest & OriginRequest, reply: FastifyReply) => {
    const found = siteOrigin(deps.config, req);
    if (!found) return reply.code(400).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('400 Bad Request: the Host header is not a host name (set siteUrl to make links independent of it)\n');
    const ctx = pageContext(deps.config.site, lang, deps.now());
    return sendSmall(req, reply, new PageBody(Buffer.from(openSearchXml(ctx, found.origin)), Date.now()), OPENSEARCH_TYPE);
  };
}
