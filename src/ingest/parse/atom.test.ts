import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from './parse.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`./testdata/${name}`, import.meta.url));

describe('Atom 1.0', () => {
  const feed = parseFeed(fixture('atom10.xml'), { url: 'https://haber.example.com.tr/atom.xml' });

  it('reads the feed, its links against xml:base and its language', () => {
    expect(feed).toMatchObject({
      format: 'atom', version: '1.0', title: 'Gündem & Haberler', description: 'Son dakika',
      siteUrl: 'https://haber.example.com.tr/', feedUrl: 'https://haber.example.com.tr/atom.xml', language: 'tr',
    });
  });

  it('handles text, html and xhtml constructs (xhtml: the div\'s children serialized); category terms', () => {
    const [entry] = feed.items;
    expect(entry).toMatchObject({
      guid: 'tag:haber.example.com.tr,2024:1',
      url: 'https://haber.example.com.tr/gundem/kar-yagisi',
      title: 'Ankara’da kar yağışı',
      summary: 'Kar yağışı &lt;uyarısı&gt; yapıldı',
      content: '<p>Meteoroloji <a href="https://haber.example.com.tr/gundem/uyari">uyardı</a>.</p><br /><img src="https://haber.example.com.tr/gundem/foto.jpg" alt="kar" />',
      author: 'Haber Masası',
      categories: ['gundem'], // the term, not the label
      imageUrl: 'https://img.example.com.tr/kar.jpg',
    });
    expect(entry?.published?.toISOString()).toBe('2024-03-05T04:15:00.000Z');
    expect(entry?.updated?.toISOString()).toBe('2024-03-05T06:00:00.000Z');
  });

  it('uses updated when there is no published date, and the entry\'s own xml:lang', () => {
    const entry = feed.items[1];
    expect(entry).toMatchObject({ author: 'A. Writer', language: 'en', imageUrl: 'https://haber.example.com.tr/thumbs/2.jpg' });
    expect(entry?.content).toBe('<p>Escaped <a href="https://haber.example.com.tr/x">html</a></p>');
    expect(entry?.published?.toISOString()).toBe('2024-03-04T12:00:00.000Z');
  });
});

describe('Atom 0.3', () => {
  it('reads escaped and base64 modes, issued/modified dates, inline xhtml', () => {
    const feed = parseFeed(fixture('atom03.xml'), {});
    expect(feed).toMatchObject({ format: 'atom', version: '0.3', title: 'Atom 0.3 feed', description: 'An old format', siteUrl: 'http://old-atom.example.org/' });
    expect(feed.items[0]).toMatchObject({
      url: 'http://old-atom.example.org/1', summary: 'Example <b>Atom</b>', content: '<div><p>Inline <b>xhtml</b></p></div>',
    });
    expect(feed.items[0]?.published?.toISOString()).toBe('2004-01-01T18:48:21.000Z');
    expect(feed.items[0]?.updated?.toISOString()).toBe('2004-01-02T10:00:00.000Z');
  });
});

describe('Atom: which value wins, and where values go', () => {
  const feed = parseFeed(fixture('repeated-values.atom'), {});

  it('takes the alternate link over enclosures whatever the order, the last of several alternates', () => {
    expect(feed.items.map((i) => i.url)).toEqual(['https://www.example.org/1', 'https://www.example.org/1']);
  });

  it('keeps two entries with the same id as two items', () => {
    expect(feed.items.map((i) => [i.guid, i.title])).toEqual([
      ['tag:example.org,2024:1', 'First'],
      ['tag:example.org,2024:1', 'First, updated'],
    ]);
  });

  it('reads a second summary as the content when the entry has none', () => {
    const [entry] = parseFeed(fixture('summary-twice.atom'), {}).items;
    expect(entry).toMatchObject({ summary: 'First summary', content: '<p>Second summary</p>' });
  });

  it('takes a category\'s term over its label, and media:keywords lists', () => {
    const [entry] = parseFeed(fixture('categories.atom'), {}).items;
    expect(entry?.categories).toEqual(['dunya', 'Label only', 'elections', 'europe']);
  });

  it('resolves relative ids against xml:base or the document address; other ids stay as written', () => {
    const items = parseFeed(fixture('relative-ids.atom'), { url: 'https://www.example.org/feed.atom' }).items;
    expect(items.map((i) => i.guid)).toEqual([
      'https://www.example.org/posts/1', 'https://mirror.example.net/posts/2', 'post-3', 'tag:example.org,2024:4',
    ]);
  });

  it('keeps text content as text (escaped into HTML), brackets and all', () => {
    const text = '<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="text">History of the &lt;blink&gt; tag</content></entry></feed>';
    expect(parseFeed(text, {}).items[0]?.content).toBe('History of the &lt;blink&gt; tag');
  });
});
