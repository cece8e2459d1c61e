/** The image addresses an article names: its lead image and the `<img>`s of its sanitized body. */
import { decodeEntities } from '../html/text.js';
import { httpUrl } from '../model/url.js';

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
