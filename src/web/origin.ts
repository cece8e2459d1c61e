/**
 * Where the site's absolute links point (feeds, sitemaps, canonical and social tags, the API): the
 * configured siteUrl, else what the request says, checked.
 */
import type { Config } from '../config.js';

/** A Host header we accept for links: a DNS name or an IPv4/[IPv6] address, an optional port; nothing else. */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?|\[[0-9a-f:.]{2,45}\])(?::[0-9]{1,5})?$/i;

/** Where a feed's absolute links point; fromRequest: taken from the request, so never cached by path alone. */
export interface SiteOrigin {
  origin: string;
  fromRequest: boolean;
}

/** What siteOrigin reads of a request. */
export interface OriginRequest {
  protocol: string;
  headers: { host?: string | undefined };
  socket?: { localAddress?: string | undefined; localPort?: number | undefined };
}

/**
 * Returns where absolute links point: the configured siteUrl; without one, the request's Host header
 * when it is a plain host[:port], or (no Host at all, HTTP/1.0) the address and port the request came
 * in on — both fromRequest, as a forged header changes the links. Null for a Host that is not a host
 * name: no link is made from it, and the answer is a 400.
 * @example siteOrigin(config, { protocol: 'http', headers: { host: 'news.example:8080' } }) // { origin: 'http://news.example:8080', fromRequest: true }
 */
export function siteOrigin(config: Pick<Config, 'site'>, req: OriginRequest): SiteOrigin | null {
  if (config.site.siteUrl) return { origin: config.site.siteUrl, fromRequest: false };
  const host = req.headers.host;
  if (host === undefined || host === '') {
    const addr = req.socket?.localAddress?.replace(/^::ffff:(?=\d+\.)/, '');
    const port = req.socket?.localPort;
    return addr && port ? { origin: `http://${addr.includes(':') ? `[${addr}]` : addr}:${port}`, fromRequest: true } : null;
  }
  if (host.length > 260 || !HOST.test(host)) return null;
  const scheme = req.protocol === 'https' ? 'https' : 'http';
  const hostPort = host.toLowerCase().replace(scheme === 'https' ? /:443$/ : /:80$/, ''); // the scheme's default port goes
  return { origin: `${scheme}://${hostPort}`, fromRequest: true };
}
