/**
 * The search index and search queries. SQLite: FTS5 (`articles_fts`, contentless, rowid = the
 * article's search key, store/search-key.ts). PostgreSQL: `article_search` tsvectors (`simple`
 * config) with GIN indexes. Both rank by searchArticles' order (title matches, then the rest, newest
 * first), read from the newest key on. Terms are normalized in src/search before either store sees
 * them, so both match the same words; the query text reaching SQL is built here from terms of letters
 * and digits only, and passed as a parameter. Each article is analysed in its own language (src/search); the
 * analyser's version is kept in the settings, and a store built with another is re-indexed.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { ARTICLE_STATUSES } from '../model/types.js';
import { searchDocument, type SearchDocument } from '../search/document.js';
import { ANALYSER_VERSION } from '../search/normalize.js';
import type { QueryPart } from '../search/query.js';
import { findSearchHitsByIds, type SearchHit } from './articles.js';
import { countPublishedBetween } from './day-counts.js';
import { isSqlite, readRows, StoreError } from './dialect.js';
import type { Database } from './schema.js';
import { deleteSetting, findSetting, saveSetting } from './settings.js';
import { asKey, firstKeyAt } from './search-key.js';
import { firstKeyOfWeek, periodBlocks, periodTerms, weekOfKey } from './search-period.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Matches ranked per search, newest first: a word found in more articles than this is ranked among
 * its newest this many matches (and the count says "more than"), so a common word costs what a
 * rare one does. Narrowing by more words, a day range or a source searches the older ones.
 */
export const SEARCH_CANDIDATES = 1000;

/** What to find: parts all present, none of `exclude`; optional day range and source. */
export interface SearchFilter {
  parts: QueryPart[];
  exclude?: QueryPart[];
  fromDay?: string;
  toDay?: string;
  sourceId?: number;
}

/** A page of search results. */
export interface SearchResults {
  articles: SearchHit[];
  /** Matches found, at most SEARCH_CANDIDATES. */
  total: number;
  /** True when there are more matches than were ranked. */
  capped: boolean;
}

/** An article as the index takes it. */
export interface IndexedArticle {
  id: number;
  /** Its source: SQLite files the article under the source's term too (sourceTerm). */
  source_id: number;
  /** Its key (store/search-key.ts): SQLite's FTS5 rowid. */
  search_key: number;
  /** The key its present index entry has, when it has one under another key (SQLite). */
  previous_key?: number | null;
  title: string;
  summary: string | null;
  content_html: string | null;
  /** Its language tag: the analysis of its words (null: detected from the text). */
  language?: string | null;
  /** Its terms, when already computed (ArticleInput.searchDocument). */
  document?: SearchDocument;
}

/** Rows an insert into a SQLite index table takes at most (3 parameters each; SQLite allows 32,766). */
const FTS_ROWS = 1000;

/**
 * Adds or replaces the index entries of these articles (in the caller's transaction); `fresh`: they
 * were just inserted, so there is nothing to replace (a deleted article's entry went with it).
 * @example await indexArticles(trx, [{ id: 7, search_key: 80_337_000_000_000, title: 'Budget', summary: null, content_html: '<p>…</p>' }])
 */
export async function indexArticles(db: Db, entries: readonly IndexedArticle[], fresh = false): Promise<void> {
  if (entries.length === 0) return;
  // An article given twice (two inputs of one save matched it) is indexed as the last says; every
  // key either named is unindexed below.
  const articles = fresh ? entries : [...new Map(entries.map((a) => [Number(a.id), a])).values()];
  const docs = articles.map((a) => ({ id: Number(a.id), key: Number(a.search_key), source: Number(a.source_id), ...(a.document ?? searchDocument({ title: a.title, summary: a.summary, contentHtml: a.content_html, language: a.language })) }));
  if (isSqlite(db)) {
    // In ascending key order: FTS5 writes its pending entries out as a new segment whenever a rowid
    // is not above the one before, so a batch given newest first (a feed, an import, a rebuild in id
    // order) made a segment per article, each merged again later: 111–125 µs an article against
    // 43–45 in key order (40,000 bodies of ~1.5 KB, one transaction per 2,000). Callers index a
    // transaction's articles in one call.
    docs.sort((x, y) => x.key - y.key);
    if (!fresh) await unindexKeys(db, [...new Set(entries.flatMap((a) => [Number(a.search_key), ...(a.previous_key == null ? [] : [Number(a.previous_key)])]))]);
    // Each statement of several rows ends in a savepoint, where FTS5 writes a segment too: few, long ones.
    for (let i = 0; i < docs.length; i += FTS_ROWS) {
      const chunk = docs.slice(i, i + FTS_ROWS);
      await sql`insert into articles_fts (rowid, title, body) values ${sql.join(chunk.map((d) => sql`(${asKey(d.key)}, ${d.title}, ${`${d.body} ${sourceTerm(d.source)}`})`))}`.execute(db);
      await sql`insert into articles_title_fts (rowid, title) values ${sql.join(chunk.map((d) => sql`(${asKey(d.key)}, ${d.title})`))}`.execute(db);
    }
    return;
  }
  for (let i = 0; i < docs.length; i += 300) {
    // The source's and the periods' terms after the last word, weighted as the title's words: in `title_document` too (sourceTerm, periodTerms).
    const rows = docs.slice(i, i + 300).map((d) => sql`(${d.id}::bigint, setweight(to_tsvector('simple', ${d.title}), 'A') || to_tsvector('simple', ${d.body}) || setweight(${filedUnder(d)}::tsvector, 'A'))`);
    await sql`insert into article_search (article_id, document) values ${sql.join(rows)}
      on conflict (article_id) do update set document = excluded.document`.execute(db);
  }
}

/** PostgreSQL: the lexemes an article is filed under besides its words (its source's, its periods'), as tsvector text. */
function filedUnder(d: { key: number; source: number }): string {
  const terms = [sourceTerm(d.source), ...(Number.isSafeInteger(d.key) ? periodTerms(d.key) : [])];
  return terms.map((t) => `'${t}':1`).join(' ');
}

/**
 * The term an article's source is filed under in the index: U+E000 and the source's id. SQLite: at
 * the end of its body in `articles_fts` (FTS5's tokenizer keeps private-use characters in words);
 * PostgreSQL: a lexeme of `article_search.document` after its last word, weighted as the title's
 * words (so `title_document` has it too: a title search within a source asks the titles' index for
 * both), put there as a lexeme (the parser would split the mark off: no word of the text is one). The
 * analysis never makes the mark (src/search/normalize.ts), so no written word is this term, and no
 * phrase holds it. A search within a source asks for it with its words (fts5Query, pgQuery), and the
 * index steps through both lists together: `full` in a Turkish source that holds none of it read the
 * word's 449,000 matches and checked each one's source (SQLite ~150 ms, PostgreSQL ~1.7 s at
 * 1,000,000 articles); now the index finds that the two lists never meet. The articles are still
 * checked against their source: the term only narrows. Every write that can move an article to
 * another source indexes it again (writeArticles); migrations 0020 (SQLite) and 0021 (PostgreSQL)
 * filed the stored ones.
 * @example sourceTerm(5) // '\u{E000}5'
 */
export function sourceTerm(sourceId: number): string {
  return `${SOURCE_TERM_MARK}${sourceId}`;
}

/** What every source's term begins with (sourceTerm), and no written word. */
export const SOURCE_TERM_MARK = '\u{E000}';

/** SQLite's index tables: all the words (title and body), and the titles' words alone. */
const FTS_TABLES = ['articles_fts', 'articles_title_fts'] as const;

/** Removes the SQLite index entries under these keys (none is an error: a key not indexed yet). */
async function unindexKeys(db: Db, keys: readonly number[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 500) {
    for (const t of FTS_TABLES) await sql`delete from ${sql.table(t)} where rowid in (${sql.join(keys.slice(i, i + 500).map(asKey))})`.execute(db);
  }
}

/** Removes the index entries of these articles, before they go (PostgreSQL removes them with the article anyway). */
export async function unindexArticles(db: Db, ids: readonly number[]): Promise<void> {
  if (!isSqlite(db) || ids.length === 0) return;
  for (let i = 0; i < ids.length; i += 500) {
    for (const t of FTS_TABLES) await sql`delete from ${sql.table(t)} where rowid in (select search_key from articles where id in (${sql.join(ids.slice(i, i + 500))}))`.execute(db);
  }
}

/** Removes the index entries of a source's articles, before the source and its articles go. */
export async function unindexSource(db: Db, sourceId: number): Promise<void> {
  if (!isSqlite(db)) return;
  for (const t of FTS_TABLES) await sql`delete from ${sql.table(t)} where rowid in (select search_key from articles where source_id = ${sourceId})`.execute(db);
}

/**
 * Refreshes the planner's statistics after a bulk write (PostgreSQL: ANALYZE of the articles and the
 * search index, which the search plan reads; autovacuum would get there later). SQLite: nothing.
 */
export async function analyzeAfterBulkWrite(db: Kysely<Database>): Promise<void> {
  if (isSqlite(db)) return;
  for (const table of ['articles', 'article_search', 'day_counts']) await sql`analyze ${sql.table(table)}`.execute(db);
}

/** Index pages one merge step writes (~4 MB): 50–170 ms of a write lock at 1,000,000 articles. */
const MERGE_STEP_PAGES = 1000;

/**
 * Merges the SQLite search index's segments into one, a step at a time (each its own short write
 * transaction, so feeds and the desk write between them and readers never wait), until it is one
 * segment or `deadline` (ms, Date.now()) has passed; returns whether it is done and how many steps
 * did work. FTS5 adds a segment per transaction and merges only four of a level at once, so an
 * index grown by feeds and imports holds a dozen or more, each looked up for every searched word:
 * at 1,000,000 articles merged searches took 0.6× the time (bench:search). A merged index that
 * has not changed costs one no-op step per table. PostgreSQL: VACUUM (ANALYZE) of article_search.
 * @example await compactSearchIndex(store.db, Date.now() + 2000) // { done: false, steps: 30 }: call again
 */
export async function compactSearchIndex(db: Kysely<Database>, deadline = Number.POSITIVE_INFINITY): Promise<{ done: boolean; steps: number }> {
  if (!isSqlite(db)) {
    // One plain VACUUM (readers and writers go on): GIN's pending list into the index, the visibility
    // map set, the statistics renewed — what autovacuum does, where it is off or behind (a fresh
    // 1,000,000-article fill: searches p50 19.9 → 13.8 ms; 5.6 s).
    await sql`vacuum (analyze) article_search`.execute(db);
    return { done: true, steps: 1 };
  }
  let steps = 0;
  for (const table of FTS_TABLES) {
    for (;;) {
      if (Date.now() >= deadline) return { done: false, steps };
      if (!(await mergeStep(db, table))) break;
      steps++;
    }
  }
  return { done: true, steps };
}

/**
 * One FTS5 'merge' of up to MERGE_STEP_PAGES pages, every segment taken as one level (the negative
 * count); returns whether it merged anything: FTS5 says so only by changing total_changes() by 2 or
 * more, read on the same connection before and after.
 */
async function mergeStep(db: Kysely<Database>, table: (typeof FTS_TABLES)[number]): Promise<boolean> {
  return db.connection().execute(async (c) => {
    const changes = async () => Number((await sql<{ n: number }>`select total_changes() as n`.execute(c)).rows[0]!.n);
    const before = await changes();
    await sql`insert into ${sql.table(table)} (${sql.ref(table)}, rank) values ('merge', ${-MERGE_STEP_PAGES})`.execute(c);
    return (await changes()) - before >= 2;
  });
}

/** The setting that holds when the search index was last merged into one (ISO instant). */
export const COMPACTED_SETTING = 'search.compactedAt';

/** How often the ingest loop merges the index (a day: at 1,000,000 articles ~20 s of background writes). */
const COMPACT_EVERY_MS = 24 * 3600_000;

/**
 * Merges the index when the last merge is a day old (or there was none), for at most `budgetMs` of
 * steps; what is left, the next call goes on with. Returns what it did: 'not due', 'merging', 'done'.
 */
export async function compactSearchIndexWhenDue(db: Kysely<Database>, now: Date, budgetMs: number): Promise<'not due' | 'merging' | 'done'> {
  const last = await findSetting<string>(db, COMPACTED_SETTING);
  if (last !== undefined && now.getTime() - Date.parse(last) < COMPACT_EVERY_MS) return 'not due';
  const { done } = await compactSearchIndex(db, Date.now() + budgetMs);
  if (!done) return 'merging';
  await saveSetting(db, COMPACTED_SETTING, now.toISOString());
  return 'done';
}

/** The setting that names the analyser version the index was built with. */
export const ANALYSER_SETTING = 'search.analyser';

/**
 * Rebuilds the index when it was built by another version of the analysis (or none is recorded),
 * then records this one; `serve`'s setup and `jarida migrate` call it after migrating. Returns how
 * many articles were indexed, or null when the index was current.
 */
export async function ensureSearchIndexCurrent(db: Kysely<Database>): Promise<{ from: number | null; articles: number } | null> {
  const built = (await findSetting<number>(db, ANALYSER_SETTING)) ?? null;
  if (built === ANALYSER_VERSION) return null;
  const articles = await rebuildSearchIndex(db);
  return { from: built, articles };
}

/**
 * Rebuilds the whole index from the stored articles (migration 0003; `jarida reindex`; start-up when
 * the analysis changed) and records the analyser version. Returns how many articles were indexed.
 */
export async function rebuildSearchIndex(db: Kysely<any>): Promise<number> {
  const d = db as Kysely<Database>;
  if (isSqlite(d)) for (const t of FTS_TABLES) await sql`delete from ${sql.table(t)}`.execute(d);
  else await sql`delete from article_search`.execute(d);
  let lastId = 0;
  let n = 0;
  for (;;) {
    const batch = (await d.selectFrom('articles').select(['id', 'source_id', 'search_key', 'title', 'summary', 'content_html', 'language']).where('id', '>', lastId).orderBy('id').limit(1000).execute())
      .map((a) => ({ ...a, search_key: a.search_key === null ? Number.NaN : Number(a.search_key) }));
    if (batch.length === 0) {
      await saveSetting(d, ANALYSER_SETTING, ANALYSER_VERSION);
      // SQLite: an index built anew is many segments (FTS5 merges only as it goes): the daily merge
      // is due now, not a day after the last one (compactSearchIndexWhenDue).
      if (isSqlite(d)) await deleteSetting(d, COMPACTED_SETTING);
      return n;
    }
    await indexArticles(d, batch.filter((a) => Number.isSafeInteger(a.search_key)), true); // the index was emptied above
    n += batch.length;
    lastId = Number(batch[batch.length - 1]!.id);
  }
}

/**
 * Returns the published articles matching the filter, best first — those with every searched word in
 * their title, newest published first, then the others, newest first — `limit` from `offset`, and
 * how many matched (at most SEARCH_CANDIDATES). The index is read from its newest key on and stops
 * when the page is full, so a common word costs what a rare one does.
 * @example await searchArticles(db, { parts: [{ terms: ['budget'], prefix: true }] }, 20, 0)
 */
export async function searchArticles(db: Db, asked: SearchFilter, limit: number, offset: number): Promise<SearchResults> {
  const plan = await planOf(db, asked);
  const filter = plan.store === 'postgres' ? await closedDayRange(db, asked) : asked;
  const run = async (d: Db) => {
    // Words exactly first: a word found that often needs no prefix matches (which cost more: every
    // word a prefix begins is merged). Else words also match words they begin; in a day range
    // (where fewer articles match) only when nothing matches exactly; within a source only when the
    // words are not found that often anywhere (widenedInSource).
    let page = await rankedPage(d, plan, filter, false, limit, offset);
    const widen = filter.fromDay || filter.toDay ? page.total === 0 : page.total < SEARCH_CANDIDATES;
    if (!widen || !filter.parts.some((p) => p.prefix)) return page;
    if (filter.sourceId !== undefined && !(await widenedInSource(d, plan, filter))) return page;
    const wide = plan.store === 'sqlite' ? await expandPrefixes(d, filter) : filter;
    return wide ? rankedPage(d, plan, wide, true, limit, offset) : page;
  };
  const { ids, total } = plan.store === 'sqlite' ? await run(db) : await onPostgres(db, run);
  const byId = new Map((await findSearchHitsByIds(db, ids)).map((a) => [a.id, a]));
  return { articles: ids.flatMap((id) => byId.get(id) ?? []), total, capped: total >= SEARCH_CANDIDATES };
}

/**
 * Returns false when the words, in no source, match at least SEARCH_CANDIDATES published articles
 * exactly (SQLite: counted from the index, countWithoutJoin; PostgreSQL: proven by the
 * statistics, sharedAtLeast) — the search without the source would not look for the words they
 * begin, so within a source it does not either: a search within a source finds what the same search
 * finds, in that source, and no more. It was also the costliest search there is: a prefix of a word
 * in 30–45% of the articles gathers every word it begins before the source narrows anything
 * (`full` or `minister` in a Turkish source: 60–130 ms on PostgreSQL at 1,000,000 articles).
 */
async function widenedInSource(db: Db, plan: Plan, f: SearchFilter): Promise<boolean> {
  const anywhere = { parts: f.parts, ...(f.exclude ? { exclude: f.exclude } : {}) };
  if (plan.store === 'sqlite') return (await countWithoutJoin(db, anywhere, false)) !== SEARCH_CANDIDATES;
  if (f.exclude?.length) return true;
  return !beyondRanked(plan.stats!, sharedAtLeast(surelyShares(plan.stats!, f.parts, false)));
}

/**
 * Longest a search statement runs on PostgreSQL. A reader does not wait that long; and a search
 * whose client went away keeps running in the server until it ends (one ran for an hour on a core
 * during issue 16's benchmarks): past it, PostgreSQL cancels it and the page answers 503.
 */
export const SEARCH_STATEMENT_TIMEOUT_MS = 5_000;

/** Returns what `run` returns, run where PostgreSQL plans search queries as measured (in a transaction of its own unless in one). */
async function onPostgres<T>(db: Db, run: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  // PostgreSQL's planner prices `document @@ q` over the heap as cheap (the tsvectors are in TOAST,
  // read one by one: 70 ms for a word in no article of 30,000, against 1 ms through the GIN index).
  const planned = async (trx: Transaction<Database>) => {
    // One round trip for the three (`set_config(…, true)` is `set local`); jit off: compiling costs
    // more than these short queries take.
    await sql`select set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true),
      set_config('statement_timeout', ${String(SEARCH_STATEMENT_TIMEOUT_MS)}, true)`.execute(trx);
    return run(trx);
  };
  try {
    return await (db.isTransaction ? planned(db as Transaction<Database>) : (db as Kysely<Database>).transaction().execute(planned));
  } catch (err) {
    throw searchTimedOut(err) ?? err;
  }
}

/** Returns a StoreError (the page answers 503) for a search PostgreSQL cancelled at its statement timeout, else null. */
export function searchTimedOut(err: unknown): StoreError | null {
  if ((err as { code?: unknown } | null)?.code !== '57014') return null;
  return new StoreError(`store: search took longer than ${SEARCH_STATEMENT_TIMEOUT_MS} ms and was cancelled`, { cause: err });
}

/** A text filter of the desk: the parts of a parsed query (src/search/query.ts), and whether words also match the words they begin. */
export interface TextMatch {
  parts: QueryPart[];
  exclude?: QueryPart[];
  prefix: boolean;
}

/**
 * Matches a text walk reads at most per call (findMatchingIds): checking each against the other
 * filters costs under 1 µs (SQLite, articles_search_key), so a call stays within ~10 ms however
 * common the word and rare the rest (a word in 35% of 1,000,000 articles, among 100 drafts).
 */
export const MATCH_WALK = 10_000;

/** Articles a text walk finds (ids, and their search keys), and the key where it stopped when it read MATCH_WALK matches before finding enough (null: it read them all). */
export interface MatchingIds {
  ids: number[];
  keys: number[];
  stoppedAt: number | null;
}

/**
 * Returns the articles of any status that match and meet `where` (on the articles aliased `a`),
 * newest published first (search keys descending), keys below `range.below` and from `range.from`,
 * at most `limit`: the index read from its newest match on, MATCH_WALK matches at most (PostgreSQL:
 * so for a common word; a rarer one is listed whole through the GIN index, as searchArticles does).
 */
export async function findMatchingIds(db: Db, m: TextMatch, where: RawBuilder<unknown>, range: { below?: number; from?: number }, limit: number): Promise<MatchingIds> {
  const bounds = [
    ...(range.below !== undefined ? [(k: RawBuilder<unknown>) => sql`${k} < ${asKey(range.below!)}`] : []),
    ...(range.from !== undefined ? [(k: RawBuilder<unknown>) => sql`${k} >= ${asKey(range.from!)}`] : []),
  ];
  const inRange = (k: RawBuilder<unknown>) => sql.join([sql`1 = 1`, ...bounds.map((b) => b(k))], sql` and `);
  let walk: RawBuilder<unknown>;
  let capped = true;
  if (isSqlite(db)) {
    // A prefix written out as the words it begins, as searchArticles does (none: the words alone).
    const wide = m.prefix ? await expandPrefixes(db, m) : null;
    const match = wide ? fts5Query(wide, true) : fts5Query(m, false);
    walk = sql`select f.rowid as key from articles_fts f where articles_fts match ${match} and ${inRange(sql`f.rowid`)} order by f.rowid desc limit ${MATCH_WALK}`;
  } else {
    const q = pgQuery(m, m.prefix);
    capped = isCommon(await lexemeShares(db), m, m.prefix);
    walk = capped
      ? sql`select w.search_key as key from articles w join article_search s on s.article_id = w.id
          where s.document @@ ${q} and ${inRange(sql`w.search_key`)} order by w.search_key desc limit ${MATCH_WALK}`
      : sql`select w.search_key as key from (select article_id from article_search where document @@ ${q} offset 0) g
          join articles w on w.id = g.article_id where ${inRange(sql`w.search_key`)}`;
  }
  // A range of fewer keys than MATCH_WALK cannot stop the walk.
  if (range.below !== undefined && range.from !== undefined && range.below - range.from <= MATCH_WALK) capped = false;
  const page = sql<{ id: number; key: number }>`select a.id, w.key from (${walk}) w join articles a ${indexedBySearchKey(db)} on a.search_key = w.key
    where ${where} order by w.key desc limit ${limit}`;
  const run = async (d: Db) => {
    const rows = await readRows(d, page);
    const found = { ids: rows.map((r) => Number(r.id)), keys: rows.map((r) => Number(r.key)) };
    if (rows.length >= limit || !capped) return { ...found, stoppedAt: null };
    const [read] = await readRows(d, sql<{ n: number; last: number | null }>`select count(*) as n, min(key) as last from (${walk}) w`);
    return { ...found, stoppedAt: Number(read?.n ?? 0) >= MATCH_WALK && read?.last != null ? Number(read.last) : null };
  };
  return isSqlite(db) ? run(db) : onPostgres(db, run);
}

/** SQLite: the articles by their search key through the index that also holds what a search filters on (status, source, day). */
function indexedBySearchKey(db: Db): RawBuilder<unknown> {
  return sql.raw(isSqlite(db) ? 'indexed by articles_search_key' : '');
}

/**
 * How a search reads the index. SQLite: FTS5 from its newest key on. PostgreSQL: `walk` the
 * articles newest first testing each (a common word, or a day range of few articles), else list
 * the matches through the GIN index and order them by key; `narrow`: the day range holds few articles.
 */
interface Plan {
  store: 'sqlite' | 'postgres';
  narrow: boolean;
  stats: LexemeStats | null;
}

/** Articles a PostgreSQL walk tests at most before it asks the GIN index instead. */
const WALK_MAX = 20_000;

/** Articles in a day range up to which PostgreSQL walks the range rather than listing every match. */
const NARROW_RANGE = 20_000;

async function planOf(db: Db, f: SearchFilter): Promise<Plan> {
  if (isSqlite(db)) return { store: 'sqlite', narrow: false, stats: null };
  const narrow = (f.fromDay !== undefined || f.toDay !== undefined) && (await countPublishedBetween(db, f.fromDay, f.toDay)) <= NARROW_RANGE;
  return { store: 'postgres', narrow, stats: await lexemeShares(db) };
}

const DAY_MS = 86_400_000;

/**
 * The keys a day range spans, a day wider on each side (a local day begins up to 14 hours before or
 * after its UTC midnight; the rows' own local_day decides): `lo` included, `hi` not.
 */
function keyRange(f: Pick<SearchFilter, 'fromDay' | 'toDay'>): { lo?: number; hi?: number } {
  return {
    ...(f.fromDay ? { lo: firstKeyAt(Date.parse(`${f.fromDay}T00:00:00Z`) - DAY_MS) } : {}),
    ...(f.toDay ? { hi: firstKeyAt(Date.parse(`${f.toDay}T00:00:00Z`) + 2 * DAY_MS) } : {}),
  };
}

/** The order of results: every word in the title first, then the rest. */
type Bucket = 'title' | 'rest';

/**
 * One page of the first SEARCH_CANDIDATES matches in the order of searchArticles: the title matches
 * read up to the page's end, then the others as far as the page still needs; and how many match.
 */
async function rankedPage(db: Db, plan: Plan, filter: SearchFilter, prefix: boolean, limit: number, offset: number): Promise<{ ids: number[]; total: number }> {
  const end = Math.min(offset + limit, SEARCH_CANDIDATES);
  const counted = await countMatches(db, plan, filter, prefix);
  if (offset >= Math.min(end, counted.total)) return { ids: [], total: counted.total };
  // Counted to fewer than LIST_WHOLE: listed whole, neither walked nor listed by periods.
  const few = !counted.estimated && counted.total <= LIST_WHOLE;
  const title = await matchIds(db, plan, filter, prefix, 'title', end, few);
  const rest = title.length >= end ? [] : await matchIds(db, plan, filter, prefix, 'rest', end - title.length, few);
  const found = title.length + rest.length;
  // Fewer than the page's end listed: every match is listed, whatever an estimate said.
  return { ids: [...title, ...rest].slice(offset, end), total: counted.estimated && found < end ? found : counted.total };
}

/** The conditions on the article (alias `a`) of a site search: published, in the day range, of the source. */
function siteConditions(f: SearchFilter): RawBuilder<unknown> {
  const { lo, hi } = keyRange(f);
  const conditions = [sql`a.status = 'published'`];
  if (lo !== undefined) conditions.push(sql`a.search_key >= ${asKey(lo)}`);
  if (hi !== undefined) conditions.push(sql`a.search_key < ${asKey(hi)}`);
  if (f.fromDay) conditions.push(sql`a.local_day >= ${f.fromDay}`);
  if (f.toDay) conditions.push(sql`a.local_day <= ${f.toDay}`);
  if (f.sourceId !== undefined) conditions.push(sql`a.source_id = ${f.sourceId}`);
  return sql.join(conditions, sql` and `);
}

/** The ids of the newest `n` published matches of a bucket, newest first. */
async function matchIds(db: Db, plan: Plan, f: SearchFilter, prefix: boolean, bucket: Bucket, n: number, few = false): Promise<number[]> {
  const where = siteConditions(f);
  if (plan.store === 'sqlite' && bucket === 'rest') return sqliteRestIds(db, f, prefix, n);
  if (plan.store === 'sqlite') {
    const { lo, hi } = keyRange(f);
    // Title matches from the titles' own index (less those with an excluded word anywhere); the
    // others from all the words, less the title's.
    const title = bucket === 'title';
    const table = title ? sql`articles_title_fts` : sql`articles_fts`;
    const excluded = title && f.exclude?.length
      ? sql`and not exists (select 1 from articles_fts where articles_fts match ${fts5Any(f.exclude, prefix)} and rowid = f.rowid)`
      : sql``;
    const query = sql<{ id: number }>`select a.id from ${table} f join articles a indexed by articles_search_key on a.search_key = f.rowid
      where ${table} match ${title ? fts5Query({ parts: f.parts }, prefix) : fts5Query(f, prefix, bucket)} ${excluded}
        ${lo !== undefined ? sql`and f.rowid >= ${asKey(lo)}` : sql``} ${hi !== undefined ? sql`and f.rowid < ${asKey(hi)}` : sql``}
        and ${where}
      order by f.rowid desc limit ${n}`;
    return (await readRows(db, query)).map((r) => Number(r.id));
  } else {
    const all = pgQuery(f, prefix);
    const words = pgQuery({ parts: f.parts }, prefix);
    // The title's words within the source (its term is in the title's column too): `minister` in a
    // Turkish source listed the word's 30,000 title matches to keep none (0.5–1 s at 1,000,000).
    const titled = pgQuery({ parts: f.parts, sourceId: f.sourceId, fromDay: f.fromDay, toDay: f.toDay }, prefix);
    const title = bucket === 'title';
    const stats = plan.stats!;
    // The bucket's matches as the GIN indexes list them, within some weeks' blocks (listByPeriods) or
    // all: the title matches through the titles' index (less those with an excluded word), the
    // others through the index of all words, less the title matches.
    const within = (q: RawBuilder<unknown>, periods: RawBuilder<unknown> | null) => (periods ? sql`(${q} && ${periods})` : q);
    const matching = title
      ? (periods: RawBuilder<unknown> | null) => sql`title_document @@ ${within(titled, periods)} ${f.exclude?.length ? sql`and document @@ ${all}` : sql``}`
      : (periods: RawBuilder<unknown> | null) => sql`document @@ ${within(all, periods)} and not (title_document @@ ${words})`;
    // The walk plans on the rarest part's share (shareOf), as if the words always came together. Words
    // searched together mostly do (`central bank`, `bütçe planını`); taken as independent, two words
    // each in 3% of 1,000,000 titles made 0.09%, so their 30,005 title matches were listed through the
    // GIN index and sorted (~250 ms) where the walk finds twenty among the newest ~700 (~4 ms; issue
    // 16, bench:scale's queries). Words that rarely meet cost the walk its cap (2 n / share
    // articles, ~3–8 µs each) before the GIN index lists their few matches: by walkFirst, less than
    // listing them would have cost had they always met.
    const share = shareOf(title ? stats.titleShares : stats.shares, f, prefix);
    if (plan.narrow || (!few && walkFirst(share, n, stats.rows))) {
      // Walk the articles newest first, testing each, until n match — at most a few times the
      // articles the statistics say n matches are among (then the GIN index lists them: listByPeriods).
      const inTitle = sql`s.title_document @@ ${words}`;
      // A title match has the words in the document too: only an exclusion needs the document read.
      const test = title ? (f.exclude?.length ? sql`${inTitle} and s.document @@ ${all}` : inTitle) : sql`s.document @@ ${all} and not (${inTitle})`;
      const cap = plan.narrow ? NARROW_RANGE : Math.min(WALK_MAX, Math.ceil((2 * n) / share));
      // The planner would rather list every match through the GIN indexes, or read the whole of
      // article_search, and join and sort (1.9 s for a word in 3% of 1,000,000 titles; a phrase whose
      // words are common in titles: a parallel scan of every row, 0.3 s): each article is tested by a
      // lateral lookup of its own row (`limit 1` keeps it from being flattened into a join), so the
      // walk is a nested loop in key order that stops at the n-th match (that phrase: 9,284
      // articles, 70 ms).
      const walk = sql<{ id: number }>`select a.id from (select a.id, a.search_key from articles a where ${where} order by a.search_key desc limit ${cap}) a
        cross join lateral (select 1 from article_search s where s.article_id = a.id and ${test} limit 1) t
        order by a.search_key desc limit ${n}`;
      const found = (await walk.execute(db)).rows.map((r) => Number(r.id));
      if (found.length >= n || plan.narrow) return found;
      // Fewer than n among the newest `cap`: the statistics overrated the query (two words each
      // common, rarely side by side). As many as the walk found say there are, all told (the
      // source's share of the articles with one): many are listed a stretch of time at a time, newest
      // first (listByPeriods); few whole (below: each stretch asks the GIN index for the words' lists
      // again, and few matches cost little to read). None found: whole when the GIN index lists only
      // matches (a common word in a source that holds none of it: three stretches 15–23 ms, one
      // listing 8–11); by periods when it lists articles to be read and tested — a phrase (its words
      // anywhere in the title: `"minister approves"`, 2,480 titles read for a few, 20 ms whole, 7 by
      // periods) or an excluded word.
      const tested = f.parts.some((p) => variantsOf(p).some((v) => v.length > 1)) || !!f.exclude?.length;
      const density = (found.length || (tested ? 0.5 : 0)) / cap;
      const among = stats.rows * (f.sourceId === undefined ? 1 : (stats.sourceShares.get(f.sourceId) ?? 0));
      if (density * among > LIST_WHOLE) return listByPeriods(db, matching, f, n, density, stats.rows);
    }
    return listNewest(db, matching(null), where, n);
  }
}

/**
 * PostgreSQL: the ids of the newest `n` matches (those the condition `match(periods)` finds within the
 * periods' tsquery, meeting the site's conditions), listed through the GIN indexes a stretch of weeks
 * at a time from the newest: the first as many weeks as `density` (matches per article walked) says
 * hold n and a half (weeks of `rows` articles spread over the keys' span), the second four times as
 * long, then all the older ones at once (`match(null)`: a GIN index steps through the shortest of the
 * lists a query names, and a long stretch's blocks are no shorter than the words' lists, so more
 * stretches would each cost a whole listing: `full` in a source, five stretches 85 ms, against one
 * listing 11). Each stretch is a few aligned blocks of weeks (search-period.ts), and each match read
 * is one of that stretch: `court reviews`, 2,491 title matches at 1,000,000 articles, listed whole
 * and each looked up for its key took 12–49 ms; its newest 20 weeks hold its twenty (~2–5 ms).
 */
export async function listByPeriods(db: Db, match: (periods: RawBuilder<unknown> | null) => RawBuilder<unknown>, f: SearchFilter, n: number, density: number, rows: number): Promise<number[]> {
  const where = siteConditions(f);
  const { lo, hi } = keyRange(f);
  // The newest published article's key (a scheduled one's may be weeks ahead), the oldest article's.
  const [ends] = await readRows(db, sql<{ newest: number | null; oldest: number | null }>`select
    (select max(search_key) from articles where status = 'published') as newest, (select min(search_key) from articles) as oldest`);
  if (ends?.newest == null || ends.oldest == null) return [];
  const top = weekOfKey(hi === undefined ? Number(ends.newest) : Math.min(Number(ends.newest), hi - 1)) + 1;
  const bottom = weekOfKey(lo === undefined ? Number(ends.oldest) : Math.max(Number(ends.oldest), lo));
  const perWeek = rows / Math.max(1, weekOfKey(Number(ends.newest)) + 1 - weekOfKey(Number(ends.oldest)));
  const out: number[] = [];
  let to = top;
  let span = Math.max(1, Math.ceil((1.5 * n) / Math.max(density * perWeek, 1e-9)));
  for (let step = 0; step < PERIOD_STEPS && to > bottom && out.length < n; step++, span *= 4) {
    const from = Math.max(bottom, to - span);
    out.push(...(await listNewest(db, match(sql`${anyOf(periodBlocks(from, to))}::tsquery`), where, n - out.length)));
    to = from;
  }
  if (to > bottom && out.length < n) out.push(...(await listNewest(db, match(null), sql`${where} and a.search_key < ${asKey(firstKeyOfWeek(to))}`, n - out.length)));
  return out;
}

/**
 * PostgreSQL: the ids of the newest `n` articles meeting `where` among the matches a GIN index lists
 * for `cond` (a condition on article_search), each looked up one by one (eachArticle), newest first.
 */
async function listNewest(db: Db, cond: RawBuilder<unknown>, where: RawBuilder<unknown>, n: number): Promise<number[]> {
  const found = await readRows(db, sql<{ id: number }>`select k.id from (select article_id from article_search where ${cond} offset 0) m
    cross join lateral ${eachArticle(where)} k order by k.search_key desc limit ${n}`);
  return found.map((r) => Number(r.id));
}

/** Stretches of weeks listByPeriods asks for before it lists all the older matches at once. */
const PERIOD_STEPS = 2;

/**
 * Matches counted to at most this many are listed whole through the GIN index, never walked or listed
 * by periods (~10–40 µs a match, read and looked up): words that the statistics call common but that
 * rarely meet cost the walk its cap (2–10 ms) before the listing.
 */
const LIST_WHOLE = 200;

/**
 * PostgreSQL: the article of each match listed by a GIN index (`m.article_id`) when it meets the
 * site's conditions — its id and key — looked up one by one. Joined, the planner chose by its guess
 * of the matches: within a source it guessed thousands (the word's share times the source's) and
 * hashed the source's 125,000 articles first, 66 ms, for a list that was empty.
 */
function eachArticle(where: RawBuilder<unknown>): RawBuilder<unknown> {
  // `limit 1` keeps the subquery from being flattened into a join.
  return sql`(select a.id, a.search_key from articles a where a.id = m.article_id and ${where} limit 1)`;
}

/**
 * SQLite: the ids of the newest `n` published matches without every word in the title. The matches
 * are read newest first in growing batches (FTS5 streams a plain query from its newest key), and each
 * batch's title matches are asked of the titles' index within the batch's keys: a column filter on
 * the main index (`… NOT {title} : …`) would read every match's positions (~1.7 ms for a common word).
 */
async function sqliteRestIds(db: Db, f: SearchFilter, prefix: boolean, n: number): Promise<number[]> {
  const { lo, hi } = keyRange(f);
  const where = siteConditions(f);
  const out: number[] = [];
  let below = hi;
  for (let batch = Math.max(32, 2 * n); ; batch = Math.min(4 * batch, 2000)) {
    const rows = await readRows(db, sql<{ key: number; id: number }>`select f.rowid as key, a.id from articles_fts f
      join articles a indexed by articles_search_key on a.search_key = f.rowid
      where articles_fts match ${fts5Query(f, prefix)}
        ${lo !== undefined ? sql`and f.rowid >= ${asKey(lo)}` : sql``} ${below !== undefined ? sql`and f.rowid < ${asKey(below)}` : sql``}
        and ${where}
      order by f.rowid desc limit ${batch}`);
    if (rows.length === 0) return out;
    const top = Number(rows[0]!.key);
    const bottom = Number(rows[rows.length - 1]!.key);
    const titled = await readRows(db, sql<{ key: number }>`select rowid as key from articles_title_fts
      where articles_title_fts match ${fts5Query({ parts: f.parts }, prefix)} and rowid >= ${asKey(bottom)} and rowid <= ${asKey(top)}`);
    const inTitle = new Set(titled.map((r) => Number(r.key)));
    for (const r of rows) {
      if (inTitle.has(Number(r.key))) continue;
      out.push(Number(r.id));
      if (out.length >= n) return out;
    }
    if (rows.length < batch) return out;
    below = bottom;
  }
}

/** Words of the index a prefix is written out as at most (SQLite); past them FTS5 matches the prefix itself. */
const PREFIX_WORDS = 8;

/** Lookups of the index's words a search makes at most (~0.01–0.2 ms each); the prefixes past them stay prefixes. */
const PREFIX_LOOKUPS = 4 * (PREFIX_WORDS + 1);

/**
 * SQLite: the filter with each prefix written out as the words of the index it begins (`ankara` →
 * `ankara`, `ankaradaki`, `ankaraya`), those parts no longer prefixes; a prefix that begins more
 * than PREFIX_WORDS words stays one. Returns null when no prefix begins a word but itself: the
 * search with prefixes is the one without. FTS5 answers a prefix by reading and merging the whole
 * list of articles of every word it begins before the first match, where words are read from their
 * newest article on and stop at the page: a two-word query whose prefixes began nothing else took
 * 42 ms to count its first 1,200 matches, its words 0.15 ms (1,000,000 articles). Each word found,
 * and the end of the list, is one lookup in the index's words (`articles_fts_terms`, migration
 * 0019): ~0.01 ms, up to ~0.2 ms past a word in half the articles (FTS5 steps over its list).
 */
async function expandPrefixes<F extends Pick<SearchFilter, 'parts' | 'exclude'>>(db: Db, f: F): Promise<F | null> {
  let changed = false;
  let lookups = PREFIX_LOOKUPS;
  const expand = async (p: QueryPart): Promise<QueryPart> => {
    const words: string[][] = [];
    for (const v of variantsOf(p)) {
      if (!asPrefix(p, v, true)) continue;
      const begun = lookups > PREFIX_WORDS ? await wordsBeginning(db, v[0]!, PREFIX_WORDS + 1) : null;
      lookups -= (begun?.length ?? 0) + 1;
      if (!begun || begun.length > PREFIX_WORDS) {
        changed = true;
        return p;
      }
      words.push(...begun.map((w) => [w]));
    }
    if (words.length > 0) changed = true;
    const also = [...(p.also ?? []), ...words];
    return { terms: p.terms, prefix: false, ...(also.length > 0 ? { also } : {}) };
  };
  const parts = [];
  for (const p of f.parts) parts.push(p.prefix ? await expand(p) : p);
  const exclude = [];
  for (const p of f.exclude ?? []) exclude.push(p.prefix ? await expand(p) : p);
  return changed ? { ...f, parts, ...(f.exclude ? { exclude } : {}) } : null;
}

/**
 * SQLite: the words of the index that begin with `prefix` (not itself), in order, at most `max`.
 * One lookup a word: `articles_fts_terms` lists occurrences, so each asks for the first one past
 * the word before (a word followed by U+0001, which no word holds) below the prefix's end.
 */
async function wordsBeginning(db: Db, prefix: string, max: number): Promise<string[]> {
  const end = `${prefix}\u{10FFFF}`;
  const words: string[] = [];
  for (let last = prefix; words.length < max; ) {
    const [next] = await readRows(db, sql<{ term: string }>`select term from articles_fts_terms where term >= ${`${last}\u0001`} and term < ${end} limit 1`);
    if (!next) break;
    words.push(next.term);
    last = next.term;
  }
  return words;
}

/**
 * How many published articles match, counted up to SEARCH_CANDIDATES; `estimated`: not counted,
 * PostgreSQL's statistics say there are more (rankedPage corrects it when the listing finds fewer).
 */
async function countMatches(db: Db, plan: Plan, f: SearchFilter, prefix: boolean): Promise<{ total: number; estimated: boolean }> {
  const where = siteConditions(f);
  let matches;
  if (plan.store === 'sqlite') {
    const counted = await countWithoutJoin(db, f, prefix);
    if (counted !== null) return { total: counted, estimated: false };
    const { lo, hi } = keyRange(f);
    matches = sql`select 1 from articles_fts f join articles a indexed by articles_search_key on a.search_key = f.rowid
      where articles_fts match ${fts5Query(f, prefix)}
        ${lo !== undefined ? sql`and f.rowid >= ${asKey(lo)}` : sql``} ${hi !== undefined ? sql`and f.rowid < ${asKey(hi)}` : sql``}
        and ${where}
      limit ${SEARCH_CANDIDATES}`;
  } else {
    // A query the statistics say matches more than can be shown, with a margin of three, is not
    // counted (the GIN index would list every match: 220 ms for a word in 35% of 1,000,000 articles;
    // two common words 30–90 ms). Each part's share, and with a source its share of the articles
    // (articles.source_id's statistics): when they leave that many in common however the parts fall
    // (sharedAtLeast), the count is proven; when only their product says so (as if independent),
    // it is an estimate, and the listing corrects it when it finds fewer than the page. Taken as
    // proven, the product made an English word in 45% of the articles and a Turkish source's 10%
    // "more than 1,000 results" over none (the same for `full bakanlık`, two words that never meet).
    const stats = plan.stats!;
    const source = f.sourceId !== undefined ? [stats.sourceShares.get(f.sourceId) ?? 0] : [];
    const shares = [...f.parts.map((p) => shareOf(stats.shares, { parts: [p] }, prefix)), ...source];
    const surely = [...surelyShares(stats, f.parts, prefix), ...source];
    // Excluded words take at most their share from what the parts surely hold (a `-word` query
    // counted 13–14 ms: `central -parties`); with them, only a proof skips the count.
    const excluded = (f.exclude ?? []).reduce((sum, p) => sum + shareAtMost(stats, p, prefix), 0);
    const proven = beyondRanked(stats, sharedAtLeast(surely) - excluded);
    if (!plan.narrow && !f.fromDay && !f.toDay && (f.exclude?.length ? proven : beyondRanked(stats, shares.reduce((product, s) => product * s, 1)))) {
      return { total: SEARCH_CANDIDATES, estimated: !proven };
    }
    const counted = plan.narrow ? null : await countWithoutJoin(db, f, prefix);
    if (counted !== null) return { total: counted, estimated: false };
    const q = pgQuery(f, prefix);
    matches = plan.narrow
      ? sql`select 1 from articles a join article_search s on s.article_id = a.id where ${where} and s.document @@ ${q} limit ${SEARCH_CANDIDATES}`
      : sql`select 1 from (select article_id from article_search where document @@ ${q} offset 0) m cross join lateral ${eachArticle(where)} k
          limit ${SEARCH_CANDIDATES}`;
  }
  const rows = await readRows(db, sql<{ n: number }>`select count(*) as n from (${matches}) c`);
  return { total: Number(rows[0]?.n ?? 0), estimated: false };
}

/**
 * Returns the share of articles every one of these sets holds at least, given only each set's share
 * (Fréchet's bound: what the others leave out is at most 1 − their share each).
 * @example sharedAtLeast([0.9, 0.8]) // 0.7 · sharedAtLeast([0.45, 0.1]) // 0 · sharedAtLeast([0.3]) // 0.3
 */
export function sharedAtLeast(shares: readonly number[]): number {
  return Math.max(0, shares.reduce((sum, s) => sum + s, 0) - (shares.length - 1));
}

/** Statuses an indexed article may have besides `published`. */
const UNPUBLISHED = sql.join(ARTICLE_STATUSES.filter((st) => st !== 'published').map((st) => sql.lit(st)));

/**
 * Returns how many published articles a query with no other filter matches, up to SEARCH_CANDIDATES,
 * told from the index alone; null when the count must look at the articles (other filters, or fewer
 * match than the index holds unpublished articles besides). The index holds every article, whatever
 * its status: past SEARCH_CANDIDATES + (articles not published) index matches, at least
 * SEARCH_CANDIDATES of them are published, and with no article unpublished every match is. Reading
 * matches from the index alone costs ~0.1 µs each on SQLite (FTS5 rowids), checking each against
 * `articles` (the other way) ~1 µs: a common word's count went from ~1 ms to ~0.1 ms (issue 16); on
 * PostgreSQL each match's article lookup was ~3–10 µs more (`court reviews`: 1,000 of them). Not
 * published articles are few in a news archive (drafts, hidden, scheduled: counted from an index on
 * status); past SEARCH_CANDIDATES of them the join is cheaper.
 */
async function countWithoutJoin(db: Db, f: SearchFilter, prefix: boolean): Promise<number | null> {
  if (f.sourceId !== undefined || f.fromDay || f.toDay) return null;
  const [hidden] = await readRows(db, sql<{ n: number }>`select count(*) as n from (select 1 from articles where status in (${UNPUBLISHED}) limit ${SEARCH_CANDIDATES + 1}) h`);
  const unpublished = Number(hidden?.n ?? 0);
  if (unpublished > SEARCH_CANDIDATES) return null;
  const enough = SEARCH_CANDIDATES + unpublished;
  const matches = isSqlite(db)
    ? sql`select 1 from articles_fts where articles_fts match ${fts5Query(f, prefix)} limit ${enough}`
    : sql`select 1 from article_search where document @@ ${pgQuery(f, prefix)} limit ${enough}`;
  const [found] = await readRows(db, sql<{ n: number }>`select count(*) as n from (${matches}) c`);
  const n = Number(found?.n ?? 0);
  return n >= enough ? SEARCH_CANDIDATES : unpublished === 0 ? n : null;
}

/**
 * Lexemes in at least this share of articles are common (the desk's walk, findMatchingIds): walking
 * the newest articles finds enough of them sooner than the GIN index lists them all.
 */
const COMMON_SHARE = 0.02;

/** What PostgreSQL's statistics say of the index: shares of articles per common lexeme, of all words and of the titles', and the rows. */
interface LexemeStats {
  at: number;
  shares: Map<string, number>;
  titleShares: Map<string, number>;
  /** Share of the articles of each source the statistics list (articles.source_id's most common values). */
  sourceShares: Map<number, number>;
  /** A share no lexeme the statistics leave out of `shares` reaches (the least one listed; 1 without statistics). */
  unlisted: number;
  rows: number;
}
const lexemeStats = new WeakMap<object, LexemeStats>();

/**
 * Returns the share of articles each common lexeme is in — of all the words (`article_search.document`)
 * and of the titles' (`article_search.title_document`, migration 0018) — and how many rows the index has, from
 * PostgreSQL's statistics (pg_stats.most_common_elems and pg_class.reltuples, kept by ANALYZE);
 * read again every ten minutes, per store.
 */
async function lexemeShares(db: Db): Promise<LexemeStats> {
  let stats = lexemeStats.get(db);
  if (!stats || Date.now() - stats.at > 600_000) {
    const { rows } = await sql<{ attname: string; elems: string[] | null; freqs: number[] | null }>`
      select attname, most_common_elems::text::text[] as elems, most_common_elem_freqs::text::float8[] as freqs from pg_stats
      where schemaname = current_schema() and tablename = 'article_search' and attname in ('document', 'title_document')`.execute(db);
    const { rows: counted } = await sql<{ n: number }>`select reltuples::float8 as n from pg_class
      where relname = 'article_search' and relnamespace = current_schema()::regnamespace`.execute(db);
    const read = (column: string) => {
      const m = new Map<string, number>();
      const r = rows.find((x) => x.attname === column);
      r?.elems?.forEach((e, i) => m.set(e, r.freqs?.[i] ?? 0));
      return m;
    };
    const { rows: [bySource] } = await sql<{ vals: string[] | null; freqs: number[] | null }>`
      select most_common_vals::text::text[] as vals, most_common_freqs::float8[] as freqs from pg_stats
      where schemaname = current_schema() and tablename = 'articles' and attname = 'source_id'`.execute(db);
    const sourceShares = new Map((bySource?.vals ?? []).map((v, i) => [Number(v), bySource?.freqs?.[i] ?? 0]));
    // After the lexemes' frequencies PostgreSQL lists the least and the greatest of them.
    const doc = rows.find((x) => x.attname === 'document');
    const unlisted = doc?.elems?.length ? (doc.freqs?.[doc.elems.length] ?? 1) : 1;
    stats = { at: Date.now(), shares: read('document'), titleShares: read('title_document'), sourceShares, unlisted, rows: Math.max(0, Number(counted[0]?.n ?? 0)) };
    lexemeStats.set(db, stats);
  }
  return stats;
}

/**
 * Returns the share of articles the query's rarest part is in (every part must match), by the
 * statistics: a part's most common variant; a prefix counts by its most common completion; a phrase
 * at most as its rarest word (its words side by side are rarer still); 0 for a lexeme rarer than the
 * statistics list. `bound`: a share the part is surely in — a phrase none (its words may never meet
 * side by side: `"minister full"`, each word in 30–45% of the articles, is in none).
 */
function shareOf(shares: ReadonlyMap<string, number>, f: Pick<SearchFilter, 'parts'>, prefix: boolean, bound = false): number {
  const share = (p: QueryPart) => {
    let best = 0;
    for (const v of variantsOf(p)) {
      if (v.length > 1 && bound) continue;
      let variant = Math.min(...v.map((t) => shares.get(t) ?? 0));
      if (asPrefix(p, v, prefix)) for (const [e, n] of shares) if (e.startsWith(v[0]!)) variant = Math.max(variant, n);
      best = Math.max(best, variant);
    }
    return best;
  };
  return Math.min(...f.parts.map(share));
}

/**
 * Returns true when a share of the articles is more than a search ranks (SEARCH_CANDIDATES), with a
 * margin of three: the statistics are taken from a sample.
 */
function beyondRanked(stats: LexemeStats, share: number): boolean {
  return share * stats.rows >= 3 * SEARCH_CANDIDATES;
}

/** Returns each part's share of the articles that surely holds it, by the statistics (shareOf's `bound`). */
function surelyShares(stats: LexemeStats, parts: readonly QueryPart[], prefix: boolean): number[] {
  return parts.map((p) => shareOf(stats.shares, { parts: [p] }, prefix, true));
}

/**
 * Returns a share of articles a part is surely not in more of, by the statistics: each variant at most
 * as its rarest word, a word they do not list below the least they do; 1 for a prefix (its words
 * are not all known).
 */
function shareAtMost(stats: LexemeStats, p: QueryPart, prefix: boolean): number {
  let sum = 0;
  for (const v of variantsOf(p)) {
    if (asPrefix(p, v, prefix)) return 1;
    sum += Math.min(...v.map((t) => stats.shares.get(t) ?? stats.unlisted));
  }
  return Math.min(1, sum);
}

/** Returns true when the query's rarest part is in at least COMMON_SHARE of the articles. */
function isCommon(stats: LexemeStats, f: Pick<SearchFilter, 'parts'>, prefix: boolean): boolean {
  return shareOf(stats.shares, f, prefix) >= COMMON_SHARE;
}

/**
 * Returns true when walking the articles newest first finds `n` matches of a share sooner than the
 * GIN index lists every match and each is looked up for its key: the walk tests ~n / share
 * articles (a tsvector read), the list looks up share × rows, each ~2.5 times a test (measured at
 * 1,000,000 articles: a walk ~3–8 µs an article, a listing ~5–8 µs a match and its sort).
 */
function walkFirst(share: number, n: number, rows: number): boolean {
  return share > 0 && (n / share) * 20 < share * rows * 50;
}

/** Returns a part's variants: its terms, then the other analyses' (QueryPart.also). */
function variantsOf(p: QueryPart): string[][] {
  return [p.terms, ...(p.also ?? [])];
}

/** Returns true when a variant is matched as a prefix too: a single word of 3+ letters of a prefix part. */
function asPrefix(p: QueryPart, v: string[], prefix: boolean): boolean {
  return prefix && p.prefix && v.length === 1 && v[0]!.length >= 3;
}

/**
 * FTS5 query: `"t"`, or with prefixes `("t" OR "t"*)`; phrases `"a b"`; a part's variants OR-ed:
 * `("elect" OR "elect"* OR "elections" OR "elections"*)`; AND, NOT. `bucket`: only the articles with
 * every part in the title (`{title} : (…)`), or only the others. With a source, AND its term
 * (sourceTerm; `articles_fts` only).
 */
function fts5Query(f: Pick<SearchFilter, 'parts' | 'exclude' | 'sourceId'>, prefix: boolean, bucket?: Bucket): string {
  const words = f.parts.map((p) => fts5Part(p, prefix)).join(' AND ');
  const all = bucket === 'title' ? `{title} : (${words})` : bucket === 'rest' ? `(${words}) NOT {title} : (${words})` : words;
  const kept = f.exclude?.length ? `(${all}) NOT (${fts5Any(f.exclude, prefix)})` : all;
  return f.sourceId === undefined ? kept : `(${kept}) AND "${sourceTerm(f.sourceId)}"`;
}

/** FTS5 query of any of these parts. */
function fts5Any(parts: readonly QueryPart[], prefix: boolean): string {
  return parts.map((p) => fts5Part(p, prefix)).join(' OR ');
}

/** FTS5 query of one part: its variants OR-ed, each also as a prefix where it is one. */
function fts5Part(p: QueryPart, prefix: boolean): string {
  const alts = variantsOf(p).flatMap((v) => {
    const quoted = `"${v.join(' ').replaceAll('"', '""')}"`;
    return asPrefix(p, v, prefix) ? [quoted, `${quoted}*`] : [quoted];
  });
  return alts.length === 1 ? alts[0]! : `(${alts.join(' OR ')})`;
}

/**
 * PostgreSQL: the filter as a tsquery (tsQuery), with its source's term (sourceTerm) and, for a day
 * range with both ends, the blocks of weeks that cover it (search-period.ts) ANDed, taken as lexemes
 * as they are (to_tsquery would split the mark off). The GIN index then lists the words' matches of
 * those weeks only: a common word within a year read every match of ten years to keep a tenth
 * (`minister` in 2015: 0.9–4.3 s at 1,000,000 articles). The weeks cover the range's keys and more
 * (whole weeks); the articles' own day is still checked.
 */
function pgQuery(f: Pick<SearchFilter, 'parts' | 'exclude' | 'sourceId' | 'fromDay' | 'toDay'>, prefix: boolean): RawBuilder<unknown> {
  const words = sql`to_tsquery('simple', ${tsQuery(f, prefix)})`;
  const filed = [...(f.sourceId === undefined ? [] : [anyOf([sourceTerm(f.sourceId)])]), ...rangeBlocks(f)];
  return filed.length ? sql`(${words} && ${filed.join(' & ')}::tsquery)` : words;
}

/**
 * PostgreSQL: a day range with only its first day, closed at the last day any article has (the same
 * matches: no article is after it), so that rangeBlocks asks the GIN index for its weeks too. Counting
 * a common word from a year on listed every match of all years to keep the range's: `minister` from
 * 2015 at 1,000,000 articles 782 → 82 ms, `fuel` from 2017 246 → 37. A range with only its last day
 * is left open: its matches are the oldest, which the GIN index lists first (rows in the order they
 * were written), and its blocks cost more than they saved (`metro` to mid-2010 30 → 38 ms).
 */
async function closedDayRange(db: Db, f: SearchFilter): Promise<SearchFilter> {
  if (!f.fromDay || f.toDay) return f;
  const [span] = await readRows(db, sql<{ last: string | null }>`select max(local_day) as last from articles`);
  return span?.last ? { ...f, toDay: span.last } : f;
}

/** The tsquery text of the blocks of weeks a day range with both ends spans (keyRange's keys), or none. */
function rangeBlocks(f: Pick<SearchFilter, 'fromDay' | 'toDay'>): string[] {
  if (!f.fromDay || !f.toDay) return [];
  const { lo, hi } = keyRange(f);
  const blocks = periodBlocks(weekOfKey(lo!), weekOfKey(hi! - 1) + 1);
  return blocks.length ? [anyOf(blocks)] : [];
}

/** tsquery text of any of these lexemes, each taken as it is (the marks' terms: sourceTerm, periodTerms). */
function anyOf(lexemes: readonly string[]): string {
  return `(${lexemes.map((t) => `'${t}'`).join(' | ')})`;
}

/** PostgreSQL tsquery text: `t`, `(t | t:*)`, phrases `(a <-> b)`, variants `|`-ed, `&`, `!`. Terms are letters and digits. */
function tsQuery(f: Pick<SearchFilter, 'parts' | 'exclude'>, prefix: boolean): string {
  const part = (p: QueryPart) => {
    const alts = variantsOf(p).flatMap((v) => {
      const terms = v.map((t) => t.replace(/[^\p{L}\p{N}]/gu, ''));
      if (terms.length > 1) return [`(${terms.join(' <-> ')})`];
      return asPrefix(p, v, prefix) ? [terms[0]!, `${terms[0]}:*`] : [terms[0]!];
    });
    return alts.length === 1 ? alts[0]! : `(${alts.join(' | ')})`;
  };
  const all = f.parts.map(part).join(' & ');
  return f.exclude?.length ? `(${all}) & !(${f.exclude.map(part).join(' | ')})` : all;
}

