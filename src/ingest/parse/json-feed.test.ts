import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from './parse.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`./testdata/${name}`, import.meta.url));

describe('JSON Feed', () => {
  it('reads JSON Feed 1.1: numeric ids, relative URLs, deduplicated tags, plain summary escaped', () => {
    const feed = parseFeed(fixture('feed11.json'), { url: 'https://json.example.net/feed.json' });
    expect(feed).toMatchObject({ format: 'json', version: '1.1', title: 'JSON & friends', siteUrl: 'https://json.example.net/', language: 'ar' });
    expect(feed.items[0]).toMatchObject({
      guid: '42', url: 'https://json.example.net/posts/42', title: 'عنوان الخبر', summary: 'ملخص &lt;قصير&gt;',
      content: '<p>نص <img src="https://json.example.net/img/42.jpg"></p>', author: 'هيئة التحرير',
      categories: ['سياسة', 'عالم'], imageUrl: 'https://json.example.net/banner/42.jpg', language: 'ar',
    });
    expect(feed.items[0]?.published?.toISOString()).toBe('2024-03-05T07:00:00.000Z');
    expect(feed.items[1]).toMatchObject({ url: 'https://elsewhere.example/story', content: 'Plain &lt;text&gt; &amp; more', author: 'Solo', published: null });
  });

  it('reads JSON Feed 1.0 with the feed author standing for items', () => {
    const feed = parseFeed(fixture('feed10.json'), {});
    expect(feed).toMatchObject({ version: '1.0', title: 'v1' });
    expect(feed.items[0]).toMatchObject({ guid: '1', author: 'Feed Author', content: 'hello' });
  });

  it('rejects JSON that is not a JSON Feed, and broken JSON', () => {
    expect(() => parseFeed('{"hello": "world"}', {})).toThrow(expect.objectContaining({ code: 'JARIDA_PARSE_NOT_A_FEED' }));
    expect(() => parseFeed('{"version": "https://jsonfeed.org/version/1", "items": [', {})).toThrow(expect.objectContaining({ code: 'JARIDA_PARSE_MALFORMED' }));
  });
});

describe('JSON Feed: the rules every format shares', () => {
  it('resolves relative ids, keeps a stray "<" of content_html as text, falls back to Content-Language', () => {
    const feed = parseFeed(fixture('relative-ids.json'), { url: 'https://www.example.org/feed.json', contentLanguage: 'ar' });
    expect(feed.items.map((i) => i.guid)).toEqual(['https://www.example.org/items/1', '2']);
    expect(feed.items[1]?.content).toBe('<p>a &lt;3 b</p>');
    expect(feed.language).toBe('ar');
    expect(feed.wellFormed).toBe(true);
  });
});
