import { describe, expect, it } from 'vitest';
import { renderPageBody } from './page-body.js';

describe('an own page body', () => {
  it('renders markdown: headings under the page title, emphasis, lists, links, addresses', () => {
    const html = renderPageBody('# Who we are\n\n## Team\n\nWe are **Jarida**, _independent_.\n\n- one\n- two\n\n[Contact](/contact/) · desk@example.org', 'markdown');
    expect(html).toBe(
      '<h2>Who we are</h2>\n<h2>Team</h2>\n<p>We are <strong>Jarida</strong>, <em>independent</em>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n' +
        '<p><a href="/contact/" rel="noopener nofollow ugc">Contact</a> · <a href="mailto:desk@example.org" rel="noopener nofollow ugc">desk@example.org</a></p>',
    );
  });

  it('shows raw HTML in markdown as text, and makes no javascript: link', () => {
    const html = renderPageBody('<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) <a href="javascript:alert(1)">z</a>', 'markdown');
    expect(html).not.toMatch(/<script|<a /);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('takes HTML as it is, through the sanitizer', () => {
    const html = renderPageBody('  <h2 onclick="x()">Imprint</h2>\n    <p>Jarida <b>Ltd</b></p><script>alert(1)</script><a href=" javascript:alert(1)">a</a><iframe src="https://evil.example/"></iframe><img src="x" onerror="alert(1)">', 'html');
    expect(html).toBe('<h2>Imprint</h2>\n    <p>Jarida <b>Ltd</b></p><a>a</a><img src="x" loading="lazy" />');
  });
});
