/**
 * The Content-Security-Policy in a real browser (Debian's Chromium through playwright-core) on the
 * real server: the home page and articles (one with an image from another host and a video player,
 * as article bodies have) load without a single violation, their inline scripts run (the `js` class,
 * Scroll Up), and a script put in the page afterwards is refused.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveArticle } from '../src/store/articles.js';
import { ensureSource } from '../src/store/sources.js';
import { skipStoreTests } from '../src/store/testing.js';
import { browserTestsRun, launchBrowser, startDemoSite, type DemoSite } from './browser-setup.js';

const runs = browserTestsRun('CSP browser tests');

const IMAGE = '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="500"><rect width="1200" height="500" fill="#7a9"/></svg>';

declare global {
  interface Window {
    violations?: string[];
    injectedRan?: boolean;
  }
}

describe.skipIf(!runs || (await skipStoreTests()))('the Content-Security-Policy in a real browser', () => {
  let site: DemoSite;
  let browser: Browser;
  let embedPath: string;

  beforeAll(async () => {
    site = await startDemoSite();
    const { store, config } = site;
    const src = await ensureSource(store.db, { kind: 'feed', title: 'Picture Desk', siteUrl: 'https://images.example/' });
    const saved = await saveArticle(store.db, {
      sourceId: src,
      guid: 'csp-1',
      url: 'https://images.example/story',
      title: 'Harbour video: the breakwater from the air',
      contentHtml: '<p>Seen from above.</p><p><img src="https://images.example/body.svg" width="1200" height="500" alt=""></p><iframe src="https://www.youtube.com/embed/abc" width="560" height="315" title="Video"></iframe><p>More text.</p>',
      imageUrl: 'https://images.example/lead.svg',
      language: 'en',
      publishedAt: new Date('2019-02-10T09:00:00+03:00'),
    }, config.site.timeZone);
    embedPath = `/2019/02/10/${saved.slug}/`;
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  /** A page that records every CSP violation and every console complaint about the policies. */
  async function openPage(): Promise<{ context: BrowserContext; page: Page; complaints: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations!.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
    });
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
      const url = route.request().url();
      if (url.startsWith('https://images.example/')) return route.fulfill({ contentType: 'image/svg+xml', body: IMAGE });
      if (url.startsWith('https://www.youtube.com/')) return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>player</title><p>player</p>' });
      return route.abort();
    });
    const page = await context.newPage();
    const complaints: string[] = [];
    page.on('console', (m) => {
      if ((m.type() === 'error' || m.type() === 'warning') && /security policy|permissions-policy|refused/i.test(m.text())) complaints.push(m.text());
    });
    return { context, page, complaints };
  }

  for (const [name, path] of [['home', () => '/'], ['an article with an image from elsewhere and a video', () => embedPath]] as const) {
    it(`${name}: no violation, the inline scripts run, and Scroll Up takes the reader back up`, async () => {
      const { context, page, complaints } = await openPage();
      try {
        const res = await page.goto(`${site.base}${path()}`, { waitUntil: 'load' });
        expect(res!.headers()['content-security-policy']).toContain("script-src 'sha256-");
        expect(await page.evaluate(() => document.documentElement.classList.contains('js'))).toBe(true);
        if (path() === embedPath) {
          await page.locator('iframe').scrollIntoViewIfNeeded();
          await page.frameLocator('iframe').locator('p').waitFor();
          expect(await page.locator('.body img').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(1200);
        }
        await page.mouse.wheel(0, 4000);
        await page.waitForFunction(() => window.scrollY > 300);
        await page.waitForFunction(() => getComputedStyle(document.querySelector('.scroll-up')!).opacity === '1');
        await page.locator('.scroll-up').click();
        await page.waitForFunction(() => window.scrollY === 0, undefined, { timeout: 5000 });
        expect(await page.evaluate(() => location.hash)).toBe(''); // the click handler ran, not the plain link
        expect(await page.evaluate(() => window.violations)).toEqual([]);
        expect(complaints).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('refuses a script put into the page afterwards, and says so', async () => {
    const { context, page } = await openPage();
    try {
      await page.goto(`${site.base}/`);
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.injectedRan = true';
        document.body.append(s);
        const a = document.createElement('a');
        a.setAttribute('onclick', 'window.injectedRan = true');
        document.body.append(a);
        a.click();
      });
      await page.waitForFunction(() => window.violations!.length >= 2);
      expect(await page.evaluate(() => window.injectedRan)).toBeUndefined();
      const violations = (await page.evaluate(() => window.violations))!.map((v) => v.split(' ')[0]).sort();
      expect(violations).toEqual(['script-src-attr', 'script-src-elem']);
    } finally {
      await context.close();
    }
  });
});
