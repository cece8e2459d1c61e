/**
 * How eval-parsers compares a candidate's value with an expected one, per kind of field: text as
 * text (markup and entities resolved, whitespace collapsed), HTML as canonical HTML (htmlparser2
 * tokens, attributes sorted), URLs as URLs, dates as instants, versions as feed families.
 */
import { Parser as HtmlParser } from 'htmlparser2';
/** How a field is compared. */
export type Kind = 'text' | 'html' | 'url' | 'id' | 'person' | 'date' | 'lang' | 'version' | 'count' | 'textlist' | 'numlist' | 'reject' | 'format';

const BREAK_TAGS = new Set(['br', 'p', 'div', 'li', 'tr', 'td', 'th', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'hr', 'ul', 'ol', 'table']);
const VOID_TAGS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

function collapse(s: string): string {
  return s.replace(/[ \t\n\r\f]+/g, ' ').trim();
}

function htmlWalk(html: string, onTag: (name: string, attrs: Record<string, string> | null) => void, onText: (t: string) => void): void {
  const p = new HtmlParser(
    {
      onopentag: (name, attrs) => onTag(name, attrs),
      onclosetag: (name) => onTag(name, null),
      ontext: onText,
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  p.end(html);
}

/** Returns the text of an HTML fragment as a reader sees it (block tags break words). */
export function visibleText(html: string): string {
  let out = '';
  htmlWalk(html, (name) => {
    if (BREAK_TAGS.has(name)) out += ' ';
  }, (t) => {
    out += t;
  });
  return collapse(out);
}

/** Returns canonical HTML tokens: tags lowercased, attributes sorted, text decoded and collapsed. */
export function htmlCanon(html: string): string {
  const toks: string[] = [];
  let text = '';
  const flush = (): void => {
    const t = collapse(text);
    if (t !== '') toks.push(JSON.stringify(t));
    text = '';
  };
  htmlWalk(html, (name, attrs) => {
    flush();
    if (attrs === null) {
      if (!VOID_TAGS.has(name)) toks.push(`</${name}>`);
      return;
    }
    const a = Object.keys(attrs).filter((k) => k !== 'xmlns' && !k.startsWith('xmlns:')).sort().map((k) => {
      const v = collapse(attrs[k] ?? '');
      return `${k}=${JSON.stringify(k === 'href' || k === 'src' ? canonUrl(v) : v)}`;
    });
    toks.push(`<${[name, ...a].join(' ')}>`);
  }, (t) => {
    text += t;
  });
  flush();
  return toks.join('');
}

function looseTexts(s: string): string[] {
  return [collapse(s), visibleText(s), visibleText(visibleText(s).replace(/</g, '&lt;'))];
}

function displayName(s: string): string {
  const t = collapse(visibleText(s));
  return /^\S+@\S+\s*\((.+)\)$/.exec(t)?.[1]?.trim() ?? /^(.+?)\s*[(<]\S+@[^\s()<>]+[)>]$/.exec(t)?.[1]?.trim() ?? t;
}

export function canonUrl(s: string): string {
  const t = s.trim();
  try {
    return new URL(t).href;
  } catch {
    return t;
  }
}

const FP_VERSIONS: Readonly<Record<string, string[]>> = {
  rss090: ['rdf', '0.90'], rss10: ['rdf', '1.0'], rss091u: ['rss', '0.91'], rss091n: ['rss', '0.91'],
  rss092: ['rss', '0.92'], rss093: ['rss', '0.93'], rss094: ['rss', '0.94'], rss20: ['rss', '2.0'],
  atom03: ['atom', '0.3'], atom10: ['atom', '1.0'], json1: ['json', '1.0'], json11: ['json', '1.1'],
};

function sameVersion(a: string | null, b: string): boolean {
  if (a === null) return b === '';
  return a === b || (/^\d+(\.\d+)?$/.test(a) && Number(a) === Number(b));
}

/** Returns whether an actual value (from a candidate) matches an expected one, for a field kind. */
export function matches(kind: Kind, actual: unknown, expected: unknown): boolean {
  switch (kind) {
    case 'text':
    case 'id': {
      // a text field with no text is null in our shape: it equals markup without any (`<img>`)
      if (kind === 'text' && actual === null && typeof expected === 'string') return visibleText(expected) === '';
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      if (kind === 'id' && actual.trim() === expected.trim()) return true;
      const a = looseTexts(actual);
      return looseTexts(expected).some((e) => a.includes(e));
    }
    case 'person': {
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      if (displayName(actual) === displayName(expected)) return true;
      // read as text fields are (plain or escaped markup alike), then compared by display name
      const a = looseTexts(actual).map(displayName);
      return looseTexts(expected).some((e) => a.includes(displayName(e)));
    }
    case 'html':
      return typeof actual === 'string' && typeof expected === 'string' && htmlCanon(actual) === htmlCanon(expected);
    case 'url':
      return typeof actual === 'string' && typeof expected === 'string' && canonUrl(actual) === canonUrl(expected);
    case 'lang':
      return typeof actual === 'string' && typeof expected === 'string' && actual.trim().toLowerCase() === expected.trim().toLowerCase();
    case 'date': {
      if (!(actual instanceof Date)) return false;
      if (Array.isArray(expected)) {
        const a = actual;
        const t = [a.getUTCFullYear(), a.getUTCMonth() + 1, a.getUTCDate(), a.getUTCHours(), a.getUTCMinutes(), a.getUTCSeconds()];
        return t.every((v, i) => v === expected[i]);
      }
      return expected instanceof Date && Math.abs(actual.getTime() - expected.getTime()) < 1000;
    }
    case 'version': {
      const [fmt, ver] = actual as [string | null, string | null];
      if (typeof expected !== 'string') return false;
      if (expected === 'rss') return fmt === 'rss'; // feedparser: RSS of unknown version
      // feedparser's rss20 is a family: every version="2.…" (2.0, 2.0.1, a made-up 2.1)
      if (expected === 'rss20') return fmt === 'rss' && ver !== null && (ver.startsWith('2.') || sameVersion(ver, '2.0'));
      const want = FP_VERSIONS[expected];
      if (want !== undefined) return fmt === want[0] && ver !== null && sameVersion(ver, want[1]!);
      return sameVersion(ver, expected);
    }
    case 'format':
      return actual === expected;
    case 'count':
      return actual === expected;
    case 'textlist': {
      // as sets: a repeated category is one category
      if (!Array.isArray(actual) || !Array.isArray(expected)) return false;
      const a = [...new Set(actual.map(String))];
      const e = [...new Set(expected.map(String))];
      return a.length === e.length && e.every((x) => a.some((y) => matches('text', y, x)));
    }
    case 'numlist':
      return Array.isArray(actual) && Array.isArray(expected) && actual.length === expected.length && expected.every((e, i) => Number(e) === Number(actual[i]));
    case 'reject':
      return false;
  }
}
