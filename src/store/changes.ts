/**
 * The change signal: every write that changes what pages show says so inside its transaction, and
 * every process serving the same database hears it once the write commits (page caches clear).
 *
 * The signal is the same SQL on both stores, `select pg_notify(channel, payload)`: PostgreSQL
 * delivers it at COMMIT to every session that LISTENs, never for a rolled-back write; on SQLite the
 * store emulates it in-process (dialect.ts), and the write also appends it to `change_log`, which
 * other processes read when `PRAGMA data_version` says another connection committed.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type pg from 'pg';
import type { Logger } from '../log.js';
import type { Store } from './db.js';
import { isSqlite } from './dialect.js';
import type { Database } from './schema.js';

/** This process, as the origin of the changes it signals. */
export const INSTANCE_ID = randomUUID();

/** What a committed write changed, as far as it is cheap to say. */
export interface Change {
  /** The instance that wrote; 'unknown' when the signal could not say (another SQLite process, a reconnect). */
  origin: string;
  /** Everything may have changed: too much to list, or unknown. */
  all?: boolean;
  /** Local days ('YYYY-MM-DD') whose lists or counts changed. */
  days?: string[];
  /** Articles created, changed or removed. */
  articles?: number[];
  /** Published instants (ms) of the changed articles still stored: pages linking to a neighbour around them change. */
  times?: number[];
  /** Sources whose name or articles changed. */
  sources?: number[];
  /** The cache tags of other lists the change moved: `section-world`, `tag-sport`, `source-3`. */
  tags?: string[];
  /** The site settings changed (store/site-settings.ts): every process reads them again. Sent with `all` (they show on every page). */
  settings?: boolean;
}

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; a larger change becomes "everything". */
export const MAX_PAYLOAD_BYTES = 7900;

/**
 * The channel: one per PostgreSQL schema, so sites (and test runs) sharing a database do not hear each
 * other; a channel name is at most 63 bytes. Evaluated in SQL, where the schema is known.
 */
const CHANNEL_SQL = "substr('jarida_changes.' || current_schema(), 1, 63)";

/**
 * Signals a change; call it inside the write's transaction, so that it is heard at commit and never
 * for a rollback.
 * @example await signalChange(trx, { articles: [id], days: ['2019-02-15'] });
 */
export async function signalChange(trx: Transaction<Database> | Kysely<Database>, change: Omit<Change, 'origin' | 'times'>): Promise<void> {
  const full: Omit<Change, 'origin'> = { ...change };
  if (!change.all && change.articles?.length && change.articles.length <= MAX_TIMED) {
    const rows = await trx.selectFrom('articles').select('published_at').where('id', 'in', change.articles).execute();
    full.times = rows.map((r) => Date.parse(r.published_at));
  }
  const payload = changePayload(full);
  await sql`select pg_notify(${sql.raw(CHANNEL_SQL)}, ${payload})`.execute(trx);
  if (isSqlite(trx)) {
    const { insertId } = await sql`insert into change_log (writer, payload) values (jarida_connection(), ${payload})`.execute(trx);
    if (insertId !== undefined && insertId % 100n === 0n) await sql`delete from change_log where id <= ${insertId - BigInt(CHANGE_LOG_KEEP)}`.execute(trx);
  }
}

/** Changes listing more articles than this carry no times (their pages are marked by day and tags). */
const MAX_TIMED = 1000;
/** Rows of change_log kept (SQLite): a process that falls further behind treats it as "everything changed". */
export const CHANGE_LOG_KEEP = 1000;

/** Returns the JSON payload of a change from this instance, under MAX_PAYLOAD_BYTES ("everything" when the lists are too long). */
export function changePayload(change: Omit<Change, 'origin'>): string {
  const full: Change = { origin: INSTANCE_ID };
  if (change.settings) full.settings = true;
  if (change.all) full.all = true;
  else {
    if (change.days?.length) full.days = [...new Set(change.days)].sort();
    if (change.articles?.length) full.articles = [...new Set(change.articles)].sort((a, b) => a - b);
    if (change.times?.length) full.times = [...new Set(change.times)].sort((a, b) => a - b);
    if (change.sources?.length) full.sources = [...new Set(change.sources)].sort((a, b) => a - b);
    if (change.tags?.length) full.tags = [...new Set(change.tags)].sort();
  }
  const json = JSON.stringify(full);
  // JSON of ids, days and a UUID is ASCII: length is bytes.
  return json.length < MAX_PAYLOAD_BYTES ? json : JSON.stringify({ origin: INSTANCE_ID, ...(change.settings ? { settings: true } : {}), all: true });
}

/** Returns the change a payload describes; "everything" when it cannot be read. */
export function parseChange(payload: string | undefined): Change {
  try {
    const c = JSON.parse(payload ?? '') as Partial<Change>;
    if (c && typeof c === 'object' && typeof c.origin === 'string') return c as Change;
  } catch {
    // fall through
  }
  return { origin: 'unknown', all: true };
}

/** Stops watching; `ready` resolves once changes are heard (LISTEN active, or the first poll done). */
export type StopWatching = (() => Promise<void>) & { ready: Promise<void> };

/** How often a SQLite store looks for other processes' commits (a cheap read of shared memory). */
export const SQLITE_POLL_MS = 200;
const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 30_000;

/**
 * Calls `onChange` for every committed change to the store, by this process or another, until the
 * returned function is called. PostgreSQL: LISTEN on a dedicated connection, reconnected with backoff
 * when it drops, then one "everything" change since notifications may have been missed. SQLite: this
 * process's writes as they commit; another process's, by polling `PRAGMA data_version` and reading
 * the change_log rows added since (a gap in them: "everything").
 * @example const stop = watchChanges(store, () => cache.clear(), { log }); … await stop();
 */
export function watchChanges(store: Store, onChange: (change: Change) => void, opts: { log?: Logger; pollMs?: number } = {}): StopWatching {
  const n = store.notifications;
  return n.kind === 'postgres' ? watchPostgres(n.newClient, onChange, opts.log) : watchSqlite(store, n, onChange, opts.pollMs ?? SQLITE_POLL_MS, opts.log);
}

function watchPostgres(newClient: () => pg.Client, onChange: (change: Change) => void, log?: Logger): StopWatching {
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let everConnected = false;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));

  const connect = async () => {
    timer = undefined;
    if (stopped) return;
    const c = newClient();
    client = c;
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c));
    c.on('notification', (msg) => {
      if (c === client) onChange(parseChange(msg.payload));
    });
    try {
      await c.connect();
      const { rows } = await c.query<{ channel: string }>(`select ${CHANNEL_SQL} as channel`);
      await c.query(`listen "${rows[0]!.channel.replaceAll('"', '""')}"`);
    } catch (err) {
      lost(c, err);
      return;
    }
    if (c !== client) return;
    if (everConnected || failures > 0) {
      log?.info({ after: failures }, 'changes: listening again');
      onChange({ origin: 'unknown', all: true }); // what happened while deaf is unknown
    }
    everConnected = true;
    failures = 0;
    markReady();
  };

  // The connection failed or dropped: retire it once, and try again after a growing pause.
  const lost = (c: pg.Client, err?: unknown) => {
    if (c !== client) return;
    client = undefined;
    c.end().catch(() => {});
    if (stopped) return;
    const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** failures) * (0.75 + Math.random() / 2);
    failures++;
    log?.warn({ err: err instanceof Error ? err.message : err, retryInMs: Math.round(wait) }, 'changes: lost the PostgreSQL listener connection');
    timer = setTimeout(() => void connect(), wait);
    timer.unref();
  };

  void connect();
  const stop = async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = undefined;
    markReady();
    await c?.end().catch(() => {});
  };
  return Object.assign(stop, { ready });
}

function watchSqlite(
  store: Store,
  n: Extract<Store['notifications'], { kind: 'sqlite' }>,
  onChange: (change: Change) => void,
  pollMs: number,
  log?: Logger,
): StopWatching {
  const unsubscribe = n.subscribe((_channel, payload) => onChange(parseChange(payload)));
  if (!n.file) return Object.assign(async () => unsubscribe(), { ready: Promise.resolve() });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let version: number | undefined;
  let lastId: number | undefined;
  let me: string | undefined;
  // data_version moves when another connection (another process) commits; not for our own.
  const poll = async () => {
    try {
      const { rows } = await sql<{ data_version: number }>`pragma data_version`.execute(store.db);
      const v = Number(rows[0]?.data_version);
      if (version === undefined || v !== version) {
        const seen = version !== undefined;
        version = v;
        me ??= (await sql<{ me: string }>`select jarida_connection() as me`.execute(store.db)).rows[0]!.me;
        const read = await readChangeLog(store, lastId, seen);
        lastId = read.lastId;
        for (const c of read.changes) if (c.writer !== me) onChange(c.change);
      }
    } catch (err) {
      if (!stopped) log?.warn({ err }, 'changes: cannot read the SQLite change log');
    }
  };
  const tick = async () => {
    await poll();
    if (!stopped) {
      timer = setTimeout(() => void tick(), pollMs);
      timer.unref();
    }
  };
  const ready = tick();
  return Object.assign(
    async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
      await ready;
    },
    { ready },
  );
}


/**
 * Returns the change_log rows after `lastId` (all of them but the newest's id when `lastId` is
 * unknown: the first poll only learns where the log is). When rows after `lastId` were pruned
 * already, one "everything" change stands for them.
 */
async function readChangeLog(
  store: Store,
  lastId: number | undefined,
  report: boolean,
): Promise<{ lastId: number; changes: { writer: string; change: Change }[] }> {
  const unknown = { writer: '', change: { origin: 'unknown', all: true } };
  if (lastId === undefined) {
    const { rows } = await sql<{ id: number | null }>`select max(id) as id from change_log`.execute(store.db);
    return { lastId: Number(rows[0]?.id ?? 0), changes: report ? [unknown] : [] };
  }
  const { rows } = await sql<{ id: number; writer: string; payload: string }>`select id, writer, payload from change_log where id > ${lastId} order by id`.execute(store.db);
  const changes = rows.map((r) => ({ writer: r.writer, change: parseChange(r.payload) }));
  if (rows.length && Number(rows[0]!.id) !== lastId + 1) changes.unshift(unknown);
  return { lastId: rows.length ? Number(rows[rows.length - 1]!.id) : lastId, changes };
}
