import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findArticleBySlug, findArticlesByDay, findStoredGuids, saveArticle, saveArticles } from './articles.js';
import { findDayCount, findPublishedTotal, findYearMonths } from './day-counts.js';
import { migrate, openMigratedStore, openStore, StoreError, type Store } from './db.js';
import { databaseLabel } from './dialect.js';
import { ensureSource, findArticleCountsBySource, findSourceById, findSources, updateSource } from './sources.js';
import { openTestStore, skipStoreTests, testStoreKind } from './testing.js';
import { PROJECT_ROOT } from '../paths.js';

describe('opening a store', () => {
  it('names a PostgreSQL database without user or password', () => {
    expect(databaseLabel('postgres://jarida:s3cret@db.example:6432/news?schema=site&sslmode=require')).toBe('db.example:6432/news (schema site)');
    expect(databaseLabel('postgresql://127.0.0.1/news')).toBe('127.0.0.1:5432/news');
    expect(databaseLabel('sqlite:./data/jarida.db')).toBe('sqlite:./data/jarida.db');
    expect(databaseLabel('mysql://u:pw@h/db')).toBe('mysql://…@h/db');
  });

  it('turns an unreachable PostgreSQL server into one StoreError naming it and the cause', async () => {
    const err = await openMigratedStore('postgres://jarida:s3cret@127.0.0.1:1/news').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toBe('store: cannot connect to PostgreSQL at 127.0.0.1:1/news: connection refused');
  });

  it('loads pg only for PostgreSQL: a SQLite process (every web worker of a SQLite site) does without its ~10 MB', () => {
    const db = join(PROJECT_ROOT, 'dist', 'src', 'store', 'db.js');
    const script = `import { createRequire } from 'node:module';
      const { openMigratedStore, openStore } = await import(${JSON.stringify(db)});
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/pg/'));
      const s = await openMigratedStore('sqlite::memory:');
      await s.close();
      const before = loaded();
      openStore('postgres://127.0.0.1:1/none').close();
      console.log(JSON.stringify([before, loaded()]));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([false, true]);
  });

  it('refuses a schema that is not a plain name', () => {
    expect(() => openStore('postgres://127.0.0.1/news?schema=Public;drop')).toThrow(/\?schema=Public;drop must be a lower-case PostgreSQL name/);
  });
});

describe.skipIf(await skipStoreTests())(`the ${testStoreKind()} store`, () => {
  const TZ = 'Europe/Istanbul';
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  it('returns ids, counts and sums as numbers', async () => {
    const source = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    const a = await saveArticle(store.db, { sourceId: source, guid: 'a', title: 'A', publishedAt: new Date('2019-02-10T10:00:00Z') }, TZ);
    expect(typeof source).toBe('number');
    expect(typeof a.id).toBe('number');
    expect((await findSources(store.db))[0]?.id).toBe(source);
    expect(await findArticleCountsBySource(store.db)).toEqual(new Map([[source, 1]]));
    expect(await findYearMonths(store.db, 2019)).toEqual([{ month: '2019-02', count: 1 }]);
    expect(await findPublishedTotal(store.db)).toBe(1);
    const [article] = await findArticlesByDay(store.db, '2019-02-10', 1);
    expect([typeof article?.id, typeof article?.sourceId]).toEqual(['number', 'number']);
  });

  it('migrates once, keeping its bookkeeping in the store’s own schema', async () => {
    expect(await migrate(store)).toEqual([]);
    if (store.dialect.name === 'postgres') {
      const { rows } = await sql<{ schema: string }>`select table_schema as schema from information_schema.tables where table_name = 'kysely_migration'`.execute(store.db);
      expect(rows.map((r) => r.schema)).toContain(store.dialect.schema);
    }
  });

  it('stores text with a NUL character (dropped: PostgreSQL cannot keep it) and finds the item again', async () => {
    const source = await ensureSource(store.db, { kind: 'feed', title: 'Feed' });
    const item = { sourceId: source, guid: 'g\u00001', title: 'Nul\u0000 title', publishedAt: new Date('2019-02-10T10:00:00Z') };
    const first = await saveArticle(store.db, item, TZ);
    expect(first.outcome).toBe('created');
    expect((await saveArticle(store.db, item, TZ)).outcome).toBe('unchanged');
    expect((await findArticleBySlug(store.db, first.slug))?.title).toBe('Nul title');
    expect(await findStoredGuids(store.db, source, [item.guid, 'other'])).toEqual(new Set([item.guid]));
    await updateSource(store.db, source, { title: 'Feed\u0000 title' }); // any other text: dropped on PostgreSQL
    expect((await findSourceById(store.db, source))?.title.replaceAll('\u0000', '')).toBe('Feed title');
  });

  it('keeps counts exact when writers run at once (no deadlock on the count rows)', async () => {
    const sources = await Promise.all(['A', 'B', 'C', 'D', 'E', 'F'].map((title) => ensureSource(store.db, { kind: 'feed', title })));
    const days = ['2019-02-10', '2019-02-11', '2019-02-12', '2019-02-13'];
    await Promise.all(sources.map((sourceId, k) => {
      // Each writer touches the same days in another order.
      const order = k % 2 ? [...days].reverse() : days;
      return saveArticles(store.db, order.map((d, i) => ({ sourceId, guid: `${d}-${i}`, title: `Item ${d} of ${sourceId}`, publishedAt: new Date(`${d}T10:00:00Z`) })), TZ);
    }));
    for (const d of days) expect(await findDayCount(store.db, d)).toBe(sources.length);
    expect(await findPublishedTotal(store.db)).toBe(sources.length * days.length);
  });

  it('lets writers race for the same slugs and canonical URLs: each story stored once, none failing', async () => {
    const sources = await Promise.all(['A', 'B', 'C', 'D'].map((title) => ensureSource(store.db, { kind: 'feed', title })));
    const results = await Promise.all(sources.map((sourceId) => saveArticles(store.db, Array.from({ length: 20 }, (_, i) => ({
      sourceId, guid: `g${i}`, title: `Wire story ${i}`, canonicalUrl: i % 2 ? `https://wire.example/${i}` : null, publishedAt: new Date('2019-02-10T10:00:00Z'),
    })), TZ)));
    const outcomes = results.flat().map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(4 * 10 + 10); // own guids, plus each shared URL once
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(3 * 10);
    expect(new Set(results.flat().filter((r) => r.outcome === 'created').map((r) => r.slug)).size).toBe(50);
    expect(await findPublishedTotal(store.db)).toBe(50);
  });
});
