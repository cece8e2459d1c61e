import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { innerHtml, parseHtmlDocument } from './dom.js';
import { extractArticle, isLinkList } from './extract.js';
import { articleExtraction, readabilityExtraction, readReaderCorpus, scorePage, summarize } from './score.js';
import { CORPORA_URL } from '../../paths.js';

const fixture = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
const PAGE = 'https://news.example/section/story.html';

describe('extractArticle', () => {
  it('reads an Arabic page: dir and lang, title, byline, site, time, canonical', () => {
    const a = extractArticle(fixture('arabic-rtl.html'), 'https://city.example/ar/culture/new-library?utm=x');
    expect(a).not.toBeNull();
    expect(a).toMatchObject({
      title: 'افتتاح مكتبة عامة جديدة في وسط المدينة',
      byline: 'سارة الحسيني',
      excerpt: 'افتتحت البلدية مكتبة عامة جديدة تضم أكثر من خمسين ألف كتاب.',
      language: 'ar',
      dir: 'rtl',
      publishedTime: '2024-03-11T09:30:00+03:00',
      canonicalUrl: 'https://city.example/ar/culture/new-library',
      siteName: 'أخبار المدينة',
      leadImageUrl: null,
    });
    expect(a!.contentHtml).toContain('مئة ألف زائر');
    expect(a!.contentHtml).not.toContain('رياضة'); // the menu is not the article
    expect(a!.textLength).toBeGreaterThan(600);
  });

  it('infers dir from a right-to-left language when the page does not say', () => {
    const html = fixture('arabic-rtl.html').replace(' dir="rtl"', '');
    expect(extractArticle(html, PAGE)?.dir).toBe('rtl');
  });

  it('takes the lead image from og:image, made absolute, before twitter:image and content images', () => {
    const a = extractArticle(fixture('og-image.html'), 'https://www.coastline.example/news/ferry-returns?ref=rss');
    expect(a?.leadImageUrl).toBe('https://www.coastline.example/media/2024/ferry-lead.jpg?w=1200&h=630');
    expect(a?.siteName).toBe('Coastline Times');
    expect(a?.canonicalUrl).toBe('https://www.coastline.example/news/ferry-returns');
    expect(a?.contentHtml).toContain('passed its safety inspection');
    expect(a?.contentHtml).not.toContain('Tides');
  });

  it('reads the page\'s own section and tags (article:section, article:tag), each once, none when absent', () => {
    const page = fixture('og-image.html').replace('</head>', `<meta property="article:section" content=" Local  News ">
<meta property="article:tag" content="Ferries"><meta property="article:tag" content="Harbour"><meta property="article:tag" content="Ferries"><meta name="article:tag" content="">
${Array.from({ length: 20 }, (_, i) => `<meta property="article:tag" content="tag ${i}">`).join('')}</head>`);
    const a = extractArticle(page, 'https://www.coastline.example/news/ferry-returns');
    expect(a?.categories).toEqual(['Local News', 'Ferries', 'Harbour', ...Array.from({ length: 7 }, (_, i) => `tag ${i}`)]);
    expect(extractArticle(fixture('arabic-rtl.html'), 'https://city.example/ar/culture/new-library')?.categories).toEqual([]);
  });

  it('falls back to twitter:image, then to the first large image in the content', () => {
    const noOg = fixture('og-image.html').replace(/<meta property="og:image"[^>]*>/, '');
    expect(extractArticle(noOg, PAGE)?.leadImageUrl).toBe('https://cdn.coastline.example/twitter/ferry.jpg');
    const noMeta = noOg.replace(/<meta name="twitter:image"[^>]*>/, '');
    expect(extractArticle(noMeta, PAGE)?.leadImageUrl).toBeNull(); // only a 16×16 icon in the content
    const withPhoto = noMeta.replace('</h1>', '</h1><p><img src="photos/ferry.jpg" width="800" height="450" alt="The ferry"></p>');
    expect(extractArticle(withPhoto, PAGE)?.leadImageUrl).toBe('https://news.example/section/photos/ferry.jpg');
  });

  it('makes every URL absolute against <base href> and the page URL', () => {
    const a = extractArticle(fixture('relative-urls.html'), 'https://www.haber.example/yerel/bisiklet');
    expect(a).not.toBeNull();
    expect(a!.language).toBe('tr');
    expect(a!.canonicalUrl).toBe('https://static.haber.example/bisiklet-yollari');
    expect(a!.leadImageUrl).toBe('https://static.haber.example/arsiv/2024/gorseller/bisiklet.jpg');
    const urls = [...a!.contentHtml.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls).toEqual([
      'https://static.haber.example/arsiv/2024/duyuru.html',
      'https://static.haber.example/arsiv/2024/gorseller/bisiklet.jpg',
      'https://static.haber.example/harita',
      'https://cdn.haber.example/pdf/plan.pdf',
    ]);
  });

  it('returns a short article as Reader View finds it: whether it is enough is the caller\'s call', () => {
    const a = extractArticle(fixture('short-brief.html'), 'https://www.coastline.example/news/ferry-suspended');
    expect(a).toMatchObject({ title: 'Ferry service suspended', siteName: 'Coastline Times', language: 'en', textLength: 86, linkTextLength: 0 });
    expect(a!.contentHtml).toContain('<p>Storm warning: all ferries stay in port until Friday morning, the harbour office said.</p>');
    expect(extractArticle('<html><body><p>Hello.</p></body></html>', PAGE)).toMatchObject({ contentHtml: expect.stringContaining('<p>Hello.</p>'), textLength: 6 });
  });

  it('returns null only when Reader View finds no content: an empty string or an empty body', () => {
    expect(extractArticle('', PAGE)).toBeNull();
    expect(extractArticle('   \n', PAGE)).toBeNull();
    expect(extractArticle('<html><head><title>Nothing here</title></head><body></body></html>', PAGE)).toBeNull();
  });

  it('counts the text inside links, so that callers tell a menu or a sign-in form from an article', () => {
    const list = extractArticle(fixture('link-list.html'), PAGE)!;
    expect(list.linkTextLength).toBeGreaterThan(0.9 * list.textLength);
    expect(isLinkList(list)).toBe(true);
    const signIn = extractArticle(fixture('no-article.html'), PAGE)!;
    expect(signIn).toMatchObject({ textLength: 32, linkTextLength: 17 }); // "HomeNewsSportHelp Email Password"
    expect(isLinkList(signIn)).toBe(true);
    expect(isLinkList(extractArticle(fixture('og-image.html'), PAGE)!)).toBe(false);
    expect(isLinkList(extractArticle(fixture('short-brief.html'), PAGE)!)).toBe(false);
  });

  it('reads broken HTML as a browser would and keeps the whole story', () => {
    const a = extractArticle(fixture('broken.html'), 'https://pass.example/news/storm');
    expect(a).not.toBeNull();
    expect(a!.title).toBe('Storm closes mountain pass');
    expect(a!.byline).toBe('K. Demir');
    for (const text of ['A late spring storm', 'forcing <b>most</b></i> of them', 'Reopened', 'Forecasters expect']) {
      expect(a!.contentHtml).toContain(text);
    }
    expect(a!.contentHtml).toContain('href="https://pass.example/news/report.html?id=7&amp;lang=en"');
    expect(a!.contentHtml).not.toMatch(/not content|BGCOLOR|<DIV/);
  });

  it('never throws on garbage', () => {
    for (const junk of ['<', '<<<>>>', '</html></body>', '<html', '<!--', '<script>', '\u0000\uFFFF', '<svg><p></svg>', '&#xZZZZ;']) {
      expect(() => extractArticle(junk, PAGE)).not.toThrow();
      expect(() => extractArticle(junk, 'not a url')).not.toThrow();
    }
    expect(extractArticle(fixture('og-image.html'), 'not a url')?.contentHtml).toContain('ferry');
  });

  it('cuts a 6 MB page to 5 Mi characters and stays within seconds', () => {
    const para = '<p>The council met on Tuesday to discuss the new budget, and members agreed on most of the proposals after a long debate.</p>\n';
    const html = `<html><head><script>window.state = ${JSON.stringify('x'.repeat(1_000_000))};</script></head><body><article>` +
      para.repeat(Math.ceil(5_500_000 / para.length)) + '<p>THE END</p></article></body></html>';
    expect(html.length).toBeGreaterThan(6_000_000); // 1 MB of script, 5.5 MB of article
    const start = performance.now();
    const a = extractArticle(html, PAGE);
    const ms = performance.now() - start;
    expect(a).not.toBeNull();
    expect(a!.contentHtml).toContain('members agreed'); // the script was dropped before cutting, not the article
    expect(a!.contentHtml).not.toContain('THE END'); // past the cut
    expect(a!.textLength).toBeLessThan(5 * 1024 * 1024);
    expect(ms).toBeLessThan(10_000); // about 1.5 s here; generous for a loaded CI machine
  });

  it('stays fast on 10⁵ unclosed <div>s (nesting is capped before parsing)', () => {
    const html = `<html><body>${'<div>'.repeat(100_000)}${'<p>Deep text that is still an article paragraph, long enough to count for Reader View scoring.</p>'.repeat(5)}</body></html>`;
    const start = performance.now();
    expect(extractArticle(html, PAGE)?.contentHtml).toContain('Deep text');
    expect(performance.now() - start).toBeLessThan(5_000); // under 1 s here; minutes without the cap
  });
});

// The Firefox Reader View pages (third-party captures, kept outside the project): see bench/eval-extract.ts.
// Any corpus of that format can stand in (JARIDA_CORPORA): the bars are shares of its pages and
// plain Reader View's own scores on them, not counts of today's 87 pages.
const CORPUS = new URL('readability/', CORPORA_URL);
const hasCorpus = existsSync(CORPUS);
const CORPUS_PAGE_URL = 'http://fakehost/test/page.html'; // as upstream extracts them

describe('extractArticle on the Reader View corpus', () => {
  it.skipIf(!hasCorpus && process.env.JARIDA_REQUIRE_CORPORA !== '1')('scores at least plain Reader View on every page, and keeps the measured quality', () => {
    const pages = readReaderCorpus(fileURLToPath(CORPUS));
    expect(pages.length, `no pages in ${fileURLToPath(CORPUS)}`).toBeGreaterThan(0);
    const ours = pages.map((page) => scorePage(page, articleExtraction(extractArticle(page.sourceHtml, CORPUS_PAGE_URL))));
    // The baseline: Readability itself on the same DOM, with upstream's options and none of our code around it.
    const plain = pages.map((page) => scorePage(page, readabilityExtraction(parseHtmlDocument(page.sourceHtml, CORPUS_PAGE_URL), { serializer: innerHtml })));
    const worse = ours.flatMap((s, i) => (s.f1 < plain[i]!.f1 - 1e-9 ? [`${s.name}: F1 ${s.f1.toFixed(3)} < ${plain[i]!.f1.toFixed(3)}`] : []));
    const s = summarize(ours);
    const r = summarize(plain);
    const count = (share: number): string => `${Math.round(share * s.pages)}/${s.pages} (${(100 * share).toFixed(1)} %)`;
    console.log(
      `Reader View corpus: ${s.pages} pages; extractArticle mean F1 ${s.meanF1.toFixed(4)} (plain Readability ${r.meanF1.toFixed(4)}), ` +
        `F1 ≥ 0.9 on ${count(s.shareAtLeast90)}, pages below plain Readability: ${worse.length}/${s.pages}, ` +
        `URL F1 ${s.meanUrlF1.toFixed(4)}, metadata ${(100 * s.metadataAccuracy).toFixed(1)} % (plain ${(100 * r.metadataAccuracy).toFixed(1)} %)`,
    );
    expect(worse).toEqual([]);
    expect(s.meanF1).toBeGreaterThanOrEqual(r.meanF1 - 1e-9);
    expect(s.metadataAccuracy).toBeGreaterThanOrEqual(r.metadataAccuracy - 1e-9);
    // Measured on the 87 visible pages: mean F1 0.9947, 98.9 % of pages at F1 ≥ 0.9, URL F1 1.0, metadata 99.8 %.
    expect(s.meanF1).toBeGreaterThanOrEqual(0.98);
    expect(s.shareAtLeast90).toBeGreaterThanOrEqual(0.95);
    expect(s.meanUrlF1).toBeGreaterThanOrEqual(0.99);
    expect(s.metadataAccuracy).toBeGreaterThanOrEqual(0.98);
  }, 180_000);
});
