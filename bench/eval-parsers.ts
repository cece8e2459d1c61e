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
 *   feedparser/: the `Expect:` Python expression (py-expect.ts) is evaluated against a
 *     feedparser-shaped view of the result; the conjuncts that touch fields outside our shape
 *     (encoding, links, *_detail types/bases, enclosures, source, …) are dropped, cases left with
 *     none are skipped and counted as such; wellformed/sanitize (the sanitize step) and CDF are
 *     skipped. `bozo` (is the document well-formed?) is scored apart, in its own column, on every
 *     file that says it (the Expect's `bozo` / `not bozo`, else wellformed/ means well-formed and
 *     illformed/ not; entities/ says neither; CDF is left out): a candidate calls a document
 *     ill-formed when it throws on it or reports errors (our `wellFormed`, feedparser's errors).
 *   gofeed/: the expected JSON's fields that exist in our shape become checks (a case needs one
 *     beyond the item count and version, unless it is a version_* case); universal/ checks
 *     detection; invalid/unknown/empty inputs must be rejected.
 *   rss-parser/: the golden JSON (rss-parser's own output, so that corpus flatters rss-parser)
 *     mapped field by field; unrecognized.rss must be rejected.
 *
 * Comparing values is in parser-compare.ts.
 *
 * Usage: node dist/bench/eval-parsers.js [--only=ours,rss-parser] [--fails=ours] [--corpus=gofeed] [--no-speed]
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import iconv from 'iconv-lite';
import type { FeedItem, ParsedFeed } from '../src/model/feed.js';
import { decodeText } from '../src/ingest/parse/decode.js';
import { parseFeed } from '../src/ingest/parse/parse.js';
import { CORPORA_URL } from '../src/paths.js';
import { type Kind, matches } from './parser-compare.js';
import { type Py, Tagged, View, bozoExpectation, isMapped, pyEval, pyParse, truthy } from './py-expect.js';

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
  /** The other HTTP headers the corpus serves it with (lowercase names), e.g. content-language. */
  headers: Readonly<Record<string, string>>;
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
    format: null, version: null, wellFormed: true, title: null, siteUrl: null, feedUrl: null, description: null,
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
      parse: (inp) => parseFeed(inp.bytes, {
        url: inp.url ?? undefined, contentType: inp.contentType,
        contentLanguage: inp.headers['content-language'], contentLocation: inp.headers['content-location'],
      }),
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
              // errors it recovered from (sax, non-strict): its own word on well-formedness
              wellFormed: (p.errors ?? []).length === 0,
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

/** A file whose well-formedness is known: does a candidate tell the same (feedparser's `bozo`)? */
export interface BozoCase {
  id: string;
  input: Input;
  wellFormed: boolean;
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

function makeInput(bytes: Uint8Array, contentType: string | null, url: string | null, headers: Record<string, string> = {}): Input {
  return { bytes, text: decodeText(bytes, contentType).text, contentType, url, headers };
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

// ── feedparser: `Expect:` expressions (evaluated by py-expect.ts) against a feedparser-shaped view ──

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

function feedparserCases(root: string, skipped: Skipped[], bozo: BozoCase[]): Case[] {
  const dir = join(root, 'feedparser');
  const out: Case[] = [];
  for (const path of files(dir)) {
    const rel = relative(dir, path);
    if (!/\.(xml|json|rdf|atom|rss)$/i.test(rel)) continue;
    const skip = (reason: string): void => {
      skipped.push({ corpus: 'feedparser', id: rel, reason });
    };
    if (rel.startsWith('wellformed/cdf/')) {
      skip('CDF, a format outside RSS/Atom/JSON Feed');
      continue;
    }
    const bytes = readFileSync(path);
    const header = readHeader(bytes);
    const expect = /Expect:\s*(.*?)\s*(?:-->|$)/m.exec(header)?.[1];
    let ast: Py | null = null;
    try {
      ast = expect === undefined ? null : pyParse(expect.replace(/\s*-->\s*$/, ''));
    } catch {
      ast = null;
    }
    let contentType: string | null = null;
    let url = `http://127.0.0.1:8097/tests/${rel}`;
    const headers: Record<string, string> = {};
    for (const h of header.matchAll(/^Header:\s*([\w-]+):\s*(.*?)\s*$/gm)) {
      const name = h[1]!.toLowerCase();
      if (name === 'content-type') contentType = h[2]!;
      else headers[name] = h[2]!;
      if (name === 'content-location' && h[2]) {
        const loc = new URL(h[2], url);
        if (loc.protocol === 'http:' || loc.protocol === 'https:') url = loc.href; // as feedparser: unsafe schemes ignored
      }
    }
    if (contentType === null && rel.includes('http')) contentType = 'text/xml';
    const input = makeInput(bytes, contentType, url, headers);
    // well-formedness, as the case says it or as its folder does (upstream's runners)
    const says = ast === null ? null : bozoExpectation(ast);
    const wellFormed = says !== null ? !says : rel.startsWith('wellformed/') ? true : rel.startsWith('illformed/') ? false : null;
    if (wellFormed !== null) bozo.push({ id: rel, input, wellFormed });
    if (rel.startsWith('wellformed/sanitize/')) {
      skip('tests the sanitize step, not parsing');
      continue;
    }
    if (expect === undefined) {
      skip('no Expect');
      continue;
    }
    if (ast === null) {
      skip('Expect expression not understood');
      continue;
    }
    const conj = (ast.k === 'and' ? ast.es : [ast]).filter(isMapped);
    if (conj.length === 0) {
      skip('asserts only fields outside our shape (encoding, links, details, …; bozo is scored apart)');
      continue;
    }
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
          if (!ok) return { pass: false, why: `${expect!.slice(0, 200)} | got ${show(viewSummary(o.result))}` };
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

/** Returns every counted case, the list of skipped ones and the well-formedness cases, for the corpora under `root`. */
export function loadCases(root: string, only?: string): { cases: Case[]; skipped: Skipped[]; bozo: BozoCase[] } {
  const skipped: Skipped[] = [];
  const cases: Case[] = [];
  const bozo: BozoCase[] = [];
  if (!only || only === 'feedparser') cases.push(...feedparserCases(root, skipped, bozo));
  if (!only || only === 'gofeed') cases.push(...gofeedCases(root, skipped));
  if (!only || only === 'rss-parser') cases.push(...rssParserCases(root, skipped));
  return { cases, skipped, bozo };
}

/** One candidate's verdicts and timing over a list of cases. */
export interface RunResult {
  candidate: string;
  passed: Map<string, number>;
  total: Map<string, number>;
  failures: { corpus: string; id: string; why: string }[];
  /** Well-formedness told right, of bozoTotal; the files told wrong. */
  bozoRight: number;
  bozoTotal: number;
  bozoMisses: { id: string; wellFormed: boolean }[];
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

/** Returns the verdicts of a candidate on the cases (and, when given, on the well-formedness cases). */
export async function runCandidate(c: Candidate, cases: readonly Case[], bozo: readonly BozoCase[] = []): Promise<RunResult> {
  const run: RunResult = { candidate: c.name, passed: new Map(), total: new Map(), failures: [], bozoRight: 0, bozoTotal: 0, bozoMisses: [], items: 0, ms: 0 };
  const seen = new Map<Input, Awaited<ReturnType<typeof outcome>>>();
  for (const cs of cases) {
    const t0 = performance.now();
    const o = await outcome(c, cs.input);
    run.ms += performance.now() - t0;
    seen.set(cs.input, o);
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
  for (const b of bozo) {
    const o = seen.get(b.input) ?? await outcome(c, b.input);
    // a document a candidate cannot read, or reads with errors, is ill-formed as far as it can tell
    const told = o.ok && o.result.wellFormed !== false; // no flag: it cannot tell, so well-formed
    run.bozoTotal++;
    if (told === b.wellFormed) run.bozoRight++;
    else run.bozoMisses.push({ id: b.id, wellFormed: b.wellFormed });
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
  const { cases, skipped, bozo } = loadCases(root, args.get('corpus'));
  const only = args.get('only')?.split(',');
  const cands = candidates().filter((c) => !only || only.includes(c.name));
  const corpora = ['feedparser', 'gofeed', 'rss-parser'].filter((c) => cases.some((x) => x.corpus === c));
  const runs: RunResult[] = [];
  for (const c of cands) runs.push(await runCandidate(c, cases, bozo));

  const header = ['candidate', ...corpora, 'overall', ...(bozo.length > 0 ? ['bozo (feedparser)'] : []), 'items/s (real feeds)', 'MB/s'];
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
    const bozoCell = bozo.length > 0 ? [pct(run.bozoRight, run.bozoTotal)] : [];
    rows.push([run.candidate, ...corpora.map((c) => pct(run.passed.get(c) ?? 0, run.total.get(c) ?? 0)), pct(p, t), ...bozoCell, ...speed]);
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
  if (bozo.length > 0) {
    const ill = bozo.filter((b) => !b.wellFormed).length;
    console.log(`bozo: ${bozo.length} feedparser files of known well-formedness (${ill} ill-formed), skipped ones included`);
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
      console.log(`\nbozo told wrong by ${run.candidate} (${run.bozoMisses.length}):`);
      for (const b of run.bozoMisses) console.log(`  ${b.id}: is ${b.wellFormed ? 'well-formed' : 'ill-formed'}`);
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error('eval-parsers:', err);
    process.exit(1);
  });
}
