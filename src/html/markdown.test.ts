import { describe, expect, it } from 'vitest';
import { articleHtmlFromMarkdown, renderPageBody } from './markdown.js';
import { plainText, sanitizeArticleHtml } from './sanitize.js';
import { dompurifyCases, expectInert, HAVE_CORPORA, html5libCases } from './testdata/xss.js';

describe('articleHtmlFromMarkdown', () => {
  it('renders Markdown: headings under the title, emphasis, lists, links, addresses, code', () => {
    const html = articleHtmlFromMarkdown('# Who we are\n\n## Team\n\nWe are **Jarida**, _independent_.\n\n- one\n- two\n\n[Contact](/contact/) · desk@example.org\n\n```\na < b\n```');
    expect(html).toBe(
      '<h2>Who we are</h2>\n<h2>Team</h2>\n<p>We are <strong>Jarida</strong>, <em>independent</em>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n' +
        '<p><a href="/contact/" rel="noopener nofollow ugc">Contact</a> · <a href="mailto:desk@example.org" rel="noopener nofollow ugc">desk@example.org</a></p>\n' +
        '<pre><code>a &lt; b\n</code></pre>',
    );
  });

  it('keeps images as the sanitizer keeps them, relative addresses made absolute against the base', () => {
    expect(articleHtmlFromMarkdown('![A harbour](http://x.example/a.jpg "Dawn")')).toBe(sanitizeArticleHtml('<p><img src="http://x.example/a.jpg" alt="A harbour" title="Dawn"></p>'));
    expect(articleHtmlFromMarkdown('![a](https://x.example/a.jpg)')).toBe('<p><img alt="a" src="https://x.example/a.jpg" loading="lazy" /></p>');
    expect(articleHtmlFromMarkdown('![a](pics/a.jpg) [more](../b)', 'https://news.example/2019/02/story')).toBe(
      '<p><img alt="a" src="https://news.example/2019/02/pics/a.jpg" loading="lazy" /> <a href="https://news.example/2019/b" rel="noopener nofollow ugc">more</a></p>',
    );
    expect(articleHtmlFromMarkdown('![x](data:image/png;base64,AAAA)')).toContain('src="data:image/png;base64,AAAA"');
  });

  it('makes no link or image of javascript:, vbscript: or data: (other than images), however written', () => {
    const vectors = [
      '[x](javascript:alert(1))', '[x](JaVaScRiPt:alert(1))', '[x](  javascript:alert(1))', '[x](\tjavascript:alert(1))', '[x](<javascript:alert(1)>)',
      '[x](java&#115;cript:alert(1))', '[x](&#106;avascript:alert(1))', '[x](javascript&colon;alert(1))', '[x][1]\n\n[1]: javascript:alert(1)',
      '<javascript:alert(1)>', '[x](vbscript:msgbox(1))', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '![x](javascript:alert(1))', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)', '<a href="javascript:alert(1)">x</a>', '<a href=" jav&#x09;ascript:alert(1)">x</a>',
      '<img src="javascript:alert(1)">', '[x](http://a.example" onclick="alert(1))', '[x](http://a.example "onmouseover=alert(1)")',
    ];
    for (const md of vectors) {
      const html = articleHtmlFromMarkdown(md);
      expectInert(html, md);
      expect(html, md).not.toMatch(/(href|src)="\s*(javascript|vbscript|data:(?!image\/(png|jpe?g|gif|webp|avif);))/i);
      expect(html, md).not.toMatch(/<[^>]*\son\w+=/i);
    }
    // The refused link stays as the text typed: nothing an editor wrote disappears silently.
    expect(articleHtmlFromMarkdown('[x](javascript:alert(1))')).toBe('<p>[x](javascript:alert(1))</p>');
  });

  it('takes raw HTML the sanitizer keeps (an embed), sanitized; any other tag is shown as text', () => {
    expect(articleHtmlFromMarkdown('<iframe src="https://www.youtube.com/embed/abc" width="560" height="315" allowfullscreen></iframe>\n\nText.')).toBe(
      '<iframe src="https://www.youtube.com/embed/abc" width="560" height="315" allowfullscreen></iframe>\n<p>Text.</p>',
    );
    expect(articleHtmlFromMarkdown('<iframe src="https://evil.example/x"></iframe>\n\nText.')).toBe('<p>Text.</p>');
    expect(articleHtmlFromMarkdown('<div onclick="x()" style="color:red"><p>Hi <b>there</b></p></div>')).toBe('<div><p>Hi <b>there</b></p></div>');
    expect(articleHtmlFromMarkdown('a <span onmouseover="alert(1)" dir="rtl">x</span> b')).toBe('<p>a <span dir="rtl">x</span> b</p>');
    expect(articleHtmlFromMarkdown('<img src=x onerror=alert(1)>', 'https://news.example/')).toBe('<img src="https://news.example/x" loading="lazy" />');
    expect(articleHtmlFromMarkdown('<script>alert(1)</script>\n\nAfter.')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>After.</p>');
    // A tag named in prose neither runs nor swallows the rest of the article (as a raw <script> would in the sanitizer).
    expect(articleHtmlFromMarkdown('Load it with a <script> tag, then <style>.\n\nThe rest.')).toBe('<p>Load it with a &lt;script&gt; tag, then &lt;style&gt;.</p>\n<p>The rest.</p>');
    expect(articleHtmlFromMarkdown('<form action="https://x.example/"><input name="q"></form>')).toBe('<p>&lt;form action="https://x.example/"&gt;&lt;input name="q"&gt;&lt;/form&gt;</p>');
    expect(articleHtmlFromMarkdown('<!-- a note -->\n\nText')).toBe('<p>Text</p>');
  });

  it('leaves Arabic and Turkish text as written: letters, marks, direction, no entities', () => {
    const ar = 'قال **المتحدث** إنّ الاجتماع سيُعقد في ١٥ شباط — «غداً».';
    const tr = 'İstanbul’da _ılık_ bir gün: Iğdır, Şişli, çiçekçi, ÖĞÜ ığüşöç.';
    expect(articleHtmlFromMarkdown(`# عنوان\n\n${ar}\n\n${tr}`)).toBe(
      '<h2>عنوان</h2>\n<p>قال <strong>المتحدث</strong> إنّ الاجتماع سيُعقد في ١٥ شباط — «غداً».</p>\n<p>İstanbul’da <em>ılık</em> bir gün: Iğdır, Şişli, çiçekçi, ÖĞÜ ığüşöç.</p>',
    );
    expect(articleHtmlFromMarkdown('<p dir="rtl" lang="ar">نص\u200F عربي</p>')).toBe('<p dir="rtl" lang="ar">نص\u200F عربي</p>');
    // plainText is the summary helper: the desk's summary of a Markdown body is this.
    expect(plainText(articleHtmlFromMarkdown(ar), 30)).toBe('قال المتحدث إنّ الاجتماع…');
  });

  it.skipIf(!HAVE_CORPORA)('leaves every DOMPurify and html5lib vector inert through the Markdown path, alone, in a paragraph and among blocks', () => {
    const payloads = [...dompurifyCases().map((c) => c.payload), ...html5libCases().map((c) => c.input)];
    expect(payloads.length).toBeGreaterThan(100);
    for (const p of payloads) {
      // As inert as the ingestion path makes the same payload…
      expectInert(sanitizeArticleHtml(p), p);
      // …alone, inline, among blocks, and as a link's or an image's address.
      for (const md of [p, `Text ${p} more`, `# Head\n\n${p}\n\n- item\n\n${p}`, `[link](${p})`, `![img](${p})`]) expectInert(articleHtmlFromMarkdown(md), md);
    }
  });
});

describe('renderPageBody', () => {
  it('renders a page written in Markdown with the same renderer', () => {
    expect(renderPageBody('# About\n\nUs.', 'markdown')).toBe(articleHtmlFromMarkdown('# About\n\nUs.'));
  });

  it('takes HTML as it is, through the sanitizer', () => {
    const html = renderPageBody('  <h2 onclick="x()">Imprint</h2>\n    <p>Jarida <b>Ltd</b></p><script>alert(1)</script><a href=" javascript:alert(1)">a</a><iframe src="https://evil.example/"></iframe><img src="x" onerror="alert(1)">', 'html');
    expect(html).toBe('<h2>Imprint</h2>\n    <p>Jarida <b>Ltd</b></p><a>a</a><img src="x" loading="lazy" />');
  });
});
