import { describe, expect, it } from 'vitest';
import { parseXml } from './xml.js';

const wellFormed = (xml: string): boolean => parseXml(xml, null).wellFormed;

describe('parseXml: well-formedness', () => {
  it('accepts what XML allows: the five entities, numeric and declared ones, namespaces, CDATA, comments', () => {
    expect(wellFormed('<?xml version="1.0"?><!-- c --><rss a="1" b=\'2\'><t>&amp;&lt;&#233;&#xe9;</t><![CDATA[ & < ]]></rss>')).toBe(true);
    expect(wellFormed('<!DOCTYPE rss [<!ENTITY nbsp "&#160;">]><rss>&nbsp;</rss>')).toBe(true);
    expect(wellFormed('<feed xmlns="http://www.w3.org/2005/Atom" xmlns:m="http://search.yahoo.com/mrss/"><m:x m:y="1" xml:lang="en"/></feed>')).toBe(true);
    // an external DTD may declare HTML's entities (Netscape's RSS 0.91)
    expect(wellFormed('<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss>&eacute;</rss>')).toBe(true);
    expect(wellFormed('<rss>\n</rss>\n<!-- trailing comment -->\n')).toBe(true);
  });

  it.each([
    ['a bare ampersand', '<rss>AT&T</rss>'],
    ['an undeclared entity', '<rss>caf&eacute;</rss>'],
    ['an ampersand in an attribute', '<rss><a href="?a=1&b=2"/></rss>'],
    ['a "<" that opens no tag', '<rss>1 < 2</rss>'],
    ['a mismatched end tag', '<rss><b>x</i></rss>'],
    ['a stray end tag', '<rss></b></rss>'],
    ['an unclosed element', '<rss><channel>'],
    ['a truncated end tag', '<rss></rss'],
    ['an unterminated CDATA section', '<rss><![CDATA[x</rss>'],
    ['an undeclared prefix', '<rss><dc2:creator>x</dc2:creator></rss>'],
    ['an undeclared attribute prefix', '<rss><item foo:bar="1"/></rss>'],
    ['an unquoted attribute', '<rss version=2.0></rss>'],
    ['an attribute without a value', '<rss checked></rss>'],
    ['a repeated attribute', '<rss a="1" a="2"></rss>'],
    ['text after the root', '<rss></rss>junk'],
    ['a second root element', '<rss></rss><rss></rss>'],
    ['an XML declaration not at the start', '<!-- c --><?xml version="1.0"?><rss></rss>'],
    ['a control character', '<rss>\u0001</rss>'],
  ])('refuses %s', (_what, xml) => {
    expect(wellFormed(xml)).toBe(false);
  });
});
