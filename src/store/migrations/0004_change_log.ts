/**
 * 0004: the change log, SQLite only. PostgreSQL tells every process what a commit changed with
 * NOTIFY; SQLite has no such thing, so a write also appends its change signal here, in its own
 * transaction, and other processes on the same file read what is new when `PRAGMA data_version`
 * moves (changes.ts); `writer` names the connection, which hears its own changes as they commit.
 * Old rows are pruned by the writers.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name !== 'sqlite') return;
  await sql`create table change_log (id integer primary key autoincrement, writer text not null, payload text not null)`.execute(db);
}

export async function down(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name !== 'sqlite') return;
  await sql`drop table change_log`.execute(db);
}
