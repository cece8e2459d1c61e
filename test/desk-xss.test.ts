/**
 * Stored XSS from the desk's editable fields, in a real browser: a source renamed
 * `<img src=x onerror=alert(1)>`, a section named `<script>alert(1)</script>`, own pages whose title
 * and body carry both and `javascript:` links (markdown and HTML) — written through the desk as an
 * editor would — then the public pages and the desk's pages opened in Chromium, listening for a
 * dialog: none may open, and the names must show as text.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSourceById, findSources } from '../src/store/sources.js';
import { skipStoreTests } from '../src/store/testing.js';
import { addTestUser, DeskClient, TEST_PASSWORD } from '../src/web/admin/testing.js';
import { browserTestsRun, launchBrowser, startDemoSite, type DemoSite } from './browser-setup.js';

const runs = browserTestsRun('desk XSS tests');
const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(1)</script>';

describe.skipIf(!runs || (await skipStoreTests()))('stored XSS from the desk, in a real browser', () => {
  let site: DemoSite;
  let browser: Browser;
  let sourceId: number;
  let sourceSlug: string;
  let deskCookies: Map<string, string>;

  beforeAll(async () => {
    site = await startDemoSite();
    const now = new Date(site.config.fixedNow!);
    await addTestUser(site.app, site.store, 'admin@news.example', 'admin', now);
    const desk = new DeskClient(site.app);
    expect((await desk.login('admin@news.example', TEST_PASSWORD)).statusCode).toBe(303);
    await desk.get('/admin/sections');
    expect((await desk.post('/admin/sections', { slug: 'xss', name: SCRIPT, en: SCRIPT, tr: IMG, ar: SCRIPT, position: '1' })).statusCode).toBe(303);
    sourceId = (await findSources(site.store.db)).find((s) => s.publishedCount > 0)!.id;
    expect((await desk.post(`/admin/sources/${sourceId}/edit`, { name: IMG, lang: '', interval: '' })).statusCode).toBe(303);
    sourceSlug = (await findSourceById(site.store.db, sourceId))!.slug;
    expect((await desk.post('/admin/pages', { slug: 'about', lang: 'en', title: `About ${SCRIPT}`, format: 'markdown', body: `Hello ${IMG} [x](javascript:alert(1)) <a href="javascript:alert(1)">y</a>` })).statusCode).toBe(303);
    expect((await desk.post('/admin/pages', { slug: 'contact', lang: 'en', title: IMG, format: 'html', body: `<p>Write ${IMG}<a href="javascript:alert(1)">here</a><a href=" JaVaScRiPt:alert(1)">there</a>${SCRIPT}<svg onload="alert(1)"></svg><iframe src="javascript:alert(1)"></iframe></p>` })).statusCode).toBe(303);
    deskCookies = desk.cookies;
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  /** Opens each path in a page that records every dialog; returns the dialogs and each page's text. */
  async function visit(page: Page, paths: string[]): Promise<{ dialogs: string[]; texts: Map<string, string> }> {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(`${page.url()}: ${d.type()} ${d.message()}`);
      void d.dismiss();
    });
    const texts = new Map<string, string>();
    for (const path of paths) {
      const res = await page.goto(`${site.base}${path}`, { waitUntil: 'networkidle' });
      expect(res?.status(), path).toBe(200);
      texts.set(path, await page.evaluate(() => document.body.innerText));
    }
    return { dialogs, texts };
  }

  it('opens no dialog on the public pages, which show the names as text', async () => {
    const page = await browser.newPage();
    const paths = ['/', `/source/${sourceSlug}/`, '/section/xss/', '/tr/', '/about/', '/contact/'];
    const { dialogs, texts } = await visit(page, paths);
    expect(dialogs).toEqual([]);
    await page.evaluate(() => window.alert('probe')); // the listener hears a dialog when there is one
    expect(dialogs).toEqual([`${site.base}/contact/: alert probe`]);
    expect(texts.get('/')).toContain(SCRIPT); // the menu
    expect(texts.get('/tr/')).toContain(IMG); // its Turkish name
    expect(texts.get(`/source/${sourceSlug}/`)).toContain(IMG);
    expect(texts.get('/about/')).toContain('[x](javascript:alert(1))'); // the img kept without its handler, the link as text
    // The links the pages hold are http(s), relative or mail: none runs script when followed.
    const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href], iframe[src]')].map((a) => a.getAttribute('href') ?? a.getAttribute('src') ?? ''));
    expect(hrefs.filter((h) => /^\s*javascript:/i.test(h))).toEqual([]);
    await page.close();
  });

  it('opens no dialog on the desk\'s pages', async () => {
    // The session of the desk client above: the demo's fixed clock (JARIDA_NOW, 2019) would put the
    // Expires of a cookie set by a login in the browser in the past, and the browser would drop it.
    const context = await browser.newContext();
    await context.addCookies([...deskCookies].map(([name, value]) => ({ name, value, url: site.base })));
    const page = await context.newPage();
    const paths = ['/admin/sources', '/admin/sections', '/admin/sections/xss', '/admin/pages', '/admin/pages/about/en', '/admin/pages/contact/en', '/admin/audit', `/admin/sources/${sourceId}`];
    const { dialogs, texts } = await visit(page, paths);
    expect(dialogs).toEqual([]);
    expect(texts.get(`/admin/sources/${sourceId}`)).toContain(IMG);
    expect(texts.get('/admin/sections')).toContain(SCRIPT);
    expect(texts.get('/admin/audit')).toContain('section.add');
    // Remove asks first (desk.js reads data-confirm), naming the source as text; dismissed, nothing goes.
    await page.click('button.danger:has-text("Remove the source")');
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([`${site.base}/admin/sources/${sourceId}: confirm Remove the source ${IMG} and all its articles? This cannot be undone.`]);
    expect(page.url()).toBe(`${site.base}/admin/sources/${sourceId}`);
    expect(await findSourceById(site.store.db, sourceId)).toBeDefined();
    await context.close();
  });
});
