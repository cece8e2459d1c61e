/**
 * The image addresses an article names (its lead image and the `<img>`s of its sanitized body), and
 * the addresses of uploaded images, which are never fetched.
 */
import { decodeEntities } from '../html/text.js';
import { httpUrl } from '../model/url.js';
import { MEDIA_NAME } from './files.js';
import { MEDIA_PREFIX } from './serve.js';

/** Images of one body fetched at most (a gallery of hundreds is linked, not copied). */
export const MAX_BODY_IMAGES = 20;

const IMG = /<img\s[^>]*>/gi;
const SRC = /(?:^|\s)src="([^"]*)"/i;

/**
 * Returns the http(s) image addresses of a sanitized body's `<img src>`, in order, each once.
 * @example bodyImageUrls('<p><img src="https://x.example/a.jpg?w=1&amp;h=2"></p>') // ['https://x.example/a.jpg?w=1&h=2']
 */
export function bodyImageUrls(html: string | null, max = MAX_BODY_IMAGES): string[] {
  if (!html || !html.includes('<img')) return [];
  const out = new Set<string>();
  for (const m of html.matchAll(IMG)) {
    const src = SRC.exec(m[0])?.[1];
    const url = src ? httpUrl(decodeEntities(src)) : null;
    if (url) out.add(url);
    if (out.size >= max) break;
  }
  return [...out];
}

/**
 * Returns every image address an article names: the lead image first, then its body's.
 * @example articleImageUrls({ imageUrl: 'https://x.example/lead.jpg', contentHtml: null }) // ['https://x.example/lead.jpg']
 */
export function articleImageUrls(a: { imageUrl: string | null; contentHtml: string | null }): string[] {
  const lead = httpUrl(a.imageUrl);
  return [...new Set([...(lead ? [lead] : []), ...bodyImageUrls(a.contentHtml)])];
}

/**
 * The host of an uploaded image's address on a site with no `siteUrl`: reserved (RFC 2606 and 6761),
 * so it never resolves, never names anyone else's server, and no fetch is ever tried.
 */
export const UPLOAD_HOST = 'uploads.invalid';

/**
 * Returns the address an uploaded image is known by, from the name of its largest fallback file: that
 * file on this site (`<siteUrl>/media/<hash>-<w>.<ext>`), or `https://uploads.invalid/<name>` when the
 * site has no address. The same bytes give the same address (the name is their hash), so the same
 * image uploaded twice is one `media` row.
 * @example uploadedImageUrl('0f…e1-1280.jpg', 'https://news.example') // 'https://news.example/media/0f…e1-1280.jpg'
 */
export function uploadedImageUrl(fileName: string, siteUrl: string | null): string {
  if (!MEDIA_NAME.test(fileName)) throw new Error(`media: "${fileName.slice(0, 80)}" is not a media file name`);
  const url = httpUrl(siteUrl ? `${siteUrl.replace(/\/+$/, '')}${MEDIA_PREFIX}${fileName}` : `https://${UPLOAD_HOST}/${fileName}`);
  if (!url) throw new Error(`media: no http(s) address for an upload under ${JSON.stringify(siteUrl)}`);
  return url;
}

/**
 * Returns true for an address the image fetcher must never fetch: an upload's (`uploads.invalid`), or
 * a file under this site's own `/media/` (an upload, or a copy already made here).
 * @example isOwnImageUrl('https://uploads.invalid/0f…e1-1280.jpg', null) === true
 */
export function isOwnImageUrl(url: string, siteUrl: string | null): boolean {
  if (!URL.canParse(url)) return false;
  const u = new URL(url);
  if (u.hostname === UPLOAD_HOST) return true;
  if (!siteUrl || !URL.canParse(siteUrl)) return false;
  const own = new URL(`${siteUrl.replace(/\/+$/, '')}${MEDIA_PREFIX}`);
  return u.origin === own.origin && u.pathname.startsWith(own.pathname) && MEDIA_NAME.test(u.pathname.slice(own.pathname.length));
}
