/**
 * Stores for tests: SQLite in memory by default; a throwaway PostgreSQL schema when
 * JARIDA_TEST_STORE=postgres (the `postgres` vitest project), in JARIDA_TEST_PG_URL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { openMigratedStore, openStore, type Store } from './db.js';
import { localDay } from '../calendar/zone.js';
import { rebuildDayCounts } from './day-counts.js';
import { ensureSource } from './sources.js';
import type { Database } from './schema.js';

export type TestStoreKind = 'sqlite' | 'postgres';

/** Returns the kind of store this test run uses (JARIDA_TEST_STORE, default sqlite). */
export function testStoreKind(): TestStoreKind {
  return process.env.JARIDA_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
}

/** Returns the PostgreSQL database test schemas are made in. */
export function testPostgresUrl(): string {
  return process.env.JARIDA_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
}

/** A database for a test to hand to another process (DATABASE_URL), and its removal. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Returns a new, empty database: a SQLite file in a temporary folder, or a fresh PostgreSQL schema
 * (`?schema=jarida_test_…`); `drop()` deletes it (schema dropped with CASCADE).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testStoreKind() === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'jarida-test-'));
    return { url: `sqlite:${join(dir, 'j.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `jarida_test_${randomBytes(6).toString('hex')}`;
  await onServer(sql`create schema ${sql.id(schema)}`);
  const url = new URL(testPostgresUrl());
  url.searchParams.set('schema', schema);
  return { url: url.toString(), drop: () => onServer(sql`drop schema if exists ${sql.id(schema)} cascade`) };
}

/**
 * Returns an empty place to restore a backup of `from` into: a new SQLite file, or a new PostgreSQL
 * database with the same `?schema=` (a pg_dump archive restores into its own schema name).
 */
export async function createTestRestoreTarget(from: string): Promise<TestDatabase> {
  if (testStoreKind() === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'jarida-restore-'));
    return { url: `sqlite:${join(dir, 'restored.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `jarida_restore_${randomBytes(5).toString('hex')}`;
  await onServer(sql`create database ${sql.id(name)}`);
  const url = new URL(testPostgresUrl());
  url.pathname = `/${name}`;
  const schema = new URL(from).searchParams.get('schema');
  if (schema) url.searchParams.set('schema', schema);
  return { url: url.toString(), drop: () => onServer(sql`drop database if exists ${sql.id(name)} with (force)`) };
}

/** Returns a fresh migrated store; its `close()` also deletes it (PostgreSQL: drops its schema). */
export async function openTestStore(): Promise<Store> {
  if (testStoreKind() === 'sqlite') return openMigratedStore('sqlite::memory:');
  const database = await createTestDatabase();
  let store: Store;
  try {
    store = await openMigratedStore(database.url);
  } catch (err) {
    await database.drop();
    throw err;
  }
  return {
    ...store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}

let probed: Promise<boolean> | undefined;

/**
 * Returns true when this run's store tests must be skipped: PostgreSQL is asked for but not
 * reachable, and not required (JARIDA_REQUIRE_POSTGRES=1 makes the tests fail instead). Warns once
 * per test file when it skips.
 */
export function skipStoreTests(): Promise<boolean> {
  probed ??= (async () => {
    if (testStoreKind() === 'sqlite') return false;
    try {
      await onServer(sql`select 1`);
      return false;
    } catch (err) {
      if (process.env.JARIDA_REQUIRE_POSTGRES === '1') return false; // openTestStore fails, naming the cause
      console.warn(`SKIPPED PostgreSQL tests: ${(err as Error).message} (start PostgreSQL, or set JARIDA_TEST_PG_URL)`);
      return true;
    }
  })();
  return probed;
}

/** Runs one statement on the test server's default schema, on a connection of its own. */
async function onServer(statement: ReturnType<typeof sql>): Promise<void> {
  const admin = openStore(testPostgresUrl());
  try {
    await statement.execute(admin.db);
  } finally {
    await admin.close();
  }
}

/**
 * Returns every way the kept counts differ from the articles (none: an empty list): day counts and
 * the total, each category's and source's published count, and category rows whose status or
 * instant differ from their article's. Tests assert it is empty after every write.
 */
export async function findCountDrift(db: Kysely<Database>): Promise<string[]> {
  const drift: string[] = [];
  const days = await db.selectFrom('articles').select(['local_day', sql<number>`count(*)`.as('n')]).where('status', '=', 'published').groupBy('local_day').execute();
  const truth = new Map(days.map((r) => [r.local_day, Number(r.n)]));
  const kept = await db.selectFrom('day_counts').select(['local_day', 'count']).where('count', '!=', 0).execute();
  for (const r of kept) if (truth.get(r.local_day) !== Number(r.count)) drift.push(`day ${r.local_day}: kept ${r.count}, is ${truth.get(r.local_day) ?? 0}`);
  for (const [day, n] of truth) if (!kept.some((r) => r.local_day === day)) drift.push(`day ${day}: kept 0, is ${n}`);
  const total = [...truth.values()].reduce((a, b) => a + b, 0);
  const counter = await db.selectFrom('counters').select('value').where('name', '=', 'published_total').executeTakeFirst();
  if (Number(counter?.value ?? 0) !== total) drift.push(`total: kept ${counter?.value ?? 0}, is ${total}`);
  const cats = await db.selectFrom('categories as c').select(['c.slug', 'c.count', (eb) => eb.selectFrom('article_categories as ac').select(sql<number>`count(*)`.as('n')).whereRef('ac.category_id', '=', 'c.id').where('ac.published', '=', 1).as('n')]).execute();
  for (const c of cats) if (Number(c.count) !== Number(c.n)) drift.push(`category ${c.slug}: kept ${c.count}, is ${c.n}`);
  const sources = await db.selectFrom('sources as s').select(['s.id', 's.published_count', (eb) => eb.selectFrom('articles as a').select(sql<number>`count(*)`.as('n')).whereRef('a.source_id', '=', 's.id').where('a.status', '=', 'published').as('n')]).execute();
  for (const s of sources) if (Number(s.published_count) !== Number(s.n)) drift.push(`source ${s.id}: kept ${s.published_count}, is ${s.n}`);
  const rows = await db.selectFrom('article_categories as ac').innerJoin('articles as a', 'a.id', 'ac.article_id').select(['ac.article_id', 'ac.published', 'ac.published_at', 'a.status', 'a.published_at as at']).execute();
  for (const r of rows) {
    if (Number(r.published) !== (r.status === 'published' ? 1 : 0) || r.published_at !== r.at) drift.push(`article ${r.article_id}: filed as ${r.published}/${r.published_at}, is ${r.status}/${r.at}`);
  }
  return drift;
}

/**
 * Fills a store with `total` published articles fast, for tests at scale (the sitemaps' 200,000):
 * rows written straight in multi-row statements, then the day counts and the source's count
 * rebuilt once; no search terms and no categories (the articles are in no search result, no section
 * or tag). Spread evenly over `spanMs` ending at `endMs`, oldest first, one source, slugs `a-<i>`;
 * every seventh edited three hours after it was published (updated_at), so lastmods differ from
 * publication times. Returns the source's id.
 * @example await fillTestArticles(store, 200_000, { endMs: Date.parse('2026-12-06T08:00:00Z'), spanMs: 100 * 86_400_000, timeZone: 'Europe/Istanbul' })
 */
export async function fillTestArticles(store: Store, total: number, opts: { endMs: number; spanMs: number; timeZone: string }): Promise<number> {
  const sourceId = await ensureSource(store.db, { kind: 'feed', title: 'Bulk wire', url: 'https://bulk.example/feed.xml', siteUrl: 'https://bulk.example/' });
  const langs = ['en', 'tr', 'ar'];
  const step = opts.spanMs / total;
  const created = new Date(opts.endMs).toISOString();
  // The local day of each quarter hour, worked out once (Intl is what makes a row slow; zones move by quarter hours at most).
  const days = new Map<number, string>();
  const dayOf = (ms: number) => {
    const q = Math.floor(ms / 900_000);
    let d = days.get(q);
    if (d === undefined) days.set(q, (d = localDay(new Date(q * 900_000), opts.timeZone)));
    return d;
  };
  await store.db.transaction().execute(async (trx) => {
    for (let start = 0; start < total; start += 500) {
      const rows = [];
      for (let i = start; i < Math.min(start + 500, total); i++) {
        const ms = Math.round(opts.endMs - opts.spanMs + i * step);
        const publishedAt = new Date(ms).toISOString();
        const updatedAt = i % 7 === 0 ? new Date(ms + 3 * 3600_000).toISOString() : publishedAt;
        rows.push({ source_id: sourceId, guid: `bulk-${i}`, slug: `a-${i}`, title: `Story ${i}`, language: langs[i % 3]!, published_at: publishedAt, local_day: dayOf(ms), status: 'published', created_at: created, updated_at: updatedAt });
      }
      await trx.insertInto('articles').values(rows).execute();
    }
    await rebuildDayCounts(trx);
    await trx.updateTable('sources').set({ published_count: total }).where('id', '=', sourceId).execute();
  });
  return sourceId;
}
