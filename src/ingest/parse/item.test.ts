import { describe, expect, it } from 'vitest';
import { authorName, finishItems, firstImageInHtml, isImage, type DraftItem } from './item.js';

const draft = (p: Partial<DraftItem>): DraftItem => ({
  guid: null, url: null, title: null, summary: null, content: null, author: null, published: null,
  updated: null, imageUrl: null, categories: [], language: null, ...p,
});

describe('item helpers', () => {
  it('reads display names out of RSS author fields', () => {
    expect(authorName('editor@example.com (Jane Editor)')).toBe('Jane Editor');
    expect(authorName('Jane Editor (editor@example.com)')).toBe('Jane Editor');
    expect(authorName('"Jane Editor" <editor@example.com>')).toBe('Jane Editor');
    expect(authorName('editor@example.com')).toBe('editor@example.com');
    expect(authorName('  ')).toBeNull();
  });

  it('tells images by type, medium or extension', () => {
    expect(isImage('https://x.test/a', 'image/webp')).toBe(true);
    expect(isImage('https://x.test/a.mp3', 'audio/mpeg')).toBe(false);
    expect(isImage('https://x.test/a.JPG?w=1', undefined)).toBe(true);
    expect(isImage('https://x.test/a', undefined, 'image')).toBe(true);
    expect(isImage('https://x.test/a.jpg', undefined, 'video')).toBe(false);
  });

  it('finds the first real <img>, skipping tracking pixels', () => {
    const html = '<img src="https://feeds.feedburner.com/~r/x/~4/abc" width="1" height="1"><p><img alt="a>b" src="/photo.jpg"></p>';
    expect(firstImageInHtml(html, 'https://x.test/n/')).toBe('https://x.test/photo.jpg');
    expect(firstImageInHtml('<p>no image</p>', null)).toBeNull();
  });

  it('gives every item a guid and keeps the first of duplicates', () => {
    const date = new Date('2024-03-04T10:00:00Z');
    const items = finishItems([
      draft({ guid: 'a', title: 'first' }),
      draft({ guid: 'a', title: 'second' }),
      draft({ url: 'https://x.test/1' }),
      draft({ title: 'T', published: date }),
      draft({ title: 'T', published: date }),
      draft({ title: 'T', published: new Date('2024-03-05T10:00:00Z'), language: 'tr' }),
    ], 'en');
    expect(items.map((i) => i.title)).toEqual(['first', null, 'T', 'T']);
    expect(items[1]!.guid).toBe('https://x.test/1');
    expect(items[2]!.guid).toMatch(/^sha1:[0-9a-f]{40}$/);
    expect(items[2]!.guid).not.toBe(items[3]!.guid);
    expect(items.map((i) => i.language)).toEqual(['en', 'en', 'en', 'tr']);
  });
});
