import { describe, expect, it } from 'vitest';
import { collapseWhitespace, decodeEntities, escapeHtml, escapeStrayLt, fixC1, htmlToText } from './text.js';

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
