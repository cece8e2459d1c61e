/**
 * Page metadata in a real browser (Chromium): an article whose title tries to leave every tag it is
 * written into (`</script>`, quotes, `<!--`) loads with its JSON-LD under the strict
 * Content-Security-Policy without a violation or a dialog; the JSON-LD parses back to the exact
 * title; the icons and the manifest load.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveArticle } from '../src/store/articles.js';
import { ensureSource } from '../src/store/sources.js';
import { skipStoreTests } from '../src/store/testing.js';
import { browserTestsRun, launchBrowser, startDemoSite, type DemoSite } from './browser-setup.js';

const runs = browserTestsRun('page metadata browser tests');
const EVIL = '"</script><script>alert(1)</script>" & <!-- quotes \'too\'';

declare global {
  interface Window {
    violations?: string[];
  }
}

describe.skipIf(!runs || (await skipStoreTests()))('page metadata in a real browser', () => {
  let site: DemoSite;
  let browser: Browser;
  let path: string;

  beforeAll(async () => {
    site = await startDemoSite();
    const src = await ensureSource(site.store.db, { kind: 'feed', title: 'Wire "<b>"', siteUrl: 'https://wire.example/' });
    const saved = await saveArticle(site.store.db, {
      sourceId: src, guid: 'meta-csp', url: 'https://wire.example/story', title: EVIL, summary: `${EVIL} in the summary`, author: '</script><img src=x onerror=alert(2)>',
      contentHtml: '<p>Body.</p>', language: 'en', publishedAt: new Date('2019-02-10T09:00:00+03:00'),
    }, site.config.site.timeZone);
    path = `/2019/02/10/${saved.slug}/`;
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('an article with JSON-LD: no CSP violation, no dialog, the JSON-LD reads back to the title, icons and manifest load', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations!.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const complaints: string[] = [];
    page.on('console', (m) => {
      if ((m.type() === 'error' || m.type() === 'warning') && /security policy|refused/i.test(m.text())) complaints.push(m.text());
    });
    try {
      const res = await page.goto(`${site.base}${path}`, { waitUntil: 'load' });
      expect(res!.status()).toBe(200);
      const ld = await page.evaluate(() => [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => JSON.parse(s.textContent ?? '')));
      const article = ld.find((j) => j['@type'] === 'NewsArticle');
      expect(article.headline).toBe(EVIL);
      expect(article.author[0].name).toBe('</script><img src=x onerror=alert(2)>');
      expect(await page.title()).toBe(`${EVIL} - ${site.config.site.siteName}`);
      expect(await page.locator('meta[property="og:title"]').getAttribute('content')).toBe(EVIL);
      // Only the theme's own scripts are in the document: nothing came out of a tag.
      expect(await page.evaluate(() => document.querySelectorAll('script:not([type])').length)).toBe(2);
      expect(await page.evaluate(() => document.querySelectorAll('img[onerror]').length)).toBe(0);
      // The head's links load from this site under the same policy.
      const loaded = await page.evaluate(async () => {
        const out: string[] = [];
        for (const sel of ['link[rel="icon"]', 'link[rel="apple-touch-icon"]', 'link[rel="manifest"]', 'link[rel="search"]']) {
          // (A query: playwright's request routing fails a page's own fetch of a path ending in /favicon.ico.)
          const r = await fetch(`${document.querySelector(sel)!.getAttribute('href')!}?check`);
          out.push(`${r.status} ${r.headers.get('content-type')}`);
        }
        return out;
      });
      expect(loaded).toEqual(['200 image/png', '200 image/png', '200 application/manifest+json; charset=utf-8', '200 application/opensearchdescription+xml; charset=utf-8']);
      await page.waitForTimeout(300);
      expect(dialogs).toEqual([]);
      expect(await page.evaluate(() => window.violations)).toEqual([]);
      expect(complaints).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
