import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeText, parseFeed } from './parse.js';

// Files copied from the feedparser (BSD-2) and gofeed (MIT) test suites; see testdata/upstream/README.md.
const upstream = (path: string): Buffer => readFileSync(new URL(`./testdata/upstream/${path}`, import.meta.url));

describe('upstream cases (feedparser, gofeed)', () => {
  it('repairs double-encoded UTF-8 character references (feedparser double-encoded-html)', () => {
    expect(parseFeed(upstream('feedparser/double-encoded-html.xml'), {}).items[0]?.summary).toBe('…');
  });

  it('reads stray C1 controls as Windows-1252 (feedparser demoronize-1)', () => {
    expect(parseFeed(upstream('feedparser/demoronize-1.xml'), {}).items[0]?.summary).toBe('don’t');
  });

  it('expands entities declared in the DOCTYPE (feedparser entity_in_doctype)', () => {
    expect(parseFeed(upstream('feedparser/entity_in_doctype.xml'), {}).items[0]?.guid).toBe('tag:example.com,2006-05-04:/blog/');
  });

  it('keeps escaped ampersands in links intact (feedparser rss_item_link_corrupted_ampersands)', () => {
    expect(parseFeed(upstream('feedparser/rss_item_link_corrupted_ampersands.xml'), {}).items[0]?.url).toBe('http://link/get?a=1&b=2');
  });

  it('drops a stray wrapper div around escaped HTML (feedparser entry_content_div_escaped_markup)', () => {
    expect(parseFeed(upstream('feedparser/entry_content_div_escaped_markup.xml'), {}).items[0]?.content).toBe('Example <b>Atom</b>');
  });

  it('decodes UTF-16 LE with a BOM (feedparser utf-16le-bom)', () => {
    expect(decodeText(upstream('feedparser/utf-16le-bom.xml')).charset).toBe('utf-16le');
    expect(parseFeed(upstream('feedparser/utf-16le-bom.xml'), {})).toMatchObject({ format: 'rss', items: [] });
  });

  it('decodes later entities after a bare ampersand (gofeed issue 305)', () => {
    expect(parseFeed(upstream('gofeed/issue_305_bare_ampersand.xml'), {}).title).toBe('Fish & Chips & more <3');
  });

  it('decodes base64 content of a binary media type (gofeed atom10_feed_entry_content_base64)', () => {
    expect(parseFeed(upstream('gofeed/atom10_feed_entry_content_base64.xml'), {}).items[0]?.content).toBe('Entry Content');
  });

  it('reads a feed that starts with a byte-order mark (gofeed rss_feed_bom)', () => {
    expect(parseFeed(upstream('gofeed/rss_feed_bom.xml'), {})).toMatchObject({ format: 'rss', title: 'Feed Title' });
  });
});
