import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { saveArticles } from '../store/articles.js';
import { openMigratedStore } from '../store/db.js';
import { findSetting, saveSetting } from '../store/settings.js';
import { ANALYSER_VERSION } from '../search/normalize.js';
import { ensureSource } from '../store/sources.js';
import { createTestDatabase, skipStoreTests, type TestDatabase } from '../store/testing.js';
import { MAIN, startServe } from './testing.js';

const databases: TestDatabase[] = [];
beforeAll(() => {
  // `npm test` builds first; a bare `vitest` run builds here.
  if (!existsSync(MAIN)) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}, 120_000);
afterAll(async () => {
  for (const d of databases) await d.drop();
});

/** Returns the URL of a store with one Turkish article whose index was built by the previous analyser (version 1, here: emptied). */
async function storeIndexedByVersion1(): Promise<string> {
  const d = await createTestDatabase();
  databases.push(d);
  const store = await openMigratedStore(d.url);
  try {
    const desk = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await saveArticles(store.db, [{ sourceId: desk, guid: 'k', title: 'İstanbul\'da kış', contentHtml: '<p>Kar yağışı başladı.</p>', publishedAt: new Date('2024-03-01T09:00:00Z'), language: 'tr' }], 'Europe/Istanbul');
    await markVersion1(d.url);
  } finally {
    await store.close();
  }
  return d.url;
}

async function markVersion1(url: string): Promise<void> {
  const store = await openMigratedStore(url);
  try {
    await sql`delete from ${sql.table(store.dialect.name === 'sqlite' ? 'articles_fts' : 'article_search')}`.execute(store.db);
    await saveSetting(store.db, 'search.analyser', 1);
  } finally {
    await store.close();
  }
}

async function analyserOf(url: string): Promise<unknown> {
  const store = await openMigratedStore(url);
  try {
    return await findSetting(store.db, 'search.analyser');
  } finally {
    await store.close();
  }
}

describe.skipIf(await skipStoreTests())('re-index on upgrade', () => {
  it('jarida migrate re-indexes a store built by another analyser version, once', async () => {
    const url = await storeIndexedByVersion1();
    const run = () => spawnSync(process.execPath, [MAIN, 'migrate'], {
      cwd: mkdtempSync(join(tmpdir(), 'jarida-cwd-')), env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', DATABASE_URL: url }, encoding: 'utf8', timeout: 30_000,
    });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('search: analyser changed (1 → current), 1 articles re-indexed');
    expect(await analyserOf(url)).toBe(ANALYSER_VERSION);
    expect(run().stdout).not.toContain('re-indexed');
  });

  it('jarida serve re-indexes at start-up, so the article is found again', async () => {
    const url = await storeIndexedByVersion1();
    for (const workers of ['1', '2']) {
      await markVersion1(url);
      const { child, url: site } = await startServe({ DATABASE_URL: url, JARIDA_WORKERS: workers, JARIDA_DEMO: 'false' });
      try {
        const page = await (await fetch(`${site}/search?q=${encodeURIComponent('kış')}`)).text();
        expect(page, `--workers ${workers}`).toContain('İstanbul&#39;da <mark>kış</mark>');
      } finally {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      expect(await analyserOf(url)).toBe(ANALYSER_VERSION);
    }
  });
});
