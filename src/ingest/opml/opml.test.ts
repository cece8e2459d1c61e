import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatOpml, OpmlError, parseOpml } from './opml.js';

const fixture = readFileSync(new URL('./testdata/subscriptions.opml', import.meta.url), 'utf8');

describe('OPML', () => {
  it('reads feeds from nested folders', () => {
    expect(parseOpml(fixture)).toEqual([
      { title: 'Kıyı Postası', xmlUrl: 'https://example.org/kiyi/feed.xml', htmlUrl: 'https://example.org/kiyi/', language: 'tr', folders: ['Haberler'] },
      { title: 'World & Co', xmlUrl: 'https://example.com/world.rss', htmlUrl: null, language: null, folders: ['Haberler', 'Dünya'] },
      { title: 'أخبار الواحة', xmlUrl: 'https://example.net/alwaha/feed', htmlUrl: 'https://example.net/alwaha/', language: 'ar', folders: [] },
    ]);
  });

  it('writes OPML 2.0 that reads back the same', () => {
    const feeds = parseOpml(fixture).map((f) => ({ title: f.title ?? f.xmlUrl, xmlUrl: f.xmlUrl, htmlUrl: f.htmlUrl, language: f.language }));
    const out = formatOpml('Jarida "sources" & more', feeds, new Date('2019-02-15T09:00:00Z'));
    expect(out).toContain('<opml version="2.0">');
    expect(out).toContain('<title>Jarida &quot;sources&quot; &amp; more</title>');
    expect(out).toContain('text="World &amp; Co"');
    expect(parseOpml(out).map((f) => [f.title, f.xmlUrl, f.htmlUrl, f.language])).toEqual(feeds.map((f) => [f.title, f.xmlUrl, f.htmlUrl, f.language]));
  });

  it('names what is wrong with a bad file', () => {
    expect(() => parseOpml('<opml><body><outline')).toThrow(OpmlError);
    expect(() => parseOpml('<rss version="2.0"/>')).toThrow('opml: no <opml> root element');
    expect(() => parseOpml('')).toThrow(OpmlError);
    expect(parseOpml('<opml version="2.0"><body/></opml>')).toEqual([]);
  });
});
