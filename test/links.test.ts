/**
 * Links from sources in a real browser: a feed's site link, an OPML htmlUrl or a row an older version
 * stored with a `javascript:` URL never becomes a link that runs script. Every way in goes through
 * the real pipeline (HTTP server on 127.0.0.1 → fetch → parse → store) and every page is opened and
 * its links clicked in Chromium, listening for a dialog.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineDigester } from '../src/ingest/digest.js';
import { parseAllowList } from '../src/ingest/fetch/guard.js';
import { parseOpml } from '../src/ingest/opml/opml.js';
import { refreshSource } from '../src/ingest/refresh.js';
import { createLogger } from '../src/log.js';
import { findArticlesByIds, saveArticle } from '../src/store/articles.js';
import { findSourceById, insertSource } from '../src/store/sources.js';
import { skipStoreTests } from '../src/store/testing.js';
import { pageContext } from '../src/web/view.js';
import { browserTestsRun, launchBrowser, startDemoSite, type DemoSite } from './browser-setup.js';

const runs = browserTestsRun('source link tests');

const item = (n: number) => `<item><guid>x-${n}</guid><title>Hostile ${n}</title><link>https://news.example/${n}</link><pubDate>Thu, 14 Feb 2019 10:00:00 GMT</pubDate><description>Text of ${n}</description></item>`;
const FEEDS: Record<string, [string, string]> = {
  '/rss.xml': ['application/rss+xml', `<?xml version="1.0"?><rss version="2.0"><channel><title>RSS site</title><link>javascript:alert(document.domain)</link>${item(1)}</channel></rss>`],
  '/atom.xml': ['application/atom+xml', `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom site</title><id>urn:x</id><updated>2019-02-14T10:00:00Z</updated><link rel="alternate" href="  JaVaScRiPt:alert(2)"/>
    <entry><id>urn:x:2</id><title>Hostile 2</title><link href="https://news.example/2"/><updated>2019-02-14T10:00:00Z</updated><summary>Text of 2</summary></entry></feed>`],
  '/feed.json': ['application/feed+json', JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'JSON site', home_page_url: 'java\tscript:alert(3)', items: [{ id: 'j3', title: 'Hostile 3', url: 'https://news.example/3', content_text: 'Text of 3', date_published: '2019-02-14T10:00:00Z' }] })],
};

describe.skipIf(!runs || (await skipStoreTests()))('links from sources, in a real browser', () => {
  let site: DemoSite;
  let browser: Browser;
  let feeds: Server;
  const articles: number[] = [];

  beforeAll(async () => {
    site = await startDemoSite();
    feeds = createServer((req, res) => {
      const f = FEEDS[req.url ?? ''];
      res.writeHead(f ? 200 : 404, { 'content-type': f?.[0] ?? 'text/plain' });
      res.end(f?.[1] ?? 'not found');
    });
    await new Promise<void>((r) => feeds.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;
    const config = site.config;
    const deps = { store: site.store, config, allow: parseAllowList(['127.0.0.1/32']), log: createLogger('silent'), now: () => new Date(config.fixedNow!), digester: inlineDigester() };
    for (const path of Object.keys(FEEDS)) {
      const id = await insertSource(site.store.db, { kind: 'feed', title: path, url: `${origin}${path}` });
      const r = await refreshSource(deps, (await findSourceById(site.store.db, id))!);
      expect(r.status, r.error ?? '').toBe('ok');
      expect(r.created).toBe(1);
      expect((await findSourceById(site.store.db, id))!.siteUrl).toBeNull();
    }
    // OPML: `sources import` stores what parseOpml gives through insertSource.
    const [opml] = parseOpml('<opml version="2.0"><body><outline type="rss" text="OPML site" xmlUrl="https://opml.example/feed.xml" htmlUrl="javascript:alert(4)"/></body></opml>');
    const fromOpml = await insertSource(site.store.db, { kind: 'feed', title: opml!.title ?? 'OPML site', url: opml!.xmlUrl, siteUrl: opml!.htmlUrl });
    expect((await findSourceById(site.store.db, fromOpml))!.siteUrl).toBeNull();
    // A row an older version stored before the store checked schemes: the page must check again.
    const old = await insertSource(site.store.db, { kind: 'feed', title: 'Old row', url: 'https://old.example/feed.xml' });
    await site.store.db.updateTable('sources').set({ site_url: 'javascript:alert(5)' }).where('id', '=', old).execute();
    const saved = await saveArticle(site.store.db, { sourceId: old, guid: 'old-1', title: 'Stored long ago', url: 'https://old.example/1', summary: 'Text', contentHtml: '<p>Text</p>', publishedAt: new Date('2019-02-14T11:00:00Z') }, config.site.timeZone);
    await site.store.db.updateTable('articles').set({ url: 'javascript:alert(6)', canonical_url: 'javascript:alert(7)', image_url: 'javascript:alert(8)' }).where('id', '=', saved.id).execute();
    const ids = await site.store.db.selectFrom('articles').select('id').where('source_id', '>', 0).where('title', 'in', ['Hostile 1', 'Hostile 2', 'Hostile 3', 'Stored long ago']).execute();
    articles.push(...ids.map((r) => Number(r.id)));
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await new Promise<void>((r) => (feeds ? feeds.close(() => r()) : r()));
  });

  it('no link or image on an article page has another scheme than http(s), and clicking them opens no dialog', async () => {
    expect(articles).toHaveLength(4);
    const ctx = pageContext(site.config.site, 'en', new Date(site.config.fixedNow!));
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // Nothing leaves this machine: links to other sites answer an empty page.
    await page.route((url) => !url.href.startsWith(site.base), (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<p>elsewhere</p>' }));
    for (const a of await findArticlesByIds(site.store.db, articles)) {
      await page.goto(`${site.base}${ctx.urls.article(a)}`);
      expect(await page.locator('h1').first().textContent()).toBe(a.title);
      const urls = await page.$$eval('a[href], img[src], link[href]', (els) => els.map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? ''));
      // (mailto:?subject=…: the site's own e-mail share link, to no address.)
      for (const u of urls) expect(u, `${a.title}: ${u}`).toMatch(/^(https?:\/\/|\/|#|mailto:\?subject=)/);
      const attribution = page.locator('.attribution a');
      for (let i = 0; i < (await attribution.count()); i++) {
        await page.goto(`${site.base}${ctx.urls.article(a)}`);
        await page.locator('.attribution a').nth(i).click();
        await page.waitForTimeout(200);
      }
      // The source's name is still shown, as text, when its link is dropped.
      await page.goto(`${site.base}${ctx.urls.article(a)}`);
      expect(await page.locator('.attribution').textContent()).toContain(a.sourceTitle!);
    }
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
