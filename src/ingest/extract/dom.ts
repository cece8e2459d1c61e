/**
 * The fast DOM that Reader View runs on: linkedom, plus the few things a browser gives for free
 * and linkedom (htmlparser2 underneath, not an HTML5 tree builder) does not: a document URL and
 * base URL, one <html> with a <head> and a <body>, lower-case attribute names on HTML elements,
 * no comments, and HTML serialization that escapes '&' in attribute values.
 */
import { parseHTML } from 'linkedom';
import { boundHtml } from './bound.js';

/** Elements that belong in <head> when they come before any body content. */
const HEAD_TAGS = new Set(['TITLE', 'META', 'LINK', 'BASE', 'STYLE', 'SCRIPT', 'NOSCRIPT', 'TEMPLATE']);

/**
 * Returns a linkedom Document for `html` as a browser would have it for page `url`: documentURI
 * and baseURI set (<base href> resolved against the page URL), one <html> holding a <head> and
 * a <body> (implied ones created, stray nodes moved in), comments removed. Never throws.
 */
export function parseHtmlDocument(html: string, url: string): Document {
  const { document } = parseHTML(boundHtml(html)) as unknown as { document: Document };
  const body = ensureHtmlHeadBody(document);
  normalizeNodes(document.documentElement);
  serializeBodyAsHtml(body);
  const baseHref = document.querySelector('base[href]')?.getAttribute('href')?.trim();
  defineUrls(document, url, baseHref ? resolveUrl(baseHref, url) ?? url : url);
  return document;
}

/** Returns `href` made absolute against `base`, or null when it is not a URL. */
export function resolveUrl(href: string, base: string): string | null {
  try {
    return new URL(href.trim(), base).href;
  } catch {
    return null;
  }
}

/**
 * Gives the document the shape a browser's parser builds: one <html> holding <head> then <body>.
 * htmlparser2 never closes <head> by itself, so a page without </head> had its <body> inside it;
 * text before <html> or after </html> sat beside it. Wrappers are flattened (their attributes kept,
 * the first of each wins), leading head material goes to <head>, the rest in order to <body>.
 * Returns the body.
 */
function ensureHtmlHeadBody(document: Document): Element {
  const top = [...document.childNodes].filter((n) => n.nodeType !== 10 /* DOCUMENT_TYPE_NODE */);
  const root = top[0] as Element | undefined;
  const [head, body, ...rest] = root && top.length === 1 && root.tagName === 'HTML' ? [...root.childNodes].filter((n) => !isBlankText(n)) as Element[] : [];
  if (head?.tagName === 'HEAD' && body?.tagName === 'BODY' && rest.length === 0 && [...head.children].every((e) => HEAD_TAGS.has(e.tagName))) {
    return body;
  }
  const wrappers: Record<string, Element> = { HTML: document.createElement('html'), HEAD: document.createElement('head'), BODY: document.createElement('body') };
  const content: Node[] = [];
  const flatten = (nodes: Iterable<Node>): void => {
    for (const n of nodes) {
      const wrapper = n.nodeType === 1 ? wrappers[(n as Element).tagName] : undefined;
      if (!wrapper) {
        content.push(n);
        continue;
      }
      for (const name of (n as Element).getAttributeNames()) {
        if (!wrapper.hasAttribute(name)) wrapper.setAttribute(name, (n as Element).getAttribute(name) ?? '');
      }
      flatten([...n.childNodes]);
    }
  };
  flatten(top);
  const newHead = wrappers.HEAD!;
  const newBody = wrappers.BODY!;
  let inBody = false;
  for (const n of content) {
    if (!inBody && (isBlankText(n) || (n.nodeType === 1 && HEAD_TAGS.has((n as Element).tagName)))) newHead.append(n);
    else {
      inBody = true;
      newBody.append(n);
    }
  }
  for (const n of top) if (n.parentNode === document) document.removeChild(n); // the old, now empty, wrappers
  wrappers.HTML!.append(newHead, newBody);
  document.append(wrappers.HTML!);
  // A <title> after body content stays where it is, as in a browser; linkedom's document.title only looks in <head>.
  const title = [...newBody.getElementsByTagName('title')].find((t) => t.namespaceURI === HTML_NS);
  if (title && !newHead.getElementsByTagName('title').length) newHead.append(title.cloneNode(true));
  return newBody;
}

function isBlankText(n: Node): boolean {
  return (n.nodeType === 3 && !n.textContent?.trim()) || n.nodeType === 8;
}

/**
 * One pass over the tree: removes every comment (upstream Reader View tests do the same) and
 * lower-cases attribute names on HTML elements (linkedom keeps `<IMG SRC>` as written, so
 * getAttribute('src') missed it).
 */
function normalizeNodes(root: Element): void {
  const comments: Node[] = [];
  let node: Node | null = root;
  while (node) {
    if (node.nodeType === 8) comments.push(node);
    else if (node.nodeType === 1) {
      const el = node as Element;
      if (el.namespaceURI === HTML_NS) lowerCaseAttributes(el); // SVG keeps viewBox, preserveAspectRatio, …
      if (el.firstChild) {
        node = el.firstChild;
        continue;
      }
    }
    while (node && node !== root && !node.nextSibling) node = node.parentNode;
    node = node && node !== root ? node.nextSibling : null;
  }
  for (const c of comments) c.parentNode?.removeChild(c);
}

function lowerCaseAttributes(el: Element): void {
  const names = el.getAttributeNames();
  if (names.every((n) => n === n.toLowerCase())) return;
  const attrs = names.map((n) => [n.toLowerCase(), el.getAttribute(n) ?? ''] as const);
  for (const n of names) el.removeAttribute(n);
  const seen = new Set<string>();
  const kept = attrs.filter(([n]) => !seen.has(n) && !!seen.add(n)); // the first of duplicates wins, as in HTML
  for (const [n, v] of kept.reverse()) el.setAttribute(n, v); // linkedom adds a new attribute first
}

/**
 * Readability caches `body.innerHTML` and sets it back between attempts: with linkedom's own
 * serializer `&amp;amp;` in an attribute came back one level less escaped on each round trip.
 */
function serializeBodyAsHtml(body: Element): void {
  const inner = findDescriptor(body, 'innerHTML');
  Object.defineProperty(body, 'innerHTML', {
    configurable: true,
    get(this: Element) {
      return innerHtml(this);
    },
    set(this: Element, html: string) {
      inner?.set?.call(this, html);
    },
  });
}

function findDescriptor(obj: object, key: string): PropertyDescriptor | undefined {
  for (let o: object | null = obj; o; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return d;
  }
  return undefined;
}

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const VOID_ELEMENTS = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const RAW_TEXT_ELEMENTS = new Set(['style', 'script', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
const escapeText = (s: string): string => s.replace(/[&<>\u00a0]/g, (c) => ESCAPES[c]!);
const escapeAttr = (s: string): string => s.replace(/[&<>"\u00a0]/g, (c) => ESCAPES[c]!);
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\u00a0': '&nbsp;' };

/**
 * Returns the children of `node` serialized as the HTML spec says (escaping `&`, `<`, `>`, `"`
 * and no-break space in attribute values, which linkedom does not), without recursion so that
 * deeply nested broken pages cannot overflow the stack.
 */
export function innerHtml(node: Node): string {
  const out: string[] = [];
  const stack: (Node | string)[] = [];
  const pushChildren = (parent: Node): void => {
    const kids = parent.childNodes;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  };
  pushChildren(node);
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    if (item.nodeType === 1) {
      const el = item as Element;
      const html = el.namespaceURI === HTML_NS;
      const name = html ? el.localName.toLowerCase() : el.localName; // linkedom keeps createElement('DIV') upper-case
      out.push(`<${name}`);
      for (const attr of el.getAttributeNames()) out.push(` ${attr}="${escapeAttr(el.getAttribute(attr) ?? '')}"`);
      out.push('>');
      if (html && VOID_ELEMENTS.has(name)) continue;
      stack.push(`</${name}>`);
      pushChildren(name === 'template' ? ((el as HTMLTemplateElement).content ?? el) : el);
    } else if (item.nodeType === 3) {
      const data = (item as Text).data;
      const parent = item.parentNode as Element | null;
      out.push(parent && RAW_TEXT_ELEMENTS.has(parent.localName) ? data : escapeText(data));
    } else if (item.nodeType === 4) {
      out.push(`<![CDATA[${(item as CDATASection).data}]]>`);
    } else if (item.nodeType === 8) {
      out.push(`<!--${(item as Comment).data}-->`);
    }
  }
  return out.join('');
}

/** linkedom has no document URL and reports <base href> unresolved: Readability needs both. */
function defineUrls(document: Document, url: string, baseUrl: string): void {
  Object.defineProperty(document, 'documentURI', { value: url, configurable: true });
  Object.defineProperty(document, 'URL', { value: url, configurable: true });
  Object.defineProperty(document, 'baseURI', { value: baseUrl, configurable: true });
}
