/**
 * How close an extraction is to a reference one: word-token F1 between the two texts, and exact
 * agreement of metadata fields. Used by `bench/eval-extract.ts` and the corpus test on the
 * Firefox Reader View pages (source.html / expected.html / expected-metadata.json per folder).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readability } from '@mozilla/readability';
import { Parser } from 'htmlparser2';
import type { ExtractedArticle } from './extract.js';

/** Metadata fields scored against expected-metadata.json. */
export const METADATA_FIELDS = ['title', 'byline', 'excerpt', 'siteName', 'dir', 'lang', 'publishedTime'] as const;
/** A scored metadata field name. */
export type MetadataField = (typeof METADATA_FIELDS)[number];
/** Fields compared only when the expected value is non-null (as upstream does). */
const ONLY_WHEN_PRESENT: ReadonlySet<MetadataField> = new Set(['dir', 'lang', 'publishedTime']);

/** The metadata an extractor reports, in the corpus' field names. */
export type ExtractedMetadata = Record<MetadataField, string | null>;

/** An extraction in the corpus' terms: content HTML and metadata; null when nothing was found. */
export type Extraction = { contentHtml: string; metadata: ExtractedMetadata } | null;

/** Reader View's options. */
export type ReaderOptions = NonNullable<ConstructorParameters<typeof Readability<string>>[1]>;
/** The options upstream runs Reader View with on its test pages. */
export const UPSTREAM_OPTIONS: Readonly<ReaderOptions> = { classesToPreserve: ['caption'] };

/**
 * Returns plain Reader View's result on `doc` (Readability with upstream's options, no threshold
 * of ours): the baseline extractArticle must not fall below. Readability edits `doc`.
 *
 * @example readabilityExtraction(parseHtmlDocument(html, url), { serializer: innerHtml })
 */
export function readabilityExtraction(doc: Document, options: ReaderOptions = {}): Extraction {
  const a = new Readability<string>(doc, { ...UPSTREAM_OPTIONS, ...options }).parse();
  if (!a?.content) return null;
  return {
    contentHtml: a.content,
    metadata: {
      title: a.title ?? null, byline: a.byline ?? null, excerpt: a.excerpt ?? null, siteName: a.siteName ?? null,
      dir: a.dir ?? null, lang: a.lang ?? null, publishedTime: a.publishedTime ?? null,
    },
  };
}

/** Returns extractArticle's result in the corpus' terms. */
export function articleExtraction(a: ExtractedArticle | null): Extraction {
  if (!a) return null;
  return {
    contentHtml: a.contentHtml,
    metadata: { title: a.title, byline: a.byline, excerpt: a.excerpt, siteName: a.siteName, dir: a.dir, lang: a.language, publishedTime: a.publishedTime },
  };
}

/** One corpus page: its folder name, the page and the reference extraction. */
export interface CorpusPage {
  name: string;
  sourceHtml: string;
  expectedHtml: string;
  expected: Partial<Record<MetadataField, string | null>>;
}

/** Returns every page of a Reader View corpus folder, sorted by name (empty when the folder is missing). */
export function readReaderCorpus(dir: string): CorpusPage[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'source.html')))
    .map((d) => d.name)
    .sort()
    .map((name) => ({
      name,
      sourceHtml: readFileSync(join(dir, name, 'source.html'), 'utf8'),
      expectedHtml: readFileSync(join(dir, name, 'expected.html'), 'utf8'),
      expected: JSON.parse(readFileSync(join(dir, name, 'expected-metadata.json'), 'utf8')) as CorpusPage['expected'],
    }));
}

const SKIP_TEXT = new Set(['script', 'style', 'noscript', 'template']);

/** Returns the visible text of an HTML fragment (entities decoded, script/style skipped). */
export function htmlText(html: string): string {
  const parts: string[] = [];
  let skipping = 0;
  const parser = new Parser({
    onopentag: (name) => { if (SKIP_TEXT.has(name)) skipping++; },
    onclosetag: (name) => { if (SKIP_TEXT.has(name) && skipping > 0) skipping--; },
    ontext: (text) => { if (skipping === 0) parts.push(text); },
  }, { decodeEntities: true });
  parser.end(html);
  return parts.join(' ');
}

/**
 * Returns the HTML as a flat list of elements (tag and sorted attributes) and collapsed non-blank
 * texts: two fragments with equal lists are the same DOM, as upstream's structural test sees it.
 */
export function htmlStructure(html: string): string[] {
  const out: string[] = [];
  let text = '';
  const flush = (): void => {
    const t = text.replace(/\s+/g, ' ').trim();
    if (t) out.push(t);
    text = '';
  };
  const parser = new Parser({
    onopentag: (name, attrs) => {
      flush();
      out.push(`<${name}${Object.keys(attrs).sort().map((k) => ` ${k}="${attrs[k]}"`).join('')}>`);
    },
    onclosetag: (name) => { flush(); out.push(`</${name}>`); },
    ontext: (t) => { text += t; },
  }, { decodeEntities: true });
  parser.end(html);
  flush();
  return out;
}

/** Returns the href and src values in an HTML fragment, in order. */
export function htmlUrls(html: string): string[] {
  const urls: string[] = [];
  const parser = new Parser({
    onopentag: (_name, attrs) => {
      if (attrs.href) urls.push(attrs.href);
      if (attrs.src) urls.push(attrs.src);
    },
  }, { decodeEntities: true });
  parser.end(html);
  return urls;
}

// Han, kana and Thai are written without spaces: each character is a token there.
const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]|[\p{L}\p{N}\p{M}]+/gu;

/** Returns the lower-cased word tokens of a text (one token per character in Han/kana/Thai). */
export function textTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/** Returns the bag-of-words F1 of two token lists (1 when both are empty). */
export function tokenF1(got: readonly string[], want: readonly string[]): number {
  if (got.length === 0 && want.length === 0) return 1;
  if (got.length === 0 || want.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const t of want) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of got) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      common++;
      counts.set(t, n - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / got.length;
  const recall = common / want.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Per-page score: content F1, and for each compared metadata field whether it agreed. */
export interface PageScore {
  name: string;
  f1: number;
  /** Same DOM as expected.html (tags, attributes, text; whitespace collapsed). */
  identical: boolean;
  /** Bag F1 of the href/src values (catches relative URLs left unresolved). */
  urlF1: number;
  fields: Partial<Record<MetadataField, boolean>>;
}

const norm = (v: string | null | undefined): string | null => {
  const s = v?.replace(/\s+/g, ' ').trim();
  return s ? s : null;
};

/** Returns the score of one extraction (null = the extractor found nothing) against a corpus page. */
export function scorePage(page: CorpusPage, got: Extraction): PageScore {
  const html = got?.contentHtml ?? '';
  const f1 = tokenF1(textTokens(htmlText(html)), textTokens(htmlText(page.expectedHtml)));
  const urlF1 = tokenF1(htmlUrls(html), htmlUrls(page.expectedHtml));
  const a = htmlStructure(html);
  const b = htmlStructure(page.expectedHtml);
  const identical = a.length === b.length && a.every((x, i) => x === b[i]);
  const fields: PageScore['fields'] = {};
  for (const field of METADATA_FIELDS) {
    const want = norm(page.expected[field]);
    if (want === null && ONLY_WHEN_PRESENT.has(field)) continue;
    fields[field] = norm(got?.metadata[field]) === want;
  }
  return { name: page.name, f1, identical, urlF1, fields };
}

/** Corpus-level summary: mean F1, share of pages with F1 ≥ 0.9, and accuracy per metadata field. */
export interface CorpusSummary {
  pages: number;
  meanF1: number;
  shareAtLeast90: number;
  shareIdentical: number;
  meanUrlF1: number;
  fieldAccuracy: Record<MetadataField, { right: number; compared: number }>;
  /** All compared fields together: right / compared. */
  metadataAccuracy: number;
}

/** Returns the summary of a list of page scores. */
export function summarize(scores: readonly PageScore[]): CorpusSummary {
  const fieldAccuracy = Object.fromEntries(METADATA_FIELDS.map((f) => [f, { right: 0, compared: 0 }])) as CorpusSummary['fieldAccuracy'];
  let right = 0;
  let compared = 0;
  for (const s of scores) {
    for (const [field, ok] of Object.entries(s.fields) as [MetadataField, boolean][]) {
      fieldAccuracy[field].compared++;
      compared++;
      if (ok) {
        fieldAccuracy[field].right++;
        right++;
      }
    }
  }
  const n = scores.length;
  return {
    pages: n,
    meanF1: n ? scores.reduce((a, s) => a + s.f1, 0) / n : 0,
    shareAtLeast90: n ? scores.filter((s) => s.f1 >= 0.9).length / n : 0,
    shareIdentical: n ? scores.filter((s) => s.identical).length / n : 0,
    meanUrlF1: n ? scores.reduce((a, s) => a + s.urlF1, 0) / n : 0,
    fieldAccuracy,
    metadataAccuracy: compared ? right / compared : 0,
  };
}
