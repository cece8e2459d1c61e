import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractArticle } from './extract.js';
import { readReaderCorpus, scorePage, summarize } from './score.js';
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

  it('returns null for a page with no article, an empty string, or only a few words', () => {
    expect(extractArticle(fixture('no-article.html'), PAGE)).toBeNull();
    expect(extractArticle('', PAGE)).toBeNull();
    expect(extractArticle('   \n', PAGE)).toBeNull();
    expect(extractArticle('<html><body><p>Hello.</p></body></html>', PAGE)).toBeNull();
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
const CORPUS = new URL('readability/', CORPORA_URL);
const hasCorpus = existsSync(CORPUS);

describe('extractArticle on the Reader View corpus', () => {
  it.skipIf(!hasCorpus && process.env.JARIDA_REQUIRE_CORPORA !== '1')('keeps the measured quality (mean F1, share of pages ≥ 0.9)', () => {
    const pages = readReaderCorpus(fileURLToPath(CORPUS));
    expect(pages.length).toBeGreaterThanOrEqual(80);
    const scores = pages.map((page) => {
      const a = extractArticle(page.sourceHtml, 'http://fakehost/test/page.html');
      return scorePage(page, a && {
        contentHtml: a.contentHtml,
        metadata: { title: a.title, byline: a.byline, excerpt: a.excerpt, siteName: a.siteName, dir: a.dir, lang: a.language, publishedTime: a.publishedTime },
      });
    });
    const s = summarize(scores);
    // Measured on the 87 visible pages: mean F1 0.9717, 84/87 (96.6 %) at F1 ≥ 0.9, URL F1 1.0, metadata 99.1 %.
    expect(s.meanF1).toBeGreaterThanOrEqual(0.96);
    expect(s.shareAtLeast90).toBeGreaterThanOrEqual(0.95);
    expect(s.meanUrlF1).toBeGreaterThanOrEqual(0.99);
    expect(s.metadataAccuracy).toBeGreaterThanOrEqual(0.98);
  });
});
