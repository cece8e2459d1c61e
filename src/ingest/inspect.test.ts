import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { createLogger } from '../log.js';
import { parseAllowList } from './fetch/guard.js';
import { inspectBody } from './inspect.js';
import { rss } from './testdata/feeds.js';

const config = parseConfig({});
const deps = { config, allow: parseAllowList([]), log: createLogger('silent') };
const now = new Date('2019-02-15T09:00:00Z');

describe('inspecting a body', () => {
  it('returns the items a feed would store, sanitized, and the skipped ones with why', async () => {
    const body = new TextEncoder().encode(rss([
      { guid: 'a', title: 'Kept <b>bold</b>', link: 'https://news.example/a?utm_source=x', date: 'Thu, 14 Feb 2019 10:00:00 GMT', content: '<p onclick="x()">Body<script>alert(1)</script></p>', category: 'World' },
      { guid: 'b', title: '', link: 'https://news.example/b', description: '' },
    ]));
    const r = await inspectBody(deps, { bytes: body, url: 'https://news.example/feed.xml', contentType: 'application/rss+xml' }, { kind: 'feed', now });
    expect(r.feed.title).toBe('Test Feed');
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ guid: 'a', url: 'https://news.example/a', publishedAt: '2019-02-14T10:00:00.000Z', categories: ['World'] });
    expect(r.items[0]).not.toHaveProperty('sourceId');
    expect(r.items[0]!.contentHtml).not.toMatch(/script|onclick/);
    expect(r.skipped).toEqual([{ guid: 'b', reason: 'no title and no text' }]);
  });

  it('throws a parse error for a body that is not a feed', async () => {
    const page = new TextEncoder().encode('<!doctype html><html><body><p>Hi</p></body></html>');
    await expect(inspectBody(deps, { bytes: page, url: 'https://news.example/', contentType: 'text/html' }, { kind: 'feed', now })).rejects.toThrow(/^parse: /);
  });
});
