import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../model/feed.js';
import { DEFAULT_RULES, type SourceRules } from '../../model/rules.js';
import { needsFullText, prepareItem } from './item.js';
import { formatRule, parseRule, ruleVerdict, RuleError } from './rules.js';
import { isTrackingParam, normalizeUrl } from './url.js';

const item = (over: Partial<FeedItem> = {}): FeedItem => ({
  guid: 'g1', url: 'https://news.example/a', title: 'Title', summary: '<p>Short</p>', content: null, author: null,
  published: new Date('2019-02-14T10:00:00Z'), updated: null, imageUrl: null, categories: [], language: null, ...over,
});
const NOW = new Date('2019-02-15T09:00:00Z');
const ctx = (rules: Partial<SourceRules> = {}) => ({ sourceId: 1, language: 'tr', rules: { ...DEFAULT_RULES, ...rules }, now: NOW });

describe('normalizeUrl', () => {
  it('removes tracking parameters, fragments and default ports, lower-cases the host', () => {
    expect(normalizeUrl('HTTPS://News.Example:443/a/B?utm_source=x&id=3&fbclid=y&UTM_Medium=z#top')).toBe('https://news.example/a/B?id=3');
    expect(normalizeUrl('https://news.example/a?gclid=1')).toBe('https://news.example/a');
    expect(normalizeUrl('/rel?x=1', 'https://news.example/feed')).toBe('https://news.example/rel?x=1');
    expect(normalizeUrl('javascript:alert(1)')).toBeNull();
    expect(normalizeUrl('not a url')).toBeNull();
    expect(isTrackingParam('utm_campaign')).toBe(true);
    expect(isTrackingParam('id')).toBe(false);
  });
});

describe('rules', () => {
  it('parses and formats text and regular expression rules', () => {
    expect(parseRule('title:/^sponsored/i')).toEqual({ field: 'title', pattern: '^sponsored', regex: true, flags: 'i' });
    expect(parseRule('category:Spor')).toEqual({ field: 'category', pattern: 'Spor', regex: false });
    expect(parseRule('reklam')).toEqual({ field: 'any', pattern: 'reklam', regex: false });
    expect(parseRule('http://x')).toEqual({ field: 'any', pattern: 'http://x', regex: false });
    expect(formatRule(parseRule('url:/\\/ads\\//'))).toBe('url:/\\/ads\\//');
    expect(() => parseRule('title:/(/')).toThrow(RuleError);
    expect(() => parseRule('title:')).toThrow(/has nothing to match/);
  });

  it('refuses a word before a colon that is not a field, naming the fields; text with a colon goes through any:', () => {
    expect(() => parseRule('nonsense:foo')).toThrow('rules: "nonsense:foo": unknown field nonsense; the fields are title, content, url, author, category, any (text with a colon: any:nonsense:foo)');
    expect(() => parseRule('titel:Spor')).toThrow(RuleError);
    expect(parseRule('any:nonsense:foo')).toEqual({ field: 'any', pattern: 'nonsense:foo', regex: false });
    expect(formatRule(parseRule('any:nonsense:foo'))).toBe('any:nonsense:foo');
    expect(parseRule('Title:Spor')).toEqual({ field: 'title', pattern: 'Spor', regex: false });
    // A colon followed by a space, or a URL, is text.
    expect(parseRule('Breaking: news')).toEqual({ field: 'any', pattern: 'Breaking: news', regex: false });
    expect(parseRule('https://news.example/ads')).toEqual({ field: 'any', pattern: 'https://news.example/ads', regex: false });
    expect(parseRule('title: news')).toEqual({ field: 'title', pattern: 'news', regex: false });
    for (const spec of ['any:nonsense:foo', 'any:title: news', 'Breaking: news', 'https://news.example/ads']) expect(parseRule(formatRule(parseRule(spec)))).toEqual(parseRule(spec));
  });

  it('keeps, blocks and ages items', () => {
    const rules = { ...DEFAULT_RULES, block: [parseRule('title:/sponsored/i')], keep: [parseRule('category:World')] };
    expect(ruleVerdict(item({ title: 'Sponsored: buy', categories: ['World'] }), rules, NOW, NOW)).toBe('blocked by rule: title:/sponsored/i');
    expect(ruleVerdict(item({ categories: ['Sports'] }), rules, NOW, NOW)).toBe('no keep rule matched');
    expect(ruleVerdict(item({ categories: ['world'] }), rules, NOW, NOW)).toBeNull();
    expect(ruleVerdict(item(), { ...DEFAULT_RULES, maxAgeDays: 1 }, new Date('2019-02-10T00:00:00Z'), NOW)).toBe('too old: over 1d');
    expect(ruleVerdict(item(), { ...DEFAULT_RULES, maxAgeDays: 0.5 }, new Date('2019-02-10T00:00:00Z'), NOW)).toBe('too old: over 12h');
  });
});

describe('prepareItem', () => {
  it('sanitizes, normalizes and settles the date', () => {
    const r = prepareItem(item({ url: 'https://news.example/a?utm_source=rss', content: '<p onclick="x()">Body <script>1</script><img src="/i.jpg"></p>', summary: 'Sum &amp; more' }), ctx());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input.canonicalUrl).toBe('https://news.example/a');
    expect(r.input.contentHtml).toBe('<p>Body <img src="https://news.example/i.jpg" loading="lazy" /></p>');
    expect(r.input.summary).toBe('Sum & more');
    expect(r.input.language).toBe('tr');
    expect(r.input.publishedAtIsFallback).toBe(false);
  });

  it('uses the fetch time for missing, invalid and future dates', () => {
    for (const published of [null, new Date('invalid'), new Date('2030-01-01T00:00:00Z'), new Date('1970-01-01T00:00:00Z')]) {
      const r = prepareItem(item({ published }), ctx());
      expect(r.ok && r.input.publishedAt).toEqual(NOW);
      expect(r.ok && r.input.publishedAtIsFallback).toBe(true);
    }
  });

  it('republishes only the summary when the source says so', () => {
    const r = prepareItem(item({ content: '<p>Full text</p>', summary: '<p>Summary</p>' }), ctx({ republish: 'summary' }));
    expect(r.ok && r.input.contentHtml).toBe('<p>Summary</p>');
  });

  it('skips items without any text, and items the rules drop', () => {
    expect(prepareItem(item({ title: null, summary: null }), ctx())).toEqual({ ok: false, guid: 'g1', reason: 'no title and no text' });
    expect(prepareItem(item({ title: 'Ad' }), ctx({ block: [parseRule('title:Ad')] }))).toEqual({ ok: false, guid: 'g1', reason: 'blocked by rule: title:Ad' });
  });

  it('detects the language of an item when neither it nor its source names one', () => {
    const demo = JSON.parse(readFileSync(new URL('../../../demo/articles.json', import.meta.url), 'utf8')) as { articles: { language: string; title: string; body: string }[] };
    for (const a of demo.articles) {
      const p = prepareItem(item({ title: a.title, content: a.body, summary: null }), { ...ctx(), language: null });
      expect(p.ok && p.input.language, a.title).toBe(a.language);
    }
    const tr = demo.articles.find((a) => a.language === 'tr')!;
    // Only among the site's languages: a Turkish item on a site in English and Arabic stays unnamed.
    const other = prepareItem(item({ title: tr.title, content: tr.body }), { ...ctx(), language: null, languages: ['en', 'ar'] });
    expect(other.ok && other.input.language).toBeNull();
    // A named language is kept.
    const named = prepareItem(item({ title: tr.title, content: tr.body }), { ...ctx(), language: 'en' });
    expect(named.ok && named.input.language).toBe('en');
  });

  it('tells when an item has only a short summary', () => {
    expect(needsFullText(item())).toBe(true);
    expect(needsFullText(item({ content: `<p>${'word '.repeat(200)}</p>` }))).toBe(false);
  });
});
