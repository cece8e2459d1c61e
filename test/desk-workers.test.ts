/**
 * The desk against `jarida serve --workers 2` (two processes, one page cache each, one SQLite file),
 * in a real browser: an admin made with `jarida users add` sets a password through the printed link,
 * logs in, changes the Hijri adjustment for tonight's moon sighting; every worker's pages then show
 * tomorrow's Hijri date in the header, without a restart.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshGet, MAIN, startServe } from '../src/cli/testing.js';
import { createTestDatabase, skipStoreTests, testStoreKind, type TestDatabase } from '../src/store/testing.js';
import { browserTestsRun, clickTo, launchBrowser, SHOTS } from './browser-setup.js';

const runs = browserTestsRun('desk workers browser test');

describe.skipIf(!runs || (await skipStoreTests()) || testStoreKind() !== 'sqlite')('the desk and serve --workers 2', () => {
  let database: TestDatabase;
  let serve: { child: ChildProcess; url: string };
  let browser: Browser;
  const env = () => ({ DATABASE_URL: database.url, JARIDA_WORKERS: '2', JARIDA_NOW: '2019-02-15T12:00:00+03:00', JARIDA_TIME_ZONE: 'Europe/Istanbul', JARIDA_DEMO: 'true', JARIDA_INGEST: '0' });

  beforeAll(async () => {
    database = await createTestDatabase();
    serve = await startServe(env());
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (serve) {
      const exited = new Promise((r) => serve.child.once('exit', r));
      serve.child.kill('SIGTERM');
      await exited;
    }
    await database?.drop();
  });

  it('changes the Hijri adjustment in the desk, and both workers show tomorrow\'s Hijri date at once', { timeout: 90_000 }, async () => {
    // Both workers have the home page cached with today's Hijri date.
    for (let i = 0; i < 8; i++) expect((await freshGet(`${serve.url}/`)).body).toContain('15 February 2019 - Friday - 10 Jumada al-Thani 1440');
    const hits = await Promise.all(Array.from({ length: 6 }, () => freshGet(`${serve.url}/`)));
    expect(hits.every((h) => h.cache === 'hit')).toBe(true);

    const added = spawnSync(process.execPath, [MAIN, 'users', 'add', 'moon@news.example', '--role', 'admin', '--name', 'Moon Watcher'], { env: { PATH: process.env.PATH, ...env(), LOG_LEVEL: 'warn' }, encoding: 'utf8' });
    expect(added.status, added.stderr).toBe(0);
    const link = new URL(added.stdout.trim().split('\n').pop()!).pathname;
    const page = await browser.newPage({ viewport: { width: 360, height: 780 } });
    page.setDefaultTimeout(15_000);
    await page.goto(`${serve.url}${link}`);
    await page.fill('input[name=password]', 'crescent over the hills');
    await clickTo(page, 'button[type=submit]', /\/admin\/login/);
    await page.fill('input[name=email]', 'moon@news.example');
    await page.fill('input[name=password]', 'crescent over the hills');
    await clickTo(page, 'button[type=submit]', /\/admin\/articles/);
    await page.goto(`${serve.url}/admin/settings`);
    await page.selectOption('select[name="hijri.adjustment"]', '1');
    await page.screenshot({ path: `${SHOTS}/desk-settings-workers-360.png`, fullPage: true });
    await clickTo(page, 'button:has-text("Save")', /done=saved/);

    // Every request from now on, whichever worker answers it, shows tomorrow's Hijri date: the other
    // worker hears the change from SQLite's change log (polled every 200 ms), so within a moment.
    const tomorrow = '15 February 2019 - Friday - 11 Jumada al-Thani 1440';
    await expect.poll(async () => (await Promise.all(Array.from({ length: 4 }, () => freshGet(`${serve.url}/`)))).every((r) => r.body.includes(tomorrow)), { timeout: 5000 }).toBe(true);
    const after = await Promise.all(Array.from({ length: 10 }, () => freshGet(`${serve.url}/`)));
    for (const r of after) expect(r.body).toContain(tomorrow);
    for (const r of await Promise.all(Array.from({ length: 6 }, () => freshGet(`${serve.url}/tr/`)))) expect(r.body).toContain('11 Cemaziyelahir 1440');
    await page.goto(`${serve.url}/`);
    expect(await page.textContent('.today')).toContain('11 Jumada al-Thani 1440');
    await page.close();
  });
});
