import { describe, expect, it } from 'vitest';
import { addCategory, addKeywords, authorName, finishItems, firstImageInHtml, firstOfEachGuid, isImage, resolveId, type DraftItem } from './item.js';

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

  it('gives every item a guid, and keeps every item, even ones sharing a guid (the store dedupes)', () => {
    const date = new Date('2024-03-04T10:00:00Z');
    const items = finishItems([
      draft({ guid: 'a', title: 'first' }),
      draft({ guid: 'a', title: 'second' }),
      draft({ url: 'https://x.test/1' }),
      draft({ title: 'T', published: date }),
      draft({ title: 'T', published: date }),
      draft({ title: 'T', published: new Date('2024-03-05T10:00:00Z'), language: 'tr' }),
    ], 'en');
    expect(items.map((i) => i.title)).toEqual(['first', 'second', null, 'T', 'T', 'T']);
    expect(items.map((i) => i.guid).slice(0, 2)).toEqual(['a', 'a']);
    expect(items[2]!.guid).toBe('https://x.test/1');
    expect(items[3]!.guid).toMatch(/^sha1:[0-9a-f]{40}$/);
    expect(items[4]!.guid).toBe(items[3]!.guid);
    expect(items[3]!.guid).not.toBe(items[5]!.guid);
    expect(items.map((i) => i.language)).toEqual(['en', 'en', 'en', 'en', 'en', 'tr']);
  });
});

describe('ids and categories', () => {
  it('resolves ids that are relative references, and only those', () => {
    expect(resolveId(' /a/b ', 'https://x.test/feed')).toBe('https://x.test/a/b');
    expect(resolveId('../c', 'https://x.test/f/feed')).toBe('https://x.test/c');
    expect(resolveId('1234', 'https://x.test/feed')).toBe('1234');
    expect(resolveId('urn:uuid:1', 'https://x.test/feed')).toBe('urn:uuid:1');
    expect(resolveId('/a', null)).toBe('/a');
    expect(resolveId('  ', 'https://x.test/')).toBeNull();
  });

  it('splits keyword lists and adds each category once', () => {
    const list = ['a'];
    addKeywords(list, 'a, b ,, c d ');
    addCategory(list, 'b');
    addCategory(list, null);
    expect(list).toEqual(['a', 'b', 'c d']);
  });
});

describe('firstOfEachGuid', () => {
  it('keeps the first item of each guid, in order (the dedupe step, not the parser)', () => {
    const items = finishItems([draft({ guid: 'a', title: '1' }), draft({ guid: 'b', title: '2' }), draft({ guid: 'a', title: '3' })], null);
    expect(firstOfEachGuid(items).map((i) => i.title)).toEqual(['1', '2']);
  });
});
