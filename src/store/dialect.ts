/**
 * Everything that differs between SQLite and PostgreSQL lives here: opening the connection,
 * connection settings, how numbers come back and column types used by migrations. The rest of
 * src/store is portable SQL.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely, OperationNodeTransformer, PostgresDialect, PrimitiveValueListNode, SqliteAdapter, SqliteDialect, ValueNode, sql,
  type ColumnDataType, type CompiledQuery, type KyselyConfig, type KyselyPlugin, type PostgresPool, type RawBuilder, type SqliteStatement, type Transaction,
} from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.js';
import { bindsLimit, MAX_LIMIT_FORMS, withLimitsWritten } from './sqlite-limits.js';

/** pg, loaded by the first PostgreSQL store (synchronously, as openStore is): a SQLite process never loads its ~10 MB. */
let pgModule: typeof pg | undefined;
function loadPg(): typeof pg {
  return (pgModule ??= createRequire(import.meta.url)('pg') as typeof pg);
}

export type DialectName = 'sqlite' | 'postgres';

/** Column types and capabilities a migration may ask for. */
export interface DialectInfo {
  name: DialectName;
  /** Type of an auto-incrementing integer primary key (raw SQL). */
  idType: string;
  /** Type of a column referencing such a key, and of counters that may exceed 2^31. */
  bigintType: ColumnDataType;
  /** PostgreSQL: the schema named by `?schema=` (every connection's search_path); undefined: the default. */
  schema?: string;
}

/** An error opening or using the store; the message names the database and the cause. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * How a process hears of committed changes (store/changes.ts). PostgreSQL: a new client with the
 * store's connection settings, not from the pool, for LISTEN. SQLite, which has no NOTIFY: the
 * connection's own `pg_notify()` calls, delivered in this process after COMMIT (dropped at ROLLBACK),
 * and whether the database is a file another process may write too.
 */
export type Notifications =
  | { kind: 'postgres'; newClient(): pg.Client }
  | { kind: 'sqlite'; file: boolean; subscribe(listener: (channel: string, payload: string) => void): () => void };

/** Connections per process to PostgreSQL: page queries are short; ingestion holds one per transaction. */
const PG_POOL_SIZE = 10;

/**
 * Returns a Kysely instance and its dialect info for `sqlite:PATH` (`sqlite::memory:` for tests) or
 * `postgres://user:password@host:port/database[?schema=NAME]` (any libpq URL parameter pg knows, too).
 * PostgreSQL connects on the first query; a failed connection rejects it with a StoreError.
 */
export function openDialect(url: string, opts: OpenOptions = {}): { db: Kysely<Database>; info: DialectInfo; notifications: Notifications; close(): Promise<void> } {
  const log = queryLog(opts.onQuery);
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), opts.sqliteCacheMb ?? 64, log, opts.onQuery);
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, log);
  throw new StoreError(`store: DATABASE_URL must be sqlite:PATH or postgres://…, got ${databaseLabel(url)}`);
}

/**
 * Returns the database URL fit for logs and messages: PostgreSQL as host:port/database (no user,
 * no password), SQLite as is.
 * @example databaseLabel('postgres://u:pw@db:6432/news?schema=site') === 'db:6432/news (schema site)'
 */
export function databaseLabel(url: string): string {
  const redacted = url.replace(/\/\/[^@/]*@/, '//…@');
  if (!/^postgres(ql)?:\/\//.test(url)) return redacted;
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    const schema = u.searchParams.get('schema');
    return `${host}:${u.port || 5432}/${decodeURIComponent(u.pathname.slice(1)) || 'postgres'}${schema ? ` (schema ${schema})` : ''}`;
  } catch {
    return redacted; // not a URL: at least no password
  }
}

/**
 * Returns the schema Kysely's migration tables belong in: on PostgreSQL the `?schema=` one, else the
 * connection's current schema (Kysely otherwise finds its tables in any schema of the database);
 * undefined on SQLite.
 */
export async function migrationSchema(db: Kysely<Database>, info: DialectInfo): Promise<string | undefined> {
  if (info.name !== 'postgres') return undefined;
  if (info.schema) return info.schema;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}

/**
 * Returns true when a failed write lost a race to a concurrent transaction over a unique key (the
 * same slug or canonical URL): running it again finds the other row. Only PostgreSQL has
 * concurrent writers; on SQLite a unique violation is the caller's own and would fail again.
 */
export function isWriteRace(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23505' && pgModule !== undefined && err instanceof pgModule.DatabaseError;
}

/** How to open a store. */
export interface OpenOptions {
  /**
   * SQLite's page cache per connection, in MB (default 64: bulk writes gain from it). The web's
   * readers take less: the operating system caches the file too, and each worker has its own.
   */
  sqliteCacheMb?: number;
  /** Hears each query's kind (`select`, `insert`, `update`, `delete`, `raw` …) and duration in seconds (metrics/). */
  onQuery?: (kind: string, seconds: number) => void;
}

/** Returns Kysely's `log` option calling `onQuery` with the statement's kind, never its SQL text. */
function queryLog(onQuery: OpenOptions['onQuery']): KyselyConfig['log'] {
  if (!onQuery) return undefined;
  return (event) => onQuery(queryKind(event.query.query.kind), event.queryDurationMillis / 1000);
}

/** `SelectQueryNode` → `select`, `RawNode` → `raw`. */
function queryKind(node: string): string {
  return node.replace(/(QueryNode|Node)$/, '').toLowerCase() || 'other';
}

function openSqlite(path: string, cacheMb: number, log: KyselyConfig['log'], onQuery: OpenOptions['onQuery']): { db: Kysely<Database>; info: DialectInfo; notifications: Notifications; close(): Promise<void> } {
  const memory = path === ':memory:' || path === '';
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  let conn: BetterSqlite3.Database;
  try {
    conn = new BetterSqlite3(memory ? ':memory:' : path);
    if (!memory) conn.pragma('journal_mode = WAL');
    conn.pragma('synchronous = NORMAL');
    conn.pragma('foreign_keys = ON');
    conn.pragma('busy_timeout = 5000');
    conn.pragma(`cache_size = -${Math.round(cacheMb * 1024)}`);
    conn.pragma('temp_store = MEMORY');
  } catch (err) {
    throw new StoreError(`store: cannot open SQLite database ${path}: ${(err as Error).message}`, { cause: err });
  }
  const notify = emulatedNotify(conn);
  const database = withStatementCache(conn, notify);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), log });
  const rowReaders = new Map<string, { stmt: BetterSqlite3.Statement; row: (values: unknown[]) => unknown }>();
  const ownProto = Object.hasOwn(conn.prepare('select 1 as "__proto__"').get() as object, '__proto__');
  readers.set(db, (query, parameters) => {
    // A transaction holds the connection (Kysely's driver queues the others behind it): wait as they do.
    if (conn.inTransaction) return undefined;
    const start = onQuery ? performance.now() : 0;
    try {
      const [text, values] = withLimitsWritten(query.sql, parameters); // sqlite-limits.ts: no preparing again on every run
      let r = rowReaders.get(text);
      if (!r) {
        const stmt = conn.prepare(text);
        if (!stmt.reader) return database.prepare(query.sql).all(parameters);
        if (rowReaders.size >= 500) rowReaders.clear();
        rowReaders.set(text, (r = { stmt: stmt.raw(true), row: rowMaker(stmt.columns().map((c) => c.name), ownProto) }));
      }
      return r.stmt.all(values as unknown[]).map(r.row as (v: unknown) => unknown);
    } finally {
      onQuery?.(queryKind(query.query.kind), (performance.now() - start) / 1000);
    }
  });
  return {
    db,
    info: { name: 'sqlite', idType: 'integer', bigintType: 'integer' },
    notifications: { kind: 'sqlite', file: !memory, subscribe: notify.subscribe },
    // Kysely's driver closes the connection only if it ever used it: a store read only through the
    // direct reader would keep its file open after close (restore then finds it "in use").
    close: async () => {
      await db.destroy();
      if (conn.open) conn.close();
    },
  };
}

/**
 * PostgreSQL's `pg_notify(channel, payload)` and `current_schema()` on a SQLite connection, so the
 * store signals changes with the same SQL on both: a notification made inside a transaction is
 * delivered to this process's listeners after COMMIT and dropped at ROLLBACK, as PostgreSQL does.
 */
function emulatedNotify(conn: BetterSqlite3.Database) {
  const listeners = new Set<(channel: string, payload: string) => void>();
  let pending: [string, string][] = [];
  const deliver = (batch: [string, string][]) => {
    if (batch.length === 0) return;
    // After the statement returns, like PostgreSQL's delivery between transactions.
    queueMicrotask(() => {
      for (const [channel, payload] of batch) for (const l of [...listeners]) l(channel, payload);
    });
  };
  conn.function('pg_notify', { deterministic: false }, (channel: unknown, payload: unknown) => {
    const n: [string, string] = [String(channel), payload === null ? '' : String(payload)];
    if (conn.inTransaction) pending.push(n);
    else deliver([n]);
    return null;
  });
  conn.function('current_schema', () => 'main');
  // Names this connection in the change log (changes.ts), so its watcher skips what it heard already.
  const connection = randomUUID();
  conn.function('jarida_connection', () => connection);
  return {
    subscribe(listener: (channel: string, payload: string) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    /** The transaction ended: deliver what it signalled (committed) or drop it (rolled back). */
    ended(committed: boolean) {
      const batch = pending;
      pending = [];
      if (committed) deliver(batch);
    },
  };
}

function openPostgres(url: string, log: KyselyConfig['log']): { db: Kysely<Database>; info: DialectInfo; notifications: Notifications; close(): Promise<void> } {
  const label = databaseLabel(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch (err) {
    throw new StoreError(`store: DATABASE_URL is not a valid postgres:// URL (${label})`, { cause: err });
  }
  const schema = u.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError(`store: DATABASE_URL ?schema=${schema} must be a lower-case PostgreSQL name (letters, digits, _)`);
  }
  u.searchParams.delete('schema'); // ours, not libpq's
  const pg = loadPg();
  const settings = {
    connectionString: u.toString(),
    application_name: jaridaApplicationName(process.pid, schema),
    connectionTimeoutMillis: 10_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  };
  // min 1: a process keeps one connection while the store is open, so `jarida restore` sees it (backup-postgres.ts).
  const pool = new pg.Pool({ ...settings, max: PG_POOL_SIZE, min: 1 });
  // An idle connection the server closed (restart, failover): pg drops it from the pool and the
  // next query opens a new one. Without a listener the event would end the process.
  pool.on('error', () => {});
  const guarded: PostgresPool = {
    async connect() {
      try {
        return await pool.connect();
      } catch (err) {
        throw new StoreError(`store: cannot connect to PostgreSQL at ${label}: ${connectCause(err)}`, { cause: err });
      }
    },
    end: () => pool.end(),
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guarded }), plugins: [withoutNul], log });
  return {
    db,
    info: { name: 'postgres', idType: 'bigserial', bigintType: 'bigint', ...(schema ? { schema } : {}) },
    notifications: { kind: 'postgres', newClient: () => new pg.Client({ ...settings, application_name: 'jarida-listen' }) },
    close: () => db.destroy(),
  };
}

/**
 * Returns the `application_name` of a Jarida process's store connections: `jarida <pid> <schema>`
 * (PostgreSQL keeps 63 bytes), so pg_stat_activity tells which process has which store open.
 * @example jaridaApplicationName(1234, 'site') === 'jarida 1234 site'
 */
export function jaridaApplicationName(pid: number, schema: string | undefined): string {
  return `jarida ${pid} ${schema ?? 'public'}`.slice(0, 63);
}

/**
 * PostgreSQL text cannot hold U+0000 (the statement fails: "invalid byte sequence"), and a feed may
 * carry one; every string parameter loses its NULs, so writes and the lookups that find them agree.
 */
const withoutNul: KyselyPlugin = (() => {
  const strip = withoutNulParam;
  class StripNul extends OperationNodeTransformer {
    protected override transformValue(node: ValueNode): ValueNode {
      const v = strip(node.value);
      return v === node.value ? node : node.immediate ? ValueNode.createImmediate(v) : ValueNode.create(v);
    }
    protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
      return node.values.some((v) => strip(v) !== v) ? PrimitiveValueListNode.create(node.values.map(strip)) : node;
    }
  }
  const transformer = new StripNul();
  return {
    transformQuery: (args) => transformer.transformNode(args.node, args.queryId),
    transformResult: async (args) => args.result,
  };
})();

/** Returns a query parameter as PostgreSQL may take it: a string without U+0000 (see withoutNul). */
export function withoutNulParam(v: unknown): unknown {
  return typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '') : v;
}

/** Returns true for a SQLite store (or a transaction on one): for the few statements that differ by dialect. */
export function isSqlite(db: Kysely<Database> | Transaction<Database>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/** Returns true when the database's string parameters lose their NULs (PostgreSQL); prepared.ts applies it itself. */
export function stripsNul(db: Kysely<Database>): boolean {
  return db.getExecutor().plugins.includes(withoutNul);
}

const INT8 = 20;
const NUMERIC = 1700;

/**
 * pg returns bigint (ids from bigserial, count(*)) and numeric (sum of a bigint) as strings, lest
 * they lose precision; the store's numbers are all safe integers, so they come back as numbers
 * like SQLite's, and one that is not is an error rather than a silently wrong value.
 */
function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === INT8) return toSafeInteger;
  if (oid === NUMERIC) return Number;
  return (loadPg().types.getTypeParser as (oid: number, format?: string) => (value: string) => unknown)(oid, format);
}

function toSafeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new StoreError(`store: PostgreSQL returned ${value}, beyond JavaScript's safe integers`);
  return n;
}

/** Returns a connection failure's cause in a few words (node's network codes, or PostgreSQL's message). */
function connectCause(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e.code ?? e.errors?.[0]?.code;
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'host not found';
    case 'ETIMEDOUT': return 'timed out';
    case 'ECONNRESET': return 'connection reset';
    case 'EHOSTUNREACH': case 'ENETUNREACH': return 'host unreachable';
  }
  return (e.message || code || String(err)).split('\n')[0]!;
}

/**
 * Returns a function making a row object from a row's values in column order, the same object
 * better-sqlite3 makes (keys in that order, a repeated name's last value), written as an object
 * literal: better-sqlite3 sets each property from C++, which took a quarter of a 20-row headline
 * read (measured: 76 µs as objects, 59 µs as arrays made into objects here).
 */
function rowMaker(names: readonly string[], ownProto: boolean): (values: unknown[]) => unknown {
  // The statement's own column names, quoted. A column named __proto__ is what better-sqlite3 makes
  // of it in this runtime (`ownProto`, asked once per connection): built for Node 22 and later it
  // defines an own property (written `["__proto__"]: v`), for Node 20 it assigns (a literal
  // `"__proto__": v`: the prototype when v is an object or null, else nothing).
  const keys = names.map((n, i) => `${n === '__proto__' && ownProto ? '["__proto__"]' : JSON.stringify(n)}: v[${i}]`);
  return new Function('v', `return { ${keys.join(', ')} };`) as (values: unknown[]) => unknown;
}

/** Runs a read at once and returns its rows, or undefined when it must go through Kysely. */
export type DirectReader = (query: CompiledQuery, parameters: readonly unknown[]) => unknown[] | undefined;

const readers = new WeakMap<Kysely<Database> | Transaction<Database>, DirectReader>();

/**
 * Returns how to run a read on a SQLite store's own connection without Kysely's driver, or undefined
 * (PostgreSQL, a transaction). The driver takes a lock, and several promise turns, around a call
 * that better-sqlite3 makes synchronously: for the 0.01–0.1 ms reads of a page, about as long as the
 * read itself. The reader declines while a transaction holds the connection (the read then waits
 * for it through Kysely, as before), and reports each read to `onQuery` as Kysely's log does.
 */
export function directReader(db: Kysely<Database> | Transaction<Database>): DirectReader | undefined {
  return readers.get(db);
}

/**
 * Returns the rows of a read built with Kysely's `sql` template, run like a prepared read: on a
 * SQLite store at once on its connection (directReader), else through Kysely. A search makes five
 * or six such reads, each of which paid the driver's lock and promise turns.
 * @example const rows = await readRows(db, sql<{ n: number }>`select count(*) as n from articles`);
 */
export async function readRows<R>(db: Kysely<Database> | Transaction<Database>, query: RawBuilder<R>): Promise<R[]> {
  const compiled = query.compile(db); // once: Kysely runs the same compiled query when the reader declines
  const rows = directReader(db)?.(compiled, compiled.parameters);
  if (rows) return rows as R[];
  return (await db.executeQuery(compiled)).rows;
}

/**
 * Returns a statement of `sql` for Kysely's driver that runs, for each set of LIMIT values, a
 * statement with them written in (sqlite-limits.ts); the statement itself when it binds no LIMIT.
 */
function limitsWritten(conn: BetterSqlite3.Database, sql: string): SqliteStatement {
  const plain = conn.prepare(sql);
  if (!bindsLimit(sql)) return plain;
  const forms = new Map<string, BetterSqlite3.Statement>();
  const pick = (parameters: readonly unknown[]): [BetterSqlite3.Statement, unknown[]] => {
    const [text, values] = withLimitsWritten(sql, parameters);
    if (text === sql) return [plain, parameters as unknown[]];
    let stmt = forms.get(text);
    if (!stmt) {
      stmt = conn.prepare(text);
      if (forms.size >= MAX_LIMIT_FORMS) forms.clear();
      forms.set(text, stmt);
    }
    return [stmt, values as unknown[]];
  };
  return {
    reader: plain.reader,
    all: (parameters) => {
      const [stmt, values] = pick(parameters);
      return stmt.all(values);
    },
    run: (parameters) => {
      const [stmt, values] = pick(parameters);
      return stmt.run(values);
    },
    iterate: (parameters) => {
      const [stmt, values] = pick(parameters);
      return stmt.iterate(values);
    },
  };
}

/**
 * Returns the connection as Kysely's SQLite driver sees it, with prepared statements reused by SQL
 * text (the driver prepares on every query; page queries repeat the same few statements), and the
 * end of each transaction (the driver's own COMMIT and ROLLBACK) told to the emulated notify.
 */
function withStatementCache(conn: BetterSqlite3.Database, notify: { ended(committed: boolean): void }) {
  const cache = new Map<string, SqliteStatement>();
  const ending = (sql: string, committed: boolean) => {
    const stmt = conn.prepare(sql);
    return {
      reader: false,
      run(params: unknown[]) {
        let ok = false;
        try {
          const r = stmt.run(params);
          ok = true;
          return r;
        } finally {
          // A failed COMMIT leaves the transaction open: its notifications wait for the ROLLBACK.
          if (ok || !committed) notify.ended(ok && committed);
        }
      },
      all: (params: unknown[]) => stmt.all(params),
      iterate: (params: unknown[]) => stmt.iterate(params),
    };
  };
  const begin = conn.prepare('begin immediate');
  const commit = ending('commit', true);
  const rollback = ending('rollback', false);
  return {
    close: () => conn.close(),
    prepare(sql: string) {
      // Every transaction here writes: take the write lock at BEGIN, where busy_timeout waits for it,
      // not at the first write, where another process's commit would fail ours with SQLITE_BUSY.
      if (sql === 'begin') return begin;
      if (sql === 'commit') return commit;
      if (sql === 'rollback') return rollback;
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = limitsWritten(conn, sql);
        if (cache.size >= 500) cache.clear(); // bulk inserts of odd sizes must not grow it without bound
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}
