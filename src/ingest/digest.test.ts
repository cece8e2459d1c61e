/**
 * A page source: the page's article becomes a feed of one item, and a page that holds no article
 * (too little text, or mostly links) fails with a clear error, though Reader View itself finds
 * something there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../model/rules.js';
import { digest, MIN_PAGE_TEXT, pageArticle, pageAsFeed } from './digest.js';
import { extractArticle } from './extract/extract.js';

const page = (name: string): string => readFileSync(new URL(`./extract/testdata/${name}`, import.meta.url), 'utf8');
const bytes = (html: string): Uint8Array => new TextEncoder().encode(html);
const PAGE_URL = 'https://www.coastline.example/news/story';

describe('a page source', () => {
  it('stores the page\'s article as one item', () => {
    const feed = pageAsFeed(bytes(page('og-image.html')), 'text/html; charset=utf-8', PAGE_URL);
    expect(feed.title).toBe('Coastline Times');
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({ url: 'https://www.coastline.example/news/ferry-returns', imageUrl: expect.stringContaining('ferry-lead.jpg') });
    expect(feed.items[0]!.content).toContain('passed its safety inspection');
  });

  it(`has no article under ${MIN_PAGE_TEXT} characters of text, title or not`, () => {
    const html = page('short-brief.html');
    expect(extractArticle(html, PAGE_URL)).toMatchObject({ title: 'Ferry service suspended', textLength: 86 }); // Reader View finds it
    expect(pageArticle(html, PAGE_URL)).toBeNull();
    expect(() => pageAsFeed(bytes(html), 'text/html', PAGE_URL)).toThrow(`extract: ${PAGE_URL}: no readable article on the page`);
    const longer = html.replace('the harbour office said.', 'the harbour office said. Passengers with tickets for Thursday can travel on any later sailing, and the island shop will stay open late.');
    expect(pageArticle(longer, PAGE_URL)?.textLength).toBeGreaterThanOrEqual(MIN_PAGE_TEXT);
  });

  it('has no article when the text is mostly links: a section index, a sign-in form', () => {
    for (const name of ['link-list.html', 'no-article.html']) {
      expect(extractArticle(page(name), PAGE_URL), name).not.toBeNull();
      expect(pageArticle(page(name), PAGE_URL), name).toBeNull();
    }
    const job = { bytes: bytes(page('link-list.html')), url: PAGE_URL, contentType: 'text/html', kind: 'page' as const, sourceId: 1, language: null, rules: DEFAULT_RULES, now: Date.now(), feedUrl: PAGE_URL };
    expect(() => digest(job)).toThrow(/no readable article/);
  });
});
