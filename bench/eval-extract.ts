/**
 * Full-text extraction: quality and speed of Reader View (Readability) on several DOMs, over the
 * Firefox Reader View test pages (shared/corpora/readability: source.html, expected.html,
 * expected-metadata.json per page; page URL http://fakehost/test/page.html as upstream uses).
 *
 *   npm run eval:extract -- [--corpus DIR] [--runs N] [--pages]
 *
 * Method: each variant extracts every page; content score = bag-of-words token F1 between the text
 * of our content HTML and the text of expected.html (lower-cased letter/digit runs, one token per
 * Han/kana/Thai character); metadata = exact agreement (whitespace collapsed) of title, byline,
 * excerpt, siteName on every page and of dir, lang, publishedTime where expected is non-null;
 * speed = wall time of parse + extract + serialize, best of N runs after a warm-up, one process.
 * Also: identical DOM = the content parses to the same elements, attributes and (whitespace-collapsed)
 * text as expected.html (upstream's own structural test); URL F1 = bag F1 of href/src values.
 * Then extractArticle against plain Readability page by page (the reference DOM, and Readability on
 * our own DOM): the F1 of both on every page, and how many pages extractArticle scores lower on.
 * --pages also lists, per variant, the pages that are not perfect on every measure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { JSDOM } from 'jsdom';
import { parseHTML } from 'linkedom';
import { innerHtml, parseHtmlDocument } from '../src/ingest/extract/dom.js';
import { extractArticle } from '../src/ingest/extract/extract.js';
import {
  articleExtraction, htmlText, METADATA_FIELDS, readabilityExtraction, readReaderCorpus, scorePage, summarize,
  type CorpusPage, type Extraction, type PageScore, type ReaderOptions,
} from '../src/ingest/extract/score.js';
import { CORPORA_URL } from '../src/paths.js';

const PAGE_URL = 'http://fakehost/test/page.html';
const DEFAULT_CORPUS = fileURLToPath(new URL('readability/', CORPORA_URL));
const FIXTURES = new URL('../../src/ingest/extract/testdata/', import.meta.url);

interface Variant {
  name: string;
  run(html: string, url: string): Extraction;
}

const ADAPTER_OPTIONS: ReaderOptions = { serializer: innerHtml };
/** Jarida's extractor; every other variant is plain Readability, and the first of them is the reference. */
const JARIDA = 'extractArticle (chosen)';

function removeComments(doc: Document): void {
  const walker = doc.createTreeWalker(doc, 128 /* SHOW_COMMENT */);
  const found: Node[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) found.push(n);
  for (const n of found) n.parentNode?.removeChild(n);
}

// Readability's own minimal DOM (Firefox uses it in a worker). It sets Node, Element, … on globalThis
// when loaded, so it is loaded lazily, only when its variant runs.
let JSDOMParser: (new () => { parse(html: string, url: string): Document }) | undefined;
function jsdomParser(): NonNullable<typeof JSDOMParser> {
  JSDOMParser ??= createRequire(import.meta.url)('@mozilla/readability/JSDOMParser.js') as NonNullable<typeof JSDOMParser>;
  return JSDOMParser;
}

const VARIANTS: Variant[] = [
  {
    name: 'jsdom (reference DOM)',
    run: (html, url) => {
      const { window } = new JSDOM(html, { url });
      try {
        removeComments(window.document);
        return readabilityExtraction(window.document);
      } finally {
        window.close(); // frees the document now; left to the GC, jsdom windows pile up to gigabytes
      }
    },
  },
  {
    name: 'linkedom, bare',
    run: (html) => readabilityExtraction((parseHTML(html) as unknown as { document: Document }).document),
  },
  {
    name: 'linkedom + adapter',
    run: (html, url) => readabilityExtraction(parseHtmlDocument(html, url), ADAPTER_OPTIONS),
  },
  {
    name: 'linkedom + adapter, nbTopCandidates 10',
    run: (html, url) => readabilityExtraction(parseHtmlDocument(html, url), { ...ADAPTER_OPTIONS, nbTopCandidates: 10 }),
  },
  {
    name: JARIDA,
    run: (html, url) => articleExtraction(extractArticle(html, url)),
  },
  // Last: loading it puts DOM classes on globalThis.
  {
    name: 'JSDOMParser (Readability\'s own)',
    run: (html, url) => {
      const log = console.log; // it reports every parse error there
      console.log = () => {};
      try {
        return readabilityExtraction(new (jsdomParser())().parse(html.replace(/<!--[\s\S]*?-->/g, ''), url));
      } finally {
        console.log = log;
      }
    },
  },
];

interface VariantResult {
  name: string;
  scores: PageScore[];
  errors: string[];
  msPerPage: number;
  messy: { name: string; ok: boolean; ms: number; note: string }[];
}

/** Pages the corpus lacks: broken markup as found in the wild, and a hostile one. */
function messyPages(): { name: string; html: string; mustContain: string }[] {
  const para = (i: number): string =>
    `<p>Paragraph ${i}: the council met on Tuesday to discuss the new budget, and members agreed on most of the proposals after a long debate about schools, roads and the harbour.</p>`;
  const paras = Array.from({ length: 6 }, (_, i) => para(i)).join('\n');
  const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
  return [
    { name: 'testdata/broken.html', html: fixture('broken.html'), mustContain: 'Forecasters expect temperatures' },
    { name: 'testdata/arabic-rtl.html', html: fixture('arabic-rtl.html'), mustContain: 'مئة ألف زائر' },
    { name: 'fragment (no html, head, body)', html: `<title>T</title><h1>T</h1>${paras}`, mustContain: 'Paragraph 5' },
    { name: 'upper-case unquoted attributes', html: `<HTML><BODY><DIV CLASS=story ID=s>${paras.replace(/<p>/g, '<P ALIGN=left>')}</DIV></BODY></HTML>`, mustContain: 'Paragraph 5' },
    { name: 'no </head>, no <body>', html: `<html><head><title>T</title><div class="article">${paras}</div></html>`, mustContain: 'Paragraph 5' },
    { name: '2 000 unclosed <div>s (10 KB)', html: `<html><body>${'<div>'.repeat(2_000)}${paras}</body></html>`, mustContain: 'Paragraph 5' },
  ];
}

/** Scores one variant on every page, then times it (best of `runs`). */
function evaluate(variant: Variant, pages: readonly CorpusPage[], runs: number): VariantResult {
  const errors: string[] = [];
  const scores = pages.map((page) => {
    let got: Extraction = null;
    try {
      got = variant.run(page.sourceHtml, PAGE_URL);
    } catch (err) {
      errors.push(`${page.name}: ${(err as Error).message.split('\n')[0]}`);
    }
    return scorePage(page, got);
  });
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    for (const page of pages) {
      try {
        variant.run(page.sourceHtml, PAGE_URL);
      } catch {
        // counted above
      }
    }
    best = Math.min(best, performance.now() - start);
  }
  const messy = messyPages().map((page) => {
    const start = performance.now();
    let note = '';
    let ok = false;
    try {
      const got = variant.run(page.html, 'https://news.example/a/page.html');
      ok = got !== null && htmlText(got.contentHtml).includes(page.mustContain);
      if (!ok) note = got ? 'text missing' : 'null';
    } catch (err) {
      note = `threw: ${(err as Error).message.split('\n')[0]!.slice(0, 60)}`;
    }
    return { name: page.name, ok, ms: performance.now() - start, note };
  });
  return { name: variant.name, scores, errors, msPerPage: best / pages.length, messy };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

function report(results: readonly VariantResult[], pageCount: number, listPages: boolean): string {
  const lines: string[] = [];
  lines.push(`Reader View corpus: ${pageCount} pages.`, '');
  lines.push('| variant | mean F1 | pages F1 ≥ 0.9 | identical DOM | URL F1 | metadata (all fields) | ms/page | pages/s | errors |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const s = summarize(r.scores);
    const at90 = r.scores.filter((x) => x.f1 >= 0.9).length;
    lines.push(
      `| ${r.name} | ${s.meanF1.toFixed(4)} | ${at90}/${s.pages} (${pct(s.shareAtLeast90)}) | ` +
        `${r.scores.filter((x) => x.identical).length}/${s.pages} | ${s.meanUrlF1.toFixed(4)} | ${pct(s.metadataAccuracy)} | ` +
        `${r.msPerPage.toFixed(1)} | ${(1000 / r.msPerPage).toFixed(0)} | ${r.errors.length} |`,
    );
  }
  lines.push('', 'Metadata agreement per field (right / compared):', '');
  lines.push(`| variant | ${METADATA_FIELDS.join(' | ')} |`);
  lines.push(`|---|${METADATA_FIELDS.map(() => '---:').join('|')}|`);
  for (const r of results) {
    const acc = summarize(r.scores).fieldAccuracy;
    lines.push(`| ${r.name} | ${METADATA_FIELDS.map((f) => `${acc[f].right}/${acc[f].compared}`).join(' | ')} |`);
  }
  const messy = results[0]?.messy ?? [];
  lines.push('', `Messy pages (not in the corpus): extracted with the expected text? (ms)`, '');
  lines.push(`| variant | ${messy.map((m) => m.name).join(' | ')} |`);
  lines.push(`|---|${messy.map(() => '---').join('|')}|`);
  for (const r of results) {
    lines.push(`| ${r.name} | ${r.messy.map((m) => `${m.ok ? 'yes' : `**no** (${m.note})`} (${m.ms.toFixed(0)})`).join(' | ')} |`);
  }
  lines.push(...comparison(results));
  for (const r of results) {
    if (r.errors.length) lines.push('', `${r.name} threw on: ${r.errors.join('; ')}`);
    if (!listPages) continue;
    const weak = r.scores.filter((s) => s.f1 < 0.9 || !s.identical || s.urlF1 < 1 || Object.values(s.fields).includes(false));
    lines.push('', `${r.name}: pages with F1 < 0.9, a different DOM, other URLs or a wrong field`);
    for (const s of weak) {
      const wrong = Object.entries(s.fields).filter(([, ok]) => !ok).map(([f]) => f);
      lines.push(
        `  ${s.name.padEnd(40)} F1 ${s.f1.toFixed(3)}  URL F1 ${s.urlF1.toFixed(3)}${s.identical ? '' : '  DOM differs'}` +
          `${wrong.length ? `  wrong: ${wrong.join(', ')}` : ''}`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * extractArticle against plain Readability, page by page: the F1 of every variant on every page,
 * lower cells in bold, then the count of pages where extractArticle scores below each Readability
 * variant (the first one, the reference, on the summary line).
 */
function comparison(results: readonly VariantResult[]): string[] {
  const jarida = results.find((r) => r.name === JARIDA);
  const plain = results.filter((r) => r !== jarida);
  if (!jarida || !plain.length) return [];
  const lower = (r: VariantResult, i: number): boolean => jarida.scores[i]!.f1 < r.scores[i]!.f1 - 1e-9;
  const lines = ['', `Content F1 per page: ${JARIDA} against plain Readability (bold: ${JARIDA} lower)`, ''];
  lines.push(`| page | ${plain.map((r) => r.name).join(' | ')} | ${JARIDA} |`);
  lines.push(`|---|${plain.map(() => '---:').join('|')}|---:|`);
  for (const [i, s] of jarida.scores.entries()) {
    const f1 = s.f1.toFixed(3);
    lines.push(`| ${s.name} | ${plain.map((r) => r.scores[i]!.f1.toFixed(3)).join(' | ')} | ${plain.some((r) => lower(r, i)) ? `**${f1}**` : f1} |`);
  }
  const [reference, ...others] = plain.map((r) => ({ name: r.name, pages: jarida.scores.flatMap((s, i) => (lower(r, i) ? [s.name] : [])) }));
  const list = (pages: string[]): string => (pages.length ? ` (${pages.join(', ')})` : '');
  lines.push('', `pages where Jarida < Readability: ${reference!.pages.length}${list(reference!.pages)} — against ${reference!.name}, of ${jarida.scores.length}`);
  for (const o of others) lines.push(`  against ${o.name}: ${o.pages.length}${list(o.pages)}`);
  return lines;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: DEFAULT_CORPUS },
      runs: { type: 'string', default: '3' },
      pages: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  const dir = values.corpus!;
  if (!existsSync(dir)) throw new Error(`eval-extract: corpus folder not found: ${dir}`);
  const pages = readReaderCorpus(dir);
  const runs = Math.max(1, Number(values.runs));
  const variants = values.only ? VARIANTS.filter((v) => v.name.includes(values.only!)) : VARIANTS;
  const results: VariantResult[] = [];
  for (const v of variants) {
    const start = performance.now();
    process.stderr.write(`eval-extract: ${v.name} …`);
    results.push(evaluate(v, pages, runs));
    process.stderr.write(` ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
  }
  process.stdout.write(`${report(results, pages.length, values.pages!)}\n`);
}

main();
