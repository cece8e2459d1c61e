import { describe, expect, it } from 'vitest';
import { resolveHtmlUrls, resolveUrl } from './url.js';

describe('resolveUrl', () => {
  it('resolves relative references and keeps absolute ones as written', () => {
    expect(resolveUrl('../a.html', 'https://x.test/feeds/rss')).toBe('https://x.test/a.html');
    expect(resolveUrl('//cdn.x.test/i.png', 'https://x.test/')).toBe('https://cdn.x.test/i.png');
    expect(resolveUrl('HTTP://Example.com', 'https://x.test/')).toBe('HTTP://Example.com');
    expect(resolveUrl('', 'https://x.test/feed')).toBe('https://x.test/feed');
    expect(resolveUrl('/a', null)).toBe('/a');
  });
});

describe('resolveHtmlUrls', () => {
  it('makes href and src absolute, leaving fragments, data: and absolute URLs alone', () => {
    const html = `<a href="/p?a=1&amp;b=2">x</a><img src='i.png'><a href="#top">t</a><img src="data:image/png;base64,AA"><a href=https://o.test/>o</a>`;
    expect(resolveHtmlUrls(html, 'https://x.test/dir/')).toBe(
      `<a href="https://x.test/p?a=1&amp;b=2">x</a><img src='https://x.test/dir/i.png'><a href="#top">t</a><img src="data:image/png;base64,AA"><a href=https://o.test/>o</a>`,
    );
  });

  it('does nothing without a base', () => {
    expect(resolveHtmlUrls('<a href="/x">x</a>', null)).toBe('<a href="/x">x</a>');
  });
});
