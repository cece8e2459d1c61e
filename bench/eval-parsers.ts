/**
 * eval-parsers: which feed parser should Jarida use? Runs our normalizer (src/ingest/parse) and five
 * npm candidates on the shared corpora and prints cases passed per corpus and parse speed.
 *
 * Method. Every candidate gets the same input: the body bytes are decoded once by decodeText (our
 * normalizer receives the bytes and decodes them itself the same way), plus the URL the corpus
 * serves the file at. A small adapter per candidate maps its output to our ParsedFeed shape (its
 * own field semantics, dates parsed with `new Date()` when it returns strings, the lead image from
 * its image/enclosure fields or the first <img>, guid falling back to the link). Then the same
 * field-level checks run on every candidate: text fields compare as text (markup and entities
 * resolved, whitespace collapsed), HTML fields as canonical HTML (htmlparser2 tokens, attributes
 * sorted), URLs as URLs, dates as instants. A case passes when all its checks pass.
 *   feedparser/: the `Expect:` Python expression is evaluated against a feedparser-shaped view of
 *     the result; the conjuncts that touch fields outside our shape (bozo, encoding, links,
 *     *_detail types/bases, enclosures, source, …) are dropped, cases left with none are skipped
 *     and counted as such; wellformed/sanitize (the sanitize step) and CDF are skipped.
 *   gofeed/: the expected JSON's fields that exist in our shape become checks (a case needs one
 *     beyond the item count and version, unless it is a version_* case); universal/ checks
 *     detection; invalid/unknown/empty inputs must be rejected.
 *   rss-parser/: the golden JSON (rss-parser's own output, so that corpus flatters rss-parser)
 *     mapped field by field; unrecognized.rss must be rejected.
 *
 * Usage: node dist/bench/eval-parsers.js [--only=ours,rss-parser] [--fails=ours] [--corpus=gofeed] [--no-speed]
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import iconv from 'iconv-lite';
import { Parser as HtmlParser } from 'htmlparser2';
import type { FeedItem, ParsedFeed } from '../src/model/feed.js';
import { decodeText } from '../src/ingest/parse/decode.js';
import { parseFeed } from '../src/ingest/parse/parse.js';
import { CORPORA_URL } from '../src/paths.js';

// ───────────────────────────── candidates ─────────────────────────────

/** A candidate's result in our shape; format/version may be unknown to a library. */
export type Result = Omit<ParsedFeed, 'format' | 'version'> & { format: string | null; version: string | null };

/** One corpus input as every candidate receives it. */
export interface Input {
  bytes: Uint8Array;
  text: string;
  contentType: string | null;
  /** Where the corpus serves the file (base for relative links), null when it has no address. */
  url: string | null;
}

/** A parser under test, already wrapped in its adapter. */
export interface Candidate {
  name: string;
  parse(input: Input): Result | Promise<Result>;
}

const require = createRequire(import.meta.url);

const IMG_RE = /<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
function firstImg(...html: (string | null | undefined)[]): string | null {
  for (const h of html) {
    const m = h ? IMG_RE.exec(h) : null;
    if (m) return (m[1] ?? m[2] ?? m[3] ?? '').replace(/&amp;/g, '&') || null;
  }
  return null;
}

function emptyResult(): Result {
  return {
    format: null, version: null, title: null, siteUrl: null, feedUrl: null, description: null,
    language: null, ttlMinutes: null, skipHours: [], skipDays: [], items: [],
  };
}

function item(p: Partial<FeedItem>): FeedItem {
  return {
    guid: p.guid ?? p.url ?? '', url: p.url ?? null, title: p.title ?? null, summary: p.summary ?? null,
    content: p.content ?? null, author: p.author ?? null, published: p.published ?? null, updated: p.updated ?? null,
    imageUrl: p.imageUrl ?? firstImg(p.content, p.summary), categories: p.categories ?? [], language: p.language ?? null,
  };
}

function str(v: unknown): string | null {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return null;
  return v.trim() === '' ? null : v;
}

function date(v: unknown): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v !== 'string' || v.trim() === '') return null;
  const d = new Date(v.trim());
  return Number.isNaN(d.getTime()) ? null : d;
}

function isImageType(t: unknown): boolean {
  return typeof t === 'string' && t.toLowerCase().startsWith('image/');
}

function rootIsAtom(text: string): boolean {
  return /<(?:[A-Za-z_][\w.-]*:)?feed[\s>]/.test(text.slice(0, 4096).replace(/<!--[\s\S]*?-->/g, ''));
}

function isJson(text: string): boolean {
  return /^[\s\uFEFF]*[{[]/.test(text);
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** Returns the candidates in the order they are printed; ours first. */
export function candidates(): Candidate[] {
  return [
    {
      name: 'ours',
      parse: (inp) => parseFeed(inp.bytes, { url: inp.url ?? undefined, contentType: inp.contentType }),
    },
    {
      name: 'rss-parser',
      async parse(inp) {
        const RssParser = require('rss-parser') as Any;
        const f: Any = await new RssParser().parseString(inp.text);
        const atom = rootIsAtom(inp.text);
        const r = emptyResult();
        Object.assign(r, { title: str(f.title), siteUrl: str(f.link), feedUrl: str(f.feedUrl), description: str(f.description), language: str(f.language) });
        r.items = (f.items ?? []).map((it: Any) => item({
          guid: str(it.guid) ?? str(it.id) ?? str(it.link) ?? undefined,
          url: str(it.link),
          title: str(it.title),
          summary: atom ? str(it.summary) : str(it.content),
          content: atom ? str(it.content) : str(it['content:encoded']),
          author: str(it.creator) ?? str(it.author),
          published: date(it.isoDate),
          imageUrl: (isImageType(it.enclosure?.type) ? str(it.enclosure?.url) : null) ?? str(it.itunes?.image) ?? undefined,
          categories: (it.categories ?? []).map((c: Any) => (typeof c === 'string' ? c : str(c?._) ?? '')).filter(Boolean),
          language: str(f.language),
        }));
        return r;
      },
    },
    {
      name: '@rowanmanning/feed-parser',
      parse(inp) {
        const { parseFeed: rm } = require('@rowanmanning/feed-parser') as Any;
        const f: Any = rm(inp.text).toJSON();
        const r = emptyResult();
        Object.assign(r, {
          format: f.meta?.type ?? null, version: f.meta?.version ?? null, title: str(f.title), siteUrl: str(f.url),
          feedUrl: str(f.self), description: str(f.description), language: str(f.language),
        });
        r.items = (f.items ?? []).map((it: Any) => item({
          guid: str(it.id) ?? str(it.url) ?? undefined,
          url: str(it.url),
          title: str(it.title),
          summary: str(it.description),
          content: str(it.content),
          author: (it.authors ?? []).map((a: Any) => str(a.name) ?? str(a.email)).filter(Boolean).join(', ') || null,
          published: date(it.published),
          updated: date(it.updated),
          imageUrl: str((it.media ?? []).find((m: Any) => m.type === 'image' || isImageType(m.mimeType))?.url) ?? str(it.image?.url) ?? undefined,
          categories: (it.categories ?? []).map((c: Any) => str(c.term) ?? str(c.label)).filter(Boolean),
          language: str(f.language),
        }));
        return r;
      },
    },
    {
      name: 'feedsmith',
      parse(inp) {
        const { parseFeed: fs } = require('feedsmith') as Any;
        const { format, feed: f } = fs(inp.text, { parseDateFn: (s: string) => date(s) }) as { format: string; feed: Any };
        return feedsmithToResult(format, f);
      },
    },
    {
      name: '@extractus/feed-extractor',
      async parse(inp) {
        const ex = (await import('@extractus/feed-extractor')) as Any;
        const opts = { descriptionMaxLen: 0, baseUrl: inp.url ?? undefined, useISODateFormat: true };
        const f: Any = isJson(inp.text) ? ex.extractFromJson(JSON.parse(inp.text), opts) : ex.extractFromXml(inp.text, opts);
        if (f === null || typeof f !== 'object' || f.error) throw new Error(`feed-extractor: ${f?.message ?? 'no result'}`);
        const r = emptyResult();
        Object.assign(r, { title: str(f.title), siteUrl: str(f.link), description: str(f.description), language: str(f.language) });
        r.items = (f.entries ?? []).map((e: Any) => item({
          guid: str(e.id) ?? str(e.link) ?? undefined, url: str(e.link), title: str(e.title),
          summary: str(e.description), published: date(e.published), language: str(f.language),
        }));
        return r;
      },
    },
    {
      name: 'feedparser (node)',
      parse(inp) {
        const FeedParser = require('feedparser') as Any;
        return new Promise<Result>((resolve, reject) => {
          const p = new FeedParser(inp.url === null ? {} : { feedurl: inp.url });
          const items: Any[] = [];
          p.on('error', (e: Error) => reject(e));
          p.on('readable', () => {
            for (let it = p.read(); it; it = p.read()) items.push(it);
          });
          p.on('end', () => {
            const m: Any = p.meta ?? {};
            const r = emptyResult();
            Object.assign(r, {
              format: str(m['#type']), version: str(m['#version']), title: str(m.title), siteUrl: str(m.link),
              feedUrl: str(m.xmlurl), description: str(m.description), language: str(m.language),
            });
            r.items = items.map((it) => item({
              guid: str(it.guid) ?? str(it.link) ?? undefined,
              url: str(it.origlink) ?? str(it.link),
              title: str(it.title),
              summary: str(it.summary) ?? str(it.description),
              content: it.description !== it.summary ? str(it.description) : null,
              author: str(it.author),
              published: date(it.pubdate),
              updated: date(it.date),
              imageUrl: str((it.enclosures ?? []).find((e: Any) => isImageType(e.type))?.url) ?? str(it.image?.url) ?? undefined,
              categories: (it.categories ?? []).filter(Boolean),
              language: str(m.language),
            }));
            resolve(r);
          });
          p.end(inp.text);
        });
      },
    },
  ];
}

function fsText(v: Any): string | null {
  return typeof v === 'string' ? str(v) : str(v?.value);
}

function feedsmithToResult(format: string, f: Any): Result {
  const r = emptyResult();
  r.format = format;
  if (format === 'atom') {
    const links: Any[] = f.links ?? [];
    Object.assign(r, {
      title: fsText(f.title), description: fsText(f.subtitle),
      siteUrl: str(links.find((l) => (l.rel ?? 'alternate') === 'alternate')?.href),
      feedUrl: str(links.find((l) => l.rel === 'self')?.href),
    });
    r.items = (f.entries ?? []).map((e: Any) => {
      const el: Any[] = e.links ?? [];
      return item({
        guid: str(e.id) ?? undefined, url: str(el.find((l) => (l.rel ?? 'alternate') === 'alternate')?.href),
        title: fsText(e.title), summary: fsText(e.summary), content: fsText(e.content),
        author: (e.authors ?? []).map((a: Any) => str(a.name)).filter(Boolean).join(', ') || null,
        published: date(e.published ?? e.issued), updated: date(e.updated ?? e.modified),
        imageUrl: str(el.find((l) => l.rel === 'enclosure' && isImageType(l.type))?.href) ?? str(e.media?.contents?.find((m: Any) => m.medium === 'image' || isImageType(m.type))?.url) ?? undefined,
        categories: (e.categories ?? []).map((c: Any) => str(c.term) ?? str(c.label)).filter(Boolean),
      });
    });
    return r;
  }
  if (format === 'json') {
    Object.assign(r, { title: str(f.title), siteUrl: str(f.home_page_url), feedUrl: str(f.feed_url), description: str(f.description), language: str(f.language) });
    r.items = (f.items ?? []).map((it: Any) => item({
      guid: str(it.id) ?? undefined, url: str(it.url), title: str(it.title), summary: str(it.summary),
      content: str(it.content_html) ?? str(it.content_text),
      author: (it.authors ?? (it.author ? [it.author] : [])).map((a: Any) => str(a.name)).filter(Boolean).join(', ') || null,
      published: date(it.date_published), updated: date(it.date_modified), imageUrl: str(it.image) ?? undefined,
      categories: it.tags ?? [], language: str(it.language) ?? str(f.language),
    }));
    return r;
  }
  // rss and rdf
  Object.assign(r, {
    title: str(f.title) ?? str(f.dc?.titles?.[0]), siteUrl: str(f.link), description: str(f.description),
    language: str(f.language) ?? str(f.dc?.languages?.[0]),
    feedUrl: str((f.atom?.links ?? []).find((l: Any) => l.rel === 'self')?.href),
  });
  r.items = (f.items ?? []).map((it: Any) => {
    const enc = (it.enclosures ?? []).find((e: Any) => isImageType(e.type));
    const media = (it.media?.contents ?? []).find((m: Any) => m.medium === 'image' || isImageType(m.type));
    return item({
      guid: fsText(it.guid) ?? str(it.link) ?? undefined, url: str(it.link),
      title: str(it.title) ?? str(it.dc?.titles?.[0]), summary: str(it.description) ?? str(it.dc?.descriptions?.[0]),
      content: str(it.content?.encoded),
      author: (it.dc?.creators ?? []).filter(Boolean).join(', ') || str(it.authors?.[0]) || str(it.itunes?.author),
      published: date(it.pubDate) ?? date(it.dc?.dates?.[0]), updated: date(it.atom?.updated),
      imageUrl: str(enc?.url) ?? str(media?.url) ?? str(it.media?.thumbnails?.[0]?.url) ?? str(it.itunes?.image) ?? undefined,
      categories: [...(it.categories ?? []).map((c: Any) => str(c.name)), ...(it.dc?.subjects ?? [])].filter(Boolean),
      language: str(f.language),
    });
  });
  return r;
}

// ───────────────────────────── comparing values ─────────────────────────────

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
function visibleText(html: string): string {
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

function canonUrl(s: string): string {
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
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      if (kind === 'id' && actual.trim() === expected.trim()) return true;
      const a = looseTexts(actual);
      return looseTexts(expected).some((e) => a.includes(e));
    }
    case 'person':
      return typeof actual === 'string' && typeof expected === 'string' && displayName(actual) === displayName(expected);
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

// ───────────────────────────── cases ─────────────────────────────

/** One check: a field of the result (by getter) compared by kind with an expected value. */
interface Check {
  field: string;
  kind: Kind;
  get(r: Result): unknown;
  expected: unknown;
}

type Verdict = { pass: boolean; why?: string };

/** A corpus case: its input and how a candidate's outcome is judged. */
export interface Case {
  corpus: 'feedparser' | 'gofeed' | 'rss-parser';
  id: string;
  input: Input;
  judge(outcome: { ok: true; result: Result } | { ok: false; error: unknown }): Verdict;
}

/** A case that was not counted, and why. */
export interface Skipped {
  corpus: string;
  id: string;
  reason: string;
}

function checksCase(corpus: Case['corpus'], id: string, input: Input, checks: Check[]): Case {
  return {
    corpus, id, input,
    judge(o) {
      if (!o.ok) return { pass: false, why: `threw: ${String((o.error as Error)?.message ?? o.error).slice(0, 120)}` };
      for (const c of checks) {
        let actual: unknown;
        try {
          actual = c.get(o.result);
        } catch {
          actual = undefined;
        }
        if (!matches(c.kind, actual, c.expected)) {
          return { pass: false, why: `${c.field}: got ${show(actual)}, want ${show(c.expected)}` };
        }
      }
      return { pass: true };
    },
  };
}

function rejectCase(corpus: Case['corpus'], id: string, input: Input): Case {
  return {
    corpus, id, input,
    judge: (o) => (o.ok ? { pass: false, why: `accepted a non-feed (${o.result.items.length} items)` } : { pass: true }),
  };
}

function show(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 160 ? `${s.slice(0, 160)}…` : s;
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

function makeInput(bytes: Uint8Array, contentType: string | null, url: string | null): Input {
  return { bytes, text: decodeText(bytes, contentType).text, contentType, url };
}

const itemAt = (i: number) => (r: Result): FeedItem => {
  const it = r.items[i];
  if (it === undefined) throw new Error('no such item');
  return it;
};

// ── gofeed ──

function gofeedCases(root: string, skipped: Skipped[]): Case[] {
  const dir = join(root, 'gofeed');
  const out: Case[] = [];
  for (const path of files(dir)) {
    const rel = relative(dir, path);
    if (rel.startsWith('parser/universal/')) {
      const base = rel.slice('parser/universal/'.length).replace(/\.\w+$/, '');
      const input = makeInput(readFileSync(path), null, null);
      if (/unknown|empty|invalid/.test(base)) out.push(rejectCase('gofeed', rel, input));
      else {
        const json = rel.endsWith('.json');
        const format = base.startsWith('atom') ? 'atom' : json ? 'json' : 'rss';
        out.push(checksCase('gofeed', rel, input, [
          { field: 'format', kind: 'format', get: (r) => (r.format === 'rdf' ? 'rss' : r.format), expected: format },
          { field: 'title', kind: 'text', get: (r) => r.title, expected: json ? 'title' : 'Feed Title' },
        ]));
      }
      continue;
    }
    if (rel.startsWith('parser/json/invalid/')) {
      out.push(rejectCase('gofeed', rel, makeInput(readFileSync(path), null, null)));
      continue;
    }
    const isJsonInput = rel.includes('/json/');
    if (isJsonInput ? !path.endsWith('.json') || path.endsWith('_expected.json') : !path.endsWith('.xml')) continue;
    const expectedPath = isJsonInput ? path.replace(/\.json$/, '_expected.json') : path.replace(/\.xml$/, '.json');
    if (!existsSync(expectedPath)) {
      skipped.push({ corpus: 'gofeed', id: rel, reason: 'no expected file' });
      continue;
    }
    const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as Any;
    const style = rel.startsWith('parser/rss/') ? 'rss' : rel.startsWith('parser/atom/') ? 'atom' : rel.startsWith('parser/json/') ? 'json' : 'neutral';
    const name = rel.split('/').pop() ?? rel;
    const checks = gofeedChecks(style, expected, name.startsWith('version_'));
    const substantive = checks.filter((c) => c.kind !== 'count' && c.kind !== 'version' && c.kind !== 'format');
    if (substantive.length === 0 && !name.startsWith('version_')) {
      skipped.push({ corpus: 'gofeed', id: rel, reason: 'expects only fields outside our shape' });
      continue;
    }
    out.push(checksCase('gofeed', rel, makeInput(readFileSync(path), null, null), checks));
  }
  return out;
}

function gofeedChecks(style: 'rss' | 'atom' | 'json' | 'neutral', e: Any, withVersion: boolean): Check[] {
  const checks: Check[] = [];
  const add = (field: string, kind: Kind, get: (r: Result) => unknown, expected: unknown): void => {
    if (expected === undefined || expected === null || expected === '' || (Array.isArray(expected) && expected.length === 0 && kind !== 'count')) return;
    checks.push({ field, kind, get, expected });
  };
  const parsedDate = (v: unknown, parsed?: unknown): Date | undefined => {
    const d = date(parsed) ?? date(v);
    return d ?? undefined;
  };
  if (style === 'json') {
    add('title', 'text', (r) => r.title, e.title);
    add('siteUrl', 'url', (r) => r.siteUrl, e.home_page_url);
    add('feedUrl', 'url', (r) => r.feedUrl, e.feed_url);
    add('description', 'text', (r) => r.description, e.description);
    if (withVersion) add('version', 'version', (r) => [r.format, r.version], e.version);
    const items: Any[] = e.items ?? [];
    add('items.length', 'count', (r) => r.items.length, items.length);
    items.forEach((it, i) => {
      const at = itemAt(i);
      add(`items[${i}].guid`, 'id', (r) => at(r).guid, it.id);
      add(`items[${i}].url`, 'url', (r) => at(r).url, it.url);
      add(`items[${i}].title`, 'text', (r) => at(r).title, it.title);
      add(`items[${i}].content`, 'html', (r) => at(r).content, it.content_html);
      add(`items[${i}].summary`, 'html', (r) => at(r).summary, it.summary);
      add(`items[${i}].published`, 'date', (r) => at(r).published, parsedDate(it.date_published));
      add(`items[${i}].updated`, 'date', (r) => at(r).updated, parsedDate(it.date_modified));
      add(`items[${i}].author`, 'person', (r) => at(r).author, it.author?.name ?? it.authors?.[0]?.name);
      add(`items[${i}].categories`, 'textlist', (r) => at(r).categories, it.tags);
      add(`items[${i}].imageUrl`, 'url', (r) => at(r).imageUrl, it.image);
    });
    return checks;
  }
  if (style === 'rss') {
    add('title', 'text', (r) => r.title, e.title);
    add('siteUrl', 'url', (r) => r.siteUrl, e.link);
    add('description', 'text', (r) => r.description, e.description);
    add('language', 'lang', (r) => r.language, e.language);
    add('skipHours', 'numlist', (r) => r.skipHours, e.skipHours);
    add('skipDays', 'textlist', (r) => r.skipDays, e.skipDays);
    if (withVersion && typeof e.version === 'string') checks.push({ field: 'version', kind: 'version', get: (r) => [r.format, r.version], expected: e.version });
    const items: Any[] = e.items ?? [];
    add('items.length', 'count', (r) => r.items.length, items.length);
    items.forEach((it, i) => {
      const at = itemAt(i);
      add(`items[${i}].title`, 'text', (r) => at(r).title, it.title);
      add(`items[${i}].url`, 'url', (r) => at(r).url, it.link);
      add(`items[${i}].summary`, 'html', (r) => at(r).summary, it.description);
      add(`items[${i}].content`, 'html', (r) => at(r).content, it.content);
      add(`items[${i}].guid`, 'id', (r) => at(r).guid, it.guid?.value);
      add(`items[${i}].author`, 'person', (r) => at(r).author, it.author);
      add(`items[${i}].published`, 'date', (r) => at(r).published, parsedDate(it.pubDate));
      add(`items[${i}].categories`, 'textlist', (r) => at(r).categories, (it.categories ?? []).map((c: Any) => c.value).filter(Boolean));
      const enc = (it.enclosures ?? []).find((x: Any) => isImageType(x.type));
      add(`items[${i}].imageUrl`, 'url', (r) => at(r).imageUrl, enc?.url);
    });
    return checks;
  }
  if (style === 'atom') {
    add('title', 'text', (r) => r.title, e.title);
    const links: Any[] = e.links ?? [];
    add('siteUrl', 'url', (r) => r.siteUrl, links.find((l) => l.href && (l.rel ?? 'alternate') === 'alternate')?.href);
    add('feedUrl', 'url', (r) => r.feedUrl, links.find((l) => l.href && l.rel === 'self')?.href);
    add('description', 'text', (r) => r.description, e.subtitle);
    add('language', 'lang', (r) => r.language, e.language);
    if (withVersion && typeof e.version === 'string') checks.push({ field: 'version', kind: 'version', get: (r) => [r.format, r.version], expected: e.version });
    const entries: Any[] = e.entries ?? [];
    add('items.length', 'count', (r) => r.items.length, entries.length);
    entries.forEach((it, i) => {
      const at = itemAt(i);
      const el: Any[] = it.links ?? [];
      add(`items[${i}].title`, 'text', (r) => at(r).title, it.title);
      add(`items[${i}].guid`, 'id', (r) => at(r).guid, it.id);
      add(`items[${i}].url`, 'url', (r) => at(r).url, el.find((l) => l.href && (l.rel ?? 'alternate') === 'alternate')?.href);
      add(`items[${i}].summary`, 'html', (r) => at(r).summary, it.summary);
      add(`items[${i}].content`, 'html', (r) => at(r).content, it.content?.value);
      add(`items[${i}].published`, 'date', (r) => at(r).published, parsedDate(it.published, it.publishedParsed));
      add(`items[${i}].updated`, 'date', (r) => at(r).updated, parsedDate(it.updated, it.updatedParsed));
      add(`items[${i}].author`, 'person', (r) => at(r).author, (it.authors ?? []).map((a: Any) => a.name).filter(Boolean).join(', '));
      add(`items[${i}].categories`, 'textlist', (r) => at(r).categories, (it.categories ?? []).map((c: Any) => c.term).filter(Boolean));
    });
    return checks;
  }
  // format-neutral (translator/, extensions/)
  add('title', 'text', (r) => r.title, e.title);
  add('siteUrl', 'url', (r) => r.siteUrl, e.link);
  add('feedUrl', 'url', (r) => r.feedUrl, e.feedLink);
  add('description', 'text', (r) => r.description, e.description);
  add('language', 'lang', (r) => r.language, e.language);
  if (withVersion && typeof e.feedType === 'string') checks.push({ field: 'format', kind: 'format', get: (r) => (r.format === 'rdf' ? 'rss' : r.format), expected: e.feedType });
  const items: Any[] = e.items ?? [];
  add('items.length', 'count', (r) => r.items.length, items.length);
  items.forEach((it, i) => {
    const at = itemAt(i);
    add(`items[${i}].title`, 'text', (r) => at(r).title, it.title);
    add(`items[${i}].url`, 'url', (r) => at(r).url, it.link);
    add(`items[${i}].guid`, 'id', (r) => at(r).guid, it.guid);
    add(`items[${i}].summary`, 'html', (r) => at(r).summary, it.description);
    add(`items[${i}].content`, 'html', (r) => at(r).content, it.content);
    add(`items[${i}].author`, 'person', (r) => at(r).author, (it.authors ?? (it.author ? [it.author] : [])).map((a: Any) => a.name ?? a.email).filter(Boolean).join(', '));
    add(`items[${i}].published`, 'date', (r) => at(r).published, parsedDate(it.published, it.publishedParsed));
    add(`items[${i}].updated`, 'date', (r) => at(r).updated, parsedDate(it.updated, it.updatedParsed));
    add(`items[${i}].categories`, 'textlist', (r) => at(r).categories, it.categories);
    const enc = (it.enclosures ?? []).find((x: Any) => isImageType(x.type));
    add(`items[${i}].imageUrl`, 'url', (r) => at(r).imageUrl, it.image?.url ?? enc?.url);
  });
  return checks;
}

// ── rss-parser ──

function rssParserCases(root: string, skipped: Skipped[]): Case[] {
  const dir = join(root, 'rss-parser');
  const out: Case[] = [];
  for (const name of readdirSync(join(dir, 'input')).sort()) {
    const stem = name.replace(/\.\w+$/, '');
    const bytes = readFileSync(join(dir, 'input', name));
    const contentType = stem === 'encoding' ? 'text/xml; charset=latin1' : null;
    const input = makeInput(bytes, contentType, null); // upstream parses these without a base URL
    if (stem === 'unrecognized') {
      out.push(rejectCase('rss-parser', name, input));
      continue;
    }
    const goldenPath = join(dir, 'output', `${stem}.json`);
    if (!existsSync(goldenPath)) {
      if (stem === 'itunes-missing-image') out.push(checksCase('rss-parser', name, input, []));
      else skipped.push({ corpus: 'rss-parser', id: name, reason: 'no golden output' });
      continue;
    }
    const golden = JSON.parse(readFileSync(goldenPath, stem === 'encoding' ? 'latin1' : 'utf8')).feed as Any;
    out.push(checksCase('rss-parser', name, input, rssParserChecks(golden, rootIsAtom(input.text))));
  }
  return out;
}

function rssParserChecks(g: Any, atom: boolean): Check[] {
  const checks: Check[] = [];
  const add = (field: string, kind: Kind, get: (r: Result) => unknown, expected: unknown): void => {
    if (expected === undefined || expected === null || expected === '' || expected === 'EMPTY') return;
    if (typeof expected === 'object' && !Array.isArray(expected) && !(expected instanceof Date)) return; // xml2js leftovers
    checks.push({ field, kind, get, expected });
  };
  add('title', 'text', (r) => r.title, g.title);
  add('siteUrl', 'url', (r) => r.siteUrl, g.link);
  add('feedUrl', 'url', (r) => r.feedUrl, g.feedUrl);
  add('description', 'text', (r) => r.description, g.description);
  add('language', 'lang', (r) => r.language, g.language);
  const items: Any[] = g.items ?? [];
  add('items.length', 'count', (r) => r.items.length, items.length);
  items.forEach((it, i) => {
    const at = itemAt(i);
    add(`items[${i}].title`, 'text', (r) => at(r).title, it.title);
    add(`items[${i}].url`, 'url', (r) => at(r).url, it.link);
    add(`items[${i}].guid`, 'id', (r) => at(r).guid, typeof it.guid === 'string' ? it.guid : it.guid?._ ?? it.id);
    add(`items[${i}].date`, 'date', (r) => at(r).published ?? at(r).updated, date(it.isoDate) ?? undefined);
    add(`items[${i}].author`, 'person', (r) => at(r).author, it.creator ?? it.author);
    add(`items[${i}].summary`, 'html', (r) => at(r).summary, atom ? it.summary : it.content);
    add(`items[${i}].content`, 'html', (r) => at(r).content, atom ? it.content : it['content:encoded']);
    const cats = (it.categories ?? []).map((c: Any) => (typeof c === 'string' ? c : c?._)).filter((c: unknown) => typeof c === 'string' && c.trim() !== '');
    add(`items[${i}].categories`, 'textlist', (r) => at(r).categories, cats.length > 0 ? cats : undefined);
    if (isImageType(it.enclosure?.type)) add(`items[${i}].imageUrl`, 'url', (r) => at(r).imageUrl, it.enclosure.url);
  });
  return checks;
}

// ── feedparser: a small evaluator for the `Expect:` Python expressions ──

type Tok = { t: 'str' | 'num' | 'name' | 'op'; v: string };

function pyTokens(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const sm = /^([uUbBrR]{0,2})('''|"""|'|")/.exec(src.slice(i, i + 6));
    if (sm !== null) {
      const raw = /r/i.test(sm[1]!);
      const q = sm[2]!;
      let j = i + sm[0].length;
      let body = '';
      while (j < src.length && !src.startsWith(q, j)) {
        if (src[j] === '\\' && !raw) {
          body += src.slice(j, j + 2);
          j += 2;
        } else body += src[j++];
      }
      if (j >= src.length) throw new Error('unterminated string');
      toks.push({ t: 'str', v: raw ? body : pyUnescape(body) });
      i = j + q.length;
      continue;
    }
    const nm = /^\d+(?:\.\d+)?/.exec(src.slice(i));
    if (nm !== null) {
      toks.push({ t: 'num', v: nm[0] });
      i += nm[0].length;
      continue;
    }
    const id = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (id !== null) {
      toks.push({ t: 'name', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|[<>()[\]{},:.\-+])/.exec(src.slice(i));
    if (op === null) throw new Error(`unexpected ${JSON.stringify(c)}`);
    toks.push({ t: 'op', v: op[0] });
    i += op[0].length;
  }
  return toks;
}

function pyUnescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.)/gs, (_m, e: string) => {
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' } as Record<string, string>)[e] ?? `\\${e}`;
  });
}

type Py =
  | { k: 'name'; id: string }
  | { k: 'const'; v: unknown }
  | { k: 'seq'; items: Py[] }
  | { k: 'dict'; entries: [Py, Py][] }
  | { k: 'sub'; obj: Py; idx: Py }
  | { k: 'attr'; obj: Py; name: string }
  | { k: 'call'; fn: Py; args: Py[] }
  | { k: 'not'; e: Py }
  | { k: 'and' | 'or'; es: Py[] }
  | { k: 'cmp'; left: Py; ops: { op: string; right: Py }[] };

function pyParse(src: string): Py {
  const toks = pyTokens(src);
  let p = 0;
  const peek = (v?: string): boolean => p < toks.length && (v === undefined || toks[p]!.v === v);
  const eat = (v: string): void => {
    if (!peek(v)) throw new Error(`expected ${v} at ${toks[p]?.v ?? 'end'}`);
    p++;
  };
  const or = (): Py => {
    const es = [and()];
    while (peek('or')) {
      p++;
      es.push(and());
    }
    return es.length === 1 ? es[0]! : { k: 'or', es };
  };
  const and = (): Py => {
    const es = [not()];
    while (peek('and')) {
      p++;
      es.push(not());
    }
    return es.length === 1 ? es[0]! : { k: 'and', es };
  };
  const not = (): Py => {
    if (peek('not')) {
      p++;
      return { k: 'not', e: not() };
    }
    return cmp();
  };
  const cmp = (): Py => {
    const left = postfix();
    const ops: { op: string; right: Py }[] = [];
    for (;;) {
      const t = toks[p];
      if (t === undefined) break;
      if (['==', '!=', '<', '>', '<=', '>='].includes(t.v) && t.t === 'op') {
        p++;
        ops.push({ op: t.v, right: postfix() });
      } else if (t.v === 'in' || t.v === 'is') {
        p++;
        ops.push({ op: t.v, right: postfix() });
      } else if (t.v === 'not' && toks[p + 1]?.v === 'in') {
        p += 2;
        ops.push({ op: 'not in', right: postfix() });
      } else break;
    }
    return ops.length === 0 ? left : { k: 'cmp', left, ops };
  };
  const postfix = (): Py => {
    let e = atom();
    for (;;) {
      if (peek('[')) {
        p++;
        const idx = or();
        eat(']');
        e = { k: 'sub', obj: e, idx };
      } else if (peek('.')) {
        p++;
        e = { k: 'attr', obj: e, name: toks[p++]!.v };
      } else if (peek('(')) {
        p++;
        const args: Py[] = [];
        while (!peek(')')) {
          args.push(or());
          if (peek(',')) p++;
        }
        eat(')');
        e = { k: 'call', fn: e, args };
      } else return e;
    }
  };
  const atom = (): Py => {
    const t = toks[p++];
    if (t === undefined) throw new Error('unexpected end');
    if (t.t === 'str') {
      let v = t.v;
      while (toks[p]?.t === 'str') v += toks[p++]!.v;
      return { k: 'const', v };
    }
    if (t.t === 'num') return { k: 'const', v: Number(t.v) };
    if (t.v === '-' && toks[p]?.t === 'num') return { k: 'const', v: -Number(toks[p++]!.v) };
    if (t.t === 'name') {
      if (t.v === 'True' || t.v === 'False') return { k: 'const', v: t.v === 'True' };
      if (t.v === 'None') return { k: 'const', v: null };
      return { k: 'name', id: t.v };
    }
    if (t.v === '(' || t.v === '[') {
      const close = t.v === '(' ? ')' : ']';
      const items: Py[] = [];
      let tuple = t.v === '[';
      while (!peek(close)) {
        items.push(or());
        if (peek(',')) {
          p++;
          tuple = true;
        }
      }
      eat(close);
      return tuple ? { k: 'seq', items } : items[0]!;
    }
    if (t.v === '{') {
      const entries: [Py, Py][] = [];
      while (!peek('}')) {
        const k = or();
        eat(':');
        entries.push([k, or()]);
        if (peek(',')) p++;
      }
      eat('}');
      return { k: 'dict', entries };
    }
    throw new Error(`unexpected ${t.v}`);
  };
  const e = or();
  if (p !== toks.length) throw new Error(`trailing ${toks[p]?.v}`);
  return e;
}

// The feedparser keys that exist in our shape; anything else makes a conjunct unmapped.
const MAPPED_FEED = new Set(['title', 'title_detail.value', 'link', 'description', 'subtitle', 'tagline', 'subtitle_detail.value', 'tagline_detail.value', 'language']);
const MAPPED_ENTRY = new Set([
  '', 'title', 'title_detail.value', 'link', 'id', 'guid', 'description', 'summary', 'summary_detail.value',
  'content', 'content.#', 'content.#.value', 'author', 'author_detail.name', 'published_parsed', 'updated_parsed',
  'tags', 'tags.#', 'tags.#.term', 'category',
]);

/** Returns the key path of a subscript/attribute chain (`entries[0]['title']` → ['entries','#','title']), or null. */
function chain(e: Py): string[] | null {
  if (e.k === 'name') return [e.id];
  if (e.k === 'attr') {
    const c = chain(e.obj);
    return c === null ? null : [...c, e.name];
  }
  if (e.k === 'sub') {
    const c = chain(e.obj);
    if (c === null || e.idx.k !== 'const') return null;
    return [...c, typeof e.idx.v === 'number' ? '#' : String(e.idx.v)];
  }
  if (e.k === 'call' && e.fn.k === 'attr' && e.fn.name === 'get' && e.args[0]?.k === 'const') {
    const c = chain(e.fn.obj);
    return c === null ? null : [...c, String(e.args[0].v)];
  }
  return null;
}

function isMapped(e: Py): boolean {
  switch (e.k) {
    case 'const':
      return true;
    case 'seq':
      return e.items.every(isMapped);
    case 'dict':
      return false;
    case 'not':
      return isMapped(e.e);
    case 'and':
    case 'or':
      return e.es.every(isMapped);
    case 'cmp':
      return isMapped(e.left) && e.ops.every((o) => isMapped(o.right));
    case 'call':
      if (e.fn.k === 'name' && (e.fn.id === 'len' || e.fn.id === 'ord')) return e.args.every(isMapped);
      if (e.fn.k === 'attr' && e.fn.name === 'get') return chainMapped(chain(e));
      return false;
    default:
      return chainMapped(chain(e));
  }
}

function chainMapped(c: string[] | null): boolean {
  if (c === null) return false;
  const [root, ...rest] = c;
  if (root === 'version') return rest.length === 0;
  if (root === 'feed') return MAPPED_FEED.has(rest.join('.'));
  if (root === 'entries') return rest.length === 0 || (rest[0] === '#' && MAPPED_ENTRY.has(rest.slice(1).join('.')));
  return false;
}

class KeyMissing extends Error {}

/** A key our shape has but whose value is null: equal to '' (feedparser's empty), nothing else. */
const EMPTY = Symbol('empty');

/** A value tagged with the kind it must be compared as. */
class Tagged {
  constructor(readonly kind: Kind, readonly v: unknown) {}
}

/** A feedparser-like dict over our result: missing values raise like Python's KeyError. */
class View {
  constructor(private readonly entries: Record<string, unknown>) {}
  get(key: string): unknown {
    if (!(key in this.entries)) throw new KeyMissing(key);
    const v = this.entries[key];
    if (v === null || v === undefined || (v instanceof Tagged && (v.v === null || v.v === undefined))) return EMPTY;
    return v;
  }
  has(key: string): boolean {
    return key in this.entries && this.get(key) !== EMPTY;
  }
}

function feedView(r: Result): { feed: View; entries: View[]; version: Tagged } {
  const t = (kind: Kind, v: unknown): Tagged => new Tagged(kind, v ?? null);
  const feed = new View({
    title: t('text', r.title), title_detail: r.title === null ? null : new View({ value: t('text', r.title) }),
    link: t('url', r.siteUrl), description: t('text', r.description), subtitle: t('text', r.description),
    tagline: t('text', r.description), language: t('lang', r.language),
    subtitle_detail: r.description === null ? null : new View({ value: t('text', r.description) }),
    tagline_detail: r.description === null ? null : new View({ value: t('text', r.description) }),
  });
  const entries = r.items.map((it) => {
    const summary = it.summary ?? it.content;
    return new View({
      title: t('text', it.title), title_detail: it.title === null ? null : new View({ value: t('text', it.title) }),
      link: t('url', it.url), id: t('id', it.guid), guid: t('id', it.guid),
      description: t('html', summary), summary: t('html', summary),
      summary_detail: summary === null ? null : new View({ value: t('html', summary) }),
      content: it.content === null ? null : [new View({ value: t('html', it.content) })],
      author: t('person', it.author), author_detail: it.author === null ? null : new View({ name: t('person', it.author) }),
      published_parsed: t('date', it.published), updated_parsed: t('date', it.updated),
      tags: it.categories.length === 0 ? null : it.categories.map((c) => new View({ term: t('text', c) })),
      category: t('text', it.categories[0]),
    });
  });
  return { feed, entries, version: new Tagged('version', [r.format, r.version]) };
}

function pyEval(e: Py, env: Record<string, unknown>): unknown {
  switch (e.k) {
    case 'const':
      return e.v;
    case 'seq':
      return e.items.map((x) => pyEval(x, env));
    case 'dict':
      return new View({});
    case 'name':
      if (!(e.id in env)) throw new Error(`unknown name ${e.id}`);
      return env[e.id];
    case 'not':
      return !truthy(pyEval(e.e, env));
    case 'and':
      return e.es.every((x) => truthy(pyEval(x, env)));
    case 'or':
      return e.es.some((x) => truthy(pyEval(x, env)));
    case 'attr':
    case 'sub': {
      const obj = pyEval(e.obj, env);
      const key = e.k === 'attr' ? e.name : pyEval(e.idx, env);
      if (obj instanceof View) return obj.get(String(key));
      if (obj === EMPTY) throw new KeyMissing(String(key));
      if (Array.isArray(obj) && typeof key === 'number') {
        const v = obj[key < 0 ? obj.length + key : key];
        if (v === undefined) throw new KeyMissing(String(key));
        return v;
      }
      throw new Error('bad subscript');
    }
    case 'call': {
      if (e.fn.k === 'attr' && e.fn.name === 'get') {
        const obj = pyEval(e.fn.obj, env);
        const key = String(pyEval(e.args[0]!, env));
        if (obj instanceof View) return obj.has(key) ? obj.get(key) : e.args[1] ? pyEval(e.args[1], env) : null;
        throw new Error('bad get');
      }
      const fn = e.fn.k === 'name' ? e.fn.id : '';
      const arg = unwrap(pyEval(e.args[0]!, env));
      if (fn === 'len') return Array.isArray(arg) || typeof arg === 'string' ? arg.length : 0;
      if (fn === 'ord' && typeof arg === 'string' && [...arg].length === 1) return arg.codePointAt(0);
      throw new Error(`bad call ${fn}`);
    }
    case 'cmp': {
      let left = pyEval(e.left, env);
      for (const { op, right: r } of e.ops) {
        const right = pyEval(r, env);
        let ok: boolean;
        if (op === '==' || op === 'is') ok = pyEq(left, right);
        else if (op === '!=') ok = !pyEq(left, right);
        else if (op === 'in' || op === 'not in') {
          const hay = unwrap(right);
          const needle = unwrap(left);
          const found = right instanceof View ? right.has(String(needle)) : Array.isArray(hay) ? hay.some((x) => pyEq(x, left)) : typeof hay === 'string' && hay.includes(String(needle));
          ok = op === 'in' ? found : !found;
        } else {
          const a = Number(unwrap(left));
          const b = Number(unwrap(right));
          ok = op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
        }
        if (!ok) return false;
        left = right;
      }
      return true;
    }
  }
}

function unwrap(v: unknown): unknown {
  if (v === EMPTY) throw new KeyMissing('(empty)');
  return v instanceof Tagged ? v.v : v;
}

function truthy(v: unknown): boolean {
  if (v === EMPTY) return false;
  const u = unwrap(v);
  if (Array.isArray(u)) return u.length > 0;
  return Boolean(u);
}

function pyEq(a: unknown, b: unknown): boolean {
  if (a === EMPTY || b === EMPTY) return (a === EMPTY ? b : a) === '';
  if (a instanceof Tagged) return matches(a.kind, a.v, unwrap(b));
  if (b instanceof Tagged) return matches(b.kind, b.v, unwrap(a));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  return a === b;
}

function feedparserCases(root: string, skipped: Skipped[]): Case[] {
  const dir = join(root, 'feedparser');
  const out: Case[] = [];
  for (const path of files(dir)) {
    const rel = relative(dir, path);
    if (!/\.(xml|json|rdf|atom|rss)$/i.test(rel)) continue;
    const skip = (reason: string): void => {
      skipped.push({ corpus: 'feedparser', id: rel, reason });
    };
    if (rel.startsWith('wellformed/sanitize/')) {
      skip('tests the sanitize step, not parsing');
      continue;
    }
    if (rel.startsWith('wellformed/cdf/')) {
      skip('CDF, a format outside RSS/Atom/JSON Feed');
      continue;
    }
    const bytes = readFileSync(path);
    const header = readHeader(bytes);
    const expect = /Expect:\s*(.*?)\s*(?:-->|$)/m.exec(header)?.[1];
    if (expect === undefined) {
      skip('no Expect');
      continue;
    }
    let ast: Py;
    try {
      ast = pyParse(expect.replace(/\s*-->\s*$/, ''));
    } catch {
      skip('Expect expression not understood');
      continue;
    }
    const conj = (ast.k === 'and' ? ast.es : [ast]).filter(isMapped);
    if (conj.length === 0) {
      skip('asserts only fields outside our shape (bozo, encoding, links, details, …)');
      continue;
    }
    let contentType: string | null = null;
    let url = `http://127.0.0.1:8097/tests/${rel}`;
    for (const h of header.matchAll(/^Header:\s*([\w-]+):\s*(.*?)\s*$/gm)) {
      if (h[1]!.toLowerCase() === 'content-type') contentType = h[2]!;
      if (h[1]!.toLowerCase() === 'content-location' && h[2]) {
        const loc = new URL(h[2], url);
        if (loc.protocol === 'http:' || loc.protocol === 'https:') url = loc.href; // as feedparser: unsafe schemes ignored
      }
    }
    if (contentType === null && rel.includes('http')) contentType = 'text/xml';
    const input = makeInput(bytes, contentType, url);
    out.push({
      corpus: 'feedparser', id: rel, input,
      judge(o) {
        if (!o.ok) return { pass: false, why: `threw: ${String((o.error as Error)?.message ?? o.error).slice(0, 120)}` };
        const env: Record<string, unknown> = { ...feedView(o.result) };
        for (const c of conj) {
          let ok = false;
          try {
            ok = truthy(pyEval(c, env));
          } catch {
            ok = false;
          }
          if (!ok) return { pass: false, why: `${expect.slice(0, 200)} | got ${show(viewSummary(o.result))}` };
        }
        return { pass: true };
      },
    });
  }
  return out;
}

function viewSummary(r: Result): unknown {
  const it = r.items[0];
  return { title: r.title, link: r.siteUrl, desc: r.description, items: r.items.length, item: it && { ...it, summary: it.summary?.slice(0, 100), content: it.content?.slice(0, 100) } };
}

function readHeader(bytes: Uint8Array): string {
  const latin = Buffer.from(bytes).toString('latin1', 0, Math.min(bytes.length, 4000));
  if (latin.includes('Expect')) return latin.replace(/\\n/g, '\n').replace(/"__TEST__":\s*"/, '');
  for (const enc of ['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be']) {
    const t = iconv.decode(Buffer.from(bytes), enc).slice(0, 4000);
    if (t.includes('Expect')) return t;
  }
  return '';
}

// ───────────────────────────── running ─────────────────────────────

/** Returns every counted case and the list of skipped ones, for the corpora under `root`. */
export function loadCases(root: string, only?: string): { cases: Case[]; skipped: Skipped[] } {
  const skipped: Skipped[] = [];
  const cases: Case[] = [];
  if (!only || only === 'feedparser') cases.push(...feedparserCases(root, skipped));
  if (!only || only === 'gofeed') cases.push(...gofeedCases(root, skipped));
  if (!only || only === 'rss-parser') cases.push(...rssParserCases(root, skipped));
  return { cases, skipped };
}

/** One candidate's verdicts and timing over a list of cases. */
export interface RunResult {
  candidate: string;
  passed: Map<string, number>;
  total: Map<string, number>;
  failures: { corpus: string; id: string; why: string }[];
  items: number;
  ms: number;
}

async function outcome(c: Candidate, input: Input): Promise<{ ok: true; result: Result } | { ok: false; error: unknown }> {
  try {
    const result = await Promise.race([
      Promise.resolve().then(() => c.parse(input)),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout 10 s')), 10_000).unref()),
    ]);
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Returns the verdicts of a candidate on the cases. */
export async function runCandidate(c: Candidate, cases: readonly Case[]): Promise<RunResult> {
  const run: RunResult = { candidate: c.name, passed: new Map(), total: new Map(), failures: [], items: 0, ms: 0 };
  for (const cs of cases) {
    const t0 = performance.now();
    const o = await outcome(c, cs.input);
    run.ms += performance.now() - t0;
    if (o.ok) run.items += o.result.items.length;
    let v: Verdict;
    try {
      v = cs.judge(o);
    } catch (err) {
      v = { pass: false, why: `judge error ${(err as Error).message}` };
    }
    run.total.set(cs.corpus, (run.total.get(cs.corpus) ?? 0) + 1);
    if (v.pass) run.passed.set(cs.corpus, (run.passed.get(cs.corpus) ?? 0) + 1);
    else run.failures.push({ corpus: cs.corpus, id: cs.id, why: v.why ?? '' });
  }
  return run;
}

/** Returns items per second for a candidate over inputs, repeated until about `budgetMs` has passed. */
async function throughput(c: Candidate, inputs: readonly Input[], budgetMs: number): Promise<{ itemsPerSec: number; mbPerSec: number }> {
  let items = 0;
  let bytes = 0;
  let ms = 0;
  for (let round = 0; round === 0 || ms < budgetMs; round++) {
    for (const input of inputs) {
      const t0 = performance.now();
      const o = await outcome(c, input);
      ms += performance.now() - t0;
      if (o.ok) items += o.result.items.length;
      bytes += input.bytes.length;
    }
    if (round > 50) break;
  }
  return { itemsPerSec: (items / ms) * 1000, mbPerSec: (bytes / 1048576 / ms) * 1000 };
}

function pct(p: number, t: number): string {
  return t === 0 ? '—' : `${p}/${t} (${((p / t) * 100).toFixed(1)}%)`;
}

async function main(): Promise<void> {
  const args = new Map(process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }));
  const root = fileURLToPath(CORPORA_URL);
  const { cases, skipped } = loadCases(root, args.get('corpus'));
  const only = args.get('only')?.split(',');
  const cands = candidates().filter((c) => !only || only.includes(c.name));
  const corpora = ['feedparser', 'gofeed', 'rss-parser'].filter((c) => cases.some((x) => x.corpus === c));
  const runs: RunResult[] = [];
  for (const c of cands) runs.push(await runCandidate(c, cases));

  const header = ['candidate', ...corpora, 'overall', 'items/s (real feeds)', 'MB/s'];
  const rows: string[][] = [];
  // speed: the real-world feeds, with a feed URL as in production (relative links get resolved)
  const speedInputs = cases.filter((c) => c.corpus === 'rss-parser').map((c) => ({ ...c.input, url: 'https://example.com/feed' }));
  for (const run of runs) {
    const p = corpora.reduce((s, c) => s + (run.passed.get(c) ?? 0), 0);
    const t = corpora.reduce((s, c) => s + (run.total.get(c) ?? 0), 0);
    let speed = ['—', '—'];
    if (args.get('no-speed') !== 'true' && speedInputs.length > 0) {
      const s = await throughput(cands.find((c) => c.name === run.candidate)!, speedInputs, 1500);
      speed = [Math.round(s.itemsPerSec).toLocaleString('en-US'), s.mbPerSec.toFixed(1)];
    }
    rows.push([run.candidate, ...corpora.map((c) => pct(run.passed.get(c) ?? 0, run.total.get(c) ?? 0)), pct(p, t), ...speed]);
  }
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  console.log(line(header));
  console.log(line(header.map(() => '---')));
  for (const r of rows) console.log(line(r));
  console.log();
  for (const c of corpora) {
    const sk = skipped.filter((s) => s.corpus === c);
    const reasons = new Map<string, number>();
    for (const s of sk) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
    const counted = cases.filter((x) => x.corpus === c).length;
    console.log(`${c}: ${counted} cases mapped and counted, ${sk.length} skipped${sk.length ? ': ' : ''}${[...reasons].map(([r, n]) => `${n} ${r}`).join('; ')}`);
  }
  const ours = cands.find((c) => c.name === 'ours');
  if (ours && args.get('no-speed') !== 'true') {
    // every counted corpus file (mostly tiny one-item feeds: per-document overhead dominates)
    const s = await throughput(ours, cases.map((c) => c.input), 1500);
    console.log(`\nours over all ${cases.length} counted corpus files: ${Math.round(s.itemsPerSec).toLocaleString('en-US')} items/s, ${s.mbPerSec.toFixed(1)} MB/s`);
  }
  const fails = args.get('fails');
  if (fails) {
    for (const run of runs.filter((r) => r.candidate === fails)) {
      console.log(`\nfailures of ${run.candidate} (${run.failures.length}):`);
      for (const f of run.failures) console.log(`  [${f.corpus}] ${f.id}: ${f.why}`);
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error('eval-parsers:', err);
    process.exit(1);
  });
}
