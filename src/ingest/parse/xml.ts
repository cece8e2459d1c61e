/**
 * A forgiving XML reader for feeds: htmlparser2's tokenizer (xml mode) builds a small tree with
 * namespaces resolved to short keys, `xml:base` and `xml:lang` in scope, and text with every
 * entity decoded once (XML, HTML5 named, DOCTYPE-declared, numeric). Broken input (bare `&`,
 * unknown entities, unclosed or mismatched tags, truncated files) gives a best-effort tree.
 */
import { QuoteType, Tokenizer } from 'htmlparser2';
import { decodeEntities, escapeHtml, fixC1 } from '../../html/text.js';
import { resolveUrl } from './url.js';

/** An element: names, decoded attributes, children (elements or decoded text), scope. */
export interface XmlElement {
  /** Qualified name as written, e.g. 'content:encoded'. */
  name: string;
  /** Local name, lowercased: 'encoded', 'pubdate'. */
  key: string;
  /** Namespace as a short key ('atom', 'dc', 'media', …), the URI when unknown, '' for none. */
  ns: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** xml:base in scope (resolved), else the document URL, else null. */
  base: string | null;
  /** xml:lang in scope, else null. */
  lang: string | null;
}

/** A child node: an element or a run of decoded text. */
export type XmlNode = XmlElement | string;

const NAMESPACES: Readonly<Record<string, string>> = {
  'http://www.w3.org/2005/atom': 'atom',
  'http://purl.org/atom/ns#': 'atom03',
  'http://purl.org/rss/1.0': 'rss10',
  'http://my.netscape.com/rdf/simple/0.9': 'rss09',
  'http://channel.netscape.com/rdf/simple/0.9': 'rss09',
  'http://backend.userland.com/rss2': 'rss2',
  'http://backend.userland.com/rss': 'rss2',
  'http://blogs.law.harvard.edu/tech/rss': 'rss2',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://purl.org/rss/1.0/modules/content': 'content',
  'http://purl.org/dc/elements/1.1': 'dc',
  'http://purl.org/dc/terms': 'dcterms',
  'http://search.yahoo.com/mrss': 'media',
  'http://video.search.yahoo.com/mrss': 'media',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://www.itunes.com/dtds/podcast-1.0.dtd/': 'itunes',
  'http://www.w3.org/1999/xhtml': 'xhtml',
  'http://rssnamespace.org/feedburner/ext/1.0': 'feedburner',
  'http://www.w3.org/xml/1998/namespace': 'xml',
};

// Prefixes feeds use without declaring them; read as their usual namespace.
const DEFAULT_PREFIXES: Readonly<Record<string, string>> = {
  xml: 'xml', atom: 'atom', rdf: 'rdf', content: 'content', dc: 'dc', dcterms: 'dcterms', media: 'media',
  itunes: 'itunes', xhtml: 'xhtml', feedburner: 'feedburner',
};

const keyCache = new Map<string, string>();

/** Returns the short key of a namespace URI ('atom', 'dc', …), or the lowercased URI when unknown. */
export function namespaceKey(uri: string): string {
  let key = keyCache.get(uri);
  if (key === undefined) {
    const u = uri.trim().toLowerCase();
    key = NAMESPACES[u] ?? NAMESPACES[u.replace(/\/+$/, '')] ?? u;
    if (keyCache.size < 1000) keyCache.set(uri, key);
  }
  return key;
}

/** The document element of a parsed document, and whether the document is well-formed XML. */
export interface XmlDocument {
  root: XmlElement | null;
  /**
   * False when a strict XML parser would have refused the document: a bare `&` or an undeclared
   * entity, an undeclared prefix, an unquoted or repeated attribute, a mismatched, stray or
   * unclosed tag, text or a second element beside the root, a misplaced XML declaration, a
   * control character. The tree is read the forgiving way all the same.
   */
  wellFormed: boolean;
}

const nameCache = new Map<string, { prefix: string; key: string }>();

// Element names repeat endlessly in a feed: split and lowercase each one once.
function splitName(name: string): { prefix: string; key: string } {
  let parts = nameCache.get(name);
  if (parts === undefined) {
    const colon = name.indexOf(':');
    parts = { prefix: colon === -1 ? '' : name.slice(0, colon), key: (colon === -1 ? name : name.slice(colon + 1)).toLowerCase() };
    if (nameCache.size < 5000) nameCache.set(name, parts);
  }
  return parts;
}

// Elements whose whitespace between children means nothing: not kept, less to walk and collect.
const CONTAINERS = new Set(['rss', 'channel', 'item', 'feed', 'entry', 'rdf', 'author', 'source', 'image', 'skiphours', 'skipdays']);
const WHITESPACE_RE = /^\s*$/;

// Deeper nesting than any real feed has; beyond it elements are dropped (their text kept) so that
// hostile input cannot exhaust the stack of the recursive readers.
const MAX_DEPTH = 256;

const DOCTYPE_RE = /<!DOCTYPE\s([^[>]*)(?:\[([\s\S]*?)\]\s*)?>/i;
// Characters XML 1.0 forbids anywhere in a document; with the C1 controls fixC1 reads as
// Windows-1252, the one scan a clean document costs.
const CONTROL_RE = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const ODD_CHAR_RE = /[\x00-\x08\x0B\x0C\x0E-\x1F\u0080-\u009F\uFFFE\uFFFF]/;
// An `&` that starts no reference; a named reference other than XML's five; every named one.
const BARE_AMP_RE = /&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z_][\w.-]*;)/;
const OTHER_ENTITY_RE = /&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z_][\w.-]*;/;
const NAMED_RE = /&([A-Za-z_][\w.-]*);/g;
const XML_PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const ENTITY_DECL_RE = /<!ENTITY\s+([A-Za-z_][\w.:-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g;

/**
 * Returns the tree of an XML document read forgivingly; `root` is null when there is no element.
 * @example parseXml('<rss><channel><title>A &amp; B</title></channel></rss>', 'https://x.test/feed').root?.key // 'rss'
 */
export function parseXml(text: string, baseUrl: string | null): XmlDocument {
  let entities: Map<string, string> | undefined;
  const odd = ODD_CHAR_RE.test(text);
  let wellFormed = !odd || !CONTROL_RE.test(text);
  // With an external DTD (PUBLIC / SYSTEM, e.g. Netscape's RSS 0.91) an entity we do not know
  // may be declared there: not counted against the document.
  let externalDtd = false;
  let body = odd ? fixC1(text) : text; // once for the whole document: cheaper than per text node
  const doctype = DOCTYPE_RE.exec(body.length > 4096 ? body.slice(0, 4096) : body);
  if (doctype !== null) {
    body = body.slice(0, doctype.index) + body.slice(doctype.index + doctype[0].length);
    externalDtd = /\s(?:PUBLIC|SYSTEM)\s/i.test(` ${doctype[1]!} `);
    const subset = doctype[2];
    if (subset !== undefined) {
      // internal entities only (no SYSTEM ones), not expanded inside each other, and small: no
      // billion laughs, no external fetches
      for (const m of subset.matchAll(ENTITY_DECL_RE)) {
        const value = m[2] ?? m[3] ?? '';
        if (value.length <= 1024 && (entities?.size ?? 0) < 256) (entities ??= new Map()).set(m[1]!, decodeEntities(value));
      }
    }
  }
  const docScope: Record<string, string> = Object.create(null);
  const top: XmlElement = { name: '', key: '', ns: '', attrs: {}, children: [], base: baseUrl, lang: null };
  // Our own stack (push/pop): htmlparser2's Parser keeps its stack with unshift/shift, which is
  // quadratic in the nesting depth, so the Tokenizer is driven directly.
  const stack: XmlElement[] = [top];
  const scopes: Record<string, string>[] = [docScope];
  let current = top;
  let flattened = 0; // elements opened beyond MAX_DEPTH, read as text holders of the deepest one
  let lastCloseEnd = -1; // where the name of the last end tag ends: its '>' must follow
  let tagName = '';
  let attrs: Record<string, string> = {};
  let attrName = '';
  let attrValue = '';

  // Returns whether every `&` in a raw value starts a reference the document may use (two native
  // scans in the common case; names are looked up one by one only when the DOCTYPE declares some).
  const referencesOk = (raw: string): boolean => {
    if (externalDtd) return true;
    if (BARE_AMP_RE.test(raw)) return false;
    if (!OTHER_ENTITY_RE.test(raw)) return true;
    if (entities === undefined) return false;
    NAMED_RE.lastIndex = 0;
    for (let m = NAMED_RE.exec(raw); m !== null; m = NAMED_RE.exec(raw)) {
      if (!XML_PREDEFINED.has(m[1]!) && !entities.has(m[1]!)) return false;
    }
    return true;
  };

  const addText = (value: string): void => {
    if (value === '' || CONTAINERS.has(current.key) && WHITESPACE_RE.test(value)) return;
    const kids = current.children;
    const last = kids.length - 1;
    if (last >= 0 && typeof kids[last] === 'string') kids[last] += value;
    else kids.push(value);
  };

  const open = (): void => {
    if (stack.length > MAX_DEPTH) {
      flattened++;
      return;
    }
    let scope = scopes[scopes.length - 1]!;
    let declared = false;
    let prefixed = false;
    for (const k in attrs) {
      if (k.charCodeAt(0) === 120 /* x */ && (k === 'xmlns' || k.startsWith('xmlns:'))) {
        if (!declared) {
          scope = Object.create(scope) as Record<string, string>;
          declared = true;
        }
        scope[k === 'xmlns' ? '' : k.slice(6)] = namespaceKey(attrs[k]!);
      } else if (k.indexOf(':') !== -1) prefixed = true;
    }
    const parts = splitName(tagName);
    const bound = scope[parts.prefix];
    const ns = bound ?? (parts.prefix === '' ? '' : DEFAULT_PREFIXES[parts.prefix.toLowerCase()] ?? parts.prefix.toLowerCase());
    if (wellFormed) {
      // a second root element, or a prefix no xmlns declares (xml: is built in)
      if (current === top && top.children.some((c) => typeof c !== 'string')) wellFormed = false;
      else if (bound === undefined && parts.prefix !== '' && parts.prefix !== 'xml') wellFormed = false;
      else if (prefixed) {
        for (const k in attrs) {
          const colon = k.indexOf(':');
          const prefix = colon === -1 ? '' : k.slice(0, colon);
          if (prefix !== '' && prefix !== 'xml' && prefix !== 'xmlns' && scope[prefix] === undefined) wellFormed = false;
        }
      }
    }
    const xmlBase = attrs['xml:base'];
    const xmlLang = attrs['xml:lang'];
    const el: XmlElement = {
      name: tagName,
      key: parts.key,
      ns,
      attrs,
      children: [],
      base: xmlBase === undefined ? current.base : resolveUrl(xmlBase.trim(), current.base) ?? current.base,
      lang: xmlLang === undefined ? current.lang : xmlLang.trim() || current.lang,
    };
    current.children.push(el);
    stack.push(el);
    scopes.push(scope);
    current = el;
  };

  const close = (name: string | null): void => {
    if (flattened > 0) {
      flattened--;
      return;
    }
    // a close tag closes the nearest open element of that name (and any left open inside it);
    // a stray one is ignored
    let i = stack.length - 1;
    if (name !== null) while (i > 0 && stack[i]!.name !== name) i--;
    if (i !== stack.length - 1) wellFormed = false; // stray, or closes elements left open inside it
    if (i === 0) return;
    while (stack.length > i) {
      stack.pop();
      scopes.pop();
    }
    current = stack[i - 1]!;
  };

  const tokenizer = new Tokenizer(
    { xmlMode: true, decodeEntities: false },
    {
      onopentagname(start, end) {
        tagName = body.slice(start, end);
        attrs = {};
      },
      onattribname(start, end) {
        attrName = body.slice(start, end);
        attrValue = '';
      },
      onattribdata(start, end) {
        attrValue += body.slice(start, end);
      },
      onattribend(quote: QuoteType) {
        if (wellFormed) {
          if (quote === QuoteType.NoValue || quote === QuoteType.Unquoted || Object.hasOwn(attrs, attrName)) wellFormed = false;
          else if (attrValue.indexOf('<') !== -1 || attrValue.indexOf('&') !== -1 && !referencesOk(attrValue)) wellFormed = false;
        }
        if (!Object.hasOwn(attrs, attrName)) {
          attrs[attrName] = quote === QuoteType.NoValue || attrValue.indexOf('&') === -1 ? attrValue : decodeEntities(attrValue, entities);
        }
        attrValue = '';
      },
      onopentagend() {
        open();
      },
      onselfclosingtag() {
        open();
        close(null);
      },
      onclosetag(start, end) {
        lastCloseEnd = end;
        close(body.slice(start, end));
      },
      ontext(start, end) {
        const raw = body.slice(start, end);
        if (wellFormed) {
          // text beside the root element; a '<' that starts no tag; an '&' that starts no reference
          if (current === top ? !WHITESPACE_RE.test(raw) : raw.indexOf('<') !== -1) wellFormed = false;
          else if (raw.indexOf('&') !== -1 && !referencesOk(raw)) wellFormed = false;
        }
        addText(raw.indexOf('&') === -1 ? raw : decodeEntities(raw, entities));
      },
      oncdata(start, end, offset) {
        if (current === top) wellFormed = false;
        addText(body.slice(start, end - offset));
      },
      onattribentity() {},
      ontextentity() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction(start) {
        // the XML declaration may only open the document (a byte-order mark aside)
        if (/^xml[\s?]/i.test(body.slice(start, start + 4)) && body.slice(0, start - 2).replace(/^\uFEFF/, '') !== '') wellFormed = false;
      },
      onend() {},
    },
  );
  tokenizer.write(body);
  tokenizer.end();
  // unclosed at the end, or the last end tag cut short (a truncated body)
  if (stack.length > 1 || flattened > 0 || lastCloseEnd !== -1 && body.indexOf('>', lastCloseEnd) === -1) wellFormed = false;
  const root = top.children.find((c): c is XmlElement => typeof c !== 'string') ?? null;
  return { root, wellFormed: wellFormed && root !== null };
}

/** Returns the element children of `el`. */
export function elements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** Returns the first child element with this namespace key and (lowercase) local name. */
export function child(el: XmlElement, ns: string, key: string): XmlElement | undefined {
  for (const c of el.children) if (typeof c !== 'string' && c.key === key && c.ns === ns) return c;
  return undefined;
}

/** Returns the concatenated text of an element and its descendants (markup dropped). */
export function textContent(el: XmlElement): string {
  if (el.children.length === 1 && typeof el.children[0] === 'string') return el.children[0];
  let s = '';
  for (const c of el.children) s += typeof c === 'string' ? c : textContent(c);
  return s;
}

/** Returns true when the element has element children (inline markup), not only text. */
export function hasElementChildren(el: XmlElement): boolean {
  for (const c of el.children) if (typeof c !== 'string') return true;
  return false;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/**
 * Returns the children of `el` serialized as HTML: text escaped, elements by their local name,
 * XHTML namespace declarations dropped (SVG/MathML ones kept). Used for Atom xhtml content and
 * naked markup in RSS.
 * @example innerHtml(div) // '<p>Hello <b>world</b></p>'
 */
export function innerHtml(el: XmlElement): string {
  let s = '';
  for (const c of el.children) s += typeof c === 'string' ? escapeHtml(c).replace(/&quot;/g, '"') : outerHtml(c);
  return s;
}

function outerHtml(el: XmlElement): string {
  const colon = el.name.indexOf(':');
  const tag = colon === -1 ? el.name : el.name.slice(colon + 1);
  let s = `<${tag}`;
  for (const k in el.attrs) {
    if ((k === 'xmlns' || k.startsWith('xmlns:')) && namespaceKey(el.attrs[k]!) === 'xhtml') continue;
    s += ` ${k}="${escapeHtml(el.attrs[k]!)}"`;
  }
  if (VOID.has(el.key) && el.children.length === 0) return `${s} />`;
  return `${s}>${innerHtml(el)}</${tag}>`;
}
