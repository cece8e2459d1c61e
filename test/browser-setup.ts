/**
 * What the real-browser tests share: where Chromium is, whether it is required (CI), the demo site's
 * config, launching it with the flags this machine needs (no sandbox, no network of its own), and
 * reading a page's layout shifts.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseConfig, type Config } from '../src/config.js';
import { demoMediaDeps } from '../src/cli/context.js';
import { loadDemo } from '../src/ingest/demo.js';
import { createLogger } from '../src/log.js';
import { DEMO_FILE, PROJECT_ROOT } from '../src/paths.js';
import type { Store } from '../src/store/db.js';
import { openTestStore } from '../src/store/testing.js';
import { buildApp } from '../src/web/app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** JARIDA_REQUIRE_BROWSER=1 (CI): a missing Chromium fails the tests instead of skipping them. */
export const browserRequired = process.env.JARIDA_REQUIRE_BROWSER === '1';
export const browserAvailable = existsSync(CHROMIUM);
export const SHOTS = join(PROJECT_ROOT, 'test-results', 'screens');

/** Says once why a browser test file is skipped; returns whether it runs. */
export function browserTestsRun(what: string): boolean {
  if (!browserAvailable && !browserRequired) console.warn(`SKIPPED ${what}: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  return browserAvailable || browserRequired;
}

/** The demo site as the browser tests serve it, on the reference page's day. */
export function demoSiteConfig(mediaDir = join(tmpdir(), 'jarida-demo-media')): Config {
  return parseConfig(
    { siteName: 'Jarida Demo', databaseUrl: 'sqlite::memory:', media: { dir: mediaDir }, social: [{ name: 'Facebook', url: 'https://facebook.com/x' }, { name: 'Twitter', url: 'https://twitter.com/x' }, { name: 'Youtube', url: 'https://youtube.com/x' }] },
    { JARIDA_NOW: '2019-02-15T12:00:00+03:00' },
  );
}

/** Launches headless Chromium; throws when it is required but missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!browserAvailable) throw new Error(`Chromium is required (JARIDA_REQUIRE_BROWSER=1) but missing at ${CHROMIUM}`);
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

/** The demo site served on 127.0.0.1: its store (a test may add articles), app and address. */
export interface DemoSite {
  config: Config;
  store: Store;
  app: FastifyInstance;
  base: string;
  close(): Promise<void>;
}

/** Starts the demo site for a browser test. */
export async function startDemoSite(): Promise<DemoSite> {
  // The demo's images stored as `npm start` stores them, in a folder of the test's own.
  const mediaDir = mkdtempSync(join(tmpdir(), 'jarida-demo-media-'));
  const config = demoSiteConfig(mediaDir);
  const store = await openTestStore();
  await loadDemo(store, config.site, config.fixedNow!, DEMO_FILE, await demoMediaDeps({ config, store, log: createLogger('silent'), now: () => config.fixedNow! }));
  const app = await buildApp({ store, config });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    config, store, app, base,
    close: async () => {
      await app.close();
      await store.close();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}

/**
 * The layout shifts the page saw (CLS without the session windows: any shift counts), each with the
 * elements that moved, so a failure names them.
 */
export const layoutShifts = (page: Page) => page.evaluate(() => new Promise<{ sum: number; moved: string[] }>((resolve) => {
  let sum = 0;
  const moved: string[] = [];
  const name = (n: Node | null) => {
    if (!(n instanceof Element)) return String(n?.nodeName);
    return `${n.tagName.toLowerCase()}${n.className ? `.${String(n.className).trim().replace(/\s+/g, '.')}` : ''}`;
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean; sources: { node: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[] })[]) {
      if (e.hadRecentInput) continue;
      sum += e.value;
      for (const s of e.sources) moved.push(`${name(s.node)} in ${name(s.node?.parentNode ?? null)} at ${Math.round(e.startTime)} ms: ${JSON.stringify(s.previousRect)} -> ${JSON.stringify(s.currentRect)}`);
    }
  }).observe({ type: 'layout-shift', buffered: true });
  setTimeout(() => resolve({ sum, moved }), 300);
}));

/**
 * Clicks and waits for the navigation it starts to reach a URL matching `url` and load. (A click then
 * `waitForURL` races the navigation: when it has landed already, waitForURL may wait for another.)
 */
export async function clickTo(page: Page, selector: string, url: RegExp): Promise<void> {
  await Promise.all([page.waitForURL(url, { waitUntil: 'load' }), page.click(selector)]);
}
