/**
 * Site settings changed in one `serve` instance reach another on the same database without a restart:
 * two web tiers as serve's startWeb builds them (each its own store connection, live settings, page
 * cache and change watcher), on one PostgreSQL schema or one SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../config.js';
import { runIngestLoop } from '../ingest/schedule.js';
import { COMPACTED_SETTING } from '../store/search.js';
import { findSetting } from '../store/settings.js';
import { saveArticle } from '../store/articles.js';
import { openMigratedStore } from '../store/db.js';
import { ensureDaysInTimeZone } from '../store/day-zone.js';
import { ensureSource } from '../store/sources.js';
import { createTestDatabase, skipStoreTests, testStoreKind, type TestDatabase } from '../store/testing.js';
import { ingestDepsOf, openContext, type CommandContext } from './context.js';
import { startWeb } from './serve.js';

process.env.LOG_LEVEL ??= 'warn';
const TZ = 'Europe/Istanbul';
const skip = await skipStoreTests();
let database: TestDatabase;
const instances: { ctx: CommandContext; web: Awaited<ReturnType<typeof startWeb>> }[] = [];
let config: Config;

beforeAll(async () => {
  if (skip) return;
  database = await createTestDatabase();
  const store = await openMigratedStore(database.url);
  try {
    await ensureDaysInTimeZone(store, TZ);
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    // 21:30 UTC on the 13th: the 13th in London, the 14th in Istanbul (00:30).
    for (const [guid, at] of [['a', '2019-02-13T21:30:00Z'], ['b', '2019-02-13T10:00:00Z'], ['c', '2019-02-12T10:00:00Z']] as const) {
      await saveArticle(store.db, { sourceId, guid, title: `Story ${guid}`, publishedAt: new Date(at) }, TZ);
    }
  } finally {
    await store.close();
  }
  config = parseConfig({ databaseUrl: database.url, timeZone: TZ, demo: false, pageCache: { megabytes: 8 }, ingest: { workers: 0 } }, { JARIDA_NOW: '2019-02-15T12:00:00+03:00' });
  for (let i = 0; i < 2; i++) {
    const ctx = await openContext({}, 'warn', {}, config);
    instances.push({ ctx, web: await startWeb(ctx, { port: 0, host: '127.0.0.1' }, config.pageCache.maxBytes) });
  }
});

afterAll(async () => {
  for (const { ctx, web } of instances) {
    await web.close();
    await ctx.store.close();
  }
  await database?.drop();
});

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
async function page(address: string, path: string) {
  const r = await fetch(address + path);
  return { status: r.status, cache: r.headers.get('x-cache'), text: text(await r.text()) };
}
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 2000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(skip)(`two serve instances on one ${testStoreKind()} database`, () => {
  it('see a change of the settings made through the other on their next page, within a second or two', async () => {
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    // B's home page from its cache, once its watcher listens (a page cached before may miss a change: it goes then).
    const cached = await until('a cache hit on B', async () => {
      const p = await page(b.web.address, '/');
      return p.cache === 'hit' ? p : undefined;
    }, 5000);
    expect(cached.text).toContain('10 Jumada al-Thani 1440');
    expect((await page(b.web.address, '/ar/')).status).toBe(200);

    // The desk on A: one call.
    const t0 = Date.now();
    await a.ctx.settings.update({ hijri: { adjustment: 1 }, siteName: 'Heard Everywhere', languages: ['en', 'tr'] });
    const seen = await until('the change on B', async () => {
      const p = await page(b.web.address, '/');
      return p.text.includes('11 Jumada al-Thani 1440') ? p : undefined;
    });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(seen.cache).toBe('miss');
    expect(seen.text).toContain('Heard Everywhere');
    expect((await page(b.web.address, '/ar/')).status).toBe(404);
    expect((await page(b.web.address, '/')).cache).toBe('hit');
    expect(b.ctx.settings.current().hijriAdjustment).toBe(1);
    expect((await page(a.web.address, '/')).text).toContain('11 Jumada al-Thani 1440');
  });

  it('reach ingestion at the start of its next round', async () => {
    const [a] = instances as [(typeof instances)[0]];
    // An ingestion process: no web, no watcher.
    const ctx = await openContext({}, 'warn', {}, config);
    const deps = await ingestDepsOf(ctx);
    try {
      const started = deps.config.site.languages;
      await a.ctx.settings.update({ languages: ['en', 'ar'] });
      await new Promise((r) => setTimeout(r, 300));
      expect(deps.config.site.languages).toEqual(started); // between rounds: as when it started
      const stop = new AbortController();
      await runIngestLoop(deps, stop.signal, {
        beforeRound: async () => {
          await ctx.settings.reload();
          stop.abort(); // one round
        },
      });
      expect(deps.config.site.languages).toEqual(['en', 'ar']);
      // The round ended with the search index's daily merge (SQLite) or vacuum (PostgreSQL).
      expect(Date.parse((await findSetting<string>(ctx.store.db, COMPACTED_SETTING))!)).toBeGreaterThan(0);
    } finally {
      await deps.digester.close();
      await ctx.store.close();
      await a.ctx.settings.update({ languages: null });
    }
  });

  it('recount the days once for a new time zone, and both show the new counts', async () => {
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    expect((await page(b.web.address, '/')).text).toContain('14/02/2019 (1) 13/02/2019 (1) 12/02/2019 (1)');
    const r = await a.ctx.settings.update({ timeZone: 'Europe/London' });
    expect(r.recounted).toEqual({ from: TZ, moved: 1 });
    await until('the new counts on B', async () => ((await page(b.web.address, '/')).text.includes('14/02/2019 (0) 13/02/2019 (2) 12/02/2019 (1)') ? true : undefined));
    // B's pages read the recounted days from the store; its settings follow the change signal (polled): wait for both.
    await until('B hearing the new zone', async () => (b.ctx.settings.current().timeZone === 'Europe/London' ? true : undefined));
    // Back to the config file's zone: recounted again, by the instance that changed it.
    expect((await b.ctx.settings.update({ timeZone: null })).recounted).toEqual({ from: 'Europe/London', moved: 1 });
    await until('the old counts on A', async () => ((await page(a.web.address, '/')).text.includes('14/02/2019 (1) 13/02/2019 (1) 12/02/2019 (1)') ? true : undefined));
  });
});
