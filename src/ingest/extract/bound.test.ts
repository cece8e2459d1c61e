import { describe, expect, it } from 'vitest';
import { boundHtml, MAX_DEPTH } from './bound.js';

describe('boundHtml', () => {
  it('returns an ordinary page unchanged (the same string)', () => {
    const html = '<html><body><div><p>a<p>b<ul><li>x<li>y</ul></div><svg><path d="M0"/><path/></svg></body></html>';
    expect(boundHtml(html)).toBe(html);
  });

  it('drops open tags past the depth cap and their end tags, keeping the text in order', () => {
    const html = '<div><div><div><div>deep</div></div>mid</div>up</div>';
    expect(boundHtml(html, 1000, 2)).toBe('<div><div>deepmid</div>up</div>');
    expect(boundHtml(`<body>${'<div>'.repeat(10)}x${'</div>'.repeat(10)}<p>after</p></body>`, 1000, 4)).toBe(
      `<body>${'<div>'.repeat(3)}x${'</div>'.repeat(3)}<p>after</p></body>`,
    );
  });

  it('counts depth as the parser does: <p> and <li> close their predecessor, <br> and <img> nest nothing', () => {
    const html = `<body>${'<p>text<br><img src=x>'.repeat(2000)}${'<li>item'.repeat(2000)}</body>`;
    expect(boundHtml(html, Infinity, 4)).toBe(html);
  });

  it('does not count tags inside comments, scripts and styles', () => {
    const html = `<body><!-- ${'<div>'.repeat(50)} --><script>var s = "${'<div>'.repeat(50)}";</script><p>x</p></body>`;
    expect(boundHtml(html, Infinity, 4)).toBe(html);
  });

  it('treats <x/> as an open tag in HTML and as closed in SVG', () => {
    expect(boundHtml('<div/><div/><div/>x', 1000, 2)).toBe('<div/><div/>x');
    expect(boundHtml('<svg><g/><g/><g/></svg>', 1000, 2)).toBe('<svg><g/><g/><g/></svg>');
  });

  it('cuts a huge page before a tag, after dropping scripts, styles and comments (JSON-LD kept)', () => {
    const html = `<head><script type="application/ld+json">{"a":1}</script><script>${'x'.repeat(500)}</script><style>${'y'.repeat(500)}</style><!-- ${'z'.repeat(500)} --></head><body>${'<p class="para">word word</p>'.repeat(30)}<p>end</p></body>`;
    const out = boundHtml(html, 400);
    expect(out.length).toBeLessThanOrEqual(400);
    expect(out).toContain('<script type="application/ld+json">{"a":1}</script>');
    expect(out).not.toMatch(/xxx|yyy|zzz|end/);
    expect(out).not.toMatch(/<[^>]*$/); // never inside a tag
    expect(out.length).toBeGreaterThan(350);
  });

  it('is linear: a million nested tags take well under a second', () => {
    const html = '<div>'.repeat(1_000_000);
    const start = performance.now();
    expect(boundHtml(html).length).toBe(MAX_DEPTH * '<div>'.length);
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});
