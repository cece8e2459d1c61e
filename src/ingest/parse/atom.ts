/**
 * Atom 1.0 and Atom 0.3 → ParsedFeed. Text constructs follow their type: text is escaped into
 * HTML, html is taken as it is, xhtml is the inner div's children serialized; Atom 0.3's
 * `mode="escaped" | "xml" | "base64"` is honoured. Entry authors fall back to the feed's.
 */
import type { ParsedFeed } from '../../model/feed.js';
import { parseDate } from './dates.js';
import { type DraftItem, addCategory, addKeywords, finishItems, imageSlots, isImage, pickImage, resolveId } from './item.js';
import { type MediaText, readMedia } from './media.js';
import { normalizeLanguage } from './lang.js';
import { collapseWhitespace, escapeHtml, escapeStrayLt, htmlToText, nonEmpty } from '../../html/text.js';
import { resolveHtmlUrls, resolveUrl } from './url.js';
import { type XmlElement, elements, hasElementChildren, innerHtml, textContent } from './xml.js';

const ATOM_NS = new Set(['atom', 'atom03', '']);

/** Returns the absolute href of an atom:link (an empty href means the base itself), or null when it has none. */
export function atomLinkHref(el: XmlElement): string | null {
  const href = el.attrs.href ?? textContent(el);
  if (href.trim() === '' && el.attrs.href === undefined) return null;
  return resolveUrl(href.trim(), el.base);
}

const BASE64_RE = /^[A-Za-z0-9+/=\s]+$/;

// RFC 4287: content of a type that is neither text/* nor XML is base64; decode it when it is.
function fromBase64(s: string): string | null {
  const t = s.replace(/\s+/g, '');
  if (t === '' || !BASE64_RE.test(t) || t.length % 4 === 1) return null;
  const bytes = Buffer.from(t, 'base64');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Returns an Atom text construct as HTML, links made absolute against its xml:base: text is
 * escaped, html taken as it is, xhtml serialized (Atom 1.0's wrapper div dropped), base64 decoded;
 * null when empty or out-of-line (`src`).
 */
export function atomTextHtml(el: XmlElement): string | null {
  const html = atomTextRaw(el);
  return html === null ? null : resolveHtmlUrls(html, el.base);
}

function atomTextRaw(el: XmlElement): string | null {
  const type = (el.attrs.type ?? '').trim().toLowerCase();
  const mode = (el.attrs.mode ?? '').trim().toLowerCase();
  if (el.attrs.src !== undefined && el.children.length === 0) return null; // out-of-line content
  if (mode === 'base64') {
    const decoded = fromBase64(textContent(el));
    if (decoded === null) return null;
    return nonEmpty(type === 'text' || type === 'text/plain' ? escapeHtml(decoded) : decoded); // untyped: HTML
  }
  if (type === 'xhtml') {
    const kids = elements(el);
    const div = kids.length === 1 && kids[0]!.key === 'div' && onlyWhitespaceText(el) ? kids[0]! : el;
    return nonEmpty(innerHtml(div));
  }
  // an application/xhtml+xml (Atom 0.3) <div> is content, not a wrapper (feedparser keeps it)
  if (type === 'application/xhtml+xml' || (mode === 'xml' || type.endsWith('+xml') || type.endsWith('/xml')) && hasElementChildren(el)) {
    return nonEmpty(innerHtml(el));
  }
  const text = textContent(el);
  if (type === 'html' || mode === 'escaped') {
    // escaped markup is the content; naked markup is kept, except a lone wrapper <div> around
    // escaped markup (TypePad's habit), which is dropped
    const kids = elements(el);
    if (kids.length === 0 || kids.length === 1 && kids[0]!.key === 'div' && !hasElementChildren(kids[0]!) && onlyWhitespaceText(el)) return html(text);
    return nonEmpty(innerHtml(el));
  }
  if (hasElementChildren(el) && (type === '' || type === 'text' || type === 'text/html')) return nonEmpty(innerHtml(el)); // naked markup
  if (type === 'text/html') return html(text);
  if (type !== '' && type !== 'text' && !type.startsWith('text/') && !type.endsWith('xml')) {
    const decoded = fromBase64(text);
    if (decoded !== null) return nonEmpty(decoded); // taken as HTML, as feedparser and gofeed do
  }
  return nonEmpty(text) === null ? null : escapeHtml(text.trim());
}

// Escaped markup taken as HTML: a '<' that opens nothing stays text.
function html(text: string): string | null {
  const t = nonEmpty(text);
  return t === null ? null : escapeStrayLt(t);
}

/** Returns an atom:category's term (its value), else its label, else its text; null when none. */
export function atomCategory(el: XmlElement): string | null {
  return nonEmpty(el.attrs.term) ?? nonEmpty(el.attrs.label) ?? nonEmpty(collapseWhitespace(textContent(el)));
}

function onlyWhitespaceText(el: XmlElement): boolean {
  for (const c of el.children) if (typeof c === 'string' && c.trim() !== '') return false;
  return true;
}

/** Returns an Atom text construct as plain text (title, subtitle), or null when empty. */
export function atomPlain(el: XmlElement): string | null {
  const type = (el.attrs.type ?? '').trim().toLowerCase();
  const mode = (el.attrs.mode ?? '').trim().toLowerCase();
  if ((type === '' || type === 'text' || type === 'text/plain') && mode === '' && !hasElementChildren(el)) {
    return nonEmpty(collapseWhitespace(textContent(el)));
  }
  const html = atomTextRaw(el);
  return html === null ? null : nonEmpty(htmlToText(html));
}

/**
 * Returns a chooser among rel=alternate links: `add(link)` returns the link's URL when it should
 * replace the ones seen so far: an HTML (or untyped) link over any other, and among equals the
 * last, as every repeated element is read.
 */
function alternatePicker(): { add(link: XmlElement): string | null } {
  let chosen = false;
  let chosenHtml = false;
  return {
    add(link) {
      const href = atomLinkHref(link);
      if (href === null) return null;
      const type = (link.attrs.type ?? '').toLowerCase();
      const html = type === '' || type.includes('html');
      if (chosen && chosenHtml && !html) return null;
      chosen = true;
      chosenHtml = html;
      return href;
    },
  };
}

/** Returns the names of atom:author / atom:contributor persons, joined by ', ' (email when no name). */
export function atomPersonNames(persons: readonly XmlElement[]): string | null {
  const names: string[] = [];
  for (const p of persons) {
    let name: string | null = null;
    let email: string | null = null;
    for (const c of elements(p)) {
      if (c.key === 'name') name ??= nonEmpty(collapseWhitespace(textContent(c)));
      else if (c.key === 'email') email ??= nonEmpty(textContent(c));
    }
    if (!hasElementChildren(p)) name ??= nonEmpty(collapseWhitespace(textContent(p)));
    const n = name ?? email;
    if (n !== null && !names.includes(n)) names.push(n);
  }
  return names.length === 0 ? null : names.join(', ');
}

/**
 * Returns the ParsedFeed of an Atom `<feed>` document element; `fallbackLanguage` (the HTTP
 * Content-Language) is its language when the feed names none.
 * @example readAtom(parseXml(text, url).root!) // { format: 'atom', version: '1.0', items: [...] }
 */
export function readAtom(root: XmlElement, fallbackLanguage: string | null = null): ParsedFeed {
  const version = root.ns === 'atom03' || root.attrs.version === '0.3' ? '0.3' : '1.0';
  // elements in the root's own namespace count as Atom too (feeds with a home-made namespace)
  const isAtom = (el: XmlElement): boolean => ATOM_NS.has(el.ns) || el.ns === root.ns;
  let title: string | null = null;
  let siteUrl: string | null = null;
  let feedUrl: string | null = null;
  let description: string | null = null;
  const hubs: string[] = [];
  const authors: XmlElement[] = [];
  const entries: XmlElement[] = [];
  const alternates = alternatePicker();
  for (const c of elements(root)) {
    if (!isAtom(c)) continue;
    switch (c.key) {
      case 'title': title ??= atomPlain(c); break;
      case 'subtitle': case 'tagline': description ??= atomPlain(c); break;
      case 'author': authors.push(c); break;
      case 'entry': entries.push(c); break;
      case 'link': {
        const rel = (c.attrs.rel ?? 'alternate').trim().toLowerCase();
        if (rel === 'alternate') siteUrl = alternates.add(c) ?? siteUrl;
        else if (rel === 'self') feedUrl ??= atomLinkHref(c);
        else if (rel === 'hub') {
          const hub = atomLinkHref(c);
          if (hub && !hubs.includes(hub)) hubs.push(hub);
        }
        break;
      }
    }
  }
  const feedAuthor = atomPersonNames(authors);
  const language = normalizeLanguage(root.lang) ?? fallbackLanguage;
  const drafts = entries.map((e) => readEntry(e, feedAuthor, isAtom));
  return {
    format: 'atom', version, wellFormed: true, title, siteUrl, feedUrl, ...(hubs.length ? { hubs } : {}), description, language,
    ttlMinutes: null, skipHours: [], skipDays: [], items: finishItems(drafts, language),
  };
}

function readEntry(el: XmlElement, feedAuthor: string | null, isAtom: (el: XmlElement) => boolean): DraftItem {
  let guid: string | null = null;
  let url: string | null = null;
  const alternates = alternatePicker();
  let title: string | null = null;
  let summary: string | null = null;
  let secondSummary: string | null = null; // a second summary: the content when there is none
  let content: string | null = null;
  let published: Date | null = null;
  let created: Date | null = null;
  let issued: Date | null = null;
  let updated: Date | null = null;
  let sourceAuthor: string | null = null;
  const authors: XmlElement[] = [];
  const categories: string[] = [];
  const images = imageSlots();
  const media: MediaText = { title: null, description: null };
  for (const c of elements(el)) {
    if (isAtom(c)) {
      switch (c.key) {
        case 'id': guid = resolveId(textContent(c), c.base) ?? guid; break;
        case 'title': title ??= atomPlain(c); break;
        case 'summary': {
          const body = atomTextHtml(c);
          if (summary === null) summary = body;
          else secondSummary ??= body;
          break;
        }
        case 'content': content ??= atomTextHtml(c); break;
        case 'published': published ??= parseDate(textContent(c)); break;
        case 'issued': issued ??= parseDate(textContent(c)); break;
        case 'created': created ??= parseDate(textContent(c)); break;
        case 'updated': case 'modified': updated ??= parseDate(textContent(c)); break;
        case 'author': authors.push(c); break;
        case 'source':
          sourceAuthor ??= atomPersonNames(elements(c).filter((s) => s.key === 'author'));
          break;
        case 'category': addCategory(categories, atomCategory(c)); break;
        case 'tags': addKeywords(categories, textContent(c)); break; // a made-up element some feeds use
        case 'link': {
          const href = atomLinkHref(c);
          if (href === null) break;
          const rel = (c.attrs.rel ?? 'alternate').trim().toLowerCase();
          if (rel === 'alternate') url = alternates.add(c) ?? url;
          else if (rel === 'enclosure' && isImage(href, c.attrs.type)) images.enclosure ??= href;
          break;
        }
      }
    } else if (c.ns === 'media' && c.key === 'keywords') addKeywords(categories, textContent(c));
    else if (c.ns === 'media') readMedia(c, images, media);
    else if (c.ns === 'dc' && c.key === 'subject') addCategory(categories, nonEmpty(collapseWhitespace(textContent(c))));
    else if (c.ns === 'dc' && c.key === 'creator' && authors.length === 0) sourceAuthor ??= nonEmpty(collapseWhitespace(textContent(c)));
  }
  const base = el.base;
  content ??= secondSummary;
  return {
    guid,
    url,
    title: title ?? media.title,
    summary: summary ?? media.description,
    content,
    author: atomPersonNames(authors) ?? sourceAuthor ?? feedAuthor,
    published: published ?? issued ?? created ?? updated,
    updated,
    imageUrl: pickImage(images, content, summary, base),
    categories,
    language: normalizeLanguage(el.lang),
  };
}
