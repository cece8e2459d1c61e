/**
 * PostgreSQL backup and restore through pg_dump / pg_restore (postgresql-client). The connection
 * goes to them in the environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), never in argv,
 * so no password shows in `ps`.
 */
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { BackupError } from './backup.js';
import { openStore, type Store } from './db.js';
import { databaseLabel, jaridaApplicationName, StoreError } from './dialect.js';
import { inUseMessage, type Holder } from './holders.js';

/**
 * Dumps the database of `url` (only its `?schema=` schema when one is set) to `file` in pg_dump's
 * custom format, from a snapshot exported by a repeatable-read transaction that also counts the
 * articles; returns that count.
 */
export async function dumpPostgres(url: string, file: string): Promise<number> {
  const { env, schema } = connectionOf(url);
  await run('pg_dump', ['--version'], {}, 'backup'); // missing: say so before connecting
  const store = openStore(url);
  try {
    return await store.db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
      const { rows } = await sql<{ snapshot: string }>`select pg_export_snapshot() as snapshot`.execute(trx);
      const counted = await sql<{ n: number }>`select count(*) as n from articles`.execute(trx);
      const args = ['--format=custom', `--file=${file}`, `--snapshot=${rows[0]!.snapshot}`, '--no-password'];
      if (schema) args.push(`--schema=${schema}`);
      await run('pg_dump', args, env, 'backup');
      return Number(counted.rows[0]!.n);
    });
  } catch (err) {
    if (err instanceof BackupError || err instanceof StoreError) throw err;
    if ((err as { code?: string }).code === '42P01') throw new BackupError(`backup: ${databaseLabel(url)} is not a Jarida store (no articles table)`, 'NOT_JARIDA', { cause: err });
    throw new BackupError(`backup: ${databaseLabel(url)}: ${String((err as Error).message).split('\n')[0]}`, 'FAILED', { cause: err });
  } finally {
    await store.close();
  }
}

/**
 * Restores a pg_dump custom archive into the database and schema of `url` with pg_restore
 * --no-owner, in one transaction; the archive's schema must be the one `url` names. Refuses a
 * store another Jarida process is connected to, and one that has articles unless `force`. Returns
 * the articles restored.
 */
export async function restorePostgres(url: string, file: string, force: boolean, looksLikeDump: boolean): Promise<number> {
  if (!looksLikeDump) throw new BackupError(`restore: ${file} is not a Jarida PostgreSQL backup (not a pg_dump custom archive)`, 'NOT_JARIDA');
  const { env, schema } = connectionOf(url);
  const toc = await run('pg_restore', ['--list', file], {}, 'restore');
  const tables = [...toc.matchAll(/^\d+; \d+ \d+ TABLE (\S+) (\S+) /gm)].map((m) => ({ schema: m[1]!, name: m[2]! }));
  const articles = tables.find((t) => t.name === 'articles');
  if (!articles || !tables.some((t) => t.name === 'kysely_migration')) {
    throw new BackupError(`restore: ${file} is not a Jarida PostgreSQL backup (no articles or kysely_migration table)`, 'NOT_JARIDA');
  }
  const target = schema ?? 'public';
  if (articles.schema !== target) {
    throw new BackupError(
      `restore: ${file} holds schema ${articles.schema}, DATABASE_URL names schema ${target}; set ?schema=${articles.schema} (README: Backup and restore)`,
      'NOT_JARIDA',
    );
  }
  const store = openStore(url);
  try {
    const holders = await otherProcesses(store, target);
    if (holders.length) throw new BackupError(inUseMessage(databaseLabel(url), holders), 'IN_USE');
    const { rows } = await sql<{ present: boolean }>`select to_regclass(${`${target}.articles`}) is not null as present`.execute(store.db);
    if (rows[0]?.present) {
      const n = Number((await sql<{ n: number }>`select count(*) as n from ${sql.id(target, 'articles')}`.execute(store.db)).rows[0]!.n);
      if (n > 0 && !force) throw new BackupError(`restore: ${databaseLabel(url)} already has ${n} articles; --force replaces them`, 'NOT_EMPTY');
    }
    // --clean --if-exists: a store that is there but empty (or replaced with --force) is dropped first.
    await run('pg_restore', ['--no-owner', '--clean', '--if-exists', '--single-transaction', '--no-password', `--dbname=${env.PGDATABASE}`, file], env, 'restore');
    return Number((await sql<{ n: number }>`select count(*) as n from ${sql.id(target, 'articles')}`.execute(store.db)).rows[0]!.n);
  } finally {
    await store.close();
  }
}

/**
 * Returns the other Jarida processes connected to `schema` of this database, by their connections'
 * application_name (`jarida <pid> <schema>`, dialect.ts; each keeps one while its store is open).
 * A process that has just stopped gets a second to close its connections.
 */
async function otherProcesses(store: Store, schema: string): Promise<Holder[]> {
  for (let attempt = 0; ; attempt++) {
    const { rows } = await sql<{ name: string; addr: string | null; local: boolean }>`
      select application_name as name, host(client_addr) as addr,
        client_addr is null or client_addr is not distinct from inet_client_addr() or host(client_addr) in ('127.0.0.1', '::1') as local
      from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and application_name like 'jarida %'`.execute(store.db);
    const found = new Map<string, Holder>();
    for (const r of rows) {
      const pid = Number(/^jarida (\d+) /.exec(r.name)?.[1]);
      if (!pid || r.name !== jaridaApplicationName(pid, schema)) continue;
      const holder: Holder = r.local ? { pid } : { pid, host: r.addr ?? 'another host' };
      found.set(`${holder.pid} ${holder.host ?? ''}`, holder);
    }
    if (found.size === 0 || attempt >= 4) return [...found.values()].sort((a, b) => a.pid - b.pid);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Returns the libpq environment for `url` and its `?schema=`. */
function connectionOf(url: string): { env: Record<string, string>; schema?: string } {
  const u = new URL(url);
  const env: Record<string, string> = {
    PGHOST: u.hostname ? decodeURIComponent(u.hostname) : (u.searchParams.get('host') ?? 'localhost'),
    PGPORT: u.port || '5432',
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    PGAPPNAME: 'jarida-backup',
  };
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return { env, schema: u.searchParams.get('schema') ?? undefined };
}

/** Runs a postgresql-client tool; resolves with its stdout, rejects with its first error line. */
function run(tool: 'pg_dump' | 'pg_restore', args: string[], env: Record<string, string>, step: 'backup' | 'restore'): Promise<string> {
  return new Promise((resolve, reject) => {
    // Only the PG* variables given here: none inherited from the caller's environment.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
    const child = spawn(tool, args, { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT'
        ? new BackupError(`${step}: ${tool} not found; install postgresql-client (e.g. apt-get install postgresql-client)`, 'TOOL', { cause: e })
        : new BackupError(`${step}: cannot run ${tool}: ${e.message}`, 'TOOL', { cause: e }));
    });
    child.on('close', (code) => {
      if (code === 0) return resolve(out);
      const line = err.split('\n').find((l) => /error|fatal/i.test(l)) ?? err.split('\n')[0] ?? '';
      reject(new BackupError(`${step}: ${tool} failed (exit ${code}): ${line.replace(/^(pg_dump|pg_restore): (error: )?/, '').trim()}`, 'FAILED'));
    });
  });
}
