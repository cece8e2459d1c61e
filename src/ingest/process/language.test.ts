import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORPORA_URL } from '../../paths.js';
import { readReaderCorpus } from '../extract/score.js';
import { BODY_SAMPLE_CHARS, detectArticleLanguage } from './language.js';

const OURS = ['en', 'tr', 'ar'];
const corpus = fileURLToPath(new URL('readability/', CORPORA_URL));
const corpusPresent = existsSync(corpus);
const corpusRequired = process.env.JARIDA_REQUIRE_CORPORA === '1';

describe('detectArticleLanguage', () => {
  it('names the language of every demo article from its title and the start of its body, with and without its summary', () => {
    const demo = JSON.parse(readFileSync(new URL('../../../demo/articles.json', import.meta.url), 'utf8')) as { articles: { language: string; title: string; summary?: string; body: string }[] };
    expect(demo.articles.length).toBeGreaterThan(30);
    for (const a of demo.articles) {
      expect(detectArticleLanguage({ title: a.title, summary: a.summary ?? null, contentHtml: a.body }), a.title).toBe(a.language);
      expect(detectArticleLanguage({ title: a.title, summary: null, contentHtml: a.body }), a.title).toBe(a.language);
    }
  });

  it.skipIf(!corpusPresent && !corpusRequired)('names en, tr and ar pages of the Reader View corpus right, and no other language as one of them', () => {
    let checked = 0;
    for (const { name: page, expected: meta, expectedHtml: body } of readReaderCorpus(corpus)) {
      if (!meta.lang) continue;
      const lang = meta.lang.toLowerCase().split('-')[0]!;
      for (const summary of [meta.excerpt ?? null, null]) {
        const got = detectArticleLanguage({ title: meta.title ?? '', summary, contentHtml: body });
        if (OURS.includes(lang)) expect(got, page).toBe(lang);
        else expect(OURS, `${page} (${lang}) named ${got}`).not.toContain(got);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it(`reads only the body's first ${BODY_SAMPLE_CHARS} characters`, () => {
    const turkish = 'Belediye meclisi dün akşam toplandı ve yeni metro hattının yapımı için gereken bütçeyi oy birliğiyle kabul etti. ';
    const figures = (n: number) => '2019 12 05 3,250 '.repeat(Math.ceil(n / 17)).slice(0, n);
    // Figures up to the bound, the words after it: nothing to tell a language by.
    expect(detectArticleLanguage({ title: '', summary: null, contentHtml: `<p>${figures(BODY_SAMPLE_CHARS)}</p><p>${turkish.repeat(10)}</p>` })).toBeNull();
    // The words within it: read.
    expect(detectArticleLanguage({ title: '', summary: null, contentHtml: `<p>${figures(BODY_SAMPLE_CHARS - turkish.length - 5)}</p><p>${turkish.repeat(10)}</p>` })).toBe('tr');
  });
});
