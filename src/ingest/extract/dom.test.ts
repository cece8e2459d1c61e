import { describe, expect, it } from 'vitest';
import { innerHtml, parseHtmlDocument, resolveUrl } from './dom.js';

const shape = (doc: Document): string[] =>
  [doc.documentElement, ...doc.documentElement.children].map((e) => e.tagName);

describe('parseHtmlDocument', () => {
  it('sets the document and base URLs that Readability resolves links against', () => {
    const doc = parseHtmlDocument('<html><head><base href="/static/"></head><body></body></html>', 'https://a.example/x/y.html');
    expect(doc.documentURI).toBe('https://a.example/x/y.html');
    expect(doc.baseURI).toBe('https://a.example/static/');
    expect(parseHtmlDocument('<p>x</p>', 'https://a.example/x/y.html').baseURI).toBe('https://a.example/x/y.html');
  });

  it('gives a fragment, or an empty string, an <html> with <head> and <body>', () => {
    const doc = parseHtmlDocument('<title>T</title><p>one</p><p>two</p>', 'https://a.example/');
    expect(shape(doc)).toEqual(['HTML', 'HEAD', 'BODY']);
    expect(doc.title).toBe('T');
    expect(doc.body.textContent).toBe('onetwo');
    expect(shape(parseHtmlDocument('', 'https://a.example/'))).toEqual(['HTML', 'HEAD', 'BODY']);
  });

  it('moves a <body> that htmlparser2 left inside an unclosed <head>, and text after </html>, into the body', () => {
    const doc = parseHtmlDocument('<html lang="de"><head><title>T</title><meta name="a" content="b"><body class="x"><p>in</p></body></html><p>after</p>', 'https://a.example/');
    expect(shape(doc)).toEqual(['HTML', 'HEAD', 'BODY']);
    expect(doc.documentElement.getAttribute('lang')).toBe('de');
    expect(doc.body.getAttribute('class')).toBe('x');
    expect([...doc.head.children].map((e) => e.tagName)).toEqual(['TITLE', 'META']);
    expect(doc.body.textContent).toBe('inafter');
  });

  it('starts the body at the first non-head element, as a browser does', () => {
    const doc = parseHtmlDocument('<html><head><title>T</title><div>early</div><meta name="late"></head><body><p>x</p></body></html>', 'https://a.example/');
    expect([...doc.head.children].map((e) => e.tagName)).toEqual(['TITLE']);
    expect([...doc.body.children].map((e) => e.tagName)).toEqual(['DIV', 'META', 'P']);
  });

  it('lower-cases HTML attribute names, keeps SVG ones, drops comments', () => {
    const doc = parseHtmlDocument('<BODY><IMG SRC="a.png" ALT=x><!-- c --><svg viewBox="0 0 1 1"></svg></BODY>', 'https://a.example/');
    expect(doc.querySelector('img')?.getAttribute('src')).toBe('a.png');
    expect(doc.querySelector('[alt]')).not.toBeNull();
    expect(doc.querySelector('svg')?.getAttribute('viewBox')).toBe('0 0 1 1');
    expect(innerHtml(doc.body)).toBe('<img src="a.png" alt="x"><svg viewBox="0 0 1 1"></svg>');
  });
});

describe('innerHtml', () => {
  it('escapes attribute values and text as the HTML spec does (linkedom leaves & in attributes)', () => {
    const doc = parseHtmlDocument('<body><a href="?a=1&amp;amp;b=2" title="&quot;q&quot; &lt;x&gt;">A &amp; B &lt;c&gt;&nbsp;</a><br><script>if (a < b) x();</script></body>', 'https://a.example/');
    expect(innerHtml(doc.body)).toBe(
      '<a href="?a=1&amp;amp;b=2" title="&quot;q&quot; &lt;x&gt;">A &amp; B &lt;c&gt;&nbsp;</a><br><script>if (a < b) x();</script>',
    );
  });

  it('writes lower-case names for elements created with upper-case ones', () => {
    const doc = parseHtmlDocument('<body></body>', 'https://a.example/');
    doc.body.appendChild(doc.createElement('DIV')).textContent = 'x';
    expect(innerHtml(doc.body)).toBe('<div>x</div>');
  });

  it('round-trips the body through innerHTML without losing a level of escaping', () => {
    const doc = parseHtmlDocument('<body><iframe src="https://v.example/e?x=1&amp;amp;y=2"></iframe></body>', 'https://a.example/');
    const saved = doc.body.innerHTML;
    doc.body.innerHTML = saved;
    doc.body.innerHTML = doc.body.innerHTML;
    expect(doc.querySelector('iframe')?.getAttribute('src')).toBe('https://v.example/e?x=1&amp;y=2');
  });
});

describe('resolveUrl', () => {
  it('returns an absolute URL, or null', () => {
    expect(resolveUrl(' ../b ', 'https://a.example/x/y/')).toBe('https://a.example/x/b');
    expect(resolveUrl('//cdn.example/i.png', 'https://a.example/')).toBe('https://cdn.example/i.png');
    expect(resolveUrl('http://[bad', 'https://a.example/')).toBeNull();
  });
});
