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

  it('handles text, html and xhtml constructs (xhtml: the div\'s children serialized)', () => {
    const [entry] = feed.items;
    expect(entry).toMatchObject({
      guid: 'tag:haber.example.com.tr,2024:1',
      url: 'https://haber.example.com.tr/gundem/kar-yagisi',
      title: 'Ankara’da kar yağışı',
      summary: 'Kar yağışı &lt;uyarısı&gt; yapıldı',
      content: '<p>Meteoroloji <a href="https://haber.example.com.tr/gundem/uyari">uyardı</a>.</p><br /><img src="https://haber.example.com.tr/gundem/foto.jpg" alt="kar" />',
      author: 'Haber Masası',
      categories: ['Gündem'],
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
