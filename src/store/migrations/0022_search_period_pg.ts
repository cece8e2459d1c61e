/**
 * PostgreSQL: every article's document holds its periods' terms (store/search-period.ts: its week and
 * the blocks of 4, 16, 64 and 256 weeks holding it, computed here from its search key as
 * periodTerms does), after its last word, weighted as the title's words (so the generated
 * `title_document` holds them too), so that a listing of matches through the GIN indexes can ask for
 * a stretch of time, newest first (store/search.ts listByPeriods), instead of reading every match
 * for its key. Written anew in one pass and its indexes built after, as 0021 did (an update in place
 * would add every row's lexemes to the GIN indexes one by one). SQLite: nothing (FTS5's rowid is the key).
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';
import { PERIOD_LEVELS, PERIOD_TERM_MARK } from '../search-period.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name === 'sqlite') return;
  await sql`set local maintenance_work_mem = '256MB'`.execute(db);
  await sql`create table article_search_next (
    article_id ${sql.raw(d.bigintType)} not null,
    document tsvector not null,
    title_document tsvector generated always as (ts_filter(document, '{a}')) stored
  )`.execute(db);
  // The week: the key's second (its high part, search-key.ts) from 1970, in whole weeks, rounded down.
  const week = sql`floor((floor(a.search_key::numeric / 2097152) + 946684800) / 604800)`;
  await sql`insert into article_search_next (article_id, document)
    select s.article_id, case when a.search_key is null then s.document else s.document || setweight(array_to_string(array(
      select quote_literal(${PERIOD_TERM_MARK} || l::text || '.' || floor(${week} / (4::numeric ^ l))::bigint::text) || ':1'
      from generate_series(0, ${PERIOD_LEVELS - 1}::int) l), ' ')::tsvector, 'A') end
    from article_search s join articles a on a.id = s.article_id`.execute(db);
  await sql`drop table article_search`.execute(db);
  await sql`alter table article_search_next rename to article_search`.execute(db);
  await sql`alter table article_search add constraint article_search_pkey primary key (article_id)`.execute(db);
  await sql`alter table article_search add constraint article_search_article_id_fkey foreign key (article_id) references articles (id) on delete cascade`.execute(db);
  await sql`create index article_search_document on article_search using gin (document)`.execute(db);
  await sql`create index article_search_title_document on article_search using gin (title_document)`.execute(db);
  await sql`analyze article_search`.execute(db);
}

export async function down(): Promise<void> {
  // The terms stay: a search that does not know them never asks for one.
}
