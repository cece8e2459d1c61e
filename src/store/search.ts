/**
 * The search index and search queries. SQLite: FTS5 (`articles_fts`, contentless, rowid = article
 * id) ranked by bm25. PostgreSQL: `article_search` tsvectors (`simple` config) with a GIN index,
 * ranked by ts_rank. Terms are normalized in src/search before either store sees them, so both
 * match the same words; the query text reaching SQL is built here from terms of letters and digits
 * only, and passed as a parameter. Each article is analysed in its own language (src/search); the
 * analyser's version is kept in the settings, and a store built with another is re-indexed.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Article } from '../model/types.js';
import { searchDocument, type SearchDocument } from '../search/document.js';
import { ANALYSER_VERSION } from '../search/normalize.js';
import type { QueryPart } from '../search/query.js';
import { findArticlesByIds } from './articles.js';
import { countPublishedBetween } from './day-counts.js';
import { isSqlite } from './dialect.js';
import type { Database } from './schema.js';
import { findSetting, saveSetting } from './settings.js';

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
  articles: Article[];
  /** Matches found, at most SEARCH_CANDIDATES. */
  total: number;
  /** True when there are more matches than were ranked. */
  capped: boolean;
}

/** An article as the index takes it. */
export interface IndexedArticle {
  id: number;
  title: string;
  summary: string | null;
  content_html: string | null;
  /** Its language tag: the analysis of its words (null: detected from the text). */
  language?: string | null;
  /** Its terms, when already computed (ArticleInput.searchDocument). */
  document?: SearchDocument;
}

/**
 * Adds or replaces the index entries of these articles (in the caller's transaction); `fresh`: they
 * were just inserted, so there is nothing to replace (a deleted article's entry went with it).
 * @example await indexArticles(trx, [{ id: 7, title: 'Budget', summary: null, content_html: '<p>…</p>' }])
 */
export async function indexArticles(db: Db, articles: readonly IndexedArticle[], fresh = false): Promise<void> {
  if (articles.length === 0) return;
  const docs = articles.map((a) => ({ id: Number(a.id), ...(a.document ?? searchDocument({ title: a.title, summary: a.summary, contentHtml: a.content_html, language: a.language })) }));
  if (isSqlite(db)) {
    if (!fresh) await unindexArticles(db, docs.map((d) => d.id));
    for (let i = 0; i < docs.length; i += 300) {
      const rows = docs.slice(i, i + 300).map((d) => sql`(${d.id}, ${d.title}, ${d.body})`);
      await sql`insert into articles_fts (rowid, title, body) values ${sql.join(rows)}`.execute(db);
    }
    return;
  }
  for (let i = 0; i < docs.length; i += 300) {
    const rows = docs.slice(i, i + 300).map((d) => sql`(${d.id}::bigint, setweight(to_tsvector('simple', ${d.title}), 'A') || to_tsvector('simple', ${d.body}))`);
    await sql`insert into article_search (article_id, document) values ${sql.join(rows)}
      on conflict (article_id) do update set document = excluded.document`.execute(db);
  }
}

/** Removes the index entries of these articles (PostgreSQL removes them with the article anyway). */
export async function unindexArticles(db: Db, ids: readonly number[]): Promise<void> {
  if (!isSqlite(db) || ids.length === 0) return;
  for (let i = 0; i < ids.length; i += 500) {
    await sql`delete from articles_fts where rowid in (${sql.join(ids.slice(i, i + 500))})`.execute(db);
  }
}

/** Removes the index entries of a source's articles, before the source and its articles go. */
export async function unindexSource(db: Db, sourceId: number): Promise<void> {
  if (!isSqlite(db)) return;
  await sql`delete from articles_fts where rowid in (select id from articles where source_id = ${sourceId})`.execute(db);
}

/**
 * Refreshes the planner's statistics after a bulk write (PostgreSQL: ANALYZE of the articles and the
 * search index, which the search plan reads; autovacuum would get there later). SQLite: nothing.
 */
export async function analyzeAfterBulkWrite(db: Kysely<Database>): Promise<void> {
  if (isSqlite(db)) return;
  for (const table of ['articles', 'article_search', 'day_counts']) await sql`analyze ${sql.table(table)}`.execute(db);
}

/** The setting that names the analyser version the index was built with. */
const ANALYSER_SETTING = 'search.analyser';

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
  await (isSqlite(d) ? sql`delete from articles_fts` : sql`delete from article_search`).execute(d);
  let lastId = 0;
  let n = 0;
  for (;;) {
    const batch = await d.selectFrom('articles').select(['id', 'title', 'summary', 'content_html', 'language']).where('id', '>', lastId).orderBy('id').limit(1000).execute();
    if (batch.length === 0) {
      await saveSetting(d, ANALYSER_SETTING, ANALYSER_VERSION);
      return n;
    }
    await indexArticles(d, batch, true); // the index was emptied above
    n += batch.length;
    lastId = Number(batch[batch.length - 1]!.id);
  }
}

/**
 * Returns the published articles matching the filter, best first (title matches weigh more; ties:
 * newest first), `limit` from `offset`, and how many matched.
 * @example await searchArticles(db, { parts: [{ terms: ['budget'], prefix: true }] }, 20, 0)
 */
export async function searchArticles(db: Db, filter: SearchFilter, limit: number, offset: number): Promise<SearchResults> {
  if (!isSqlite(db)) {
    const common = await lexemeShares(db);
    return onPostgres(db, (trx) => searchIn(trx, 'postgres', filter, limit, offset, common));
  }
  return searchIn(db, await planOf(db, filter), filter, limit, offset, new Map());
}

/** Returns what `run` returns, run where PostgreSQL plans search queries as measured (in a transaction of its own unless in one). */
async function onPostgres<T>(db: Db, run: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  // PostgreSQL's planner prices `document @@ q` over the heap as cheap (the tsvectors are in TOAST,
  // read one by one: 70 ms for a word in no article of 30,000, against 1 ms through the GIN index).
  const planned = async (trx: Transaction<Database>) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    await sql`set local jit = off`.execute(trx); // compiling costs more than these short queries take
    return run(trx);
  };
  return db.isTransaction ? planned(db as Transaction<Database>) : (db as Kysely<Database>).transaction().execute(planned);
}

/** A text filter of the desk: the parts of a parsed query (src/search/query.ts), and whether words also match the words they begin. */
export interface TextMatch {
  parts: QueryPart[];
  exclude?: QueryPart[];
  prefix: boolean;
}

/**
 * Matches a text walk reads at most per call (findMatchingIds): checking each against the other
 * filters costs under 1 µs (SQLite, articles_desk_filters), so a call stays within ~10 ms however
 * common the word and rare the rest (a word in 35% of 1,000,000 articles, among 100 drafts).
 */
export const MATCH_WALK = 10_000;

/** Ids a text walk finds, and where it stopped when it read MATCH_WALK matches before finding enough (null: it read them all). */
export interface MatchingIds {
  ids: number[];
  stoppedAt: number | null;
}

/**
 * Returns the ids of the articles of any status that match and meet `where` (on the articles
 * aliased `a`), newest stored first (ids descending), below `range.below` and from `range.from`,
 * at most `limit`: the index read from its newest match on, MATCH_WALK matches at most (PostgreSQL:
 * so for a common word; a rarer one is listed whole through the GIN index, as searchArticles does).
 */
export async function findMatchingIds(db: Db, m: TextMatch, where: RawBuilder<unknown>, range: { below?: number; from?: number }, limit: number): Promise<MatchingIds> {
  // FTS5 takes a rowid bound only as an INTEGER value, and better-sqlite3 binds numbers as REAL:
  // uncast, the bound is ignored and every newer match read (39 ms for a page 700,000 deep, 0.3 ms cast).
  const int = (n: number) => (isSqlite(db) ? sql`cast(${n} as integer)` : sql`${n}`);
  const below = int(range.below ?? Number.MAX_SAFE_INTEGER);
  const from = int(range.from ?? 0);
  let walk: RawBuilder<unknown>;
  let join: RawBuilder<unknown>;
  let capped = true;
  if (isSqlite(db)) {
    walk = sql`select f.rowid as id from articles_fts f where articles_fts match ${fts5Query(m, m.prefix)} and f.rowid < ${below} and f.rowid >= ${from} order by f.rowid desc limit ${MATCH_WALK}`;
    join = sql`articles a indexed by articles_desk_filters`;
  } else {
    const q = sql`to_tsquery('simple', ${tsQuery(m, m.prefix)})`;
    join = sql`articles a`;
    capped = isCommon(await lexemeShares(db), m, m.prefix);
    walk = capped
      ? sql`select article_id as id from article_search where document @@ ${q} and article_id < ${below} and article_id >= ${from} order by article_id desc limit ${MATCH_WALK}`
      : sql`select article_id as id from article_search where document @@ ${q} and article_id < ${below} and article_id >= ${from} offset 0`;
  }
  // A range of fewer ids than MATCH_WALK cannot stop the walk.
  if ((range.below ?? Number.MAX_SAFE_INTEGER) - (range.from ?? 0) <= MATCH_WALK) capped = false;
  const page = sql<{ id: number }>`select w.id from (${walk}) w join ${join} on a.id = w.id where ${where} order by w.id desc limit ${limit}`;
  const run = async (d: Db) => {
    const ids = (await page.execute(d)).rows.map((r) => Number(r.id));
    if (ids.length >= limit || !capped) return { ids, stoppedAt: null };
    const read = (await sql<{ n: number; last: number | null }>`select count(*) as n, min(id) as last from (${walk}) w`.execute(d)).rows[0];
    return { ids, stoppedAt: Number(read?.n ?? 0) >= MATCH_WALK && read?.last != null ? Number(read.last) : null };
  };
  return isSqlite(db) ? run(db) : onPostgres(db, run);
}

async function searchIn(db: Db, plan: Plan, filter: SearchFilter, limit: number, offset: number, common: ReadonlyMap<string, number>): Promise<SearchResults> {
  // Words exactly first: a word found that often needs no prefix matches (which cost more: every
  // word a prefix begins is merged). Else words also match words they begin.
  // In a narrow day range every match of a word is read (FTS5 cannot seek by id), and a prefix
  // reads every word it begins: there, prefixes only when nothing matches exactly.
  let page = await rankedPage(db, plan, filter, false, limit, offset, common);
  const widen = plan === 'sqlite-in-days' ? page.total === 0 : page.total < SEARCH_CANDIDATES;
  if (widen && filter.parts.some((p) => p.prefix)) page = await rankedPage(db, plan, filter, true, limit, offset, common);
  const { rows, total } = page;
  const byId = new Map((await findArticlesByIds(db, rows.map((r) => Number(r.id)))).map((a) => [a.id, a]));
  return {
    articles: rows.flatMap((r) => byId.get(Number(r.id)) ?? []),
    total,
    capped: total >= SEARCH_CANDIDATES,
  };
}

/** How the store finds candidates: SQLite asks FTS5 (in a narrow day range, among that range's ids); PostgreSQL, see rankedPage. */
type Plan = 'sqlite' | 'sqlite-in-days' | 'postgres';

/** Articles in a day range below which SQLite looks among the range's ids rather than all matches. */
const NARROW_RANGE = 20_000;

async function planOf(db: Db, f: SearchFilter): Promise<Plan> {
  if (!f.fromDay && !f.toDay) return 'sqlite';
  return (await countPublishedBetween(db, f.fromDay, f.toDay)) <= NARROW_RANGE ? 'sqlite-in-days' : 'sqlite';
}

/** One ranked page of the newest SEARCH_CANDIDATES matches, and how many there were. */
async function rankedPage(db: Db, plan: Plan, filter: SearchFilter, prefix: boolean, limit: number, offset: number, common: ReadonlyMap<string, number>) {
  const conditions = [sql`a.status = 'published'`];
  if (filter.fromDay) conditions.push(sql`a.local_day >= ${filter.fromDay}`);
  if (filter.toDay) conditions.push(sql`a.local_day <= ${filter.toDay}`);
  if (filter.sourceId !== undefined) conditions.push(sql`a.source_id = ${filter.sourceId}`);
  const where = sql.join(conditions, sql` and `);
  let candidates;
  if (plan === 'postgres') {
    // The tsquery inline (not a FROM item): the planner then sees a constant and can use the index.
    const q = sql`to_tsquery('simple', ${tsQuery(filter, prefix)})`;
    if (isCommon(common, filter, prefix)) {
      // A word in many articles: walk the newest first until enough match (reading few tsvectors).
      candidates = sql`select s.article_id as id, -ts_rank(s.document, ${q}) as score, a.published_at
        from article_search s join articles a on a.id = s.article_id
        where s.document @@ ${q} and ${where}
        order by s.article_id desc limit ${SEARCH_CANDIDATES}`;
    } else {
      // Else the GIN index finds them all (`+ 0`: not ordered by the primary key, which would read
      // every tsvector from the newest on), and only the newest ones are ranked.
      // `offset 0` keeps the match list a query of its own, so that no estimate (a table not yet
      // analyzed) can turn it into a walk over the articles testing each.
      candidates = sql`select c.id, -ts_rank(s.document, ${q}) as score, c.published_at from (
          select m.article_id as id, a.published_at
          from (select article_id from article_search where document @@ ${q} offset 0) m
          join articles a on a.id = m.article_id
          where ${where}
          order by m.article_id + 0 desc limit ${SEARCH_CANDIDATES}
        ) c join article_search s on s.article_id = c.id`;
    }
  } else if (plan === 'sqlite') {
    candidates = sql`select f.rowid as id, bm25(articles_fts, 5.0, 1.0) as score, a.published_at
      from articles_fts f join articles a on a.id = f.rowid
      where articles_fts match ${fts5Query(filter, prefix)} and ${where}
      order by f.rowid desc limit ${SEARCH_CANDIDATES}`;
  } else {
    // The range's ids first (the day index), then matches among them: FTS5 asked per id would
    // evaluate the whole query again for each.
    candidates = sql`select f.rowid as id, bm25(articles_fts, 5.0, 1.0) as score, a.published_at
      from articles_fts f join articles a on a.id = f.rowid
      where articles_fts match ${fts5Query(filter, prefix)}
        and +f.rowid in (select a.id from articles a indexed by articles_day where ${where})
      order by f.rowid desc limit ${SEARCH_CANDIDATES}`;
  }
  const { rows } = await sql<{ id: number; score: number; published_at: string; total: number }>`
    select id, score, published_at, count(*) over () as total from (${candidates}) m
    order by score, published_at desc, id desc
    limit ${limit} offset ${offset}`.execute(db);
  let total = rows[0] ? Number(rows[0].total) : 0;
  if (rows.length === 0 && offset > 0) {
    const counted = await sql<{ n: number }>`select count(*) as n from (${candidates}) m`.execute(db);
    total = Number(counted.rows[0]?.n ?? 0);
  }
  return { rows, total };
}

/**
 * Lexemes in at least this share of articles are common: walking the newest articles finds enough of
 * them sooner than the GIN index lists them all (at 1,000,000 articles a word in 3% of them: 110 ms
 * walking, 280 ms through GIN; in 8%: 80 against 400 ms; in 0.1%: GIN, 3–30 ms).
 */
const COMMON_SHARE = 0.02;
const lexemeStats = new WeakMap<object, { at: number; shares: Map<string, number> }>();

/**
 * Returns the share of articles each common lexeme is in, from PostgreSQL's statistics
 * (pg_stats.most_common_elems, kept by ANALYZE); read again every ten minutes, per store.
 */
async function lexemeShares(db: Db): Promise<ReadonlyMap<string, number>> {
  let stats = lexemeStats.get(db);
  if (!stats || Date.now() - stats.at > 600_000) {
    const { rows } = await sql<{ elems: string[] | null; freqs: number[] | null }>`
      select most_common_elems::text::text[] as elems, most_common_elem_freqs::text::float8[] as freqs from pg_stats
      where schemaname = current_schema() and tablename = 'article_search' and attname = 'document'`.execute(db);
    const shares = new Map<string, number>();
    const r = rows[0];
    r?.elems?.forEach((e, i) => shares.set(e, r.freqs?.[i] ?? 0));
    stats = { at: Date.now(), shares };
    lexemeStats.set(db, stats);
  }
  return stats.shares;
}

/**
 * Returns true when every article of the query must contain a lexeme found in at least
 * COMMON_SHARE of the articles; a prefix counts by its most common completion.
 */
function isCommon(shares: ReadonlyMap<string, number>, f: Pick<SearchFilter, 'parts'>, prefix: boolean): boolean {
  const share = (p: QueryPart) => {
    let best = 0;
    for (const t of [...p.terms, ...(p.also ?? []).flat()]) {
      best = Math.max(best, shares.get(t) ?? 0);
      if (prefix && p.prefix) for (const [e, n] of shares) if (e.startsWith(t)) best = Math.max(best, n);
    }
    return best;
  };
  // Every part must match: the rarest part bounds how many articles match.
  return Math.min(...f.parts.map(share)) >= COMMON_SHARE;
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
 * FTS5 query: `"t"`, or with prefixes `("t" OR "t"*)` (exact matches score twice); phrases `"a b"`;
 * a part's variants OR-ed: `("elect" OR "elect"* OR "elections" OR "elections"*)`; AND, NOT.
 */
function fts5Query(f: Pick<SearchFilter, 'parts' | 'exclude'>, prefix: boolean): string {
  const part = (p: QueryPart) => {
    const alts = variantsOf(p).flatMap((v) => {
      const quoted = `"${v.join(' ').replaceAll('"', '""')}"`;
      return asPrefix(p, v, prefix) ? [quoted, `${quoted}*`] : [quoted];
    });
    return alts.length === 1 ? alts[0]! : `(${alts.join(' OR ')})`;
  };
  const all = f.parts.map(part).join(' AND ');
  return f.exclude?.length ? `(${all}) NOT (${f.exclude.map(part).join(' OR ')})` : all;
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

