/**
 * Articles: every write keeps day_counts and the published total exact in the same transaction.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable, type SelectQueryBuilder, type Transaction } from 'kysely';
import { localDay } from '../calendar/zone.js';
import { bounded, label, LIMITS } from '../model/limits.js';
import { slugify } from '../model/slug.js';
import { httpUrl } from '../model/url.js';
import type { Article, ArticleInput, ArticleStatus } from '../model/types.js';
import type { ArticlesTable, Database } from './schema.js';
import { bumpDayCounts, findDayAtOffset, rebuildDayCounts } from './day-counts.js';
import { signalChange } from './changes.js';
import { isSqlite, isWriteRace } from './dialect.js';
import { indexArticles, unindexArticles, type IndexedArticle } from './search.js';
import { assignSearchKeys } from './search-key.js';
import { bumpSourceCounts, fileArticles, prepareFiling, rebuildListCounts, refileStatus, type FilingItem } from './categories.js';
import { prepared } from './prepared.js';

type Db = Kysely<Database> | Transaction<Database>;

const ARTICLE_COLUMNS = [
  'a.id', 'a.source_id', 'a.guid', 'a.url', 'a.canonical_url', 'a.slug', 'a.title', 'a.summary',
  'a.content_html', 'a.author', 'a.language', 'a.image_url', 'a.published_at', 'a.local_day',
  'a.status', 'a.content_hash', 'a.created_at', 'a.updated_at', 'a.categories', 'a.canonical_here',
] as const;

/** The outcome of saving one article. */
export interface SaveResult {
  id: number;
  slug: string;
  /**
   * duplicate: another source already has an article at the same canonical URL (kept as is).
   * unchanged: also an article an editor changed in the desk (edited_at), which its feed no longer overwrites.
   */
  outcome: 'created' | 'updated' | 'unchanged' | 'duplicate';
}

/**
 * An article as the desk writes it: `target` names the article to rewrite (whatever its source and
 * guid; the source may change), `desk` the desk's own columns. A desk write overwrites an edited
 * article, and writes even when the hash is unchanged (the desk compares whole rows itself).
 */
export interface DeskWrite extends ArticleInput {
  target?: number;
  desk: { editedAt: string; bodySource: string | null; userId?: number | null };
}

type WriteInput = ArticleInput | DeskWrite;
const isDesk = (i: WriteInput): i is DeskWrite => 'desk' in i && i.desk !== undefined;

const MATCH_COLUMNS = ['id', 'source_id', 'guid', 'slug', 'status', 'local_day', 'content_hash', 'published_at', 'canonical_url', 'edited_at', 'search_key'] as const;
type Match = { id: number; source_id: number; guid: string; slug: string; status: string; local_day: string; content_hash: string | null; published_at: string; canonical_url: string | null; edited_at: string | null; search_key: number | null };
type Row = ReturnType<typeof articleRow>;

/**
 * Inserts the article, or updates in place the one it is: same (source, guid), or same canonical
 * URL from the same source (a feed that changes its guids). The same canonical URL from another
 * source is a duplicate and changes nothing. Day counts follow in the same transaction.
 */
export async function saveArticle(db: Kysely<Database>, input: ArticleInput, timeZone: string): Promise<SaveResult> {
  return (await saveArticles(db, [input], timeZone))[0]!;
}

/**
 * Saves the articles as saveArticle does each, in one transaction and a handful of statements per
 * 500 articles (lookups, one multi-row insert, one count change per day); returns results in order.
 * An input that repeats an earlier one of the same call is 'unchanged' (or 'duplicate' from
 * another source) and changes nothing. An update keeps the stored status unless the input names
 * one (a hidden article stays hidden), and leaves an article edited in the desk as it is.
 */
export async function saveArticles(db: Kysely<Database>, inputs: ArticleInput[], timeZone: string): Promise<SaveResult[]> {
  if (inputs.length === 0) return [];
  return writeArticleTransaction(db, inputs, (trx) => writeArticles(trx, inputs, timeZone));
}

/**
 * Returns what `write` returns, run in a transaction after the tags the inputs' words need exist
 * (prepareFiling); run again when it lost a race over a unique key (PostgreSQL, several writers).
 */
export async function writeArticleTransaction<T>(db: Kysely<Database>, inputs: readonly ArticleInput[], write: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  await prepareFiling(db, inputs.map((i) => ({ sourceId: i.sourceId, words: wordsOf(i.categories) })));
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(write);
    } catch (err) {
      // Another writer committed the same slug or canonical URL meanwhile: run again, and the
      // lookups find its row.
      if (attempt >= MAX_ATTEMPTS || !isWriteRace(err)) throw err;
    }
  }
}

const MAX_ATTEMPTS = 5;

/**
 * Saves the articles in the caller's transaction (saveArticles, the desk): inserts or updates each,
 * and moves the day counts, the total, the category and source counts and the search index with
 * them; signals the change. Returns results in order.
 */
export async function writeArticles(trx: Transaction<Database>, inputs: readonly WriteInput[], timeZone: string): Promise<SaveResult[]> {
  const now = new Date().toISOString();
  const rows = inputs.map((i) => articleRow(i, timeZone));
  const { byKey, byUrl, byId } = await findMatches(trx, rows, inputs);
  const results: (SaveResult | number)[] = []; // a number: same as the planned insert at that index
  const planned: { index: number; row: Row; input: WriteInput }[] = [];
  const deltas = new Map<string, number>();
  const bump = (day: string, n: number) => deltas.set(day, (deltas.get(day) ?? 0) + n);
  const filing: FilingItem[] = [];
  const perSource = new Map<number, number>();
  const bumpSource = (id: number, n: number) => perSource.set(id, (perSource.get(id) ?? 0) + n);
  const sources = new Set<number>();
  /** The updated articles' new index entries: indexed at once after the loop (search.ts indexArticles). */
  const reindexed: IndexedArticle[] = [];

  for (const [index, row] of rows.entries()) {
    const input = inputs[index]!;
    const key = `${row.source_id}\n${row.guid}`;
    let m: Match | number | undefined = isDesk(input) && input.target !== undefined ? byId.get(input.target) : byKey.get(key);
    if (isDesk(input) && input.target !== undefined && !m) throw new Error(`articles: no article ${input.target}`);
    let matchedByUrl = false;
    if (m === undefined && row.canonical_url) {
      m = byUrl.get(row.canonical_url);
      matchedByUrl = m !== undefined;
    }
    if (typeof m === 'number') {
      // Repeats an item planned for insert in this call.
      results.push(rows[m]!.source_id === row.source_id ? m : -1 - m);
      continue;
    }
    if (m && matchedByUrl && Number(m.source_id) !== row.source_id) {
      results.push({ id: Number(m.id), slug: m.slug, outcome: 'duplicate' });
      continue;
    }
    if (m) {
      const saved = await updateMatch(trx, m, row, input, matchedByUrl, now, bump, reindexed);
      if (saved.outcome === 'updated') {
        filing.push({ id: saved.id, sourceId: row.source_id, words: wordsOf(input.categories), published: row.status === 'published', publishedAt: row.published_at });
        if (m.status === 'published') bumpSource(Number(m.source_id), -1);
        if (row.status === 'published') bumpSource(row.source_id, 1);
        sources.add(Number(m.source_id)).add(row.source_id);
      }
      results.push(saved);
      continue;
    }
    byKey.set(key, index);
    if (row.canonical_url) byUrl.set(row.canonical_url, index);
    planned.push({ index, row, input });
    results.push(index);
  }

  await indexArticles(trx, reindexed);
  const ids = await insertPlanned(trx, planned, now);
  for (const p of planned) {
    filing.push({ id: ids.get(p.index)!.id, sourceId: p.row.source_id, words: wordsOf(p.input.categories), published: p.row.status === 'published', publishedAt: p.row.published_at });
    sources.add(p.row.source_id);
    if (p.row.status === 'published') {
      bump(p.row.local_day, 1);
      bumpSource(p.row.source_id, 1);
    }
  }
  await bumpDayCounts(trx, deltas);
  const filed = await fileArticles(trx, filing);
  await bumpSourceCounts(trx, perSource);
  const saved = results.map((r, i) => {
    if (typeof r !== 'number') return r;
    const own = r === i;
    const target = r >= 0 ? r : -1 - r;
    const made = ids.get(target)!;
    return { ...made, outcome: own ? 'created' : r >= 0 ? 'unchanged' : 'duplicate' } as SaveResult;
  });
  const changed = saved.flatMap((r, i) => (r.outcome === 'created' || r.outcome === 'updated' ? [i] : []));
  if (changed.length) {
    // Each changed article's day, and the days it left (their counts moved).
    await signalChange(trx, { articles: changed.map((i) => saved[i]!.id), days: [...changed.map((i) => rows[i]!.local_day), ...deltas.keys()], tags: [...filed.tags, ...[...sources].map(sourceTag)] });
  }
  return saved;
}

async function findMatches(trx: Transaction<Database>, rows: Row[], inputs: readonly WriteInput[]) {
  const byKey = new Map<string, Match | number>();
  const byUrl = new Map<string, Match | number>();
  const byId = new Map<number, Match>();
  const bySource = new Map<number, string[]>();
  for (const r of rows) bySource.set(r.source_id, [...(bySource.get(r.source_id) ?? []), r.guid]);
  for (const [sourceId, guids] of bySource) {
    for (let i = 0; i < guids.length; i += 500) {
      const found = await trx.selectFrom('articles').select(MATCH_COLUMNS).where('source_id', '=', sourceId).where('guid', 'in', guids.slice(i, i + 500)).execute();
      for (const m of found) byKey.set(`${m.source_id}\n${m.guid}`, m);
    }
  }
  const urls = [...new Set(rows.map((r) => r.canonical_url).filter((u): u is string => Boolean(u)))];
  for (let i = 0; i < urls.length; i += 500) {
    const found = await trx.selectFrom('articles').select(MATCH_COLUMNS).where('canonical_url', 'in', urls.slice(i, i + 500)).execute();
    for (const m of found) if (m.canonical_url) byUrl.set(m.canonical_url, m);
  }
  const targets = inputs.flatMap((i) => (isDesk(i) && i.target !== undefined ? [i.target] : []));
  if (targets.length) {
    for (const m of await trx.selectFrom('articles').select(MATCH_COLUMNS).where('id', 'in', targets).execute()) byId.set(Number(m.id), m);
  }
  return { byKey, byUrl, byId };
}

async function updateMatch(
  trx: Transaction<Database>, m: Match, row: Row, input: WriteInput, matchedByUrl: boolean, now: string, bump: (day: string, n: number) => void, reindexed: IndexedArticle[],
): Promise<SaveResult> {
  const desk = isDesk(input);
  const unchanged: SaveResult = { id: Number(m.id), slug: m.slug, outcome: 'unchanged' };
  // An editor's change wins over the next fetch of its feed.
  if (m.edited_at !== null && !desk) return unchanged;
  if (!desk) row.source_id = Number(m.source_id); // the source stays the article's owner
  if (input.status === undefined) row.status = m.status as ArticleStatus; // hidden or draft stays so
  if (input.publishedAtIsFallback) {
    // No date in the source: the first fetch's time stays the publication time.
    row.published_at = m.published_at;
    row.local_day = m.local_day;
  }
  if (!desk && m.content_hash === row.content_hash && m.status === row.status && m.published_at === row.published_at) return unchanged;
  if (row.canonical_url && row.canonical_url !== m.canonical_url) {
    const taken = await trx.selectFrom('articles').select('id').where('canonical_url', '=', row.canonical_url).where('id', '!=', m.id).executeTakeFirst();
    if (taken && desk) throw new Error(`articles: canonical URL ${row.canonical_url} is article ${taken.id}'s`);
    if (taken) row.canonical_url = m.canonical_url; // another article has that URL: keep ours
  }
  // The key follows the publication time (and the guid that made it, when this write takes the guid).
  const searchKey = m.search_key !== null && m.published_at === row.published_at && (!matchedByUrl || m.guid === row.guid)
    ? Number(m.search_key)
    : (await assignSearchKeys(trx, [row], [Number(m.id)]))[0]!;
  const { guid, ...changes } = row;
  const update = trx.updateTable('articles').set({ ...changes, ...(matchedByUrl ? { guid } : {}), search_key: searchKey, updated_at: now }).where('id', '=', m.id);
  // A feed's write changes the row only as it was read: an editor's change or a status change
  // committed meanwhile (PostgreSQL) stays, and this fetch changes nothing.
  const written = desk ? await update.executeTakeFirst() : await update.where('edited_at', 'is', null).where('status', '=', m.status).executeTakeFirst();
  if (written.numUpdatedRows === 0n) return unchanged;
  reindexed.push({ ...row, id: Number(m.id), search_key: searchKey, previous_key: m.search_key === null ? null : Number(m.search_key), document: input.searchDocument });
  for (const [day, n] of dayMoves(m, row)) bump(day, n);
  return { id: Number(m.id), slug: m.slug, outcome: 'updated' };
}

/** Inserts the planned rows with free slugs; returns id and slug by input index. */
async function insertPlanned(trx: Transaction<Database>, planned: { index: number; row: Row; input: WriteInput }[], now: string) {
  const out = new Map<number, { id: number; slug: string }>();
  if (planned.length === 0) return out;
  const bases = planned.map((p) => withoutNul(p.input.slug ?? slugify(p.input.title)));
  // The bases first; the suffixed candidates only of bases stored already or repeated in this
  // call (one lookup of 2,000 slugs, not of 10,000).
  const used = await findUsedSlugs(trx, [...new Set(bases)]);
  const seen = new Set<string>();
  const repeated = new Set(bases.filter((b) => seen.size === seen.add(b).size));
  const crowded = [...new Set(bases.filter((b) => used.has(b) || repeated.has(b)))];
  for (const slug of await findUsedSlugs(trx, crowded.flatMap((b) => [`${b}-2`, `${b}-3`, `${b}-4`, `${b}-5`]))) used.add(slug);
  const slugs = planned.map((p, i) => {
    const base = bases[i]!;
    if (p.input.slug) return base;
    // A title used many times gets a suffix hashed from its source and guid.
    const slug = [base, `${base}-2`, `${base}-3`, `${base}-4`, `${base}-5`].find((s) => !used.has(s))
      ?? `${base}-${createHash('sha1').update(`${p.row.source_id}\n${p.row.guid}`).digest('hex').slice(0, 8)}`;
    used.add(slug);
    return slug;
  });
  const indexed: IndexedArticle[] = [];
  for (let i = 0; i < planned.length; i += 200) {
    const chunk = planned.slice(i, i + 200);
    const keys = await assignSearchKeys(trx, chunk.map((p) => p.row));
    const inserted = await trx
      .insertInto('articles')
      .values(chunk.map((p, k) => ({ ...p.row, slug: slugs[i + k]!, search_key: keys[k]!, created_at: now, updated_at: now })))
      .returning(['id', 'slug'])
      .execute();
    const idBySlug = new Map(inserted.map((r) => [r.slug, Number(r.id)]));
    chunk.forEach((p, k) => {
      const id = idBySlug.get(slugs[i + k]!)!;
      out.set(p.index, { id, slug: slugs[i + k]! });
      indexed.push({ ...p.row, id, search_key: keys[k]!, document: p.input.searchDocument });
    });
  }
  // Indexed once, in key order (indexArticles): indexed per chunk, each chunk of a newest-first
  // batch began a segment of its own.
  await indexArticles(trx, indexed, true);
  return out;
}

/** Returns which of these slugs articles have. */
async function findUsedSlugs(trx: Transaction<Database>, slugs: readonly string[]): Promise<Set<string>> {
  const used = new Set<string>();
  for (let i = 0; i < slugs.length; i += 500) {
    for (const r of await trx.selectFrom('articles').select('slug').where('slug', 'in', slugs.slice(i, i + 500)).execute()) used.add(r.slug);
  }
  return used;
}

/**
 * Inserts many new articles in one transaction with multi-row statements (bulk import, benchmarks);
 * items whose (source, guid) or canonical URL is already stored are skipped. Day counts and the total
 * follow the rows actually inserted. Returns how many were inserted.
 */
export async function insertArticles(db: Kysely<Database>, inputs: ArticleInput[], timeZone: string): Promise<number> {
  if (inputs.length === 0) return 0;
  await prepareFiling(db, inputs.map((i) => ({ sourceId: i.sourceId, words: wordsOf(i.categories) })));
  return db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const perDay = new Map<string, number>();
    const perSource = new Map<number, number>();
    const filing: FilingItem[] = [];
    const ids: number[] = [];
    const indexed: IndexedArticle[] = [];
    let inserted = 0;
    for (let i = 0; i < inputs.length; i += 500) {
      const unkeyed = inputs.slice(i, i + 500).map((input) => {
        const row = articleRow(input, timeZone);
        const slug = input.slug ? withoutNul(input.slug) : `${slugify(input.title)}-${createHash('sha1').update(`${input.sourceId}\n${input.guid}`).digest('hex').slice(0, 8)}`;
        return { ...row, slug, created_at: now, updated_at: now };
      });
      const keys = await assignSearchKeys(trx, unkeyed);
      const rows = unkeyed.map((r, k) => ({ ...r, search_key: keys[k]! }));
      const out = await trx.insertInto('articles').values(rows).onConflict((oc) => oc.doNothing()).returning(['id', 'slug', 'local_day', 'status']).execute();
      const bySlug = new Map(rows.map((r, k) => [r.slug, { ...r, document: inputs[i + k]!.searchDocument, words: wordsOf(inputs[i + k]!.categories) }]));
      for (const r of out) indexed.push({ ...bySlug.get(r.slug)!, id: Number(r.id) });
      for (const r of out) {
        const row = bySlug.get(r.slug)!;
        inserted++;
        ids.push(Number(r.id));
        filing.push({ id: Number(r.id), sourceId: row.source_id, words: row.words, published: r.status === 'published', publishedAt: row.published_at });
        if (r.status === 'published') {
          perDay.set(r.local_day, (perDay.get(r.local_day) ?? 0) + 1);
          perSource.set(row.source_id, (perSource.get(row.source_id) ?? 0) + 1);
        }
      }
    }
    await indexArticles(trx, indexed, true); // once, in key order (insertPlanned)
    await bumpDayCounts(trx, perDay);
    const filed = await fileArticles(trx, filing);
    await bumpSourceCounts(trx, perSource);
    if (inserted) await signalChange(trx, ids.length > 1000 ? { all: true } : { articles: ids, days: [...perDay.keys()], tags: [...filed.tags, ...[...perSource.keys()].map(sourceTag)] });
    return inserted;
  });
}

/** Sets an article's status (published, hidden, draft, scheduled); returns false when there is no such article. */
export async function setArticleStatus(db: Kysely<Database>, id: number, status: ArticleStatus): Promise<boolean> {
  return db.transaction().execute(async (trx) => (await writeStatus(trx, id, () => ({ status }))) !== undefined);
}

/**
 * Sets an article's own say on its canonical link (null: follow its source) and signals the change;
 * returns false when there is no such article.
 * @example await setArticleCanonicalHere(db, 42, true) // its page names itself canonical
 */
export async function setArticleCanonicalHere(db: Kysely<Database>, id: number, canonicalHere: boolean | null): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const value = canonicalHere === null ? null : canonicalHere ? 1 : 0;
    const row = await trx.selectFrom('articles').select(['canonical_here']).where('id', '=', id).executeTakeFirst();
    if (!row) return false;
    if ((row.canonical_here ?? null) === value) return true;
    await trx.updateTable('articles').set({ canonical_here: value }).where('id', '=', id).execute();
    await signalChange(trx, { articles: [id] });
    return true;
  });
}

/** What an article's status change reads of it. */
export interface StatusRow {
  status: string;
  local_day: string;
  published_at: string;
}

/**
 * Moves an article to the status (and local day) `decide` returns for its current row, with its
 * counts, filing and change signal, in the caller's transaction; `decide` returning null changes
 * nothing. The row changes only as it was read: when another writer changed its status meanwhile
 * (PostgreSQL), it is read again and decided anew, so no count moves twice. Returns the status
 * before and after, or undefined when there is no such article.
 */
export async function writeStatus(
  trx: Transaction<Database>, id: number, decide: (current: StatusRow) => { status: ArticleStatus; localDay?: string } | null,
): Promise<{ from: ArticleStatus; to: ArticleStatus } | undefined> {
  for (;;) {
    const existing = await trx.selectFrom('articles').select(['status', 'local_day', 'source_id', 'published_at']).where('id', '=', id).executeTakeFirst();
    if (!existing) return undefined;
    const from = existing.status as ArticleStatus;
    const next = decide(existing);
    const after = { status: next?.status ?? from, local_day: next?.localDay ?? existing.local_day };
    if (after.status === from && after.local_day === existing.local_day) return { from, to: from };
    const written = await trx.updateTable('articles').set({ ...after, updated_at: new Date().toISOString() })
      .where('id', '=', id).where('status', '=', from).where('local_day', '=', existing.local_day).executeTakeFirst();
    if (written.numUpdatedRows === 0n) continue;
    await bumpDayCounts(trx, dayMoves(existing, after));
    const moved = await refileStatus(trx, [{ id, published: after.status === 'published', publishedAt: existing.published_at }]);
    const was = from === 'published';
    const is = after.status === 'published';
    if (was !== is) await bumpSourceCounts(trx, new Map([[Number(existing.source_id), is ? 1 : -1]]));
    await signalChange(trx, { articles: [id], days: [existing.local_day, after.local_day], tags: [...moved, sourceTag(Number(existing.source_id))] });
    return { from, to: after.status };
  }
}

/**
 * Deletes an article; returns false when there is no such article. An aggregated one (from a feed or
 * a page) leaves a tombstone, so that its source's next fetch does not store it again (findDeletedGuids).
 */
export async function deleteArticle(db: Kysely<Database>, id: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('articles as a').innerJoin('sources as s', 's.id', 'a.source_id')
      .select(['a.status', 'a.local_day', 'a.source_id', 'a.published_at', 'a.guid', 'a.canonical_url', 's.kind']).where('a.id', '=', id).executeTakeFirst();
    if (!existing) return false;
    await unindexArticles(trx, [id]);
    if (existing.status === 'published') await bumpDayCounts(trx, [[existing.local_day, -1]]);
    const moved = await refileStatus(trx, [{ id, published: null, publishedAt: existing.published_at }]);
    if (existing.status === 'published') await bumpSourceCounts(trx, new Map([[Number(existing.source_id), -1]]));
    if (existing.kind === 'feed' || existing.kind === 'page') {
      await trx.insertInto('article_tombstones').values({ source_id: existing.source_id, guid: existing.guid, canonical_url: existing.canonical_url, deleted_at: new Date().toISOString() })
        .onConflict((oc) => oc.columns(['source_id', 'guid']).doNothing()).execute();
    }
    await trx.deleteFrom('articles').where('id', '=', id).execute();
    await signalChange(trx, { articles: [id], days: [existing.local_day], tags: [...moved, sourceTag(Number(existing.source_id))] });
    return true;
  });
}

/** Returns the guids of the items (of one source) whose article an editor deleted: by guid, or by canonical URL (a feed that changes its guids). */
export async function findDeletedGuids(db: Db, sourceId: number, items: readonly Pick<ArticleInput, 'guid' | 'canonicalUrl'>[]): Promise<Set<string>> {
  const out = new Set<string>();
  const keyed = items.map((i) => ({ guid: i.guid, key: bounded(withoutNul(i.guid), LIMITS.guid), url: httpUrl(withoutNul(i.canonicalUrl)) }));
  for (let i = 0; i < keyed.length; i += 500) {
    const chunk = keyed.slice(i, i + 500);
    const urls = chunk.flatMap((k) => (k.url ? [k.url] : []));
    const rows = await db.selectFrom('article_tombstones').select(['guid', 'canonical_url']).where('source_id', '=', sourceId)
      .where((eb) => eb.or([eb('guid', 'in', chunk.map((k) => k.key)), ...(urls.length ? [eb('canonical_url', 'in', urls)] : [])])).execute();
    const guids = new Set(rows.map((r) => r.guid));
    const dead = new Set(rows.flatMap((r) => (r.canonical_url ? [r.canonical_url] : [])));
    for (const k of chunk) if (guids.has(k.key) || (k.url && dead.has(k.url))) out.add(k.guid);
  }
  return out;
}

/** Returns which of these guids the source already has stored. */
export async function findStoredGuids(db: Db, sourceId: number, guids: string[]): Promise<Set<string>> {
  const stored = new Set<string>();
  const keys = [...new Set(guids.map(withoutNul))];
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db.selectFrom('articles').select('guid').where('source_id', '=', sourceId).where('guid', 'in', keys.slice(i, i + 500)).execute();
    for (const r of rows) stored.add(r.guid);
  }
  return new Set(guids.filter((g) => stored.has(withoutNul(g))));
}

/**
 * The offset from which findLatestArticles locates the page through day_counts instead of stepping
 * over `offset` index entries. Measured (bench/deep-pages.ts, 1,000,000 articles over 9,863 days,
 * SQLite): both ~0.5 ms at offset 1,000; plain OFFSET 3.3 ms at 10,000 and 2,240 ms at 999,980,
 * day counts 0.5–0.8 ms at either end and 5 ms at the middle page (half the days read).
 */
export const DEEP_OFFSET = 1000;

/**
 * Returns the newest published articles, newest first, skipping `offset` of them.
 * Deep pages cost about what page 1 does: the day counts (newest first) tell which local day holds
 * the article at `offset` and how many newer ones precede that day, so the index is entered at that
 * day's newest instant and only the few articles of that day before the page are stepped over.
 * Days are monotonic in published_at (the site time zone; `jarida recount` keeps them so), hence the
 * result is the same as plain OFFSET. `deepFrom`: the offset from which to do so (tests pass 0).
 * @example await findLatestArticles(db, 20, 999_980) // page 50,000
 */
export async function findLatestArticles(db: Kysely<Database>, limit: number, offset = 0, deepFrom = DEEP_OFFSET): Promise<Article[]> {
  return (await newestPage(db, limit, offset, deepFrom, latest, latestBeforeDay)).map(toArticle);
}

/** What a list of articles shows of each: no body, author, image or URLs. */
export type ArticleHeadline = Pick<Article, 'id' | 'slug' | 'title' | 'summary' | 'language' | 'publishedAt' | 'localDay' | 'sourceTitle' | 'sourceSlug' | 'imageUrl'>;

/**
 * Returns the headlines of the newest published articles, as findLatestArticles finds them (deep
 * pages too); lists need neither the bodies (most of a row's bytes) nor the other columns.
 */
export async function findLatestHeadlines(db: Kysely<Database>, limit: number, offset = 0, deepFrom = DEEP_OFFSET): Promise<ArticleHeadline[]> {
  return (await newestPage(db, limit, offset, deepFrom, latestHeadlines, headlinesBeforeDay)).map(toHeadline);
}

/** The page of newest articles at `offset`: counted from the newest of all, or (deep) from the newest of the day holding it. */
async function newestPage<R>(
  db: Kysely<Database>,
  limit: number,
  offset: number,
  deepFrom: number,
  fromNewest: (db: Kysely<Database>, limit: number, offset: number) => Promise<R[]>,
  fromDay: (db: Kysely<Database>, day: string, limit: number, offset: number) => Promise<R[]>,
): Promise<R[]> {
  if (offset < deepFrom) return fromNewest(db, limit, offset);
  const at = await findDayAtOffset(db, offset);
  return at ? fromDay(db, at.day, limit, offset - at.newer) : [];
}

/** Returns the headlines of one local day's published articles, newest first. */
export async function findHeadlinesByDay(db: Kysely<Database>, day: string, limit: number, offset = 0): Promise<ArticleHeadline[]> {
  return (await headlinesByDay(db, day, limit, offset)).map(toHeadline);
}

// The newest published articles from `offset` on, counting from the newest of all or from the
// newest of `day`: every article of that day or older is at most the day's newest instant, every
// newer one after it.
const latest = prepared((db, limit: number, offset: number) => newestFirst(selectArticles(db).where('a.status', '=', 'published')).limit(limit).offset(offset));
const latestBeforeDay = prepared((db, day: string, limit: number, offset: number) =>
  newestFirst(selectArticles(db).where('a.status', '=', 'published').where('a.published_at', '<=', newestOfDay(db, day))).limit(limit).offset(offset));
const latestHeadlines = prepared((db, limit: number, offset: number) => newestFirst(selectHeadlines(db).where('a.status', '=', 'published')).limit(limit).offset(offset));
const headlinesBeforeDay = prepared((db, day: string, limit: number, offset: number) =>
  newestFirst(selectHeadlines(db).where('a.status', '=', 'published').where('a.published_at', '<=', newestOfDay(db, day))).limit(limit).offset(offset));

function newestOfDay(db: Kysely<Database>, day: string) {
  return db
    .selectFrom('articles as d')
    .select('d.published_at')
    .where('d.local_day', '=', day)
    .where('d.status', '=', 'published')
    .orderBy('d.published_at', 'desc')
    .limit(1);
}

/** Returns the published articles of one local day, newest first. */
export async function findArticlesByDay(db: Db, day: string, limit: number, offset = 0): Promise<Article[]> {
  return (await articlesByDay(db, day, limit, offset)).map(toArticle);
}

const articlesByDay = prepared((db, day: string, limit: number, offset: number) =>
  newestFirst(selectArticles(db).where('a.local_day', '=', day).where('a.status', '=', 'published')).limit(limit).offset(offset));
const headlinesByDay = prepared((db, day: string, limit: number, offset: number) =>
  newestFirst(selectHeadlines(db).where('a.local_day', '=', day).where('a.status', '=', 'published')).limit(limit).offset(offset));

/**
 * Returns the headlines of a section's or tag's published articles, newest first: the page's ids
 * from one range of the article_categories index (category, published, instant), then only their
 * rows. Stepping over `offset` entries of the index alone is what keeps a deep page cheap: joining
 * first made SQLite build every skipped row (measured at 1,000,000 articles, a section of 166,740:
 * offset 100,000 in 381 ms that way, 6.7 ms this way; the last page 635 ms, 9.6 ms).
 */
export async function findHeadlinesByCategory(db: Db, categoryId: number, limit: number, offset = 0): Promise<ArticleHeadline[]> {
  return (await headlinesByCategory(db, categoryId, limit, offset)).map(toHeadline);
}

const headlinesByCategory = prepared((db, categoryId: number, limit: number, offset: number) =>
  headlinesOf(db, db
    .selectFrom('article_categories as ac')
    .select('ac.article_id')
    .where('ac.category_id', '=', categoryId)
    .where('ac.published', '=', 1)
    .orderBy('ac.published_at', 'desc')
    .orderBy('ac.article_id', 'desc')
    .limit(limit)
    .offset(offset)));

/**
 * Returns the newest `limit` published headlines of each category, newest first, by category id
 * (the front page's section blocks): one statement for them all, each category one range of the
 * article_categories index as findHeadlinesByCategory reads it, joined to its rows. Categories with
 * none are absent.
 */
export async function findNewestByCategories(db: Db, categoryIds: readonly number[], limit: number): Promise<Map<number, ArticleHeadline[]>> {
  const out = new Map<number, ArticleHeadline[]>();
  for (let i = 0; i < categoryIds.length; i += NEWEST_CHUNK) {
    const ids = categoryIds.slice(i, i + NEWEST_CHUNK);
    for (const r of await newestOfCategories(ids.length)(db, limit, ...ids)) {
      const id = Number(r.category_id);
      out.set(id, [...(out.get(id) ?? []), toHeadline(r)]);
    }
  }
  // A union's rows come in no promised order.
  for (const list of out.values()) list.sort((a, b) => (a.publishedAt === b.publishedAt ? b.id - a.id : a.publishedAt < b.publishedAt ? 1 : -1));
  return out;
}

/** Categories per statement (one compiled shape per count up to it). */
const NEWEST_CHUNK = 16;
const newestOfCategoriesBy = new Map<number, (db: Db, limit: number, ...ids: number[]) => Promise<(HeadlineRow & { category_id: number })[]>>();

function newestOfCategories(n: number) {
  let q = newestOfCategoriesBy.get(n);
  if (!q) {
    q = prepared((db, limit: number, ...ids: number[]) => {
      const [first, ...rest] = ids.map((id) =>
        db.selectFrom((eb) => eb
          .selectFrom('article_categories as ac')
          .select(['ac.category_id', 'ac.article_id'])
          .where('ac.category_id', '=', id)
          .where('ac.published', '=', 1)
          .orderBy('ac.published_at', 'desc')
          .orderBy('ac.article_id', 'desc')
          .limit(limit)
          .as('p'))
          .select(['p.category_id', 'p.article_id']));
      const all = rest.reduce((u, part) => u.unionAll(part), first!);
      return db
        .selectFrom(all.as('x'))
        .innerJoin('articles as a', 'a.id', 'x.article_id')
        .innerJoin('sources as s', 's.id', 'a.source_id')
        .select(['x.category_id', ...HEADLINE_COLUMNS]);
    });
    newestOfCategoriesBy.set(n, q);
  }
  return q;
}

/** Returns the headlines of one source's published articles, newest first (the page's ids from the index first, as by category). */
export async function findHeadlinesBySource(db: Db, sourceId: number, limit: number, offset = 0): Promise<ArticleHeadline[]> {
  return (await headlinesBySource(db, sourceId, limit, offset)).map(toHeadline);
}

const headlinesBySource = prepared((db, sourceId: number, limit: number, offset: number) =>
  headlinesOf(db, db
    .selectFrom('articles as x')
    .select('x.id')
    .where('x.source_id', '=', sourceId)
    .where('x.status', '=', 'published')
    .orderBy('x.published_at', 'desc')
    .orderBy('x.id', 'desc')
    .limit(limit)
    .offset(offset)));

/** The headlines of the articles a page's id query names (one index range, limited), newest first. */
function headlinesOf(db: Kysely<Database>, ids: SelectQueryBuilder<never, never, { id: number } | { article_id: number }>) {
  return newestFirst(selectHeadlines(db).where('a.id', 'in', ids));
}

/** Returns the published article with this slug, or undefined. */
export async function findArticleBySlug(db: Db, slug: string): Promise<Article | undefined> {
  const [row] = await articleBySlug(db, slug);
  return row && toArticle(row);
}

const articleBySlug = prepared((db, slug: string) => selectArticles(db).where('a.slug', '=', slug).where('a.status', '=', 'published'));

/** What an article page shows of its previous and next: a link (title, URL parts, language) and the instant. */
export type NeighbourLink = Pick<Article, 'id' | 'slug' | 'title' | 'language' | 'publishedAt' | 'localDay'>;

/**
 * Returns the published articles just older and just newer than this one (previous / next), as
 * links: their bodies, most of a row's bytes, are not read.
 */
export async function findNeighbours(db: Db, a: Pick<Article, 'id' | 'publishedAt'>): Promise<{ older?: NeighbourLink; newer?: NeighbourLink }> {
  const [[older], [newer]] = await Promise.all([olderThan(db, a.publishedAt, a.id), newerThan(db, a.publishedAt, a.id)]);
  return { older: older && toNeighbour(older), newer: newer && toNeighbour(newer) };
}

const olderThan = prepared((db, publishedAt: string, id: number) => neighbour(db, publishedAt, id, '<'));
const newerThan = prepared((db, publishedAt: string, id: number) => neighbour(db, publishedAt, id, '>'));

function toNeighbour(r: { id: number; slug: string; title: string; language: string | null; published_at: string; local_day: string }): NeighbourLink {
  return { id: Number(r.id), slug: r.slug, title: r.title, language: r.language, publishedAt: r.published_at, localDay: r.local_day };
}

function neighbour(db: Db, publishedAt: string, id: number, op: '<' | '>') {
  const order = op === '<' ? 'desc' : 'asc';
  return db
    .selectFrom('articles as a')
    .select(['a.id', 'a.slug', 'a.title', 'a.language', 'a.published_at', 'a.local_day'])
    .where('a.status', '=', 'published')
    // The first condition alone bounds the index range; the second breaks ties on equal instants.
    .where('a.published_at', op === '<' ? '<=' : '>=', publishedAt)
    .where((eb) => eb.or([eb('a.published_at', op, publishedAt), eb('a.id', op, id)]))
    .orderBy('a.published_at', order)
    .orderBy('a.id', order)
    .limit(1);
}

/**
 * Recomputes every article's local day for `timeZone` and rebuilds day_counts and the total from
 * them (and the section, tag and source counts), in one transaction (the caller's, when given one);
 * returns how many articles moved to another day.
 */
export async function recountDays(db: Kysely<Database>, timeZone: string): Promise<number> {
  const run = async (trx: Transaction<Database>) => {
    let moved = 0;
    let lastId = 0;
    for (;;) {
      const batch = await trx
        .selectFrom('articles')
        .select(['id', 'published_at', 'local_day'])
        .where('id', '>', lastId)
        .orderBy('id')
        .limit(5000)
        .execute();
      if (batch.length === 0) break;
      for (const r of batch) {
        const day = localDay(new Date(r.published_at), timeZone);
        if (day !== r.local_day) {
          await trx.updateTable('articles').set({ local_day: day }).where('id', '=', r.id).execute();
          moved++;
        }
      }
      lastId = batch[batch.length - 1]!.id;
    }
    await rebuildDayCounts(trx);
    await rebuildListCounts(trx);
    await signalChange(trx, { all: true });
    return moved;
  };
  return db.isTransaction ? run(db as Transaction<Database>) : db.transaction().execute(run);
}

/** Returns the hash that tells whether an article's visible content changed. */
export function contentHash(input: Pick<ArticleInput, 'title' | 'summary' | 'contentHtml' | 'author' | 'imageUrl' | 'language' | 'url'>): string {
  const h = createHash('sha256');
  for (const v of [input.title, input.summary, input.contentHtml, input.author, input.imageUrl, input.language, input.url]) h.update(v ?? '\u0000').update('\u0001');
  return h.digest('base64url').slice(0, 22);
}

/**
 * Returns the text as both stores keep it: PostgreSQL text cannot hold U+0000, so neither store
 * does, and an item is found again by the same guid and URL on both.
 */
function withoutNul<T extends string | null | undefined>(s: T): T {
  return (s && s.includes('\u0000') ? s.replaceAll('\u0000', '') : s) as T;
}

/** Returns the source's words as stored: each a bounded label, at most LIMITS.categories, no repeats. */
function wordsOf(list: readonly string[] | undefined): string[] {
  if (!list?.length) return [];
  return [...new Set(list.slice(0, LIMITS.categories * 4).flatMap((c) => label(withoutNul(c), LIMITS.category) ?? []))].slice(0, LIMITS.categories);
}

/** Returns the words as the categories column keeps them (JSON), null for none. */
function categoriesOf(list: readonly string[] | undefined): string | null {
  const kept = wordsOf(list);
  return kept.length ? JSON.stringify(kept) : null;
}

/** The cache tag of a source's page. */
export function sourceTag(id: number): string {
  return `source-${id}`;
}

/** Returns the row an input is stored as: every URL http(s) or null, every text bounded (LIMITS), its local day and hash. */
export function articleRow(input: WriteInput, timeZone: string) {
  return {
    source_id: input.sourceId,
    guid: bounded(withoutNul(input.guid), LIMITS.guid),
    // The store's own scheme check: whatever the caller, only http(s) URLs reach a page.
    url: httpUrl(withoutNul(input.url)),
    canonical_url: httpUrl(withoutNul(input.canonicalUrl)),
    title: label(withoutNul(input.title), LIMITS.title) ?? '',
    summary: bounded(withoutNul(input.summary ?? null), LIMITS.summary),
    content_html: withoutNul(input.contentHtml ?? null),
    author: label(withoutNul(input.author), LIMITS.author),
    language: label(withoutNul(input.language), LIMITS.language),
    image_url: httpUrl(withoutNul(input.imageUrl)),
    published_at: input.publishedAt.toISOString(),
    local_day: localDay(input.publishedAt, timeZone),
    status: input.status ?? 'published',
    content_hash: contentHash(input),
    categories: categoriesOf(input.categories),
    ...(isDesk(input) ? deskColumns(input.desk) : {}),
  };
}

/** The desk's own columns of a desk write (user_id only when given: an edit keeps the author). */
function deskColumns(d: DeskWrite['desk']): { edited_at: string; body_source: string | null; user_id?: number | null } {
  return { edited_at: d.editedAt, body_source: withoutNul(d.bodySource), ...(d.userId !== undefined ? { user_id: d.userId } : {}) };
}

/** Returns the day count changes of an article going from `before` to `after` (status, day). */
function dayMoves(before: { status: string; local_day: string }, after: { status: string; local_day: string }): [string, number][] {
  const was = before.status === 'published';
  const is = after.status === 'published';
  const deltas: [string, number][] = [];
  if (was && (!is || before.local_day !== after.local_day)) deltas.push([before.local_day, -1]);
  if (is && (!was || before.local_day !== after.local_day)) deltas.push([after.local_day, 1]);
  return deltas;
}

/** Returns the articles with these ids (any status), in no particular order. */
export async function findArticlesByIds(db: Db, ids: readonly number[]): Promise<Article[]> {
  if (ids.length === 0) return [];
  return (await articlesByIds(db, JSON.stringify(ids))).map(toArticle);
}

// The ids as one JSON array: one statement, compiled once, whatever their number (a search's page
// of 20 rows: Kysely built and compiled the 24-column join anew each time).
const articlesByIds = prepared((db, ids: string) =>
  selectArticles(db).where('a.id', 'in', isSqlite(db) ? sql<number>`(select value from json_each(${ids}))` : sql<number>`(select jsonb_array_elements_text(${ids}::jsonb)::bigint)`));

/** An article a search found: its card (headline and source id) and what its snippet is cut from (summary, body). */
export type SearchHit = ArticleHeadline & Pick<Article, 'sourceId' | 'contentHtml'>;

/**
 * Returns the articles of `ids` as a search shows them (any order; missing ids are absent): the
 * headline columns, the source id and the body, not the other fourteen columns findArticlesByIds
 * reads (a page of 20 results: ~a third less of the statement's time).
 */
export async function findSearchHitsByIds(db: Db, ids: readonly number[]): Promise<SearchHit[]> {
  if (ids.length === 0) return [];
  return (await searchHitsByIds(db, JSON.stringify(ids))).map((r) => {
    // The two added to the headline rather than spread into a new object: spreading cost as much as the statement's rows.
    const hit = toHeadline(r) as SearchHit;
    hit.sourceId = Number(r.source_id);
    hit.contentHtml = r.content_html;
    return hit;
  });
}

const searchHitsByIds = prepared((db, ids: string) =>
  selectHeadlines(db)
    .select(['a.source_id', 'a.content_html'])
    .where('a.id', 'in', isSqlite(db) ? sql<number>`(select value from json_each(${ids}))` : sql<number>`(select jsonb_array_elements_text(${ids}::jsonb)::bigint)`));

/**
 * Returns the smallest and largest article id (any status), or null when there is none: ids to draw
 * a random sample from with findArticlesByIds (bench/search.ts).
 */
export async function findArticleIdRange(db: Db): Promise<{ min: number; max: number } | null> {
  const r = await db.selectFrom('articles').select((eb) => [eb.fn.min('id').as('min'), eb.fn.max('id').as('max')]).executeTakeFirst();
  return r?.min === null || r?.min === undefined || r.max === null ? null : { min: Number(r.min), max: Number(r.max) };
}

/** Returns a query of articles (alias `a`) with their source's columns, as toArticle reads them. */
export function selectArticles(db: Db) {
  return db
    .selectFrom('articles as a')
    .innerJoin('sources as s', 's.id', 'a.source_id')
    .select([...ARTICLE_COLUMNS, 's.title as source_title', 's.slug as source_slug', 's.site_url as source_site_url', 's.canonical_here as source_canonical_here']);
}

const HEADLINE_COLUMNS = ['a.id', 'a.slug', 'a.title', 'a.summary', 'a.language', 'a.published_at', 'a.local_day', 'a.image_url', 's.title as source_title', 's.slug as source_slug'] as const;

function selectHeadlines(db: Db) {
  return db
    .selectFrom('articles as a')
    .innerJoin('sources as s', 's.id', 'a.source_id')
    .select(HEADLINE_COLUMNS);
}

/** Newest first; equal instants by id, so that pages never overlap. */
function newestFirst<Q extends { orderBy(ref: 'a.published_at' | 'a.id', dir: 'desc'): Q }>(q: Q): Q {
  return q.orderBy('a.published_at', 'desc').orderBy('a.id', 'desc');
}

type HeadlineRow = { id: number; slug: string; title: string; summary: string | null; language: string | null; published_at: string; local_day: string; image_url: string | null; source_title: string | null; source_slug: string | null };

function toHeadline(r: HeadlineRow): ArticleHeadline {
  return {
    id: Number(r.id),
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    language: r.language,
    publishedAt: r.published_at,
    localDay: r.local_day,
    sourceTitle: r.source_title,
    sourceSlug: r.source_slug,
    imageUrl: r.image_url,
  };
}

/** The desk's own columns (0009) are read by store/desk-articles.ts, not by the public pages. */
type PublicArticleRow = Omit<Selectable<ArticlesTable>, 'edited_at' | 'body_source' | 'user_id' | 'search_key'>;

/** Returns the article a row of selectArticles holds. */
export function toArticle(r: PublicArticleRow & { source_title: string | null; source_slug: string | null; source_site_url: string | null; source_canonical_here: number }): Article {
  return {
    id: Number(r.id),
    sourceId: Number(r.source_id),
    guid: r.guid,
    url: r.url,
    canonicalUrl: r.canonical_url,
    slug: r.slug,
    title: r.title,
    summary: r.summary,
    contentHtml: r.content_html,
    author: r.author,
    language: r.language,
    imageUrl: r.image_url,
    publishedAt: r.published_at,
    localDay: r.local_day,
    status: r.status as ArticleStatus,
    contentHash: r.content_hash,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sourceTitle: r.source_title,
    sourceSlug: r.source_slug,
    sourceSiteUrl: r.source_site_url,
    sourceCanonicalHere: r.source_canonical_here === 1,
    canonicalHere: r.canonical_here === null || r.canonical_here === undefined ? null : Number(r.canonical_here) === 1,
    categories: r.categories ? (JSON.parse(r.categories) as string[]) : [],
  };
}
