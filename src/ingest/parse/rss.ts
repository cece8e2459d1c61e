/**
 * RSS 0.9x / 2.0 and RDF (RSS 0.90 / 1.0) → ParsedFeed. One pass over each item's children, with
 * the usual extensions: content:encoded, Dublin Core, Media RSS, iTunes, atom:* inside RSS,
 * xhtml:body, feedburner:origLink.
 */
import type { ParsedFeed } from '../../model/feed.js';
import { parseDate } from './dates.js';
import { type DraftItem, addCategory, addKeywords, authorName, finishItems, imageSlots, isImage, pickImage, resolveId } from './item.js';
import { normalizeLanguage } from './lang.js';
import { type MediaText, mediaUrl, readMedia } from './media.js';
import { atomCategory, atomLinkHref, atomPersonNames, atomTextHtml } from './atom.js';
import { collapseWhitespace, escapeStrayLt, htmlToText, nonEmpty } from '../../html/text.js';
import { resolveHtmlUrls, resolveUrl } from './url.js';
import { type XmlElement, elements, hasElementChildren, innerHtml, namespaceKey, textContent } from './xml.js';

const RSS_NS = new Set(['', 'rss10', 'rss09', 'rss2']);

/** Returns true when the element is in no namespace or one of the RSS namespaces. */
function isCore(el: XmlElement): boolean {
  return RSS_NS.has(el.ns);
}

/** Returns an element's content as HTML: inline markup serialized, else its decoded text. */
export function htmlOf(el: XmlElement): string {
  return hasElementChildren(el) ? innerHtml(el) : textContent(el);
}

/** Returns an element's content as HTML with relative links made absolute against its xml:base, or null when blank. */
function bodyOf(el: XmlElement): string | null {
  if (hasElementChildren(el)) {
    const html = nonEmpty(innerHtml(el));
    return html === null ? null : resolveHtmlUrls(html, el.base);
  }
  const html = nonEmpty(textContent(el));
  return html === null ? null : resolveHtmlUrls(escapeStrayLt(html), el.base);
}

/** Returns an element's content as plain text (markup and entities resolved, whitespace collapsed). */
export function plainOf(el: XmlElement): string | null {
  return nonEmpty(htmlToText(htmlOf(el)));
}

function linkOf(el: XmlElement): string | null {
  const raw = nonEmpty(textContent(el)) ?? nonEmpty(el.attrs.href);
  return raw === null ? null : resolveUrl(raw.replace(/\s+/g, ''), el.base);
}

/**
 * Returns the ParsedFeed of an `<rss>` or `<rdf:RDF>` document element; `fallbackLanguage` (the
 * HTTP Content-Language) is its language when the feed names none.
 * @example readRss(parseXml(text, url).root!) // { format: 'rss', version: '2.0', items: [...] }
 */
export function readRss(root: XmlElement, fallbackLanguage: string | null = null): ParsedFeed {
  const isRdf = root.key === 'rdf';
  const channel = root.key === 'channel' ? root : elements(root).find((e) => e.key === 'channel' && isCore(e)) ?? null;
  const itemEls: XmlElement[] = [];
  for (const parent of channel === null || channel === root ? [root] : [channel, root]) {
    for (const c of parent.children) if (typeof c !== 'string' && c.key === 'item' && isCore(c)) itemEls.push(c);
  }
  const feed = readChannel(channel);
  feed.language = normalizeLanguage(feed.language ?? channel?.lang ?? root.lang) ?? fallbackLanguage;
  const version = isRdf
    ? itemEls[0]?.ns === 'rss09' || channel?.ns === 'rss09' || namespaceKey(root.attrs.xmlns ?? '') === 'rss09' ? '0.90' : '1.0'
    : nonEmpty(root.attrs.version);
  const drafts = itemEls.map((el) => readItem(el));
  return { format: isRdf ? 'rdf' : 'rss', version, wellFormed: true, ...feed, items: finishItems(drafts, feed.language) };
}

type ChannelFields = Omit<ParsedFeed, 'format' | 'version' | 'wellFormed' | 'items'>;

// A repeated single-valued element (two <link>s, two <guid>s): the last one wins, in every format,
// as feedparser and gofeed read it. Where one field has several sources (link, atom:link,
// guid), the order of sources stays fixed whatever the document order.
function readChannel(channel: XmlElement | null): ChannelFields {
  const out: ChannelFields = {
    title: null, siteUrl: null, feedUrl: null, description: null, language: null,
    ttlMinutes: null, skipHours: [], skipDays: [],
  };
  if (channel === null) return out;
  let atomAlternate: string | null = null;
  for (const c of elements(channel)) {
    if (isCore(c)) {
      switch (c.key) {
        case 'title': out.title ??= plainOf(c); break;
        case 'link': out.siteUrl = linkOf(c) ?? out.siteUrl; break;
        case 'description': out.description ??= plainOf(c); break;
        case 'language': out.language ??= nonEmpty(textContent(c)); break;
        case 'ttl': {
          const n = parseInt(textContent(c), 10);
          if (Number.isFinite(n) && n >= 0) out.ttlMinutes ??= n;
          break;
        }
        case 'skiphours':
          for (const h of elements(c)) {
            const n = parseInt(textContent(h), 10);
            if (h.key === 'hour' && n >= 0 && n <= 24) out.skipHours.push(n % 24);
          }
          break;
        case 'skipdays':
          for (const d of elements(c)) {
            const day = nonEmpty(textContent(d));
            if (d.key === 'day' && day !== null) out.skipDays.push(day);
          }
          break;
      }
    } else if (c.ns === 'atom' && c.key === 'link') {
      const rel = (c.attrs.rel ?? 'alternate').toLowerCase();
      if (rel === 'self') out.feedUrl ??= atomLinkHref(c);
      else if (rel === 'hub') addHub(out, atomLinkHref(c));
      else if (rel === 'alternate') atomAlternate = atomLinkHref(c) ?? atomAlternate;
    } else if (c.ns === 'dc' && c.key === 'language') out.language ??= nonEmpty(textContent(c));
    else if (c.ns === 'dc' && c.key === 'title') out.title ??= plainOf(c);
    else if (c.ns === 'itunes' && c.key === 'summary') out.description ??= plainOf(c);
  }
  out.siteUrl ??= atomAlternate;
  return out;
}

/** Adds a WebSub hub the feed advertises (a link without an href adds none). */
function addHub(out: { hubs?: string[] }, href: string | null): void {
  if (href && !out.hubs?.includes(href)) (out.hubs ??= []).push(href);
}

function readItem(el: XmlElement): DraftItem {
  let guid: string | null = null;
  let atomId: string | null = null;
  let dcId: string | null = null;
  let permalink: string | null = null;
  let url: string | null = null;
  let origLink: string | null = null;
  let atomLink: string | null = null;
  const rdfAbout = nonEmpty(el.attrs['rdf:about']);
  let title: string | null = null;
  let summary: string | null = null;
  let secondSummary: string | null = null; // a second description/summary: the content when there is none
  let altSummary: string | null = null; // dc:description
  let itunesSummary: string | null = null;
  let content: string | null = null;
  let rssAuthor: string | null = null;
  let creator: string[] | null = null;
  let otherAuthor: string | null = null;
  let published: Date | null = null;
  let updated: Date | null = null;
  let dcDate: Date | null = null;
  let issued: Date | null = null;
  let language: string | null = null;
  const categories: string[] = [];
  const images = imageSlots();
  const media: MediaText = { title: null, description: null };
  const addSummary = (html: string | null): void => {
    if (summary === null) summary = html;
    else secondSummary ??= html;
  };
  // atom:* elements inside an RSS item
  function readAtomChild(c: XmlElement): void {
    const rel = (c.attrs.rel ?? 'alternate').trim().toLowerCase();
    if (c.key === 'link' && rel === 'alternate') atomLink = atomLinkHref(c) ?? atomLink;
    else if (c.key === 'link' && rel === 'enclosure') {
      const href = atomLinkHref(c);
      if (href !== null && isImage(href, c.attrs.type)) images.enclosure ??= href;
    } else if (c.key === 'updated') updated ??= parseDate(textContent(c));
    else if (c.key === 'published') published ??= parseDate(textContent(c));
    else if (c.key === 'author') otherAuthor ??= atomPersonNames([c]);
    else if (c.key === 'content') content ??= atomTextHtml(c);
    else if (c.key === 'summary') addSummary(atomTextHtml(c));
    else if (c.key === 'id') atomId = resolveId(textContent(c), c.base) ?? atomId;
    else if (c.key === 'category') addCategory(categories, atomCategory(c));
  }
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (isCore(c)) {
      switch (c.key) {
        case 'title': title ??= plainOf(c); break;
        case 'link': url = linkOf(c) ?? url; break;
        case 'description': case 'summary': addSummary(bodyOf(c)); break;
        case 'guid': {
          // isPermaLink="false": an opaque string, never resolved as a URL
          const isPermaLink = (c.attrs.isPermaLink ?? c.attrs.ispermalink ?? 'true').trim().toLowerCase() !== 'false';
          const g = isPermaLink ? resolveId(textContent(c), c.base) : nonEmpty(textContent(c));
          if (g !== null) {
            guid = g;
            permalink = isPermaLink && /^https?:\/\//i.test(g) ? g : null;
          }
          break;
        }
        case 'pubdate': published ??= parseDate(textContent(c)); break;
        case 'author': rssAuthor ??= authorName(htmlToText(htmlOf(c))); break;
        case 'category': addCategory(categories, plainOf(c)); break;
        case 'tags': addKeywords(categories, htmlToText(htmlOf(c))); break; // a made-up element some feeds use
        case 'enclosure': {
          const href = nonEmpty(c.attrs.url);
          if (href !== null && images.enclosure === null && isImage(href, c.attrs.type)) images.enclosure = resolveUrl(href, c.base);
          break;
        }
        case 'body': case 'fullitem': content ??= bodyOf(c); break; // feedparser's non-standard full-text elements
      }
      continue;
    }
    switch (c.ns) {
      case 'content':
        if (c.key === 'encoded') content ??= bodyOf(c);
        break;
      case 'dc':
        if (c.key === 'creator' || c.key === 'author') {
          const name = authorName(htmlToText(htmlOf(c)));
          if (name !== null) (creator ??= []).push(name);
        } else if (c.key === 'date') dcDate ??= parseDate(textContent(c));
        else if (c.key === 'subject') addCategory(categories, plainOf(c));
        else if (c.key === 'title') title ??= plainOf(c);
        else if (c.key === 'description') altSummary ??= bodyOf(c);
        else if (c.key === 'language') language ??= nonEmpty(textContent(c));
        else if (c.key === 'identifier') dcId = resolveId(textContent(c), c.base) ?? dcId;
        break;
      case 'dcterms':
        if (c.key === 'issued' || c.key === 'created') issued ??= parseDate(textContent(c));
        else if (c.key === 'modified') updated ??= parseDate(textContent(c));
        break;
      case 'atom':
        readAtomChild(c);
        break;
      case 'media':
        if (c.key === 'keywords') addKeywords(categories, textContent(c));
        else readMedia(c, images, media);
        break;
      case 'itunes':
        if (c.key === 'image') images.itunes ??= mediaUrl(c, c.attrs.href ?? textContent(c));
        else if (c.key === 'author') otherAuthor ??= nonEmpty(collapseWhitespace(textContent(c)));
        else if (c.key === 'summary') itunesSummary ??= bodyOf(c);
        else if (c.key === 'category') pushItunesCategories(categories, c);
        else if (c.key === 'keywords') addKeywords(categories, textContent(c));
        break;
      case 'xhtml':
        if (c.key === 'body' || c.key === 'div') content ??= nonEmpty(resolveHtmlUrls(innerHtml(c), c.base));
        break;
      case 'feedburner':
        if (c.key === 'origlink') origLink ??= linkOf(c);
        break;
    }
  }
  // feedburner:origLink is the article itself, <link> only a redirect through the feed service
  url = origLink ?? url ?? atomLink ?? permalink ?? (rdfAbout !== null && /^https?:/i.test(rdfAbout) ? rdfAbout : null);
  guid ??= atomId ?? dcId;
  summary ??= altSummary ?? itunesSummary ?? media.description;
  content ??= secondSummary;
  // dc:date is the one date many RSS 1.0 feeds give: it stands for both
  updated ??= dcDate;
  published ??= dcDate ?? issued ?? updated;
  return {
    guid,
    url,
    title: title ?? media.title,
    summary,
    content,
    author: creator !== null ? creator.join(', ') : rssAuthor ?? otherAuthor,
    published,
    updated,
    imageUrl: pickImage(images, content, summary, el.base),
    categories,
    language: normalizeLanguage(language ?? el.lang),
  };
}

function pushItunesCategories(list: string[], el: XmlElement): void {
  addCategory(list, nonEmpty(el.attrs.text));
  for (const sub of elements(el)) if (sub.ns === 'itunes' && sub.key === 'category') pushItunesCategories(list, sub);
}
