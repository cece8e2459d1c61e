/** Opening the store and running its migrations. */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './schema.js';
import { databaseLabel, migrationSchema, openDialect, StoreError, type DialectInfo, type Notifications, type OpenOptions } from './dialect.js';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_ingest.js';
import * as m0003 from './migrations/0003_search.js';
import * as m0004 from './migrations/0004_change_log.js';
import * as m0005 from './migrations/0005_source_identity.js';
import * as m0006 from './migrations/0006_categories.js';
import * as m0007 from './migrations/0007_media.js';
import * as m0008 from './migrations/0008_pages.js';
import * as m0009 from './migrations/0009_desk.js';
import * as m0011 from './migrations/0011_fetch_history.js';
import * as m0012 from './migrations/0012_desk_articles.js';
import * as m0013 from './migrations/0013_totp_step.js';
import * as m0014 from './migrations/0014_article_canonical.js';
import * as m0015 from './migrations/0015_websub.js';
import * as m0016 from './migrations/0016_sitemap_lastmod.js';
import * as m0017 from './migrations/0017_search_key.js';
import * as m0018 from './migrations/0018_search_title.js';
import * as m0019 from './migrations/0019_search_terms.js';
import * as m0020 from './migrations/0020_search_source.js';
import * as m0021 from './migrations/0021_search_source_pg.js';
import * as m0022 from './migrations/0022_search_period_pg.js';

export { databaseLabel, StoreError };

/** An open store: the typed query builder plus what kind of database it is. */
export interface Store {
  /** The DATABASE_URL it was opened with: another thread may open the same store (web/search-runner.ts). */
  url: string;
  db: Kysely<Database>;
  dialect: DialectInfo;
  /** How to hear of committed changes; changes.ts watchChanges() uses it. */
  notifications: Notifications;
  close(): Promise<void>;
}

type MigrationModule = { up(db: Kysely<any>, d: DialectInfo): Promise<void>; down(db: Kysely<any>, d: DialectInfo): Promise<void> };

/** Every migration in order; numbered files, never edited once landed. */
const MIGRATIONS: Record<string, MigrationModule> = {
  '0001_initial': m0001,
  '0002_ingest': m0002,
  '0003_search': m0003,
  '0004_change_log': m0004,
  '0005_source_identity': m0005,
  '0006_categories': m0006,
  '0007_media': m0007,
  '0008_pages': m0008,
  '0009_desk': m0009,
  '0011_fetch_history': m0011,
  '0012_desk_articles': m0012,
  '0013_totp_step': m0013,
  '0014_article_canonical': m0014,
  '0015_websub': m0015,
  '0016_sitemap_lastmod': m0016,
  '0017_search_key': m0017,
  '0018_search_title': m0018,
  '0019_search_terms': m0019,
  '0020_search_source': m0020,
  '0021_search_source_pg': m0021,
  '0022_search_period_pg': m0022,
};

/** Returns an open store for DATABASE_URL (`sqlite:PATH`, `sqlite::memory:`, `postgres://…`). */
export function openStore(url: string, opts: OpenOptions = {}): Store {
  const { db, info, notifications, close } = openDialect(url, opts);
  return { url, db, dialect: info, notifications, close };
}

/** Returns the Kysely migrator of this store over the shipped migrations. */
async function migratorOf(store: Store): Promise<Migrator> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, mod] of Object.entries(MIGRATIONS)) {
        out[name] = { up: (db) => mod.up(db, store.dialect), down: (db) => mod.down(db, store.dialect) };
      }
      return out;
    },
  };
  return new Migrator({ db: store.db, provider, migrationTableSchema: await migrationSchema(store.db, store.dialect) });
}

/** Applies pending migrations; returns the names applied. Throws StoreError naming the failed one. */
export async function migrate(store: Store): Promise<string[]> {
  const migrator = await migratorOf(store);
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error instanceof StoreError) throw error; // cannot connect: says so already
  if (error) {
    throw new StoreError(`store: migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Applies the shipped migrations up to and including `name` (tests of a migration: the store as it was before it). */
export async function migrateTo(store: Store, name: string): Promise<void> {
  const { error } = await (await migratorOf(store)).migrateTo(name);
  if (error) throw new StoreError(`store: migrating to ${name} failed: ${(error as Error).message}`, { cause: error });
}

/**
 * Returns the names of the shipped migrations this store has not applied (empty: current), as `/readyz` reports them.
 * @example await pendingMigrations(store) // [] or ['0013_totp_step']
 */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const all = await (await migratorOf(store)).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

/** Returns an open, migrated store. */
export async function openMigratedStore(url: string, opts: OpenOptions = {}): Promise<Store> {
  const store = openStore(url, opts);
  try {
    await migrate(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
