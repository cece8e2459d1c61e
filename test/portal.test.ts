/**
 * Browsing the portal in a real browser at 360 px and 1366 px: the section menu (one row, the first
 * headline still in view), a section page, a source page, the front page with its pictures, with no
 * layout shift as images load and nothing missing without JavaScript. Screenshots go to
 * test-results/screens/ (portal-*.png).
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipStoreTests } from '../src/store/testing.js';
import { browserTestsRun, launchBrowser, layoutShifts, SHOTS, startDemoSite, type DemoSite } from './browser-setup.js';

const runs = browserTestsRun('portal browser tests');

describe.skipIf(!runs || (await skipStoreTests()))('the portal in a real browser', () => {
  let site: DemoSite;
  let browser: Browser;

  beforeAll(async () => {
    site = await startDemoSite();
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  for (const [name, viewport] of [['phone', { width: 360, height: 740 }], ['desktop', { width: 1366, height: 768 }]] as const) {
    it(`${name}: the front page has its menu in one row, the lead story in view, pictures in their boxes`, async () => {
      const page = await browser.newPage({ viewport });
      try {
        await page.goto(`${site.base}/`, { waitUntil: 'load' });
        await page.screenshot({ path: join(SHOTS, `portal-home-${name}.png`) });
        await page.screenshot({ path: join(SHOTS, `portal-home-${name}-full.png`), fullPage: true });
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
        // The menu is one row (it scrolls sideways on a phone) and names the demo's sections.
        const items = page.locator('nav.sections a');
        expect(await items.allTextContents()).toEqual(['Local', 'Environment', 'Sport', 'Culture', 'Science & Tech']);
        const tops = await items.evaluateAll((as) => as.map((a) => Math.round(a.getBoundingClientRect().top)));
        expect(new Set(tops).size).toBe(1);
        // The lead story's headline is above the fold.
        const lead = page.locator('.lead-story h2');
        const box = (await lead.boundingBox())!;
        expect(box.y + box.height).toBeLessThan(viewport.height);
        // Pictures: loaded from this site, each with its box before it loads.
        const imgs = await page.locator('main picture img').evaluateAll((list) => list.map((i) => ({
          src: (i as HTMLImageElement).currentSrc, w: i.getAttribute('width'), h: i.getAttribute('height'), loading: i.getAttribute('loading'),
        })));
        expect(imgs.length).toBeGreaterThan(2);
        for (const i of imgs) {
          expect(i.w).toMatch(/^\d+$/);
          expect(i.h).toMatch(/^\d+$/);
        }
        expect(imgs[0]!.loading).toBe('eager'); // the lead image
        expect(imgs.slice(1).every((i) => i.loading === 'lazy')).toBe(true);
        const leadImg = page.locator('.lead-story picture img');
        await leadImg.evaluate((i: HTMLImageElement) => i.decode());
        expect(await leadImg.evaluate((i: HTMLImageElement) => i.currentSrc)).toMatch(new RegExp(`^${site.base}/media/[0-9a-f]+-\\d+\\.webp$`));
        await page.mouse.wheel(0, 6000); // lazy pictures below the fold load now
        await page.waitForTimeout(300);
        // A picture without its box moves the cards under it by its height (a 16:9 picture is ~200 px
        // tall): a shift far above 0.01 at this size. A loaded CI machine once saw 0.0014 that no run
        // here repeats (not even at 8x CPU throttling): the bound allows that, and a failure names what moved.
        const shifts = await layoutShifts(page);
        expect(shifts.sum, shifts.moved.join('\n')).toBeLessThan(0.01);
      } finally {
        await page.close();
      }
    });

    it(`${name}: the menu leads to a section page, a card's source to the source page`, async () => {
      const page = await browser.newPage({ viewport });
      try {
        await page.goto(`${site.base}/`);
        await page.locator('nav.sections a', { hasText: 'Sport' }).click();
        await page.waitForURL(`${site.base}/section/sport/`);
        expect(await page.locator('h1.section').textContent()).toBe('Sport');
        expect(await page.locator('.count').textContent()).toBe('4 articles');
        expect(await page.locator('.articles .card').count()).toBe(4);
        expect(await page.locator('nav.sections a[aria-current="page"]').textContent()).toBe('Sport');
        await page.screenshot({ path: join(SHOTS, `portal-section-${name}.png`), fullPage: true });
        await page.locator('.card a.src').first().click();
        await page.waitForURL(/\/source\/[^/]+\/$/);
        expect(await page.locator('h1.section').textContent()).toMatch(/^News from /);
        expect(await page.locator('.count').textContent()).toMatch(/^\d+ articles · /);
        await page.screenshot({ path: join(SHOTS, `portal-source-${name}.png`), fullPage: true });
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      } finally {
        await page.close();
      }
    });
  }

  it('Arabic: the menu runs right to left, in Arabic', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    try {
      await page.goto(`${site.base}/ar/`);
      const items = page.locator('nav.sections a');
      expect(await items.first().textContent()).toBe('محليات');
      const [first, second] = await items.evaluateAll((as) => as.slice(0, 2).map((a) => a.getBoundingClientRect().left));
      expect(first!).toBeGreaterThan(second!);
      await page.screenshot({ path: join(SHOTS, 'portal-home-ar-phone.png') });
    } finally {
      await page.close();
    }
  });

  it('without JavaScript the front page and a section page are complete', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    try {
      await page.goto(`${site.base}/`);
      expect(await page.locator('.lead-story').count()).toBe(1);
      expect(await page.locator('section.block').count()).toBe(5);
      await page.goto(`${site.base}/section/culture/`);
      expect(await page.locator('.articles .card').count()).toBe(7);
    } finally {
      await context.close();
    }
  });
});
