/** Sources: the sites articles come from, and their fetch state. */
import { hostname } from 'node:os';
import { sql, type Kysely, type Selectable } from 'kysely';
import { bounded, label, LIMITS } from '../model/limits.js';
import { DEFAULT_RULES, type SourceRules } from '../model/rules.js';
import type { Source, SourceKind } from '../model/types.js';
import { httpUrl } from '../model/url.js';
import { signalChange } from './changes.js';
import { bumpDayCounts } from './day-counts.js';
import { unindexSource } from './search.js';
import { sourceSlugFor, unfileSource, wordSlug } from './categories.js';
import type { Store } from './db.js';
import { sourceIdentity } from './migrations/0005_source_identity.js';
import type { Database, SourcesTable } from './schema.js';
import { prepared } from './prepared.js';

/** A source the operator asked for that cannot be: a duplicate, a URL that is not http(s), an empty name. */
export class SourceError extends Error {
  readonly code = 'JARIDA_SOURCE_INVALID';
}

/**
 * Returns the id of the source with this title and kind, creating it when missing. Creating is one
 * insert on the unique identity, so two processes ensuring the same new source get the same row.
 */
export async function ensureSource(
  db: Kysely<Database>,
  s: { kind: SourceKind; title: string; url?: string | null; siteUrl?: string | null; language?: string | null },
): Promise<number> {
  const row = sourceRow(s);
  const found = await db
    .selectFrom('sources')
    .select('id')
    .where('kind', '=', row.kind)
    .where('title', '=', row.title)
    .orderBy('id')
    .executeTakeFirst();
  if (found) return Number(found.id);
  const made = await insertOrNothing(db, row);
  if (made) return made;
  // Another process created it between the lookup and the insert.
  return (await findSameSource(db, row))!.id;
}

/** What `sources add` stores. */
export interface NewSource {
  kind: SourceKind;
  title: string;
  url?: string | null;
  siteUrl?: string | null;
  language?: string | null;
  fullText?: boolean;
  canonicalHere?: boolean;
  intervalS?: number | null;
  rules?: SourceRules;
  enabled?: boolean;
}

/**
 * Inserts a source (due at once); returns its id. Throws when a source with the same
 * identity exists (the same feed URL, or the same title of a manual source), or when a feed or
 * page has no http(s) URL.
 */
export async function insertSource(db: Kysely<Database>, s: NewSource): Promise<number> {
  const row = sourceRow(s);
  const made = await insertOrNothing(db, row);
  if (made) return made;
  const other = await findSameSource(db, row);
  throw new SourceError(`sources: ${row.url ?? row.title} is already source ${other?.id ?? '?'}${other ? ` (${other.title})` : ''}`);
}

type SourceRow = ReturnType<typeof sourceRow>;

/**
 * Inserts the row unless a source with its identity or URL exists (both are unique keys: the
 * conflict is on whichever another writer's row hits first); returns the new id, or undefined.
 */
async function insertOrNothing(db: Kysely<Database>, row: SourceRow): Promise<number | undefined> {
  const made = await db.insertInto('sources').values(row).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
  if (!made) return undefined;
  await nameSourcePage(db, Number(made.id), row.title);
  return Number(made.id);
}

/**
 * Gives a source the slug of its page from its name. Two processes naming two new sources alike at
 * once may pick the same free slug: the second then takes one with its id, which no other has.
 */
async function nameSourcePage(db: Kysely<Database>, id: number, title: string): Promise<void> {
  const slug = await sourceSlugFor(db, id, title);
  try {
    await db.updateTable('sources').set({ slug }).where('id', '=', id).execute();
  } catch {
    await db.updateTable('sources').set({ slug: `source-${id}` }).where('id', '=', id).execute();
  }
}

/** Returns the source a row conflicts with: the same identity, else the same URL. */
async function findSameSource(db: Kysely<Database>, row: SourceRow): Promise<{ id: number; title: string } | undefined> {
  const found = await db
    .selectFrom('sources')
    .select(['id', 'title'])
    .where((eb) => (row.url ? eb.or([eb('identity', '=', row.identity), eb('url', '=', row.url)]) : eb('identity', '=', row.identity)))
    .orderBy('id')
    .executeTakeFirst();
  return found && { id: Number(found.id), title: found.title };
}

/**
 * Returns the row a new source is stored as: every URL http(s) or dropped (a feed or page without
 * one is refused), every text bounded (src/model/limits.ts), and its identity.
 */
function sourceRow(s: NewSource) {
  const url = httpUrl(s.url);
  if ((s.kind === 'feed' || s.kind === 'page') && s.url && !url) throw new SourceError(`sources: ${s.kind} URL ${JSON.stringify(bounded(s.url, 200))} is not an http(s) URL`);
  const title = label(s.title, LIMITS.title) ?? (url ? new URL(url).hostname : 'Untitled source');
  return {
    kind: s.kind,
    title,
    url,
    site_url: httpUrl(s.siteUrl),
    language: label(s.language, LIMITS.language),
    enabled: s.enabled === false ? 0 : 1,
    full_text: s.fullText ? 1 : 0,
    canonical_here: s.canonicalHere ? 1 : 0,
    interval_s: s.intervalS ?? null,
    rules: s.rules ? JSON.stringify(s.rules) : null,
    error_count: 0,
    published_count: 0,
    created_at: new Date().toISOString(),
    identity: sourceIdentity({ kind: s.kind, url, title }),
  };
}

/** Returns every source, oldest first. */
export async function findSources(db: Kysely<Database>): Promise<Source[]> {
  const rows = await db.selectFrom('sources').selectAll().orderBy('id').execute();
  return rows.map(toSource);
}

/** Returns the source whose page has this slug, or undefined. */
export async function findSourceBySlug(db: Kysely<Database>, slug: string): Promise<Source | undefined> {
  const [row] = await sourceBySlug(db, slug);
  return row && toSource(row);
}

const sourceBySlug = prepared((db, slug: string) => db.selectFrom('sources').selectAll().where('slug', '=', slug));

/** Returns the source with this id, or undefined. */
export async function findSourceById(db: Kysely<Database>, id: number): Promise<Source | undefined> {
  const row = await db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSource(row);
}

/** Returns the feed or page source with this URL, or undefined. */
export async function findSourceByUrl(db: Kysely<Database>, url: string): Promise<Source | undefined> {
  const row = await db.selectFrom('sources').selectAll().where('url', '=', url).executeTakeFirst();
  return row && toSource(row);
}

/** Returns how many articles each source has, by source id. */
export async function findArticleCountsBySource(db: Kysely<Database>): Promise<Map<number, number>> {
  const rows = await db.selectFrom('articles').select(['source_id', sql<number>`count(*)`.as('n')]).groupBy('source_id').execute();
  return new Map(rows.map((r) => [Number(r.source_id), Number(r.n)]));
}

/** Returns the name this process claims sources under: `host pid N`. */
export function claimerName(): string {
  return `${hostname()} pid ${process.pid}`;
}

/** Returns true when a claimer's name (claimerName) is a process of this host that is no longer running. */
export function isClaimerGone(claimedBy: string | null): boolean {
  const m = claimedBy && /^(.*) pid (\d+)$/.exec(claimedBy);
  if (!m || m[1] !== hostname()) return false;
  try {
    process.kill(Number(m[2]), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Claims up to `limit` enabled feed/page sources that are due at `now` and not claimed by another
 * worker or process, until `leaseUntil`, in the name of `claimer`; returns them, the longest
 * overdue first (so none starves). PostgreSQL claims them in one statement that skips rows another
 * claimer holds (`FOR UPDATE SKIP LOCKED`); SQLite, one writer at a time, claims each row with a
 * compare-and-set. The lease is short and renewed while the fetch runs (renewClaims), so the
 * sources of a process that dies are free again within one lease.
 */
export async function claimDueSources(store: Store, now: Date, leaseUntil: Date, limit: number, claimer = claimerName()): Promise<Source[]> {
  const nowIso = now.toISOString();
  const lease = leaseUntil.toISOString();
  const due = store.db
    .selectFrom('sources')
    .select('id')
    .where('enabled', '=', 1)
    .where('kind', 'in', ['feed', 'page'])
    .where((eb) => eb.or([eb('next_fetch_at', 'is', null), eb('next_fetch_at', '<=', nowIso)]))
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', nowIso)]))
    .orderBy(sql`coalesce(next_fetch_at, '')`)
    .orderBy('id')
    .limit(limit);
  if (store.dialect.name === 'postgres') {
    const rows = await store.db
      .updateTable('sources')
      .set({ claimed_until: lease, claimed_by: claimer })
      .where('id', 'in', due.forUpdate().skipLocked())
      .returningAll()
      .execute();
    return rows.map(toSource).sort((a, b) => compare(a.nextFetchAt ?? '', b.nextFetchAt ?? '') || a.id - b.id);
  }
  const claimed: Source[] = [];
  for (const { id } of await due.execute()) {
    const row = await store.db
      .updateTable('sources')
      .set({ claimed_until: lease, claimed_by: claimer })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', nowIso)]))
      .returningAll()
      .executeTakeFirst();
    if (row) claimed.push(toSource(row));
  }
  return claimed;
}

/** Claims one feed/page source (due or not) until `leaseUntil` when no other claimer holds it at `now`; returns it, or undefined when it is held (or missing). */
export async function claimSource(db: Kysely<Database>, id: number, now: Date, leaseUntil: Date, claimer = claimerName()): Promise<Source | undefined> {
  const row = await db
    .updateTable('sources')
    .set({ claimed_until: leaseUntil.toISOString(), claimed_by: claimer })
    .where('id', '=', id)
    .where('kind', 'in', ['feed', 'page'])
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now.toISOString())]))
    .returningAll()
    .executeTakeFirst();
  return row && toSource(row);
}

/** Extends `claimer`'s claims on these sources to `leaseUntil` (sources whose fetch ended are released already and stay so). */
export async function renewClaims(db: Kysely<Database>, ids: readonly number[], claimer: string, leaseUntil: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('sources')
    .set({ claimed_until: leaseUntil.toISOString() })
    .where('id', 'in', [...ids])
    .where('claimed_by', '=', claimer)
    .where('claimed_until', 'is not', null)
    .execute();
}

/** Releases the source's claim if `claimer` still holds it (an operator freeing the sources of a process that died); returns whether it did. */
export async function releaseClaim(db: Kysely<Database>, id: number, claimer: string): Promise<boolean> {
  const r = await db.updateTable('sources').set({ claimed_until: null, claimed_by: null }).where('id', '=', id).where('claimed_by', '=', claimer).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Returns the earliest next fetch time of enabled feed/page sources (null: none scheduled, or none at all). */
export async function findNextDueAt(db: Kysely<Database>): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('sources')
    .select(sql<string | null>`min(coalesce(next_fetch_at, ''))`.as('next'))
    .where('enabled', '=', 1)
    .where('kind', 'in', ['feed', 'page'])
    .executeTakeFirst();
  if (!row || row.next === null || row.next === undefined) return undefined;
  return row.next === '' ? null : row.next;
}

/** The fetch state a refresh records on a source. */
export interface FetchState {
  url?: string;
  title?: string;
  siteUrl?: string | null;
  etag?: string | null;
  lastModified?: string | null;
  nextFetchAt: string;
  intervalS?: number;
  errorCount: number;
  lastError: string | null;
  lastStatus: number | null;
  lastFetchedAt: string;
  lastSuccessAt?: string;
  ttlMinutes?: number | null;
  skipHours?: number[];
}

/** Records a refresh's outcome on the source and releases its claim. */
export async function saveFetchState(db: Kysely<Database>, id: number, s: FetchState): Promise<void> {
  const title = s.title !== undefined ? label(s.title, LIMITS.title) : null;
  if (title) {
    // A source added by URL is named after its host until its feed names it: its page takes that name too.
    const row = await db.selectFrom('sources').select(['title', 'url', 'slug']).where('id', '=', id).executeTakeFirst();
    if (row && row.url && URL.canParse(row.url) && row.title !== title && row.slug === wordSlug(new URL(row.url).hostname)) await nameSourcePage(db, id, title);
  }
  await db
    .updateTable('sources')
    .set({
      // The same checks as a new source: http(s) URLs only, bounded text.
      ...(s.url !== undefined && httpUrl(s.url) ? { url: httpUrl(s.url) } : {}),
      ...(s.title !== undefined && label(s.title, LIMITS.title) ? { title: label(s.title, LIMITS.title)! } : {}),
      ...(s.siteUrl !== undefined ? { site_url: httpUrl(s.siteUrl) } : {}),
      ...(s.etag !== undefined ? { etag: s.etag } : {}),
      ...(s.lastModified !== undefined ? { last_modified: s.lastModified } : {}),
      ...(s.intervalS !== undefined ? { interval_s: s.intervalS } : {}),
      ...(s.lastSuccessAt !== undefined ? { last_success_at: s.lastSuccessAt } : {}),
      ...(s.ttlMinutes !== undefined ? { ttl_minutes: s.ttlMinutes } : {}),
      ...(s.skipHours !== undefined ? { skip_hours: s.skipHours.length ? JSON.stringify(s.skipHours) : null } : {}),
      next_fetch_at: s.nextFetchAt,
      error_count: s.errorCount,
      last_error: bounded(s.lastError, LIMITS.error),
      last_status: s.lastStatus,
      last_fetched_at: s.lastFetchedAt,
      claimed_until: null,
      claimed_by: null,
    })
    .where('id', '=', id)
    .execute();
}

/** Changes what an operator may change of a source; returns false when there is no such source. */
export async function updateSource(
  db: Kysely<Database>,
  id: number,
  s: { enabled?: boolean; rules?: SourceRules; title?: string; language?: string | null; fullText?: boolean; canonicalHere?: boolean; intervalS?: number | null; dueNow?: boolean },
): Promise<boolean> {
  // Its name and canonical choice show on article pages.
  const shown = s.title !== undefined || s.canonicalHere !== undefined;
  const title = s.title === undefined ? undefined : (label(s.title, LIMITS.title) ?? '');
  if (title === '') throw new SourceError('sources: a source name must not be empty');
  return db.transaction().execute(async (trx) => {
    // A manual source is known by its name (its identity), so a new name is a new identity; a feed keeps its URL's.
    let identity: string | undefined;
    if (title !== undefined) {
      const row = await trx.selectFrom('sources').select(['kind', 'url']).where('id', '=', id).executeTakeFirst();
      if (!row) return false;
      identity = sourceIdentity({ kind: row.kind, url: row.url, title });
      const other = await trx.selectFrom('sources').select('id').where('identity', '=', identity).where('id', '!=', id).executeTakeFirst();
      if (other) throw new SourceError(`sources: a ${row.kind} source named ${title} exists already (source ${other.id})`);
    }
    const r = await trx
      .updateTable('sources')
      .set({
        ...(s.enabled !== undefined ? { enabled: s.enabled ? 1 : 0 } : {}),
        ...(s.rules !== undefined ? { rules: JSON.stringify(s.rules) } : {}),
        ...(title !== undefined ? { title, identity } : {}),
        ...(s.language !== undefined ? { language: label(s.language, LIMITS.language) } : {}),
        ...(s.fullText !== undefined ? { full_text: s.fullText ? 1 : 0 } : {}),
        ...(s.canonicalHere !== undefined ? { canonical_here: s.canonicalHere ? 1 : 0 } : {}),
        ...(s.intervalS !== undefined ? { interval_s: s.intervalS } : {}),
        ...(s.dueNow ? { next_fetch_at: null, error_count: 0 } : {}),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    const found = Number(r.numUpdatedRows) > 0;
    if (found && shown) await signalChange(trx, { sources: [id] });
    return found;
  });
}

/**
 * Deletes a source and its articles, taking them off the day counts in the same transaction;
 * returns how many articles went, or null when there is no such source.
 */
export async function deleteSource(db: Kysely<Database>, id: number): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('sources').select('id').where('id', '=', id).executeTakeFirst();
    if (!found) return null;
    const perDay = await trx
      .selectFrom('articles')
      .select(['local_day', sql<number>`count(*)`.as('n')])
      .where('source_id', '=', id)
      .where('status', '=', 'published')
      .groupBy('local_day')
      .execute();
    await bumpDayCounts(trx, perDay.map((d) => [d.local_day, -Number(d.n)] as const));
    await unfileSource(trx, id);
    await unindexSource(trx, id);
    const gone = await trx.deleteFrom('articles').where('source_id', '=', id).executeTakeFirst();
    await trx.deleteFrom('sources').where('id', '=', id).execute();
    await signalChange(trx, { sources: [id], days: perDay.map((d) => d.local_day) });
    return Number(gone.numDeletedRows);
  });
}

function toSource(r: Selectable<SourcesTable>): Source {
  return {
    id: Number(r.id),
    kind: r.kind as SourceKind,
    url: r.url,
    title: r.title,
    siteUrl: r.site_url,
    language: r.language,
    enabled: r.enabled === 1,
    fullText: r.full_text === 1,
    canonicalHere: r.canonical_here === 1,
    rules: r.rules ? { ...DEFAULT_RULES, ...(JSON.parse(r.rules) as Partial<SourceRules>) } : DEFAULT_RULES,
    etag: r.etag,
    lastModified: r.last_modified,
    nextFetchAt: r.next_fetch_at,
    intervalS: r.interval_s === null ? null : Number(r.interval_s),
    errorCount: Number(r.error_count),
    lastError: r.last_error,
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastFetchedAt: r.last_fetched_at,
    lastSuccessAt: r.last_success_at,
    ttlMinutes: r.ttl_minutes === null ? null : Number(r.ttl_minutes),
    skipHours: r.skip_hours ? (JSON.parse(r.skip_hours) as number[]) : [],
    createdAt: r.created_at,
    claimedUntil: r.claimed_until,
    claimedBy: r.claimed_by,
    slug: r.slug ?? `source-${r.id}`,
    defaultSectionId: r.default_section_id === null ? null : Number(r.default_section_id),
    publishedCount: Number(r.published_count ?? 0),
  };
}
