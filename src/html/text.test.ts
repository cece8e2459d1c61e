import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA_URL } from '../paths.js';
import { dompurifyCases, HAVE_CORPORA, html5libCases } from './testdata/xss.js';
import { collapseWhitespace, decodeEntities, endAtWord, escapeHtml, escapeStrayLt, fixC1, htmlToText, stripMarkup } from './text.js';

describe('decodeEntities', () => {
  it('decodes XML, HTML5 named and numeric references once', () => {
    expect(decodeEntities('Caf&eacute; &amp; &hellip; &nbsp;&#8217;&#x2019;&rsquo;')).toBe('Café & … \u00a0’’’');
    expect(decodeEntities('&amp;amp; stays one level down')).toBe('&amp; stays one level down');
    expect(decodeEntities('&NotNestedLessLess; &fjlig;')).toBe('⪡̸ fj');
  });

  it('leaves bare ampersands and unknown names as written', () => {
    expect(decodeEntities('AT&T, Fish & Chips, &bogus; &copy 2024')).toBe('AT&T, Fish & Chips, &bogus; &copy 2024');
  });

  it('uses DOCTYPE entities when given', () => {
    expect(decodeEntities('&id;2006', new Map([['id', 'tag:example.com,']]))).toBe('tag:example.com,2006');
  });

  it('reads C1 references as Windows-1252 and repairs double-encoded UTF-8', () => {
    expect(decodeEntities('don&#146;t &#150; &#128;')).toBe('don’t – €');
    expect(decodeEntities('&#226;&#128;&#166;')).toBe('…');
    expect(decodeEntities('&#195;&#167;ok &#233;t&#233;')).toBe('çok été');
  });

  it('replaces impossible code points', () => {
    expect(decodeEntities('&#0;&#xD800;&#x110000;')).toBe('\ufffd\ufffd\ufffd');
  });
});

describe('text helpers', () => {
  it('collapses ASCII whitespace but keeps no-break spaces', () => {
    expect(collapseWhitespace('  a \n\t b\u00a0c  ')).toBe('a b\u00a0c');
  });

  it('turns HTML into plain text', () => {
    expect(htmlToText('<p>Fish &amp;amp; <b>chips</b></p><p>today</p>')).toBe('Fish &amp; chips today');
    expect(htmlToText('Mar<i>k</i> <3 hearts')).toBe('Mark <3 hearts');
    expect(htmlToText('<img alt="a > b" src="x.png">caption<script>alert(1)</script><!-- c -->')).toBe('caption');
    expect(htmlToText('AT&amp;T')).toBe('AT&T');
  });

  it('escapes for HTML text and attributes', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  });

  it('reads stray C1 controls as Windows-1252', () => {
    expect(fixC1('don\u0092t \u0093q\u0094')).toBe('don’t “q”');
    expect(fixC1('plain')).toBe('plain');
  });
});

describe('escapeStrayLt', () => {
  it('writes a "<" that opens no tag, comment, CDATA or doctype as &lt;', () => {
    expect(escapeStrayLt('<p>I <3 it, 1 < 2, <!\' x</p>')).toBe('<p>I &lt;3 it, 1 &lt; 2, &lt;!\' x</p>');
    expect(escapeStrayLt('<!-- c --><!DOCTYPE html><![CDATA[x]]><a href="#">y</a></p>')).toBe('<!-- c --><!DOCTYPE html><![CDATA[x]]><a href="#">y</a></p>');
    expect(escapeStrayLt('<? x ?></ 3')).toBe('&lt;? x ?>&lt;/ 3');
  });
});

describe('stripMarkup', () => {
  // The regex replace stripMarkup was written to match, kept here as the reference.
  const TAG_RE =
    /<!--[\s\S]*?(?:-->|$)|<(script|style)\b[\s\S]*?(?:<\/\1\s*>|$)|<\/?([A-Za-z][\w:-]*)(?:[^>"']|"[^"]*"|'[^']*')*(?:>|$)|<!\[CDATA\[|\]\]>|<![^>]*>/gi;
  const BREAKING = new Set(['br', 'p', 'div', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'hr', 'img', 'section', 'article', 'header', 'footer', 'dd', 'dt', 'figure', 'figcaption']);
  const reference = (html: string) =>
    html.replace(TAG_RE, (_m: string, _raw: string | undefined, name: string | undefined) => (name !== undefined && !BREAKING.has(name.toLowerCase()) ? '' : ' '));
  const referenceCollapse = (s: string) => s.replace(/ [\t\n\v\f\r ]+|[\t\n\v\f\r][\t\n\v\f\r ]*/g, ' ').trim();

  it('removes tags, comments, scripts, styles, CDATA marks and doctypes as the regex did', () => {
    const cases = [
      '<p>Fish <b>and</b> chips<!-- ad --></p>', 'a <3 b', 'x<', '<', '<!', '<!-', '<!-->', '<!---->x', '<!-- open', '<!-x>y', '<!DOCTYPE html><p>a',
      '<script>alert(1)</script>after', '<SCRIPT type="x">a</script >b', '<script>a</SCRIPT\n>b', '<script>never closed', '<scripts>x</scripts>',
      '<style>p{}</style>t', '<StYlE>x</style foo>y</style>z', '<script', '<style', '<a href="x>y">link</a>', "<a title='q\"'>t</a>", '<a href="open>text',
      '<a b="1" c=\'2>rest', '</p>x</>y', '</ p>', '<1>', '<a:b-c_d>x</a:b-c_d>', '<![CDATA[data]]>', '<![cdata[x', ']]]>', 'a]]>b]]c', '<br/>x<br>',
      '<img src=x onerror=alert(1)//', '<p\n>multi\nline</p\n>', '<\u212Aeep>', '<scr\u0130pt>x</script>', '<h1>T</h1><figure><figcaption>c</figcaption></figure>',
    ];
    for (const c of cases) expect(stripMarkup(c), JSON.stringify(c)).toBe(reference(c));
  });

  it('matches the regex on random markup soup', () => {
    const parts = ['<', '>', '/', '!', '--', '-->', '!--', 'script', 'SCRIPT', 'style', '</script', '</style >', ' ', '\n', '"', "'", '=', ']]>', ']',
      '<![CDATA[', 'p', 'b', 'br', 'a', 'x', '1', ':', '-', '_', '&amp;', '\u00a0', 'é', '\u212A', '\t', '\r', '\v', '\f', '\u2003', '\u3000'];
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let n = 0; n < 20_000; n++) {
      let s = '';
      const len = 1 + Math.floor(next() * 24);
      for (let k = 0; k < len; k++) s += parts[Math.floor(next() * parts.length)];
      expect(stripMarkup(s), JSON.stringify(s)).toBe(reference(s));
      expect(collapseWhitespace(s), JSON.stringify(s)).toBe(referenceCollapse(s));
    }
  });

  it.runIf(HAVE_CORPORA)('matches the regex, and htmlToText its old self, on the corpora (XSS vectors, sanitizer cases, Reader View pages, feeds)', () => {
    const texts = [...dompurifyCases().map((c) => c.payload), ...html5libCases().map((c) => c.input)];
    for (const dir of ['readability', 'feedparser']) {
      const root = fileURLToPath(new URL(`${dir}/`, CORPORA_URL));
      for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
        if (/\.(html|xml)$/.test(f)) texts.push(readFileSync(join(root, f), 'utf8'));
      }
    }
    expect(texts.length).toBeGreaterThan(1000);
    for (const t of texts) {
      expect(stripMarkup(t), t.slice(0, 200)).toBe(reference(t));
      expect(htmlToText(t), t.slice(0, 200)).toBe(referenceCollapse(decodeEntities(reference(t))));
    }
  });
});

describe('endAtWord', () => {
  // What it replaces: the cut ended at a word, then a regex dropping the trailing spaces and punctuation.
  const reference = (cut: string, half: number) => {
    const at = cut.lastIndexOf(' ');
    return `${(at > half ? cut.slice(0, at) : cut).replace(/[\s,;:.–—-]+$/u, '')}…`;
  };

  it('ends at the last space past half, without trailing spaces and punctuation', () => {
    expect(endAtWord('one two, three', 4)).toBe('one two…');
    expect(endAtWord('one two, three', 9)).toBe('one two, three…'); // the last space is not past half: the cut as it was
    expect(endAtWord('Kadıköy — ', 2)).toBe('Kadıköy…');
    expect(endAtWord(',.;: ', 10)).toBe('…');
  });

  it('drops exactly what the regex dropped, for every UTF-16 code unit at the end', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      for (const cut of [`alpha beta${ch}`, `alpha beta${ch}${ch}`, `alpha${ch}`, `alpha beta ${ch}-`]) {
        if (endAtWord(cut, 2) !== reference(cut, 2)) expect(endAtWord(cut, 2), `U+${c.toString(16)} in ${JSON.stringify(cut)}`).toBe(reference(cut, 2));
      }
    }
    // Astral characters are never dropped.
    expect(endAtWord('alpha 😀', 2)).toBe(reference('alpha 😀', 2));
  });
});
