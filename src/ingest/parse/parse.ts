/**
 * The parse step: feed bytes or text → ParsedFeed. The format is detected from the content (never
 * the URL), then a switch hands the document to rss.ts, atom.ts or json-feed.ts.
 */
import type { ParsedFeed } from '../../model/feed.js';
import { readAtom } from './atom.js';
import { decodeText } from './decode.js';
import { ParseError } from './errors.js';
import { readJsonFeed } from './json-feed.js';
import { readRss } from './rss.js';
import { httpUrl } from '../../model/url.js';
import { normalizeLanguage } from './lang.js';
import { parseXml } from './xml.js';

/** The error parsing ends in, with its stable codes (re-exported so callers import one module). */
export { ParseError, type ParseErrorCode } from './errors.js';
/** The dedupe of one feed's entries by guid (the first wins); parseFeed itself keeps every entry. */
export { firstOfEachGuid } from './item.js';
/** Bytes → text by charset (BOM, Content-Type, XML declaration, <meta>); also used for HTML pages. */
export { decodeText, type DecodedText } from './decode.js';

/** Where the body came from: the feed URL (base for relative links) and the response's headers. */
export interface ParseOptions {
  url?: string;
  contentType?: string | null;
  /** The feed's language when it names none itself (`en`, or a list: `en, fr`). */
  contentLanguage?: string | null;
  /** The document's own address when it differs from `url`: the base for relative links. */
  contentLocation?: string | null;
}

/** Returns the base URL of the document: Content-Location (http/https only) against the URL. */
function documentBase(opts: ParseOptions): string | null {
  const url = opts.url ?? null;
  return httpUrl(opts.contentLocation, url) ?? url;
}

/** Returns the first language of a Content-Language header, or null. */
function headerLanguage(value: string | null | undefined): string | null {
  return normalizeLanguage(value?.split(',')[0]);
}

/** What the start of a body says it is. */
type Sniffed = { kind: 'xml' | 'json'; start: number; junk: boolean } | { kind: 'empty' } | { kind: 'other'; sample: string };

// Skips BOM, whitespace, comments, processing instructions and DOCTYPE; finds the first '<tag' or '{'.
function sniff(text: string): Sniffed {
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && (text.charCodeAt(i) <= 32 || text.charCodeAt(i) === 0xfeff || text.charCodeAt(i) === 0xa0)) i++;
    if (i >= n) return { kind: 'empty' };
    const c = text[i];
    if (c === '{' || c === '[') return { kind: 'json', start: i, junk: false };
    if (c !== '<') break;
    if (text.startsWith('<!--', i)) i = skipPast(text, i + 4, '-->');
    else if (text.startsWith('<?', i)) i = skipPast(text, i + 2, '?>');
    else if (text.startsWith('<!', i)) i = skipDoctype(text, i);
    else return { kind: 'xml', start: i, junk: false };
    if (i >= n) return { kind: 'empty' };
  }
  // Junk before the document (a PHP warning, a stray line): look for the feed a little further on.
  const later = /<(?:\?xml\s|rss[\s>]|feed[\s>]|rdf:RDF[\s>]|[A-Za-z_][\w.-]*:RDF[\s>])/.exec(text.slice(i, i + 4096));
  if (later !== null) return { kind: 'xml', start: i + later.index, junk: true };
  return { kind: 'other', sample: text.slice(i, i + 40).replace(/\s+/g, ' ') };
}

function skipPast(text: string, from: number, end: string): number {
  const j = text.indexOf(end, from);
  return j === -1 ? text.length : j + end.length;
}

function skipDoctype(text: string, from: number): number {
  const bracket = text.indexOf('[', from);
  const close = text.indexOf('>', from);
  if (bracket !== -1 && close !== -1 && bracket < close) return skipPast(text, skipPast(text, bracket, ']'), '>');
  return close === -1 ? text.length : close + 1;
}

const HTML_ROOTS = new Set(['html', 'head', 'body', 'div', 'p', 'title', 'meta', 'script', 'table']);

/**
 * Returns the feed in `input` (bytes are decoded by charset: BOM, Content-Type, XML declaration;
 * see decodeText). Throws ParseError: JARIDA_PARSE_EMPTY for a blank body, JARIDA_PARSE_NOT_A_FEED for
 * HTML pages and other documents, JARIDA_PARSE_MALFORMED for bodies too broken to read. Slightly
 * broken XML (bare `&`, unknown entities, unclosed tags) is read best-effort, with `wellFormed`
 * false. Every entry is an item, even when two share a guid or link (the store's dedupe decides).
 * Relative links and ids resolve against xml:base, else Content-Location, else the URL; the
 * Content-Language header is the language of a feed that names none.
 * @example parseFeed(bytes, { url: 'https://x.test/rss', contentType: 'application/rss+xml' }).items[0]?.title
 */
export function parseFeed(input: string | Uint8Array, opts: ParseOptions = {}): ParsedFeed {
  try {
    return readFeed(input, opts);
  } catch (err) {
    if (err instanceof ParseError) throw err;
    // a bug not met yet must not crash the caller's refresh loop: still a ParseError, with the cause
    throw new ParseError('JARIDA_PARSE_MALFORMED', `parse: could not read the document: ${(err as Error).message}`, { cause: err });
  }
}

function readFeed(input: string | Uint8Array, opts: ParseOptions): ParsedFeed {
  const decoded = typeof input === 'string' ? null : decodeText(input, opts.contentType);
  const text = decoded === null ? input as string : decoded.text;
  const base = documentBase(opts);
  const language = headerLanguage(opts.contentLanguage);
  const found = sniff(text);
  if (found.kind === 'empty') throw new ParseError('JARIDA_PARSE_EMPTY', 'parse: body is empty');
  if (found.kind === 'other') {
    throw new ParseError('JARIDA_PARSE_NOT_A_FEED', `parse: body is neither XML nor JSON (starts with ${JSON.stringify(found.sample)})`);
  }
  if (found.kind === 'json') {
    let doc: unknown;
    try {
      doc = JSON.parse(text.slice(found.start));
    } catch (cause) {
      throw new ParseError('JARIDA_PARSE_MALFORMED', `parse: body starts like JSON but is not valid JSON: ${(cause as Error).message}`, { cause });
    }
    const feed = readJsonFeed(doc, base, language);
    feed.wellFormed = decoded?.guessed !== true;
    return feed;
  }
  const start = text.slice(found.start, found.start + 200);
  const firstTag = /^<([A-Za-z_][\w:.-]*)/.exec(start)?.[1]?.toLowerCase();
  if (firstTag === undefined && !start.startsWith('<?xml')) {
    throw new ParseError('JARIDA_PARSE_MALFORMED', `parse: no element where the document should start (${JSON.stringify(start.slice(0, 40))})`);
  }
  if (firstTag !== undefined && HTML_ROOTS.has(firstTag)) throw new ParseError('JARIDA_PARSE_NOT_A_FEED', `parse: got an HTML page (<${firstTag}>), not a feed`);
  // junk before the document is cut off; otherwise the prologue (DOCTYPE entities) is kept
  const { root, wellFormed } = parseXml(found.junk ? text.slice(found.start) : text, base);
  if (root === null) throw new ParseError('JARIDA_PARSE_MALFORMED', 'parse: no root element');
  let feed: ParsedFeed;
  switch (root.key) {
    case 'rss':
    case 'rdf':
    case 'channel':
      feed = readRss(root, language);
      break;
    case 'feed':
      feed = readAtom(root, language);
      break;
    case 'html':
      throw new ParseError('JARIDA_PARSE_NOT_A_FEED', 'parse: got an HTML page (<html>), not a feed');
    default:
      throw new ParseError('JARIDA_PARSE_NOT_A_FEED', `parse: root element <${root.name}> is not RSS, RDF or Atom`);
  }
  feed.wellFormed = wellFormed && !found.junk && decoded?.guessed !== true;
  return feed;
}
