/** What every format shares once its fields are read: ids, categories, images, author names, guid fallback. */
import { createHash } from 'node:crypto';
import type { FeedItem } from '../../model/feed.js';
import { collapseWhitespace, decodeEntities } from '../../html/text.js';
import { resolveUrl } from './url.js';

/** An item as a format reader produces it: the guid may still be missing. */
export type DraftItem = Omit<FeedItem, 'guid'> & { guid: string | null };

/** Image candidates in the order the lead image is chosen from. */
export interface ImageSlots {
  enclosure: string | null;
  mediaContent: string | null;
  mediaThumbnail: string | null;
  itunes: string | null;
}

/** Returns empty image slots. */
export function imageSlots(): ImageSlots {
  return { enclosure: null, mediaContent: null, mediaThumbnail: null, itunes: null };
}

const IMAGE_EXT_RE = /\.(?:jpe?g|png|gif|webp|avif|bmp|svg)(?:[?#]|$)/i;

/**
 * Returns true when a media reference is an image: by MIME type or `medium`, or, when neither says
 * anything useful, by the file extension of its URL.
 */
export function isImage(url: string, type: string | undefined, medium?: string): boolean {
  const t = (type ?? '').trim().toLowerCase();
  if (t.startsWith('image/') || medium?.toLowerCase() === 'image') return true;
  if (t !== '' && t !== 'application/octet-stream') return false;
  if (medium !== undefined && medium !== '') return false;
  return IMAGE_EXT_RE.test(url);
}

const IMG_TAG_RE = /<img\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const SRC_RE = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const TINY_RE = /\s(?:width|height)\s*=\s*["']?[01](?:px)?["'\s/>]/i;
// Tracking pixels and share buttons that feeds put in every item.
const TRACKER_RE = /feedburner\.com\/~[rf]f?\/|feedsportal\.com|stats\.wordpress\.com|doubleclick\.net|\/pixel(?:\.|\/|\?)|\/beacon|feeds\.wordpress\.com\/[\d.]+\/(?:comments|delicious|facebook|twitter|stumble|digg|reddit)/i;

/**
 * Returns the absolute `src` of the first real `<img>` in an HTML fragment, or null: 1-pixel
 * trackers, feed-service share buttons and data: URIs are passed over.
 * @example firstImageInHtml('<p><img src="/a.jpg"></p>', 'https://x.test/') // 'https://x.test/a.jpg'
 */
export function firstImageInHtml(html: string | null, base: string | null): string | null {
  if (html === null || html.indexOf('<img') === -1 && html.indexOf('<IMG') === -1) return null;
  IMG_TAG_RE.lastIndex = 0;
  for (let m = IMG_TAG_RE.exec(html); m !== null; m = IMG_TAG_RE.exec(html)) {
    const tag = m[0];
    const s = SRC_RE.exec(tag);
    if (s === null || TINY_RE.test(tag)) continue;
    const src = decodeEntities((s[1] ?? s[2] ?? s[3] ?? '').trim());
    if (src === '' || src.startsWith('data:') || TRACKER_RE.test(src)) continue;
    return resolveUrl(src, base);
  }
  return null;
}

/** Returns the lead image: enclosure, media:content, media:thumbnail, itunes:image, then the first `<img>`. */
export function pickImage(slots: ImageSlots, content: string | null, summary: string | null, base: string | null): string | null {
  return slots.enclosure ?? slots.mediaContent ?? slots.mediaThumbnail ?? slots.itunes
    ?? firstImageInHtml(content, base) ?? firstImageInHtml(summary, base);
}

/**
 * Returns a display name from an author field: 'jo@x.test (Jo Doe)', 'Jo Doe (jo@x.test)' and
 * 'Jo Doe <jo@x.test>' give 'Jo Doe'; a bare address stays as it is.
 */
export function authorName(raw: string): string | null {
  const s = collapseWhitespace(raw);
  if (s === '') return null;
  const m = /^\S+@\S+\s*\((.+)\)$/.exec(s) ?? /^(.+?)\s*[(<]\s*(?:mailto:)?[^\s()<>@]+@[^\s()<>]+\s*[)>]$/.exec(s);
  if (m === null) return s;
  return m[1]!.replace(/^["']|["']$/g, '').trim() || s;
}

function hashGuid(item: DraftItem): string {
  const date = (item.published ?? item.updated)?.toISOString() ?? '';
  const extra = item.title === null || date === '' ? item.content ?? item.summary ?? '' : '';
  return `sha1:${createHash('sha1').update(`${item.title ?? ''}\n${date}\n${extra}`).digest('hex')}`;
}

/**
 * Returns the items with a guid each (guid → link → hash of title and date) and the feed language
 * where they name none. Every entry stays an item, even when two share a guid or a link: which
 * one is kept is the store's dedupe, not the parser's.
 */
export function finishItems(drafts: readonly DraftItem[], feedLanguage: string | null): FeedItem[] {
  return drafts.map((d) => ({ ...d, guid: d.guid ?? d.url ?? hashGuid(d), language: d.language ?? feedLanguage }));
}

/**
 * Returns the items without later repeats of a guid: the first one wins, as feeds list the newest
 * version of a story first. The parser keeps every entry; this is the dedupe step's rule for
 * entries of one feed (the store's unique source + guid then covers feeds fetched before).
 */
export function firstOfEachGuid<T extends { guid: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.guid) && seen.add(i.guid) !== undefined);
}

// A relative reference by its look: '/a', './a', '../a' (and '//host/a'). Bare tokens ('1234',
// 'post-7') are ids, not paths, and stay as written.
const RELATIVE_REF_RE = /^(?:\/|\.\.?\/)/;

/**
 * Returns an item id trimmed, resolved against `base` when it is a relative reference (RSS guid,
 * Atom id, dc:identifier, JSON Feed id alike); null when blank.
 * @example resolveId('/posts/7', 'https://x.test/feed') // 'https://x.test/posts/7'
 */
export function resolveId(raw: string | null | undefined, base: string | null): string | null {
  const id = raw?.trim();
  if (!id) return null;
  return base !== null && RELATIVE_REF_RE.test(id) ? resolveUrl(id, base) : id;
}

/** Adds a category to the list unless blank or already there. */
export function addCategory(list: string[], term: string | null): void {
  if (term !== null && term !== '' && !list.includes(term)) list.push(term);
}

/** Adds each term of a comma-separated keyword list (`<tags>`, itunes:keywords, media:keywords). */
export function addKeywords(list: string[], text: string): void {
  for (const t of text.split(',')) addCategory(list, collapseWhitespace(t));
}
