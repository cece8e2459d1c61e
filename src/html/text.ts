/**
 * Text helpers shared by feed parsing, search, media and pages (a lower room than any of them):
 * one-pass entity decoding (XML + every HTML5 named entity, numeric
 * references with the Windows-1252 and double-encoded UTF-8 repairs), whitespace, HTML → plain text.
 */
import { namedEntity } from './entities.js';

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

// HTML's remapping of C1 control references (&#150; → en dash), as browsers and feedparser do.
const WIN1252: Readonly<Record<number, number>> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x0192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021,
  0x88: 0x02c6, 0x89: 0x2030, 0x8a: 0x0160, 0x8b: 0x2039, 0x8c: 0x0152, 0x8e: 0x017d, 0x91: 0x2018,
  0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02dc,
  0x99: 0x2122, 0x9a: 0x0161, 0x9b: 0x203a, 0x9c: 0x0153, 0x9e: 0x017e, 0x9f: 0x0178,
};

const ENTITY_RE = /&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z][A-Za-z0-9]{0,31}));/g;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Returns `s` with every character reference decoded once: the XML five, all HTML5 named entities,
 * `extra` (a DOCTYPE's internal entities) and numeric ones. Unknown or bare `&` stay as written.
 * A run of numeric references to bytes 0x80–0xFF that spells valid UTF-8 (`&#226;&#128;&#166;`) is
 * read as UTF-8 (`…`), the repair feedparser makes for double-encoded text.
 * @example decodeEntities('Caf&eacute; &amp; &#8230;') // 'Café & …'
 */
export function decodeEntities(s: string, extra?: ReadonlyMap<string, string>): string {
  if (s.indexOf('&') === -1) return s;
  let out = '';
  let last = 0;
  let bytes: number[] | null = null; // pending run of &#128;-&#255; references
  let runEnd = 0;
  const flush = (): void => {
    if (bytes === null) return;
    out += decodeByteRun(bytes);
    bytes = null;
  };
  ENTITY_RE.lastIndex = 0;
  for (let m = ENTITY_RE.exec(s); m !== null; m = ENTITY_RE.exec(s)) {
    const [whole, dec, hex, name] = m;
    let code = -1;
    let rep: string | undefined;
    if (dec !== undefined) code = parseInt(dec, 10);
    else if (hex !== undefined) code = parseInt(hex, 16);
    else if (name !== undefined) rep = XML_ENTITIES[name] ?? extra?.get(name) ?? namedEntity(name);
    if (code === -1 && rep === undefined) continue; // unknown name: keep the text as written
    if (bytes !== null && (m.index !== runEnd || code < 0x80 || code > 0xff)) flush();
    out += s.slice(last, m.index);
    last = m.index + whole.length;
    if (code >= 0x80 && code <= 0xff) {
      (bytes ??= []).push(code);
      runEnd = last;
      continue;
    }
    out += rep ?? fromCodePoint(code);
  }
  flush();
  return out + s.slice(last);
}

function decodeByteRun(bytes: number[]): string {
  if (bytes.length > 1) {
    try {
      return UTF8.decode(Uint8Array.from(bytes));
    } catch {
      // not UTF-8: fall through to one character per reference
    }
  }
  let s = '';
  for (const b of bytes) s += String.fromCharCode(WIN1252[b] ?? b);
  return s;
}

function fromCodePoint(code: number): string {
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
  return String.fromCodePoint(code);
}

/** Runs of ASCII whitespace that are not already one space. */
const WHITESPACE_RUNS = / [\t\n\v\f\r ]+|[\t\n\v\f\r][\t\n\v\f\r ]*/;

/** Returns `s` with runs of ASCII whitespace collapsed to one space, trimmed (NBSP and other Unicode spaces are kept). */
export function collapseWhitespace(s: string): string {
  // Only runs that are not already one space: replacing every single space by itself cost ~10 µs
  // per 2 KB article (search terms, summaries). (A loop by hand over the code units took 2.6 times
  // as long as this replace.) Trimmed first, then split and joined: `replace` made a rope (a cons
  // string) of the text whenever it replaced anything, and V8 reads a rope code unit by code unit
  // ~2.5 times slower than the flat string `join` makes (snippets scan each result's text: a
  // search's twenty texts 0.30 → 0.12 ms, issue 16).
  return s.trim().split(WHITESPACE_RUNS).join(' ');
}

/**
 * Returns a text already cut to its length ended at its last space past `half` (else where it was
 * cut), without the spaces and punctuation (, ; : . – — -) before that end, and an ellipsis: what
 * `.replace(/[\s,;:.–—-]+$/u, '')` did, without a regex tried at every position (~1.4% of a
 * cold front page's CPU, 45 summaries).
 * @example endAtWord('one two, three', 4) === 'one two…'
 */
export function endAtWord(cut: string, half: number): string {
  const at = cut.lastIndexOf(' ');
  let end = at > half ? at : cut.length;
  while (end > 0 && isTrailing(cut.charCodeAt(end - 1))) end--;
  return `${cut.slice(0, end)}…`;
}

/** `[\s,;:.–—-]` of a /u regex: ECMAScript's white space and line terminators, and the punctuation. */
function isTrailing(c: number): boolean {
  switch (c) {
    case 0x2c: case 0x3b: case 0x3a: case 0x2e: case 0x2013: case 0x2014: case 0x2d: // , ; : . – — -
    case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20: case 0xa0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000: case 0xfeff:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

const C1_TEST = /[\u0080-\u009f]/;
const C1_RE = /[\u0080-\u009f]/g;

/**
 * Returns `s` with C1 control characters (U+0080–U+009F, never meant as text) read as the
 * Windows-1252 characters their authors typed: 'don\u0092t' → 'don’t'.
 */
export function fixC1(s: string): string {
  if (!C1_TEST.test(s)) return s;
  return s.replace(C1_RE, (c) => String.fromCharCode(WIN1252[c.charCodeAt(0)] ?? c.charCodeAt(0)));
}

/** Returns `s` with `&`, `<`, `>` and `"` escaped, safe as HTML text or a double-quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}


/**
 * Returns the plain text of an HTML fragment: tags, comments and script/style bodies removed,
 * entities decoded, whitespace collapsed. A `<` not starting a tag (`a <3 b`) is kept.
 * @example htmlToText('<b>Fish &amp; chips</b>\n today') // 'Fish & chips today'
 */
export function htmlToText(html: string): string {
  return collapseWhitespace(decodeEntities(stripMarkup(html)));
}

// Tags that end a run of text: replaced by a space, inline ones (<b>, <a>…) by nothing.
const BREAKING = new Set(['br', 'p', 'div', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'hr', 'img', 'section', 'article', 'header', 'footer', 'dd', 'dt', 'figure', 'figcaption']);
/** Elements whose body is removed with them, and the end tag each ends at. */
const RAW_TEXT = [['script', /<\/script\s*>/gi], ['style', /<\/style\s*>/gi]] as const;

/**
 * Returns `html` with its markup removed (a breaking tag, a comment, a script or style with its
 * body, a CDATA mark or a doctype as a space; an inline tag as nothing), by hand, exactly as this
 * regex replace did (text.test.ts holds it and compares the two), in half its time:
 * `/<!--[\s\S]*?(?:-->|$)|<(script|style)\b[\s\S]*?(?:<\/\1\s*>|$)|<\/?([A-Za-z][\w:-]*)(?:[^>"']|"[^"]*"|'[^']*')*(?:>|$)|<!\[CDATA\[|\]\]>|<![^>]*>/gi`
 * @example stripMarkup('<p>Fish <b>and</b> chips<!-- ad --></p>') // ' Fish and chips  '
 */
export function stripMarkup(html: string): string {
  let lt = html.indexOf('<');
  let cdataEnd = html.indexOf(']]>');
  if (lt === -1 && cdataEnd === -1) return html;
  let out = '';
  let from = 0; // text not yet copied begins here
  while (lt !== -1 || cdataEnd !== -1) {
    if (cdataEnd !== -1 && (lt === -1 || cdataEnd < lt)) {
      out += `${html.slice(from, cdataEnd)} `;
      from = cdataEnd + 3;
      cdataEnd = html.indexOf(']]>', from);
      if (lt !== -1 && lt < from) lt = html.indexOf('<', from);
      continue;
    }
    const m = markupAt(html, lt);
    if (m === null) {
      lt = html.indexOf('<', lt + 1); // a '<' opening nothing stays as text
      continue;
    }
    out += m.breaking ? `${html.slice(from, lt)} ` : html.slice(from, lt);
    from = m.end;
    lt = html.indexOf('<', from);
    if (cdataEnd !== -1 && cdataEnd < from) cdataEnd = html.indexOf(']]>', from);
  }
  return out + html.slice(from);
}

/** The markup that the '<' at `i` opens (where it ends, and whether it stands for a space), or null. */
function markupAt(html: string, i: number): { end: number; breaking: boolean } | null {
  const n = html.length;
  const c = html.charCodeAt(i + 1);
  if (c === 33 /* ! */) {
    if (html.startsWith('--', i + 2)) {
      const close = html.indexOf('-->', i + 4);
      return { end: close === -1 ? n : close + 3, breaking: true };
    }
    if (asciiCaseIs(html, i + 2, '[cdata[')) return { end: i + 9, breaking: true };
    const close = html.indexOf('>', i + 2);
    return close === -1 ? null : { end: close + 1, breaking: true };
  }
  for (const [name, endRe] of RAW_TEXT) {
    if (!asciiCaseIs(html, i + 1, name) || isWordUnit(html.charCodeAt(i + 1 + name.length))) continue;
    endRe.lastIndex = i + 1 + name.length;
    const close = endRe.exec(html);
    return { end: close === null ? n : close.index + close[0].length, breaking: true };
  }
  let j = c === 47 /* / */ ? i + 2 : i + 1;
  if (!isLetter(html.charCodeAt(j))) return null;
  const nameStart = j;
  while (j < n && (isWordUnit(html.charCodeAt(j)) || html.charCodeAt(j) === 58 /* : */ || html.charCodeAt(j) === 45 /* - */)) j++;
  const breaking = BREAKING.has(html.slice(nameStart, j).toLowerCase());
  for (; j < n; j++) {
    const u = html.charCodeAt(j);
    if (u === 62 /* > */) return { end: j + 1, breaking };
    if (u === 34 /* " */ || u === 39 /* ' */) {
      const close = html.indexOf(u === 34 ? '"' : "'", j + 1);
      if (close === -1) return null; // an unclosed quote: no tag
      j = close;
    }
  }
  return { end: n, breaking };
}

/** Whether `html` holds `lower` (lowercase ASCII) at `at`, in any ASCII case. */
function asciiCaseIs(html: string, at: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    const u = html.charCodeAt(at + k);
    const l = lower.charCodeAt(k);
    if (u !== l && !(isLetter(l) && (u | 0x20) === l && isLetter(u))) return false;
  }
  return true;
}

/** Whether the code unit is one of regex `\w` (ASCII letters, digits, `_`); false past the end (NaN). */
function isWordUnit(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 95;
}

function isLetter(c: number): boolean {
  return (c | 0x20) >= 97 && (c | 0x20) <= 122;
}

// Whether the '<' at i opens a tag, end tag, comment, CDATA section or doctype. A '<' that does not
// would make an HTML parser read what follows as a bogus comment and lose it (`<!' <a href>`,
// `a <3 b`, `<?`). Checked by hand: a regex per document costs more.
function opensMarkup(html: string, i: number): boolean {
  const c = html.charCodeAt(i + 1);
  if (isLetter(c)) return true;
  if (c === 47 /* / */) return isLetter(html.charCodeAt(i + 2));
  if (c !== 33 /* ! */) return false;
  return html.startsWith('--', i + 2) || html.startsWith('[CDATA[', i + 2) || /^doctype[\s>]/i.test(html.slice(i + 2, i + 10));
}

/**
 * Returns HTML with each '<' that opens no markup written as `&lt;`: text, as its author meant.
 * @example escapeStrayLt("<p>a <3 b</p>") // '<p>a &lt;3 b</p>'
 */
export function escapeStrayLt(html: string): string {
  let out = '';
  let from = 0;
  for (let i = html.indexOf('<'); i !== -1; i = html.indexOf('<', i + 1)) {
    if (opensMarkup(html, i)) continue;
    out += `${html.slice(from, i)}&lt;`;
    from = i + 1;
  }
  return from === 0 ? html : out + html.slice(from);
}

/** Returns true when `s` contains something that looks like an HTML tag or entity (not just text). */
export function looksLikeHtml(s: string): boolean {
  return /<\/?[A-Za-z][^>]*>|&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(s);
}

/** Returns the trimmed string, or null when it is empty. */
export function nonEmpty(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const t = s.trim();
  return t === '' ? null : t;
}
