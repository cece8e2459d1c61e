/**
 * The header's and footer's reads kept between changes: read once, read again after a change is
 * heard, never kept when they fail; and end to end, a page rendered anew shows the new total, the
 * new section and the new own page once the change is heard, as `serve` wires it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { saveArticle } from '../store/articles.js';
import { addSection } from '../store/categories.js';
import { watchChanges, type StopWatching } from '../store/changes.js';
import type { Store } from '../store/db.js';
import { saveSitePage } from '../store/site-pages.js';
import { ensureSource } from '../store/sources.js';
import { openTestStore, skipStoreTests } from '../store/testing.js';
import { buildApp } from './app.js';
import { ChromeCache } from './chrome-cache.js';

describe('chrome cache', () => {
  it('reads once per key until a change, and keeps no failed read', async () => {
    const chrome = new ChromeCache();
    let reads = 0;
    const read = () => Promise.resolve(++reads);
    expect(await chrome.get('total', read)).toBe(1);
    expect(await chrome.get('total', read)).toBe(1);
    expect(await chrome.get('sections', read)).toBe(2);
    chrome.changed();
    expect(await chrome.get('total', read)).toBe(3);

    await expect(chrome.get('footer', () => Promise.reject(new Error('store: gone')))).rejects.toThrow('store: gone');
    expect(await chrome.get('footer', read)).toBe(4);
  });

  it('stays bounded: past its entries it starts again, answering as before', async () => {
    const chrome = new ChromeCache();
    for (let i = 0; i < 200; i++) expect(await chrome.get(`days ${i}`, () => Promise.resolve(i))).toBe(i);
    expect(await chrome.get('days 199', () => Promise.resolve(-1))).toBe(199);
    expect(await chrome.get('days 0', () => Promise.resolve(-1))).toBe(-1); // read again
  });
});

const skip = await skipStoreTests();
const NOW = new Date('2019-02-15T09:00:00Z');
const config = parseConfig({ timeZone: 'Europe/Istanbul', pageSize: 5 }, { JARIDA_NOW: NOW.toISOString() });

describe.skipIf(skip)('chrome cache in the app', () => {
  let store: Store;
  let heard: FastifyInstance;
  let deaf: FastifyInstance;
  let stop: StopWatching;
  let sourceId: number;
  const chrome = new ChromeCache();
  let changes = 0;

  const article = (n: number) => saveArticle(store.db, { sourceId, guid: `g${n}`, title: `Story ${n}`, contentHtml: `<p>Body ${n}</p>`, publishedAt: new Date(NOW.getTime() - 3_600_000 * (n + 1)) }, config.site.timeZone);
  const total = async (app: FastifyInstance, url = '/') => {
    const html = (await app.inject({ method: 'GET', url })).body;
    // The strip's count of yesterday (2019-02-14 in Istanbul; the strip begins there) beside the total.
    const day = /<time datetime="2019-02-14">[^<]*<\/time> <span class="n">\(([^)]*)\)/.exec(html)?.[1];
    return { total: /<p class="total">([^<]*)<\/p>/.exec(html)?.[1], day, html };
  };
  /** Resolves once the watcher has heard a change after `before`. */
  const heardAfter = async (before: number) => {
    for (let i = 0; i < 200 && changes === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(changes).toBeGreaterThan(before);
  };

  beforeAll(async () => {
    store = await openTestStore();
    sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    for (let i = 0; i < 3; i++) await article(i);
    stop = watchChanges(store, () => {
      changes++;
      chrome.changed();
    }, { pollMs: 10 });
    await stop.ready;
    heard = await buildApp({ store, config, chrome });
    // An app whose chrome hears nothing: it shows what it read first, which proves the reads are kept.
    deaf = await buildApp({ store, config, chrome: new ChromeCache() });
  });
  afterAll(async () => {
    await heard?.close();
    await deaf?.close();
    await stop?.();
    await store?.close();
  });

  it('shows the new total, section and own page on pages rendered after the change is heard', async () => {
    expect(await total(heard)).toMatchObject({ total: 'Total: 3 content', day: '0' });
    expect((await total(deaf)).total).toBe('Total: 3 content');
    expect(await total(heard, '/2019/02/14/')).toMatchObject({ total: 'Total: 3 content', day: '0' });

    let before = changes;
    await saveArticle(store.db, { sourceId, guid: 'g3', title: 'Story 3', contentHtml: '<p>Body 3</p>', publishedAt: new Date('2019-02-14T10:00:00Z') }, config.site.timeZone);
    await heardAfter(before);
    // Rendered anew with the new counts: the strip and the total, on every page (their HTML is kept per counts read).
    expect(await total(heard)).toMatchObject({ total: 'Total: 4 content', day: '1' });
    expect(await total(heard, '/2019/02/14/')).toMatchObject({ total: 'Total: 4 content', day: '1' });
    expect(await total(deaf)).toMatchObject({ total: 'Total: 3 content', day: '0' }); // kept: its chrome heard no change

    before = changes;
    await addSection(store.db, 'world', { name: 'World' });
    await saveSitePage(store.db, { slug: 'about', lang: 'en', title: 'About us', body: 'x', format: 'markdown', html: '<p>x</p>' });
    await heardAfter(before);
    const { html } = await total(heard, '/nowhere-at-all');
    expect(html).toContain('href="/section/world/"');
    expect(html).toContain('About us');
    expect((await total(deaf, '/nowhere-at-all')).html).not.toContain('About us');
  });
});
