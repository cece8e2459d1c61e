import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plainText, sanitizeArticleHtml } from './sanitize.js';

describe('sanitizeArticleHtml', () => {
  it('keeps article markup, makes URLs absolute and images lazy', () => {
    const out = sanitizeArticleHtml('<h2>Head</h2><p>Text <a href="/x">link</a> <img src="pic.jpg" alt="A"></p>', 'https://news.example/a/b.html');
    expect(out).toBe('<h2>Head</h2><p>Text <a href="https://news.example/x" rel="noopener nofollow ugc">link</a> <img alt="A" src="https://news.example/a/pic.jpg" loading="lazy" /></p>');
  });

  it('removes scripts, styles, event handlers, forms and dangerous URLs', () => {
    const out = sanitizeArticleHtml(
      '<p onclick="x()">a</p><script>alert(1)</script><style>p{}</style><form><input></form>' +
        '<a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a><iframe src="https://evil.example/"></iframe>' +
        '<img src="data:image/png;base64,AAAA"><svg onload="x()"></svg>',
    );
    expect(out).not.toMatch(/script|onclick|onload|<style|<form|<input|javascript:|data:text|evil\.example|<svg/i);
    expect(out).toContain('src="data:image/png;base64,AAAA"');
  });

  it('allows video embeds from known hosts only', () => {
    expect(sanitizeArticleHtml('<iframe src="https://www.youtube.com/embed/x"></iframe>')).toContain('youtube.com/embed/x');
  });

  const corpus = new URL('../../../../shared/corpora/dompurify/cases.json', import.meta.url);
  it.skipIf(!existsSync(corpus) && process.env.JARIDA_REQUIRE_CORPORA !== '1')('leaves every DOMPurify XSS vector inert', () => {
    const cases = JSON.parse(readFileSync(corpus, 'utf8')) as { payload?: string; input?: string }[] | { cases: unknown[] };
    const list = (Array.isArray(cases) ? cases : (cases.cases as { payload?: string; input?: string }[])) ?? [];
    expect(list.length).toBeGreaterThan(50);
    for (const c of list) {
      const input = c.payload ?? c.input ?? '';
      const out = sanitizeArticleHtml(input);
      // Text is escaped (&lt;), so every '<' left in the output opens a real tag: check those.
      for (const tag of out.match(/<[^>]*>/g) ?? []) {
        const names = tag.replace(/"[^"]*"/g, '""'); // attribute values are escaped text
        expect(names, input).not.toMatch(/^<\/?(script|style|object|embed|form|input|svg|math|base|meta|link|textarea)\b|\son[a-z]+\s*=/i);
        if (/^<iframe/i.test(tag)) expect(tag, input).toMatch(/src="https:\/\/(www\.youtube\.com|www\.youtube-nocookie\.com|player\.vimeo\.com|www\.dailymotion\.com)\//);
        for (const [, url] of tag.matchAll(/\s(?:href|src|poster|cite)="([^"]*)"/gi)) {
          expect(url, input).toMatch(/^(https?:|mailto:|data:image\/(png|jpe?g|gif|webp|avif);|[\w\-./?#%=&~+]*$)/i);
        }
      }
    }
  });
});

describe('plainText', () => {
  it('strips tags and cuts on a word boundary', () => {
    expect(plainText('<p>Hello <b>world</b> &amp; all</p><script>x</script>')).toBe('Hello world & all');
    expect(plainText('<p>one two three four five six</p>', 15)).toBe('one two three…');
  });
});
