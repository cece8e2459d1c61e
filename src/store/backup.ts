/**
 * Backup and restore of a whole store. SQLite: a page-by-page copy through SQLite's online backup
 * API on a connection of its own, in one read transaction (WAL: the site's readers and writers go
 * on meanwhile). PostgreSQL: pg_dump / pg_restore (src/store/backup-postgres.ts).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, linkSync, openSync, readSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { dumpPostgres, restorePostgres } from './backup-postgres.js';
import { StoreError } from './dialect.js';
import { inUseMessage, sqliteLockHolders } from './holders.js';

/** A backup or restore that cannot or must not go on; `code` says which case. */
export class BackupError extends StoreError {
  constructor(
    message: string,
    readonly code: 'MEMORY' | 'EXISTS' | 'NOT_FOUND' | 'NOT_JARIDA' | 'NOT_EMPTY' | 'IN_USE' | 'BUSY' | 'TOOL' | 'FAILED',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BackupError';
  }
}

/** What a backup wrote, or a restore put in place. */
export interface BackupResult {
  file: string;
  bytes: number;
  /** Articles in the copy (the snapshot's count). */
  articles: number;
  seconds: number;
}

/** Pages per backup step: all of them, so the copy is one read transaction and never restarts. */
const ALL_PAGES = 0x7fffffff;

/**
 * Writes a consistent copy of the store at `url` to `file` while the site may run and write:
 * a SQLite database file, or a pg_dump custom-format archive. Writes under a temporary name beside
 * `file` and renames it at the end, so a failure never leaves a partial file under that name.
 * Refuses `sqlite::memory:`, and an existing `file` unless `force`.
 * @example await backupStore('sqlite:./data/jarida.db', 'backup.db') // { file, bytes, articles, seconds }
 */
export async function backupStore(url: string, file: string, opts: { force?: boolean } = {}): Promise<BackupResult> {
  const started = performance.now();
  const sqlitePath = sqlitePathOf(url, 'backup');
  if (sqlitePath !== undefined && resolve(file) === resolve(sqlitePath)) throw new BackupError(`backup: ${file} is the store itself`, 'EXISTS');
  if (existsSync(file) && !opts.force) throw new BackupError(`backup: ${file} exists; --force overwrites it`, 'EXISTS');
  if (!existsSync(dirname(file) || '.')) throw new BackupError(`backup: no folder ${dirname(file)} for ${file}`, 'NOT_FOUND');
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const articles = sqlitePath === undefined ? await dumpPostgres(url, tmp) : await copySqlite(sqlitePath, tmp);
    if (opts.force) renameSync(tmp, file);
    else {
      // Without --force, a file that appeared meanwhile still wins: link fails where rename would replace it.
      try {
        linkSync(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError(`backup: ${file} exists; --force overwrites it`, 'EXISTS');
        throw err;
      }
      unlinkSync(tmp);
    }
    return { file, bytes: statSync(file).size, articles, seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    if (existsSync(tmp)) unlinkSync(tmp);
    if (err instanceof StoreError) throw err;
    throw new BackupError(`backup: writing ${file} failed: ${firstLine(err)}`, 'FAILED', { cause: err });
  }
}

/**
 * Replaces the store at `url` with a backup made by backupStore, after checking the file is one
 * (SQLite: integrity_check, articles and migrations tables; PostgreSQL: the archive's table of
 * contents). Refuses a store that has articles unless `force`, and a store another process has open
 * (`IN_USE`: a running site would go on showing what it cached of the old store; SQLite: the
 * connection's lock, PostgreSQL: a Jarida connection to the same schema).
 * @example await restoreStore('sqlite:./data/jarida.db', 'backup.db', { force: true })
 */
export async function restoreStore(url: string, file: string, opts: { force?: boolean } = {}): Promise<BackupResult> {
  const started = performance.now();
  const sqlitePath = sqlitePathOf(url, 'restore');
  if (!existsSync(file)) throw new BackupError(`restore: no file ${file}`, 'NOT_FOUND');
  if (sqlitePath !== undefined && resolve(file) === resolve(sqlitePath)) throw new BackupError(`restore: ${file} is the store itself`, 'NOT_JARIDA');
  const articles = sqlitePath === undefined
    ? await restorePostgres(url, file, Boolean(opts.force), magicOf(file) === 'postgres')
    : await restoreSqlite(sqlitePath, file, Boolean(opts.force));
  return { file, bytes: statSync(file).size, articles, seconds: (performance.now() - started) / 1000 };
}

/** Returns the SQLite file path of `url`, undefined for PostgreSQL; refuses an in-memory store. */
function sqlitePathOf(url: string, step: 'backup' | 'restore'): string | undefined {
  if (!url.startsWith('sqlite:')) return undefined;
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:' || path === '') throw new BackupError(`${step}: the store is in memory (sqlite::memory:); there is no file to ${step === 'backup' ? 'back up' : 'restore into'}`, 'MEMORY');
  return path;
}

/** Copies the SQLite database at `path` to `tmp` as a standalone file (no WAL); returns its article count. */
async function copySqlite(path: string, tmp: string): Promise<number> {
  if (!existsSync(path)) throw new BackupError(`backup: no SQLite database at ${path}`, 'NOT_FOUND');
  const source = new BetterSqlite3(path, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(tmp, { progress: () => ALL_PAGES });
  } catch (err) {
    throw new BackupError(`backup: cannot copy ${path}: ${firstLine(err)}`, 'FAILED', { cause: err });
  } finally {
    source.close();
  }
  const copy = new BetterSqlite3(tmp, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE'); // one self-contained file: no -wal/-shm to carry along
    return jaridaArticleCount(copy, path, 'backup');
  } finally {
    copy.close();
  }
}

/** Checks `file` is a sound Jarida SQLite database, then copies it over the store at `path`; returns its article count. */
async function restoreSqlite(path: string, file: string, force: boolean): Promise<number> {
  if (magicOf(file) !== 'sqlite') throw new BackupError(`restore: ${file} is not a Jarida SQLite database (not a SQLite file)`, 'NOT_JARIDA');
  if (existsSync(path)) assertSqliteUnused(path); // before the long integrity check, and again before the copy
  const backup = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    let articles: number;
    try {
      const check = backup.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new BackupError(`restore: ${file} fails SQLite's integrity check: ${String(check)}`, 'NOT_JARIDA');
      articles = jaridaArticleCount(backup, file, 'restore');
    } catch (err) {
      if (err instanceof BackupError) throw err;
      throw new BackupError(`restore: ${file} is not a Jarida SQLite database (${firstLine(err)})`, 'NOT_JARIDA', { cause: err });
    }
    if (existsSync(path)) {
      const target = new BetterSqlite3(path, { fileMustExist: true });
      try {
        target.pragma('busy_timeout = 5000');
        const has = target.prepare("select 1 from sqlite_master where type = 'table' and name = 'articles'").get();
        const n = has ? Number((target.prepare('select count(*) as n from articles').get() as { n: number }).n) : 0;
        if (n > 0 && !force) throw new BackupError(`restore: ${path} already has ${n} articles; --force replaces them`, 'NOT_EMPTY');
      } finally {
        target.close();
      }
      assertSqliteUnused(path);
    }
    try {
      // SQLite's own copy: writes the target through its pager, so its WAL and locks stay right.
      await backup.backup(path, { progress: () => ALL_PAGES });
    } catch (err) {
      const busy = /locked|busy/i.test(String((err as Error).message));
      throw new BackupError(
        busy ? `restore: ${path} is in use; stop \`jarida serve\` and other commands first` : `restore: cannot write ${path}: ${firstLine(err)}`,
        busy ? 'BUSY' : 'FAILED',
        { cause: err },
      );
    }
    return articles;
  } finally {
    backup.close();
  }
}

/**
 * Throws IN_USE when another connection has the SQLite database at `path` open. Every connection to
 * a WAL database holds a shared lock on the file from its first read until it closes, so a
 * connection in exclusive locking mode cannot read it while another one exists (the refusal names
 * the processes where /proc/locks shows them).
 */
function assertSqliteUnused(path: string): void {
  const probe = new BetterSqlite3(path, { fileMustExist: true });
  try {
    probe.pragma('busy_timeout = 500'); // a process that is closing gets that long
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.prepare('select count(*) from sqlite_master').get();
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new BackupError(inUseMessage(path, sqliteLockHolders(path)), 'IN_USE', { cause: err });
    throw new BackupError(`restore: cannot open ${path}: ${firstLine(err)}`, 'FAILED', { cause: err });
  } finally {
    probe.close();
  }
}

/** Returns the article count of an open SQLite database; throws NOT_JARIDA without the articles or migrations table. */
function jaridaArticleCount(conn: BetterSqlite3.Database, label: string, step: 'backup' | 'restore'): number {
  const tables = new Set((conn.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((r) => r.name));
  for (const t of ['articles', 'kysely_migration']) {
    if (!tables.has(t)) throw new BackupError(`${step}: ${label} is not a Jarida SQLite database (no ${t} table)`, 'NOT_JARIDA');
  }
  return Number((conn.prepare('select count(*) as n from articles').get() as { n: number }).n);
}

/** Returns what a file's first bytes say it is. */
function magicOf(file: string): 'sqlite' | 'postgres' | 'other' {
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') === 'SQLite format 3\u0000') return 'sqlite';
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'postgres';
  return 'other';
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}
