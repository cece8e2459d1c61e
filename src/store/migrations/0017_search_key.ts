/**
 * 0017: the time-ordered search key (store/search-key.ts). Every article gets its key, an index
 * holds (key, and what a search filters on) so a search checks a match without reading the
 * article's row, and SQLite's FTS5 index is rebuilt with the keys as its rowids (the index cannot
 * renumber its rows: the terms are made again from the stored text, ~1 minute per 100,000 articles
 * on 2 cores). PostgreSQL's index rows stay keyed by article id; its searches read the key here.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';
import { ANALYSER_SETTING, rebuildSearchIndex } from '../search.js';
import { findSetting } from '../settings.js';
import { firstKeyAt, nextKeyOfSecond, searchKeyOf } from '../search-key.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  await db.schema.alterTable('articles').addColumn('search_key', d.bigintType).execute();
  await sql`create temporary table search_keys_new (id ${sql.raw(d.bigintType)} primary key, search_key ${sql.raw(d.bigintType)} not null)`.execute(db);
  // In publication order, so that the articles of one second come together and meet only each other.
  let after: { published_at: string; id: number } | null = null;
  let second = Number.NaN;
  const used = new Set<number>();
  for (;;) {
    const batch: { id: number; published_at: string; source_id: number; guid: string }[] = await db.selectFrom('articles')
      .select(['id', 'published_at', 'source_id', 'guid'])
      .$if(after !== null, (q) => q.where((eb) => eb.or([eb('published_at', '>', after!.published_at), eb.and([eb('published_at', '=', after!.published_at), eb('id', '>', after!.id)])])))
      .orderBy('published_at').orderBy('id').limit(5000).execute();
    if (batch.length === 0) break;
    const rows = batch.map((a) => {
      const s = firstKeyAt(Date.parse(a.published_at));
      if (s !== second) {
        second = s;
        used.clear();
      }
      let key = searchKeyOf({ ...a, source_id: Number(a.source_id) });
      while (used.has(key)) key = nextKeyOfSecond(key);
      used.add(key);
      return sql`(${Number(a.id)}, ${key})`;
    });
    for (let i = 0; i < rows.length; i += 500) await sql`insert into search_keys_new (id, search_key) values ${sql.join(rows.slice(i, i + 500))}`.execute(db);
    const last = batch[batch.length - 1]!;
    after = { published_at: last.published_at, id: Number(last.id) };
  }
  await sql`update articles set search_key = k.search_key from search_keys_new k where k.id = articles.id`.execute(db);
  await sql`drop table search_keys_new`.execute(db);
  await db.schema.createIndex('articles_search_key').on('articles').columns(['search_key', 'status', 'source_id', 'local_day']).execute();
  // PostgreSQL: the title's words (weight A) have a GIN index of their own, so the title matches of
  // a common word are listed without reading the tsvector of every article it is in.
  if (d.name !== 'sqlite') await sql`create index article_search_title on article_search using gin (ts_filter(document, '{a}'))`.execute(db);
  // SQLite: the titles' words in an FTS5 index of their own (a column filter on the main one reads
  // every match's positions: 2–8 ms for the newest 20 title matches of a common word, ~0.2 ms here).
  else await sql`create virtual table articles_title_fts using fts5(title, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`.execute(db);
  // PostgreSQL: its index rows are keyed by article; filled here only where no analysis was ever
  // recorded (a new store, or one older than 0003).
  if (d.name === 'sqlite' || (await findSetting(db, ANALYSER_SETTING)) === undefined) await rebuildSearchIndex(db);
}

export async function down(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name !== 'sqlite') await db.schema.dropIndex('article_search_title').execute();
  else await sql`drop table articles_title_fts`.execute(db);
  await db.schema.dropIndex('articles_search_key').execute();
  await db.schema.alterTable('articles').dropColumn('search_key').execute();
  // SQLite's FTS5 rows keep their keys: the version before this one rebuilds them (`jarida reindex`).
}
