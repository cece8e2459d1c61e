/**
 * Everything that differs between SQLite and PostgreSQL lives here: opening the connection,
 * connection pragmas and column types used by migrations. The rest of src/store is portable SQL.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type ColumnDataType } from 'kysely';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

/** Column types and capabilities a migration may ask for. */
export interface DialectInfo {
  name: DialectName;
  /** Type of an auto-incrementing integer primary key (raw SQL). */
  idType: string;
  /** Type of a column referencing such a key, and of counters that may exceed 2^31. */
  bigintType: ColumnDataType;
}

/** An error opening or using the store; the message names the database and the cause. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** Returns a Kysely instance and its dialect info for `sqlite:PATH` (`sqlite::memory:` for tests). */
export function openDialect(url: string): { db: Kysely<Database>; info: DialectInfo } {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    const memory = path === ':memory:' || path === '';
    if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
    let conn: BetterSqlite3.Database;
    try {
      conn = new BetterSqlite3(memory ? ':memory:' : path);
      if (!memory) conn.pragma('journal_mode = WAL');
      conn.pragma('synchronous = NORMAL');
      conn.pragma('foreign_keys = ON');
      conn.pragma('busy_timeout = 5000');
      conn.pragma('cache_size = -65536');
      conn.pragma('temp_store = MEMORY');
    } catch (err) {
      throw new StoreError(`store: cannot open SQLite database ${path}: ${(err as Error).message}`, { cause: err });
    }
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(conn) }) });
    return { db, info: { name: 'sqlite', idType: 'integer', bigintType: 'integer' } };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new StoreError('store: PostgreSQL is not supported yet (DATABASE_URL=postgres://…); use sqlite:PATH');
  }
  throw new StoreError(`store: DATABASE_URL must be sqlite:PATH or postgres://…, got ${url}`);
}

/**
 * Returns the connection as Kysely's SQLite driver sees it, with prepared statements reused by SQL
 * text (the driver prepares on every query; page queries repeat the same few statements).
 */
function withStatementCache(conn: BetterSqlite3.Database) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => conn.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = conn.prepare(sql);
        if (cache.size >= 500) cache.clear(); // bulk inserts of odd sizes must not grow it without bound
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}
