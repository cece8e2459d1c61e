/**
 * PostgreSQL: every article's document holds its source's term (store/search.ts sourceTerm) after
 * its last word, weighted as the title's words (so the generated `title_document` holds it too), so
 * that a search within a source asks the GIN indexes for the words and the source together instead
 * of listing every match of the words and checking each one's source (`full` in a Turkish source
 * that holds none of it: ~1.7 s at 1,000,000 articles; `minister` there, its title matches: 0.5–1 s).
 * The table is written anew with the terms added and its indexes built after (one pass, no dead
 * rows; an update in place would add every row's lexemes to the GIN indexes one by one and leave the
 * old rows to vacuum). An index already holding the terms (a store filled by this version) gains
 * only another position of each (tsvector concatenation keeps a lexeme once). SQLite: 0020 did it.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';
import { SOURCE_TERM_MARK } from '../search.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  if (d.name === 'sqlite') return;
  // The GIN builds sort every lexeme of every row: the default 64 MB spills to disk many times.
  await sql`set local maintenance_work_mem = '256MB'`.execute(db);
  await sql`create table article_search_next (
    article_id ${sql.raw(d.bigintType)} not null,
    document tsvector not null,
    title_document tsvector generated always as (ts_filter(document, '{a}')) stored
  )`.execute(db);
  await sql`insert into article_search_next (article_id, document)
    select s.article_id, s.document || setweight((quote_literal(${SOURCE_TERM_MARK} || a.source_id::text) || ':1')::tsvector, 'A')
    from article_search s join articles a on a.id = s.article_id`.execute(db);
  await sql`drop table article_search`.execute(db);
  await sql`alter table article_search_next rename to article_search`.execute(db);
  await sql`alter table article_search add constraint article_search_pkey primary key (article_id)`.execute(db);
  await sql`alter table article_search add constraint article_search_article_id_fkey foreign key (article_id) references articles (id) on delete cascade`.execute(db);
  await sql`create index article_search_document on article_search using gin (document)`.execute(db);
  await sql`create index article_search_title_document on article_search using gin (title_document)`.execute(db);
  // The search plans by the columns' statistics (most common lexemes): gather them now.
  await sql`analyze article_search`.execute(db);
}

export async function down(): Promise<void> {
  // The terms stay: a search that does not know them never asks for one.
}
