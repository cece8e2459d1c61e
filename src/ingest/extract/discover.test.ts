import { describe, expect, it } from 'vitest';
import { discoverFeeds, looksLikeHtmlPage } from './discover.js';

const PAGE = 'https://news.example/world/index.html';

describe('discoverFeeds', () => {
  it('finds RSS, Atom and JSON Feed links, absolute, in document order, with titles', () => {
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="/s.css">
      <link rel="alternate" type="application/rss+xml" title="All news" href="/rss.xml">
      <link rel="alternate" type="application/atom+xml" href="atom.xml" title="  World  ">
      <link rel="alternate" type="application/feed+json" title="JSON" href="https://feeds.news.example/world.json">
      <link rel="alternate" type="application/json" href="//cdn.news.example/feed.json">
      <link rel="alternate" hreflang="tr" href="/tr/">
      </head><body><a href="/other/feed">not needed</a></body></html>`;
    expect(discoverFeeds(html, PAGE)).toEqual([
      { url: 'https://news.example/rss.xml', title: 'All news', type: 'rss' },
      { url: 'https://news.example/world/atom.xml', title: 'World', type: 'atom' },
      { url: 'https://feeds.news.example/world.json', title: 'JSON', type: 'json' },
      { url: 'https://cdn.news.example/feed.json', title: null, type: 'json' },
    ]);
  });

  it('accepts any case, extra rel tokens and type parameters, and dedupes', () => {
    const html = `<HEAD><LINK REL="Alternate Feed" TYPE="Application/RSS+XML; charset=utf-8" HREF="/feed/">
      <link rel=alternate type=application/rss+xml href="https://news.example/feed/">
      <link rel="alternate" type="application/atom+xml" href="/feed/"></HEAD>`;
    expect(discoverFeeds(html, PAGE)).toEqual([{ url: 'https://news.example/feed/', title: null, type: 'rss' }]);
  });

  it('resolves against <base href>, wherever it comes in the head', () => {
    const html = '<link rel="alternate" type="application/rss+xml" href="feed.xml"><base href="https://static.news.example/blog/">';
    expect(discoverFeeds(html, PAGE)).toEqual([{ url: 'https://static.news.example/blog/feed.xml', title: null, type: 'rss' }]);
  });

  it('skips oEmbed, the WordPress REST API, empty and non-http links', () => {
    const html = `<link rel="alternate" type="application/json+oembed" href="/oembed?url=x">
      <link rel="alternate" type="application/json" href="https://news.example/wp-json/wp/v2/posts/12">
      <link rel="alternate" type="application/rss+xml" href="">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="feed" type="application/rss+xml" href="/not-alternate.xml">`;
    expect(discoverFeeds(html, PAGE)).toEqual([]);
  });

  it('falls back to feed-looking anchors only when no <link> announces a feed', () => {
    const html = `<body><a href="/">Home</a> <a href="/feed/">RSS <b>feed</b></a> <a href="/news.rss">News</a>
      <a href="/sitemap.xml">Sitemap</a> <a href="/comments/atom?x=1">Comments</a> <a href="/feed/">again</a>
      <a href="/feedback">Feedback</a></body>`;
    expect(discoverFeeds(html, PAGE)).toEqual([
      { url: 'https://news.example/feed/', title: 'RSS feed', type: 'rss' },
      { url: 'https://news.example/news.rss', title: 'News', type: 'rss' },
      { url: 'https://news.example/comments/atom?x=1', title: 'Comments', type: 'atom' },
    ]);
    const withLink = `<link rel="alternate" type="application/atom+xml" href="/atom">${html}`;
    expect(discoverFeeds(withLink, PAGE)).toEqual([{ url: 'https://news.example/atom', title: null, type: 'atom' }]);
  });

  it('returns nothing for empty or broken input, without throwing', () => {
    expect(discoverFeeds('', PAGE)).toEqual([]);
    expect(discoverFeeds('<link rel="alternate" type="application/rss+xml" href="/f"', PAGE)).toEqual([]);
    expect(discoverFeeds('<link rel="alternate" type="application/rss+xml" href="/f">', 'not a url')).toEqual([]);
  });
});

describe('looksLikeHtmlPage', () => {
  it('is true for web pages, with or without doctype, BOM, XML declaration or comments', () => {
    expect(looksLikeHtmlPage('<!DOCTYPE html><html><head>')).toBe(true);
    expect(looksLikeHtmlPage('\uFEFF  <!-- generated --><html lang="en">')).toBe(true);
    expect(looksLikeHtmlPage('<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><html xmlns="http://www.w3.org/1999/xhtml">')).toBe(true);
    expect(looksLikeHtmlPage('<!doctype HTML>')).toBe(true);
    expect(looksLikeHtmlPage('\n<head><title>x</title>')).toBe(true);
    expect(looksLikeHtmlPage('<div class="page">hello</div>')).toBe(true);
  });

  it('is false for feeds, JSON, plain text and empty input', () => {
    expect(looksLikeHtmlPage('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>')).toBe(false);
    expect(looksLikeHtmlPage('<feed xmlns="http://www.w3.org/2005/Atom">')).toBe(false);
    expect(looksLikeHtmlPage('<?xml version="1.0"?><rdf:RDF xmlns:rdf="x">')).toBe(false);
    expect(looksLikeHtmlPage('<?xml version="1.0"?><!-- html --><opml version="2.0">')).toBe(false);
    expect(looksLikeHtmlPage('{"version": "https://jsonfeed.org/version/1.1"}')).toBe(false);
    expect(looksLikeHtmlPage('just text with <b>bold</b> later')).toBe(false);
    expect(looksLikeHtmlPage('')).toBe(false);
  });
});
