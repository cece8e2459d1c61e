import { readdirSync, readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ParseError, parseFeed } from './parse.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError);
    expect((err as Error).message).toMatch(/^parse: /);
    return (err as ParseError).code;
  }
  return undefined;
};

describe('format detection from the content', () => {
  it('skips a BOM, whitespace, comments and processing instructions before the root', () => {
    const feed = parseFeed('\uFEFF \n<?xml version="1.0"?>\n<!-- generated -->\n<?xml-stylesheet href="s.xsl"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>', {});
    expect(feed).toMatchObject({ format: 'atom', title: 't', items: [] });
  });

  it('ignores the URL and the Content-Type when they disagree with the body', () => {
    const feed = parseFeed(fixture('rdf10.rdf'), { url: 'https://x.test/feed.json', contentType: 'application/atom+xml' });
    expect(feed.format).toBe('rdf');
  });

  it('recovers a feed after junk (a PHP warning) at the start', () => {
    const feed = parseFeed('Warning: Undefined variable $x in /var/www/rss.php on line 3\n<?xml version="1.0"?><rss version="2.0"><channel><title>ok</title></channel></rss>', {});
    expect(feed.title).toBe('ok');
  });

  it('rejects HTML pages with a clear error', () => {
    expect(code(() => parseFeed(fixture('html-page.html'), { contentType: 'application/rss+xml' }))).toBe('JARIDA_PARSE_NOT_A_FEED');
    expect(() => parseFeed(fixture('html-page.html'), {})).toThrow('parse: got an HTML page (<html>), not a feed');
    expect(code(() => parseFeed('<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', {}))).toBe('JARIDA_PARSE_NOT_A_FEED');
  });

  it('rejects other documents and plain text', () => {
    expect(() => parseFeed('<note><to>Tove</to></note>', {})).toThrow('parse: root element <note> is not RSS, RDF or Atom');
    expect(code(() => parseFeed('just some text', {}))).toBe('JARIDA_PARSE_NOT_A_FEED');
  });

  it('reports an empty body', () => {
    expect(code(() => parseFeed('', {}))).toBe('JARIDA_PARSE_EMPTY');
    expect(code(() => parseFeed(new Uint8Array(0), {}))).toBe('JARIDA_PARSE_EMPTY');
    expect(code(() => parseFeed(' \n\t\uFEFF', {}))).toBe('JARIDA_PARSE_EMPTY');
    expect(code(() => parseFeed('<?xml version="1.0"?><!-- nothing -->', {}))).toBe('JARIDA_PARSE_EMPTY');
  });

  it('reports hopelessly malformed bodies', () => {
    expect(code(() => parseFeed('<<<>>>', {}))).toBe('JARIDA_PARSE_MALFORMED');
    expect(code(() => parseFeed('<', {}))).toBe('JARIDA_PARSE_MALFORMED');
  });
});

describe('broken real-world XML', () => {
  it('reads bare ampersands, unknown entities, unclosed tags and a truncated file best-effort', () => {
    const feed = parseFeed(fixture('malformed.xml'), {});
    expect(feed.title).toBe('Fish & Chips & &bogus; news');
    expect(feed.siteUrl).toBe('http://broken.example.com/?a=1&b=2');
    expect(feed.items.map((i) => i.title)).toEqual(['AT&T buys éverything &copy 2024', 'Truncated item']);
    expect(feed.items[0]).toMatchObject({ url: 'http://broken.example.com/item?id=1&page=2', summary: 'Unclosed <b>bold and a stray &lt; sign</b>' });
  });

  it('never throws anything but ParseError on truncated or corrupted fixtures', () => {
    const dir = new URL('./testdata/', import.meta.url);
    let seed = 7;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (const name of readdirSync(dir).filter((n) => /\.(xml|rdf|json|html)$/.test(n))) {
      const bytes = readFileSync(new URL(name, dir));
      for (let k = 0; k < 40; k++) {
        const broken = Buffer.from(bytes.subarray(0, rnd(bytes.length + 1)));
        if (broken.length > 0 && k % 2 === 1) broken[rnd(broken.length)] = rnd(256);
        try {
          parseFeed(broken, { url: 'https://x.test/feed' });
        } catch (err) {
          expect(err).toBeInstanceOf(ParseError);
        }
      }
    }
  });
});

describe('limits', () => {
  it('accepts a feed with no items', () => {
    expect(parseFeed(fixture('empty-channel.xml'), {})).toMatchObject({ title: 'Nothing yet', items: [] });
  });

  it('keeps every entry as an item, even when entries share a guid, a link or a title+date hash', () => {
    const feed = parseFeed(fixture('duplicates.xml'), {});
    expect(feed.items.map((i) => i.title)).toEqual(['First version', 'Second version', 'Link as guid', 'Same link again', 'Hash A', 'Hash A', 'Hash A']);
    expect(feed.items.map((i) => i.guid).slice(0, 4)).toEqual(['same', 'same', 'http://dupes.example/a', 'http://dupes.example/a']);
  });

  it('reads absurdly deep nesting in linear time, without exhausting the stack', () => {
    const t0 = performance.now();
    const feed = parseFeed(`<rss><channel><item><title>deep</title><description>${'<div>'.repeat(200_000)}x</description></item></channel></rss>`, {});
    expect(feed.items[0]?.title).toBe('deep');
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('parses 10,000 items quickly', () => {
    let xml = '<rss version="2.0"><channel><title>Big</title>';
    for (let i = 0; i < 10_000; i++) {
      xml += `<item><title>Item ${i} &amp; co</title><link>https://x.test/${i}</link><pubDate>Mon, 04 Mar 2024 10:00:00 +0300</pubDate><description><![CDATA[<p>Story ${i}</p>]]></description></item>`;
    }
    xml += '</channel></rss>';
    const t0 = performance.now();
    const feed = parseFeed(Buffer.from(`${xml}`), { url: 'https://x.test/rss' });
    const ms = performance.now() - t0;
    expect(feed.items).toHaveLength(10_000);
    expect(feed.items[9_999]).toMatchObject({ title: 'Item 9999 & co', url: 'https://x.test/9999' });
    expect(ms).toBeLessThan(2_000);
  });
});

describe('encodings end to end', () => {
  it('reads a windows-1254 Turkish feed named by the HTTP header', () => {
    const bytes = iconv.encode('<rss version="2.0"><channel><title>Gündem</title><item><title>İğdır’da şiddetli çığ</title></item></channel></rss>', 'windows-1254');
    const feed = parseFeed(bytes, { contentType: 'application/rss+xml; charset=windows-1254' });
    expect(feed.items[0]?.title).toBe('İğdır’da şiddetli çığ');
  });

  it('reads a windows-1256 Arabic feed named by its XML declaration', () => {
    const bytes = iconv.encode('<?xml version="1.0" encoding="windows-1256"?><rss version="2.0"><channel><title>الأخبار</title><item><title>عاجل: اجتماع الحكومة</title></item></channel></rss>', 'windows-1256');
    const feed = parseFeed(bytes, { contentType: 'text/xml' });
    expect(feed).toMatchObject({ title: 'الأخبار', items: [{ title: 'عاجل: اجتماع الحكومة' }] });
  });

  it('reads UTF-16 with a BOM', () => {
    const bytes = iconv.encode('<?xml version="1.0" encoding="utf-16"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ünicode</title></feed>', 'utf-16le', { addBOM: true });
    expect(parseFeed(bytes, {}).title).toBe('Ünicode');
  });
});

describe('what the HTTP response says', () => {
  it('takes Content-Language as the language of a feed that names none (its own xml:lang wins)', () => {
    const feed = parseFeed(fixture('no-language.atom'), { contentLanguage: 'en-GB, fr' });
    expect(feed.language).toBe('en-GB');
    expect(feed.items.map((i) => i.language)).toEqual(['en-GB', 'tr']);
    expect(parseFeed(fixture('rss20.xml'), { contentLanguage: 'fr' }).language).toBe('en-gb');
  });

  it('resolves relative links and ids against Content-Location (http/https only), else the URL', () => {
    const at = (contentLocation: string) => parseFeed(fixture('relative-ids.atom'), { url: 'https://cdn.example.org/f/feed.atom', contentLocation }).items[0]?.guid;
    expect(at('https://www.example.org/blog/feed.atom')).toBe('https://www.example.org/posts/1');
    expect(at('/mirror/feed.atom')).toBe('https://cdn.example.org/posts/1');
    expect(at('javascript:alert(1)')).toBe('https://cdn.example.org/posts/1');
  });
});

describe('well-formedness (feedparser\'s bozo)', () => {
  it('says well-formed of clean feeds of every format', () => {
    for (const name of ['atom10.xml', 'rdf10.rdf', 'rss091.xml', 'feed11.json', 'itunes.xml']) {
      expect(parseFeed(fixture(name), {}).wellFormed, name).toBe(true);
    }
    // HTML's &eacute; and &nbsp; without a DTD declaring them: read, but not well-formed XML
    const rss20 = parseFeed(fixture('rss20.xml'), {});
    expect(rss20.wellFormed).toBe(false);
    expect(rss20.items[0]?.title).toBe('Café owners\u00a0protest … in the "old town"');
  });

  it('says ill-formed of broken XML it still reads, junk before the root, and bytes that fit no named charset', () => {
    expect(parseFeed(fixture('malformed.xml'), {})).toMatchObject({ wellFormed: false, title: 'Fish & Chips & &bogus; news' });
    expect(parseFeed(`Warning: x\n${fixture('rss20.xml').toString()}`, {}).wellFormed).toBe(false);
    const latin1 = Buffer.from('<rss version="2.0"><channel><title>Caf\xe9</title></channel></rss>', 'latin1');
    expect(parseFeed(latin1, {})).toMatchObject({ wellFormed: false, title: 'Café' });
    expect(parseFeed(latin1, { contentType: 'text/xml; charset=iso-8859-1' }).wellFormed).toBe(true);
  });
});
