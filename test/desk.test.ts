/**
 * The editorial desk in a real browser, as staff use it: the first admin made on an empty site, log
 * in, write an article with an image and publish it, schedule one two minutes ahead (the test moves
 * the clock) and see it appear then, add a source and fix an aggregated title that the next fetch
 * leaves alone, hide an article, restore a revision, stored XSS in the article and settings fields
 * inert. Screenshots at 360 px and desktop in test-results/screens/desk-*.png.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { sampleJpeg } from '../src/media/testdata/images.js';
import { findPublishedTotal } from '../src/store/day-counts.js';
import type { Store } from '../src/store/db.js';
import { findDeskArticle } from '../src/store/desk-articles.js';
import { openTestStore, skipStoreTests } from '../src/store/testing.js';
import { testServers } from '../src/ingest/fetch/testdata/servers.js';
import { startPublisher, type Publisher } from '../src/web/admin/publisher.js';
import { buildApp } from '../src/web/app.js';
import { browserTestsRun, clickTo, launchBrowser, SHOTS } from './browser-setup.js';

const runs = browserTestsRun('desk browser tests');
const PASSWORD = 'a long walk by the bosphorus';

/** The wire's feed: its first item's title as the wire writes it, and whether its second item is out yet. */
const wire = { title: 'Ferry servise resumes', second: false };
function feed(_req: IncomingMessage, res: ServerResponse) {
  const item = (n: number, title: string) => `<item><guid>wire-${n}</guid><title>${title}</title><link>https://wire.example/${n}</link><pubDate>Fri, 15 Feb 2019 0${6 + n}:00:00 GMT</pubDate><description>&lt;p&gt;The wire's report number ${n}, long enough to be an article of its own.&lt;/p&gt;</description></item>`;
  res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
  res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>The Wire</title><link>https://wire.example/</link><description>wire</description>${item(1, wire.title)}${wire.second ? item(2, 'Bridge opens to traffic') : ''}</channel></rss>`);
}

describe.skipIf(!runs || (await skipStoreTests()))('the desk in a real browser', () => {
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let page: Page;
  let publisher: Publisher;
  const servers = testServers();
  let feedUrl: string;
  const mediaDir = mkdtempSync(join(tmpdir(), 'jarida-desk-browser-'));
  // The clock the site and its publisher read: the test moves it.
  let clock = new Date('2019-02-15T09:00:00Z'); // 12:00 in Istanbul
  const dialogs: string[] = [];

  beforeAll(async () => {
    feedUrl = `${(await servers.http(feed)).origin}/feed.xml`;
    const config = parseConfig(
      { siteName: 'Desk Daily', databaseUrl: 'sqlite::memory:', demo: false, timeZone: 'Europe/Istanbul', media: { dir: mediaDir }, fetch: { allowPrivateAddresses: ['127.0.0.1/32'], timeoutSeconds: 5 } },
      {},
    );
    store = await openTestStore();
    app = await buildApp({ store, config, now: () => clock });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    publisher = startPublisher({ store, now: () => clock, timeZone: () => config.site.timeZone, log: createLogger('silent'), intervalMs: 200 });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    page.on('dialog', (d) => {
      if (d.type() === 'confirm') return void d.accept(); // the desk's own "Delete?" questions
      dialogs.push(`${page.url()}: ${d.type()} ${d.message()}`);
      void d.dismiss();
    });
  }, 90_000);

  afterAll(async () => {
    await publisher?.stop();
    await browser?.close();
    await app?.close();
    await store?.close();
    await servers.closeAll();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  const go = async (path: string) => {
    const res = await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
    return res!.status();
  };
  const shot = async (name: string) => {
    for (const [w, h] of [[360, 780], [1280, 900]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: join(SHOTS, `desk-${name}-${w}.png`), fullPage: true });
      // Nothing wider than the screen: no sideways scrolling on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${w} px`).toBeLessThanOrEqual(w);
    }
  };
  const publicText = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, text: await res.text() };
  };

  it('makes the first admin on an empty site, then logs in', async () => {
    await go('/admin/');
    expect(page.url()).toBe(`${base}/admin/setup`);
    await page.fill('input[name=name]', 'Zeynep Kaya');
    await page.fill('input[name=email]', 'zeynep@desk.example');
    await page.fill('input[name=password]', PASSWORD);
    await shot('setup');
    await clickTo(page, 'button[type=submit]', /\/admin\/login/);
    await page.fill('input[name=email]', 'zeynep@desk.example');
    await page.fill('input[name=password]', PASSWORD);
    await clickTo(page, 'button[type=submit]', /\/admin\/articles$/);
    expect(await page.textContent('.desk-me')).toContain('Zeynep Kaya');
    // The session cookie as the browser keeps it.
    const cookie = (await page.context().cookies()).find((c) => c.name === 'jarida_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
  });

  it('writes an article with an image and publishes it', async () => {
    await go('/admin/articles/new');
    await page.fill('input[name=title]', 'Harbour reopens after the storm');
    await page.fill('textarea[name=body]', 'The **harbour** reopened on Friday morning.\n\n## At dawn\n\nFishing boats went out before sunrise.');
    await page.fill('input[name=tags]', 'harbour, weather');
    await page.setInputFiles('input[name=image]', { name: 'harbour.jpg', mimeType: 'image/jpeg', buffer: await sampleJpeg(1200, 675) });
    await shot('editor');
    await clickTo(page, 'button[value=publish]', /\/admin\/articles\/\d+\?done=published/);
    expect(await page.textContent('.message')).toContain('Published');
    const link = await page.getAttribute('a:has-text("view on the site")', 'href');
    const pub = await publicText(link!);
    expect(pub.status).toBe(200);
    expect(pub.text).toContain('Harbour reopens after the storm');
    expect(pub.text).toMatch(/<picture>.*\/media\/[0-9a-f]+-\d+\.webp/s);
    await go(link!);
    expect(await page.locator('article picture img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  });

  it('schedules an article two minutes ahead: it appears then, with the counts, not before', async () => {
    const total = await findPublishedTotal(store.db);
    await go('/admin/articles/new');
    await page.fill('input[name=title]', 'Evening concert at the old pier');
    await page.fill('textarea[name=body]', 'The orchestra plays at sunset.');
    await page.fill('input[name=published]', '2019-02-15T12:02');
    await clickTo(page, 'button[value=publish]', /done=scheduled/);
    expect(await page.textContent('.status')).toBe('scheduled');
    await new Promise((r) => setTimeout(r, 500)); // ticks of the publisher: not due
    expect((await publicText('/')).text).not.toContain('Evening concert');
    expect(await findPublishedTotal(store.db)).toBe(total);
    clock = new Date('2019-02-15T09:02:00Z'); // 12:02 in Istanbul
    await expect.poll(async () => (await publicText('/')).text, { timeout: 5000 }).toContain('Evening concert at the old pier');
    expect(await findPublishedTotal(store.db)).toBe(total + 1);
    expect((await publicText('/')).text).toMatch(/Total: 2 content/);
  });

  it('adds a source, fixes an aggregated title, and the next fetch leaves the fix', async () => {
    await go('/admin/sources/new');
    await page.fill('input[name=url]', feedUrl);
    await page.click('button:has-text("Preview")');
    await page.waitForLoadState('networkidle');
    expect(await page.textContent('main')).toContain('Ferry servise resumes');
    await clickTo(page, 'button:has-text("Add this source")', /\/admin\/sources\/\d+/);
    await page.click('button:has-text("Refresh now")');
    await page.waitForLoadState('networkidle');
    await go('/admin/articles?q=ferry');
    await clickTo(page, 'a:has-text("Ferry servise resumes")', /\/admin\/articles\/\d+$/);
    const id = Number(/\/admin\/articles\/(\d+)$/.exec(page.url())![1]);
    await page.fill('input[name=title]', 'Ferry service resumes');
    await clickTo(page, 'button[value=save]', /done=published/);
    expect(await page.textContent('main')).toContain('its feed no longer overwrites it');
    // The wire fixes nothing, changes its text and publishes a second story; a fetch brings the new one only.
    wire.title = 'Ferry servise resumes (updated)';
    wire.second = true;
    await go('/admin/sources');
    await page.click(`a:has-text("The Wire")`);
    await page.click('button:has-text("Refresh now")');
    await page.waitForLoadState('networkidle');
    expect((await findDeskArticle(store.db, id))!.title).toBe('Ferry service resumes');
    const home = (await publicText('/')).text;
    expect(home).toContain('Ferry service resumes');
    expect(home).toContain('Bridge opens to traffic');
    expect(home).not.toContain('>Ferry servise'); // the title as fixed (its URL, /ferry-servise-resumes/, stays: links to it keep working)
    await shot('article-edited');
  });

  it('hides an article, and restores a revision', async () => {
    await go('/admin/articles?q=bridge');
    await clickTo(page, 'a:has-text("Bridge opens to traffic")', /\/admin\/articles\/\d+$/);
    const slug = (await findDeskArticle(store.db, Number(/(\d+)$/.exec(page.url())![1])))!.slug;
    expect((await publicText(`/2019/02/15/${slug}/`)).status).toBe(200);
    await clickTo(page, 'button:has-text("Hide")', /done=hidden/);
    expect((await publicText(`/2019/02/15/${slug}/`)).status).toBe(404);
    expect((await publicText('/')).text).not.toContain('Bridge opens to traffic');

    await go('/admin/articles?q=ferry');
    await page.click('a:has-text("Ferry service resumes")');
    await clickTo(page, 'a:has-text("compare")', /revisions\/\d+/);
    expect(await page.textContent('main')).toContain('Ferry servise resumes');
    await shot('revision');
    await clickTo(page, 'button:has-text("Restore this revision")', /done=restored/);
    expect(await page.inputValue('input[name=title]')).toBe('Ferry servise resumes');
    expect((await publicText('/')).text).toContain('Ferry servise resumes');
  });

  it('keeps stored XSS in the article and settings fields inert on public and desk pages (no dialog opens)', async () => {
    const IMG = '<img src=x onerror=alert(1)>';
    await go('/admin/articles/new');
    await page.fill('input[name=title]', `${IMG} "quoted" </script><script>alert(2)</script>`);
    await page.fill('textarea[name=body]', `Body ${IMG} [x](javascript:alert(3)) <svg onload=alert(4)> <a href="javascript:alert(5)">y</a>\n\n<script>alert(6)</script>`);
    await page.fill('textarea[name=summary]', `<b onmouseover=alert(7)>summary</b> ${IMG}`);
    await page.fill('input[name=tags]', `${IMG}, <script>alert(8)</script>`);
    await page.fill('input[name=author]', IMG);
    await clickTo(page, 'button[value=publish]', /done=published/);
    const article = await page.getAttribute('a:has-text("view on the site")', 'href');
    await go('/admin/settings');
    await page.fill('input[name=siteName]', `Desk Daily ${IMG}<script>alert(9)</script>`);
    await page.fill('input[name=socialName0]', `Face${IMG}`);
    await page.fill('input[name=socialUrl0]', 'https://facebook.com/x"><script>alert(10)</script>');
    await page.fill('input[name=socialName1]', 'Bad');
    await page.fill('input[name=socialUrl1]', 'javascript:alert(11)');
    await page.click('button:has-text("Save")');
    expect(await page.textContent('.error')).toContain('social');
    await page.fill('input[name=socialUrl1]', '');
    await page.fill('input[name=socialName1]', '');
    await clickTo(page, 'button:has-text("Save")', /done=saved/);
    for (const path of ['/', article!, '/2019/02/15/', '/tag/harbour/', '/search?q=body', '/admin/articles', '/admin/settings', '/admin/audit', '/admin/articles?q=body']) {
      expect(await go(path), path).toBe(200);
      await page.mouse.move(200, 300);
      await page.hover('body');
    }
    await go(article!);
    expect(await page.title()).toContain('"quoted"');
    expect(await page.textContent('h1')).toContain(IMG);
    expect(dialogs).toEqual([]);
    await page.evaluate(() => window.alert('probe')); // the listener does hear a dialog
    expect(dialogs).toHaveLength(1);
    dialogs.length = 0;
  });

  it('was logged: every action with its user in the audit log', async () => {
    await go('/admin/audit');
    const text = await page.textContent('main');
    for (const a of ['user.setup', 'login', 'article.create', 'article.update', 'article.hide', 'article.restore', 'source.add', 'source.refresh', 'settings.update']) expect(text, a).toContain(a);
    expect(text).toContain('zeynep@desk.example');
    await shot('audit');
    await go('/admin/articles');
    await shot('articles');
    await go('/admin/settings');
    await shot('settings');
  });
});
