import { describe, expect, it } from 'vitest';
import { htmlStructure, htmlText, htmlUrls, scorePage, summarize, textTokens, tokenF1 } from './score.js';

describe('score', () => {
  it('tokenizes words, and Han/kana one character at a time', () => {
    expect(textTokens('Hello, World! 42 Türkçe العربية')).toEqual(['hello', 'world', '42', 'türkçe', 'العربية']);
    expect(textTokens('日本語のテキスト')).toEqual(['日', '本', '語', 'の', 'テ', 'キ', 'ス', 'ト']);
  });

  it('computes bag-of-words F1', () => {
    expect(tokenF1(['a', 'b'], ['a', 'b'])).toBe(1);
    expect(tokenF1([], [])).toBe(1);
    expect(tokenF1(['a'], [])).toBe(0);
    expect(tokenF1(['a', 'a', 'b'], ['a', 'b', 'c'])).toBeCloseTo(2 / 3); // precision 2/3, recall 2/3
  });

  it('reads text, structure and URLs of HTML', () => {
    expect(htmlText('<p>A &amp; B</p><script>x</script><p>C</p>').replace(/\s+/g, ' ').trim()).toBe('A & B C');
    expect(htmlStructure('<p class="a"  id="b">x  y</p>\n')).toEqual(['<p class="a" id="b">', 'x y', '</p>']);
    expect(htmlUrls('<a href="/a">x</a><img src="b.png">')).toEqual(['/a', 'b.png']);
  });

  it('scores a page and summarizes', () => {
    const page = { name: 'p', sourceHtml: '', expectedHtml: '<div><p>one two</p></div>', expected: { title: 'T', byline: null, excerpt: null, siteName: null, dir: null, lang: 'en', publishedTime: null } };
    const good = scorePage(page, { contentHtml: '<div><p>one two</p></div>', metadata: { title: 'T ', byline: null, excerpt: null, siteName: null, dir: 'ltr', lang: 'en', publishedTime: null } });
    expect(good).toEqual({ name: 'p', f1: 1, identical: true, urlF1: 1, fields: { title: true, byline: true, excerpt: true, siteName: true, lang: true } });
    const none = scorePage(page, null);
    expect(none.f1).toBe(0);
    const s = summarize([good, none]);
    expect(s).toMatchObject({ pages: 2, meanF1: 0.5, shareAtLeast90: 0.5, metadataAccuracy: 0.8 });
  });
});
