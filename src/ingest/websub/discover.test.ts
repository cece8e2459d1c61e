/** WebSub discovery on real feeds: the hub and topic from RSS (atom:link), Atom, JSON Feed and the Link header. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPORA_URL } from '../../paths.js';
import { parseFeed } from '../parse/parse.js';
import { discoverHub, parseLinkHeader } from './discover.js';

const fixture = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const corpus = (path: string) => new URL(path, CORPORA_URL);
const rssParser = existsSync(corpus('rss-parser/input/'));

describe('discoverHub', () => {
  it.skipIf(!rssParser)('reads atom:link rel=hub and rel=self in RSS 2.0 (a podcast host, rss-parser corpus)', () => {
    const feed = parseFeed(readFileSync(corpus('rss-parser/input/item-itunes-episodeType.rss')), { url: 'https://baywatch-berlin.podigee.io/feed/mp3' });
    expect(feed.hubs).toEqual(['https://pubsubhubbub.appspot.com/']);
    expect(discoverHub(feed, null, 'https://baywatch-berlin.podigee.io/feed/mp3')).toEqual({ hub: 'https://pubsubhubbub.appspot.com/', topic: 'https://baywatch-berlin.podigee.io/feed/mp3' });
  });

  it.skipIf(!rssParser)('reads a prefixed atom10:link (FeedBurner, in ISO-8859-1): the topic is the self URL, not the URL fetched', () => {
    const feed = parseFeed(readFileSync(corpus('rss-parser/input/encoding.rss')), { url: 'https://mirror.test/jn.xml' });
    expect(discoverHub(feed, null, 'https://mirror.test/jn.xml')).toEqual({ hub: 'http://pubsubhubbub.appspot.com/', topic: 'http://feeds.jn.pt/JN-ULTIMAS' });
  });

  it('takes the first of several hubs in Atom (WordPress with the WebSub plugin)', () => {
    const feed = parseFeed(fixture('wordpress.atom'), { url: 'https://blog.example.org/feed/atom/' });
    expect(feed.hubs).toEqual(['https://pubsubhubbub.appspot.com', 'https://pubsubhubbub.superfeedr.com', 'https://websub.superfeedr.com']);
    expect(discoverHub(feed, null, 'https://blog.example.org/feed/atom/')).toEqual({ hub: 'https://pubsubhubbub.appspot.com/', topic: 'https://blog.example.org/feed/atom/' });
  });

  it('reads JSON Feed hubs of type WebSub, not rssCloud', () => {
    const feed = parseFeed(fixture('hubs.json'), { url: 'https://json.example.org/feed.json' });
    expect(feed.hubs).toEqual(['https://hub.example.net/']);
    expect(discoverHub(feed, null, 'https://json.example.org/feed.json')).toEqual({ hub: 'https://hub.example.net/', topic: 'https://json.example.org/feed.json' });
  });

  it('prefers the Link header (relative URLs resolved) over the document', () => {
    const feed = parseFeed(fixture('wordpress.atom'), { url: 'https://blog.example.org/feed/atom/' });
    const link = '</hub>; rel="hub", <https://blog.example.org/feed/atom/?canonical>; rel="self"';
    expect(discoverHub(feed, link, 'https://blog.example.org/feed/atom/')).toEqual({ hub: 'https://blog.example.org/hub', topic: 'https://blog.example.org/feed/atom/?canonical' });
  });

  it('finds none in a feed without a hub, and falls back to the fetched URL for the topic', () => {
    const feed = parseFeed(readFileSync(new URL('../parse/testdata/rss20.xml', import.meta.url)), { url: 'https://x.test/rss' });
    expect(feed.hubs).toBeUndefined();
    expect(discoverHub(feed, null, 'https://x.test/rss')).toBeNull();
    expect(discoverHub({ ...feed, feedUrl: null }, '<https://hub.test/>; rel=hub', 'https://x.test/rss')).toEqual({ hub: 'https://hub.test/', topic: 'https://x.test/rss' });
  });
});

describe('parseLinkHeader', () => {
  it('reads several links, several relations, quoted commas, and drops what is not http(s)', () => {
    expect(parseLinkHeader('<https://a.test/x,y>; rel="hub self"; title="a, b", <javascript:alert(1)>; rel=hub, <//c.test/>; rel=HUB', 'https://b.test/')).toEqual([
      { url: 'https://a.test/x,y', rels: ['hub', 'self'] },
      { url: 'https://c.test/', rels: ['hub'] },
    ]);
    expect(parseLinkHeader('garbage; rel=hub', null)).toEqual([]);
    expect(parseLinkHeader(null, null)).toEqual([]);
  });
});
