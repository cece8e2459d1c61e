import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from './parse.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`./testdata/${name}`, import.meta.url));

describe('RSS 2.0', () => {
  const feed = parseFeed(fixture('rss20.xml'), { url: 'https://news.example.com/world/rss.xml', contentType: 'application/rss+xml' });

  it('reads the channel', () => {
    expect(feed).toMatchObject({
      format: 'rss', version: '2.0', title: 'Example & Daily — World', siteUrl: 'https://news.example.com/',
      feedUrl: 'https://news.example.com/world/rss.xml', description: 'News from everywhere', language: 'en-gb',
      ttlMinutes: 15, skipHours: [0, 1], skipDays: ['Sunday'],
    });
    expect(feed.items).toHaveLength(3);
  });

  it('decodes entities and CDATA, resolves links against xml:base', () => {
    const [first] = feed.items;
    expect(first).toMatchObject({
      guid: 'urn:example:1001',
      url: 'https://news.example.com/world/articles/cafe-protest.html',
      title: 'Café owners\u00a0protest … in the "old town"',
      summary: '<p>Owners say <a href="https://news.example.com/topics/rent">rents</a> doubled.</p>',
      content: '<p>Full story with a picture <img src="https://news.example.com/img/cafe.jpg" alt=""></p>',
      author: 'Ayşe Yılmaz',
      categories: ['World', 'Business & Economy'],
      language: 'en-gb',
    });
    expect(first?.published?.toISOString()).toBe('2024-03-05T06:30:00.000Z');
  });

  it('picks the lead image: media:content before media:thumbnail and <img>; an image enclosure first', () => {
    expect(feed.items[0]?.imageUrl).toBe('https://cdn.example.com/cafe-large.jpg');
    expect(feed.items[1]?.imageUrl).toBe('https://cdn.example.com/second.png');
  });

  it('reads "email (name)" authors, double-escaped text and dates without seconds', () => {
    expect(feed.items[1]).toMatchObject({ author: 'Jane Editor', summary: 'Plain &amp; double-escaped text', guid: 'https://news.example.com/world/second' });
    expect(feed.items[1]?.published?.toISOString()).toBe('2024-03-05T08:00:00.000Z');
  });

  it('gives an item without guid or link a stable hash guid and no date', () => {
    const again = parseFeed(fixture('rss20.xml'), { url: 'https://news.example.com/world/rss.xml' });
    expect(feed.items[2]).toMatchObject({ title: 'No guid, no link', url: null, published: null });
    expect(feed.items[2]?.guid).toMatch(/^sha1:/);
    expect(again.items[2]?.guid).toBe(feed.items[2]?.guid);
  });
});

describe('RSS 0.9x', () => {
  it('reads RSS 0.91 with its Netscape DOCTYPE', () => {
    const feed = parseFeed(fixture('rss091.xml'), {});
    expect(feed).toMatchObject({ format: 'rss', version: '0.91', title: 'Netscape-era channel', language: 'en-us' });
    expect(feed.items[0]).toMatchObject({ title: 'First & only', url: 'http://old.example.com/1', summary: 'An item from 1999 <i>with markup</i>' });
  });

  it('reads RSS 0.92 items without titles; audio enclosures are not images', () => {
    const feed = parseFeed(fixture('rss092.xml'), {});
    expect(feed).toMatchObject({ version: '0.92' });
    expect(feed.items[0]).toMatchObject({ title: null, imageUrl: null, categories: ['Audio'] });
  });
});

describe('RDF (RSS 1.0 and 0.90)', () => {
  it('reads RSS 1.0 with Dublin Core', () => {
    const feed = parseFeed(fixture('rdf10.rdf'), {});
    expect(feed).toMatchObject({ format: 'rdf', version: '1.0', title: 'Science weekly', language: 'en' });
    expect(feed.items[0]).toMatchObject({ url: 'http://science.example.org/a/1', author: 'Hines, P. J.', summary: 'Plants & fungi', categories: ['Botany'] });
    expect(feed.items[0]?.published?.toISOString()).toBe('2017-06-15T17:29:47.000Z');
  });

  it('reads RSS 0.90', () => {
    const feed = parseFeed(fixture('rdf090.rdf'), {});
    expect(feed).toMatchObject({ format: 'rdf', version: '0.90', title: 'Mozilla Dot Org' });
    expect(feed.items.map((i) => i.url)).toEqual(['http://www.mozilla.org/status/']);
  });
});

describe('RSS extensions', () => {
  it('reads iTunes fields and skips tracking pixels when looking for images', () => {
    const feed = parseFeed(fixture('itunes.xml'), {});
    expect(feed.description).toBe('A show');
    expect(feed.items[0]).toMatchObject({ author: 'Host Name', imageUrl: 'https://pod.example/ep1.jpg', categories: ['Technology', 'Gadgets'] });
  });

  it('takes feedburner:origLink over the tracking link, and naked markup in descriptions as HTML', () => {
    const feed = parseFeed(`<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel><item>
      <link>http://feeds.example/~r/x/1</link><feedburner:origLink>https://site.example/story</feedburner:origLink>
      <description><p>Hello <b>world</b></p></description></item></channel></rss>`, {});
    expect(feed.items[0]).toMatchObject({ url: 'https://site.example/story', summary: '<p>Hello <b>world</b></p>' });
  });

  it('reads undeclared common prefixes (content:encoded without xmlns)', () => {
    const feed = parseFeed('<rss version="2.0"><channel><item><title>t</title><content:encoded><![CDATA[<p>full</p>]]></content:encoded><dc:creator>Me</dc:creator></item></channel></rss>', {});
    expect(feed.items[0]).toMatchObject({ content: '<p>full</p>', author: 'Me' });
  });
});

describe('RSS: which value wins, and where values go', () => {
  it('takes the last of repeated <link>s and <guid>s (channel and item), as RDF does too', () => {
    const feed = parseFeed(fixture('repeated-values.xml'), {});
    expect(feed.siteUrl).toBe('https://www.example.org/');
    expect(feed.items[0]).toMatchObject({ url: 'https://www.example.org/news/moved', guid: 'story-17' });
    expect(feed.items[1]?.url).toBe('https://www.example.org/news/b');
    const rdf = parseFeed(fixture('repeated-values.rdf'), {});
    expect(rdf.siteUrl).toBe('https://www.example.org/');
    expect(rdf.items[0]?.url).toBe('https://www.example.org/news/1');
  });

  it('reads a second description/summary as the content when the item has none', () => {
    const [a, b, c] = parseFeed(fixture('summary-description.xml'), {}).items;
    expect(a).toMatchObject({ summary: 'Short description', content: 'Longer summary' });
    expect(b).toMatchObject({ summary: 'Short summary', content: 'Longer description' });
    expect(c).toMatchObject({ summary: 'Description', content: '<p>Full text</p>' });
  });

  it('reads categories from <category>, made-up <tags>, keyword lists, dc:subject and atom:category terms', () => {
    const [item] = parseFeed(fixture('categories.xml'), {}).items;
    expect(item?.categories).toEqual(['economy', 'markets', 'World', 'interest rates', 'central bank', 'Finance', 'ekonomi']);
  });

  it('resolves relative permalink guids against the feed URL; isPermaLink="false" and tokens stay as written', () => {
    const items = parseFeed(fixture('relative-ids.xml'), { url: 'https://www.example.org/feed/' }).items;
    expect(items.map((i) => i.guid)).toEqual(['https://www.example.org/2024/03/story', '/2024/03/opaque', '12345']);
    expect(items[0]?.url).toBe('https://www.example.org/2024/03/story');
  });

  it('keeps a "<" of escaped markup that opens no tag as text', () => {
    const [a, b] = parseFeed(fixture('escaped-markup.xml'), {}).items;
    expect(a?.summary).toBe('&lt;!\' <a href="https://www.example.org/foo">link</a>');
    expect(b?.summary).toBe('<p>I &lt;3 feeds, 1 &lt; 2 and <b>bold</b> <!-- a comment --></p>');
  });
});
