/**
 * Full text: the main content of an article page and its metadata, by Mozilla's Reader View
 * (Readability) on linkedom. Chosen by measurement, see bench/eval-extract.ts. The content is
 * HTML, not sanitized (ingest/sanitize does that); URLs in it are absolute. Whatever Reader View
 * finds is returned, however short: whether it is worth keeping (over a feed's summary, as a page
 * source's article) is the caller's decision, made on `textLength` and `linkTextLength`.
 */
import { Readability } from '@mozilla/readability';
import { isRtlLanguage } from '../../model/direction.js';
import { innerHtml, parseHtmlDocument, resolveUrl } from './dom.js';

/** What Reader View found on an article page. */
export interface ExtractedArticle {
  title: string | null;
  byline: string | null;
  /** The article body as HTML (not sanitized), URLs absolute. */
  contentHtml: string;
  /** Characters of text in contentHtml, whitespace runs counted as one space. */
  textLength: number;
  /** Of those, the characters inside links: near textLength, the content is a menu or link list. */
  linkTextLength: number;
  excerpt: string | null;
  leadImageUrl: string | null;
  /** BCP 47 tag as the page declares it (<html lang>, else Content-Language or og:locale). */
  language: string | null;
  /** 'rtl' or 'ltr' from the content's ancestors; 'rtl' when absent and the language is written right to left. */
  dir: string | null;
  /** As written in the page (meta or JSON-LD), not reformatted. */
  publishedTime: string | null;
  /** The page's own section and tags (Open Graph `article:section`, `article:tag`), in that order, each once. */
  categories: string[];
  canonicalUrl: string | null;
  siteName: string | null;
}

/** An image is "large" for the lead-image fallback when no declared side is below this (px). */
const MIN_LEAD_IMAGE_SIDE = 150;

/**
 * Returns the article on page `url` (its HTML in `html`) as Reader View finds it, or null when it
 * finds no content at all. Never throws: bad HTML is parsed much as a browser would, a page over
 * 5 Mi characters is cut there and nesting past 256 levels is flattened first (bound.ts), and a
 * failure inside the parser or Readability counts as "no content". A short text is still returned:
 * callers weigh it (see `isLinkList` and refresh's full text).
 *
 * @example extractArticle(await res.text(), res.url)?.contentHtml
 */
export function extractArticle(html: string, url: string): ExtractedArticle | null {
  if (typeof html !== 'string' || !html.trim()) return null;
  try {
    return extract(html, url);
  } catch {
    return null; // a bug-shaped page inside linkedom/Readability: the caller keeps the feed's summary
  }
}

function extract(html: string, url: string): ExtractedArticle | null {
  const doc = parseHtmlDocument(html, url);
  const base = doc.baseURI;
  // Read head metadata first: Readability edits the document while it works.
  const metaImage = metaContent(doc, ['og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image', 'twitter:image:src']);
  const words = articleWords(doc);
  const canonical = doc.querySelector('link[rel~="canonical" i][href]')?.getAttribute('href');
  const language =
    clean(doc.documentElement.getAttribute('lang')) ??
    clean(doc.querySelector('meta[http-equiv="content-language" i]')?.getAttribute('content')?.split(',')[0]) ??
    clean(metaContent(doc, ['og:locale'])?.replace('_', '-'));
  const published = publishedFallback(doc);

  const article = new Readability<Element>(doc, { classesToPreserve: ['caption'], serializer: (node) => node as Element }).parse();
  const content = article?.content;
  const contentHtml = content ? innerHtml(content) : '';
  if (!article || !content || !contentHtml.trim()) return null;

  const lang = clean(article.lang) ?? language;
  return {
    title: clean(article.title),
    byline: clean(article.byline),
    contentHtml,
    textLength: textLength(content),
    linkTextLength: linkTextLength(content),
    excerpt: clean(article.excerpt),
    leadImageUrl: (metaImage && resolveUrl(metaImage, base)) ?? firstLargeImage(content),
    language: lang,
    dir: clean(article.dir) ?? (isRtlLanguage(lang) ? 'rtl' : null),
    publishedTime: clean(article.publishedTime) ?? published,
    canonicalUrl: canonical ? resolveUrl(canonical, base) : null,
    siteName: clean(article.siteName),
    categories: words,
  };
}

/** Most words an article page names (a tag cloud in the meta is not the article's filing). */
const MAX_PAGE_WORDS = 10;

/** Returns the page's `article:section` then its `article:tag`s (Open Graph), whitespace collapsed, each once. */
function articleWords(doc: Document): string[] {
  const out = new Set<string>();
  for (const key of ['article:section', 'article:tag']) {
    for (const meta of doc.querySelectorAll('meta[content]')) {
      if ((meta.getAttribute('property') ?? meta.getAttribute('name') ?? '').trim().toLowerCase() !== key) continue;
      const word = clean(meta.getAttribute('content'));
      if (word && out.size < MAX_PAGE_WORDS) out.add(word);
    }
  }
  return [...out];
}

function clean(value: string | null | undefined): string | null {
  const s = value?.replace(/\s+/g, ' ').trim();
  return s ? s : null;
}

/** Returns the content of the first <meta property|name=…> among `keys`, in the order of `keys`. */
function metaContent(doc: Document, keys: readonly string[]): string | null {
  const found = new Map<string, string>();
  for (const meta of doc.querySelectorAll('meta[content]')) {
    const key = (meta.getAttribute('property') ?? meta.getAttribute('name') ?? '').trim().toLowerCase();
    const content = meta.getAttribute('content')?.trim();
    if (content && keys.includes(key) && !found.has(key)) found.set(key, content);
  }
  for (const k of keys) if (found.has(k)) return found.get(k)!;
  return null;
}

/** Published time from markup Readability does not read: itemprop, <time pubdate>, Dublin Core. */
function publishedFallback(doc: Document): string | null {
  const el = doc.querySelector('[itemprop="datePublished"]');
  const fromItemprop = el?.getAttribute('content') ?? el?.getAttribute('datetime');
  return (
    clean(fromItemprop) ??
    clean(metaContent(doc, ['og:published_time', 'dc.date.issued', 'dcterms.issued', 'dc.date', 'date', 'pubdate', 'publishdate'])) ??
    clean(doc.querySelector('time[pubdate][datetime]')?.getAttribute('datetime'))
  );
}

/** Above this share of its text inside links, content is a menu or a link list, not an article. */
export const MAX_LINK_DENSITY = 0.5;

/**
 * Returns true when most of the article's text sits inside links: Reader View fell back to a menu
 * or an index page. For callers deciding whether a page holds an article.
 *
 * @example if (!a || isLinkList(a)) keepTheSummary()
 */
export function isLinkList(a: Pick<ExtractedArticle, 'textLength' | 'linkTextLength'>): boolean {
  return a.linkTextLength > MAX_LINK_DENSITY * a.textLength;
}

function collapsedLength(text: string | null | undefined): number {
  return text?.replace(/\s+/g, ' ').trim().length ?? 0;
}

function textLength(content: Element): number {
  return collapsedLength(content.textContent);
}

function linkTextLength(content: Element): number {
  let n = 0;
  for (const a of content.getElementsByTagName('a')) if (!a.parentElement?.closest('a')) n += collapsedLength(a.textContent);
  return n;
}

/** The first <img> in the content (URLs already absolute) whose declared size, if any, is not small. */
function firstLargeImage(content: Element): string | null {
  for (const img of content.querySelectorAll('img[src]')) {
    const src = img.getAttribute('src')!;
    if (!/^https?:/i.test(src)) continue;
    const w = Number.parseInt(img.getAttribute('width') ?? '', 10);
    const h = Number.parseInt(img.getAttribute('height') ?? '', 10);
    if ((w && w < MIN_LEAD_IMAGE_SIDE) || (h && h < MIN_LEAD_IMAGE_SIDE)) continue;
    return src;
  }
  return null;
}
