/**
 * JSON Feed 1.0 / 1.1 → ParsedFeed. Plain-text fields (content_text, summary) are escaped into
 * HTML; relative URLs resolve against the feed URL; item authors fall back to the feed's.
 */
import type { ParsedFeed } from '../../model/feed.js';
import { parseDate } from './dates.js';
import { ParseError } from './errors.js';
import { type DraftItem, finishItems, imageSlots, isImage, pickImage, resolveId } from './item.js';
import { normalizeLanguage } from './lang.js';
import { collapseWhitespace, escapeHtml, escapeStrayLt, nonEmpty } from '../../html/text.js';
import { resolveHtmlUrls, resolveUrl } from './url.js';

type Json = Record<string, unknown>;

function str(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' ? nonEmpty(v) : null;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function url(v: unknown, base: string | null): string | null {
  const s = str(v);
  return s === null ? null : resolveUrl(s, base);
}

function authorNames(o: Json): string | null {
  const list = Array.isArray(o.authors) ? o.authors : isObject(o.author) ? [o.author] : [];
  const names = list.filter(isObject).map((a) => str(a.name)).filter((n): n is string => n !== null);
  return names.length === 0 ? null : names.join(', ');
}

/** Returns true when a parsed JSON value is shaped like a JSON Feed. */
export function isJsonFeed(doc: unknown): doc is Json {
  if (!isObject(doc)) return false;
  const version = typeof doc.version === 'string' ? doc.version : '';
  return version.includes('jsonfeed.org') || Array.isArray(doc.items) && (version !== '' || typeof doc.title === 'string');
}

/**
 * Returns the ParsedFeed of a JSON Feed document (already JSON-parsed); relative URLs and ids
 * resolve against `base` (the document's URL), `fallbackLanguage` is the language when it names none.
 * @example readJsonFeed(JSON.parse(text), 'https://x.test/feed.json') // { format: 'json', version: '1.1', … }
 */
export function readJsonFeed(doc: unknown, feedUrl: string | null, fallbackLanguage: string | null = null): ParsedFeed {
  if (!isJsonFeed(doc)) throw new ParseError('JARIDA_PARSE_NOT_A_FEED', 'parse: JSON document is not a JSON Feed (no jsonfeed.org version, no items)');
  const version = typeof doc.version === 'string' ? /(\d+(?:\.\d+)?)\/?$/.exec(doc.version)?.[1] ?? null : null;
  const base = feedUrl ?? str(doc.feed_url);
  const language = normalizeLanguage(str(doc.language)) ?? fallbackLanguage;
  const feedAuthor = authorNames(doc);
  const drafts: DraftItem[] = [];
  for (const it of Array.isArray(doc.items) ? doc.items : []) {
    if (isObject(it)) drafts.push(readItem(it, base, feedAuthor));
  }
  return {
    format: 'json',
    version: version === '1' ? '1.0' : version,
    wellFormed: true,
    title: str(doc.title) === null ? null : collapseWhitespace(str(doc.title)!),
    siteUrl: url(doc.home_page_url, base),
    feedUrl: url(doc.feed_url, base),
    ...jsonHubs(doc.hubs, base),
    description: str(doc.description),
    language,
    ttlMinutes: null,
    skipHours: [],
    skipDays: [],
    items: finishItems(drafts, language),
  };
}

/** Returns `{ hubs }` from JSON Feed's `hubs` (objects with a `url`; WebSub's type or none), or nothing. */
function jsonHubs(value: unknown, base: string | null): { hubs?: string[] } {
  if (!Array.isArray(value)) return {};
  const hubs: string[] = [];
  for (const h of value) {
    if (!isObject(h)) continue;
    const type = str(h.type)?.toLowerCase();
    const href = url(h.url, base);
    if (href && (type === undefined || type === null || type === 'websub' || type === 'pubsubhubbub') && !hubs.includes(href)) hubs.push(href);
  }
  return hubs.length ? { hubs } : {};
}

function readItem(it: Json, base: string | null, feedAuthor: string | null): DraftItem {
  const html = str(it.content_html);
  const text = str(it.content_text);
  const summaryText = str(it.summary);
  const content = html !== null ? resolveHtmlUrls(escapeStrayLt(html), base) : text !== null ? escapeHtml(text) : null;
  const images = imageSlots();
  images.enclosure = url(it.image, base) ?? url(it.banner_image, base);
  if (images.enclosure === null && Array.isArray(it.attachments)) {
    for (const a of it.attachments) {
      const href = isObject(a) ? url(a.url, base) : null;
      if (href !== null && isObject(a) && isImage(href, typeof a.mime_type === 'string' ? a.mime_type : 'x/unknown')) {
        images.enclosure = href;
        break;
      }
    }
  }
  const summary = summaryText === null ? null : escapeHtml(summaryText);
  const title = str(it.title);
  return {
    guid: resolveId(str(it.id), base),
    url: url(it.url, base) ?? url(it.external_url, base),
    title: title === null ? null : collapseWhitespace(title),
    summary,
    content,
    author: authorNames(it) ?? feedAuthor,
    published: typeof it.date_published === 'string' ? parseDate(it.date_published) : null,
    updated: typeof it.date_modified === 'string' ? parseDate(it.date_modified) : null,
    imageUrl: pickImage(images, content, summary, base),
    categories: Array.isArray(it.tags) ? [...new Set(it.tags.map(str).filter((t): t is string => t !== null))] : [],
    language: str(it.language),
  };
}
