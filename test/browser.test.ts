/**
 * A real browser (Debian's Chromium through playwright-core) on the real server: phone and desktop
 * widths, Scroll Up, right-to-left Arabic pages. Screenshots go to test-results/screens/.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipStoreTests } from '../src/store/testing.js';
import { browserTestsRun, launchBrowser, SHOTS, startDemoSite, type DemoSite } from './browser-setup.js';

const runs = browserTestsRun('browser tests');

describe.skipIf(!runs || (await skipStoreTests()))('in a real browser', () => {
  let site: DemoSite;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    site = await startDemoSite();
    base = site.base;
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  const scrollY = (page: Page) => page.evaluate(() => window.scrollY);
  /** Polls the page's scroll position from outside (works with the page's JavaScript off, too). */
  async function untilScroll(page: Page, ok: (y: number) => boolean, ms = 5000) {
    const end = Date.now() + ms;
    for (let y = await scrollY(page); !ok(y); y = await scrollY(page)) {
      if (Date.now() > end) throw new Error(`scroll position ${y} never became right`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  for (const [name, viewport] of [['phone', { width: 360, height: 740 }], ['desktop', { width: 1280, height: 800 }]] as const) {
    it(`${name}: fits the width, and Scroll Up takes the reader back to the top`, async () => {
      const page = await browser.newPage({ viewport });
      try {
        await page.goto(`${base}/`);
        expect((await page.locator('.today').textContent())?.trim()).toBe('15 February 2019 - Friday - 10 Jumada al-Thani 1440');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(SHOTS, `home-${name}.png`) });

        const button = page.locator('.scroll-up');
        expect(await button.evaluate((el) => getComputedStyle(el).opacity)).toBe('0'); // hidden at the top, from the first paint
        await page.mouse.wheel(0, 4000);
        await page.waitForFunction(() => window.scrollY > 1000);
        await button.waitFor({ state: 'visible' });
        await page.waitForFunction(() => getComputedStyle(document.querySelector('.scroll-up')!).opacity === '1');
        await page.screenshot({ path: join(SHOTS, `home-${name}-scrolled.png`) });
        await button.click();
        await page.waitForFunction(() => window.scrollY === 0, undefined, { timeout: 5000 });
        expect(await scrollY(page)).toBe(0);
      } finally {
        await page.close();
      }
    });
  }

  it('phone: an article page fits and reads in its own direction', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    try {
      await page.goto(`${base}/`);
      await page.locator('.card h2[lang="ar"] a').first().click();
      await page.waitForLoadState('load');
      expect(await page.locator('article.article').getAttribute('dir')).toBe('rtl');
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('article.article h1')!).direction)).toBe('rtl');
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SHOTS, 'article-ar-on-en-phone.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('Arabic pages read right to left: the site name sits on the right, Scroll Up on the left', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(`${base}/ar/`);
      expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');
      const name = await page.locator('.site-name').boundingBox();
      expect(name!.x).toBeGreaterThan(640);
      expect((await page.locator('.today').textContent())?.trim()).toBe('١٥ فبراير ٢٠١٩ - الجمعة - ١٠ جمادى الآخرة ١٤٤٠');
      await page.mouse.wheel(0, 3000);
      await page.waitForFunction(() => getComputedStyle(document.querySelector('.scroll-up')!).opacity === '1');
      const up = await page.locator('.scroll-up').boundingBox();
      expect(up!.x).toBeLessThan(640);
      await page.screenshot({ path: join(SHOTS, 'home-ar-desktop.png') });
      await page.setViewportSize({ width: 360, height: 740 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(SHOTS, 'home-ar-phone.png') });
    } finally {
      await page.close();
    }
  });

  it('searches from the header box: Enter shows the results with the words marked', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(`${base}/`);
      await page.locator('.header-search input').fill('HARBORVIEW');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/search\?q=HARBORVIEW$/);
      const titles = await page.locator('.results h2').allTextContents();
      // Title matches rank first; articles naming it only in their text follow.
      expect(titles.slice(0, 2).map((t) => t.trim()).sort()).toEqual(['Harborview Ferry Terminal Reopens After Six-Month Renovation', 'Harborview Jazz Week Unveils Lineup and a Free Waterfront Stage']);
      expect(titles.length).toBeGreaterThan(2);
      expect(await page.locator('.results .snippet mark').count()).toBeGreaterThanOrEqual(titles.length - 2);
      expect(await page.locator('.results h2 mark').first().textContent()).toBe('Harborview');
      expect(await page.locator('.search-form input[name=q]').inputValue()).toBe('HARBORVIEW');
      await page.screenshot({ path: join(SHOTS, 'search-desktop.png') });
    } finally {
      await page.close();
    }
  });

  it('phone: an Arabic search fits, reads right to left and finds words written with other letter forms', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    try {
      // مكتبه / المدرسه: taa marbuta written as haa, no article: still found.
      await page.goto(`${base}/ar/search?q=${encodeURIComponent('مدرسه')}`);
      expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');
      expect((await page.locator('.results h2').allTextContents()).map((t) => t.trim())).toEqual(['طلاب مدرسة ثانوية يفوزون بالمسابقة الإقليمية للروبوتات']);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SHOTS, 'search-ar-phone.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('without JavaScript, Scroll Up is a plain link to the top', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/tr/`);
      expect((await page.locator('.scroll-up').textContent())?.trim()).toBe('Yukarı Çık');
      await page.mouse.wheel(0, 4000);
      await untilScroll(page, (y) => y > 1000);
      await page.locator('.scroll-up').click();
      await untilScroll(page, (y) => y === 0);
      expect(await scrollY(page)).toBe(0);
    } finally {
      await context.close();
    }
  });
});
