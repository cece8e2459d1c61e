import { sql, type RawBuilder } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArticleInput } from '../model/types.js';
import { parseSearchQuery } from '../search/query.js';
import { deleteArticle, insertArticles, saveArticle, saveArticles, setArticleStatus } from './articles.js';
import type { Store } from './db.js';
import { analyzeAfterBulkWrite, COMPACTED_SETTING, SEARCH_CANDIDATES, SEARCH_STATEMENT_TIMEOUT_MS, compactSearchIndex, compactSearchIndexWhenDue, ensureSearchIndexCurrent, rebuildSearchIndex, listByPeriods, searchArticles, searchTimedOut, sharedAtLeast, SOURCE_TERM_MARK, sourceTerm, type SearchFilter } from './search.js';
import { StoreError } from './dialect.js';
import { ANALYSER_VERSION, searchTerms } from '../search/normalize.js';
import { saveDeskArticle } from './desk-articles.js';
import * as migration0020 from './migrations/0020_search_source.js';
import * as migration0021 from './migrations/0021_search_source_pg.js';
import * as migration0022 from './migrations/0022_search_period_pg.js';
import { PERIOD_TERM_MARK, periodTerms } from './search-period.js';
import { findSetting, saveSetting } from './settings.js';
import { deleteSource, ensureSource } from './sources.js';
import { openTestStore, skipStoreTests } from './testing.js';

const TZ = 'Europe/Istanbul';
let store: Store;
let desk: number;
let wire: number;

beforeEach(async () => {
  store = await openTestStore();
  desk = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
  wire = await ensureSource(store.db, { kind: 'manual', title: 'Wire' });
});
afterEach(() => store.close());

let n = 0;
const article = (title: string, body: string, publishedAt: string, extra: Partial<ArticleInput> = {}): ArticleInput => ({
  sourceId: desk,
  guid: `g${++n}`,
  title,
  contentHtml: `<p>${body}</p>`,
  publishedAt: new Date(publishedAt),
  ...extra,
});

/** Returns the titles found for what a reader typed. */
async function titles(q: string, filter: Partial<SearchFilter> = {}, limit = 20, offset = 0, lang = 'en'): Promise<string[]> {
  const parsed = parseSearchQuery(q, lang);
  if (!parsed.ok) throw new Error(`query ${q}: ${parsed.reason}`);
  const r = await searchArticles(store.db, { parts: parsed.parts, exclude: parsed.exclude, ...filter }, limit, offset);
  return r.articles.map((a) => a.title);
}

/** Returns how many segments a SQLite FTS5 index table holds. */
async function segments(s: Store, table: string): Promise<number> {
  return Number((await sql<{ n: number }>`select count(distinct segid) as n from ${sql.table(`${table}_idx`)}`.execute(s.db)).rows[0]!.n);
}

describe.skipIf(await skipStoreTests())('search', () => {
  beforeEach(async () => {
    await saveArticles(store.db, [
      article('İstanbul’da metro hattı açıldı', 'Yeni hat Kadıköy ile Kartal arasında çalışacak.', '2024-03-01T09:00:00Z', { language: 'tr' }),
      article('ISTANBUL BELEDİYESİ bütçeyi onayladı', 'Meclis ıslak imza ile karar aldı.', '2024-03-02T09:00:00Z', { language: 'tr' }),
      article('Ankara’daki toplantı ertelendi', 'Bakanlar Ankaradaki görüşmeyi erteledi.', '2024-03-03T09:00:00Z', { language: 'tr', sourceId: wire }),
      article('افتتاح المكتبة الوطنية', 'قالت وزارةُ الثقافة إنَّ المَكْتَبَةَ ستفتح أبوابها للقراء. مدرسة الأطفال قريبة.', '2024-03-04T09:00:00Z', { language: 'ar' }),
      article('Elections in the region', 'Voters went to the polls as the election board counted ballots.', '2024-03-05T09:00:00Z', { language: 'en' }),
      article('Central bank raises rates', 'The central bank raised interest rates again.', '2024-03-06T09:00:00Z', { language: 'en' }),
      article('Bank holiday traffic', 'Roads were busy. A central square was closed.', '2024-03-07T09:00:00Z', { language: 'en' }),
    ], TZ);
  });

  it('analyses each article in its language: kış, kis and KIŞ find İstanbul’da kış on any page; election finds elections', async () => {
    await saveArticles(store.db, [
      article('İstanbul\'da kış', 'Kar yağışı şehirde hayatı durdurdu; seçimler ertelendi.', '2024-03-08T09:00:00Z', { language: 'tr' }),
      // No language: detected from the text (Turkish), so analysed as Turkish.
      article('Ankara’da seçimler yaklaşıyor', 'Partiler seçim kampanyalarına başladı, mitingler hafta sonu yapılacak.', '2024-03-08T10:00:00Z'),
    ], TZ);
    for (const q of ['kış', 'kis', 'KIŞ']) {
      for (const lang of ['en', 'tr', 'ar']) expect(await titles(q, {}, 20, 0, lang), `${q} on ${lang}`).toEqual(['İstanbul\'da kış']);
    }
    // Turkish words are not stemmed as English (Porter would make seçimler secim(l)): the Turkish
    // form finds both Turkish articles, on the Turkish page and on the English one.
    for (const lang of ['tr', 'en']) expect((await titles('seçimler', {}, 20, 0, lang)).sort(), lang).toEqual(['Ankara’da seçimler yaklaşıyor', 'İstanbul\'da kış'].sort());
    expect(await titles('election')).toEqual(['Elections in the region']);
    expect(await titles('elections')).toEqual(['Elections in the region']);
  });

  it('re-indexes when the analyser version changed, once', async () => {
    expect(await findSetting(store.db, 'search.analyser')).toBe(ANALYSER_VERSION); // recorded by the migration's build
    expect(await ensureSearchIndexCurrent(store.db)).toBeNull();
    // A store indexed by the previous analysis (version 1: Porter on every Latin word), here emptied.
    await sql`delete from ${sql.table(store.dialect.name === 'sqlite' ? 'articles_fts' : 'article_search')}`.execute(store.db);
    await saveSetting(store.db, 'search.analyser', 1);
    expect(await titles('kadikoy')).toEqual([]);
    expect(await ensureSearchIndexCurrent(store.db)).toEqual({ from: 1, articles: 7 });
    expect(await titles('kadikoy')).toEqual(['İstanbul’da metro hattı açıldı']);
    expect(await findSetting(store.db, 'search.analyser')).toBe(ANALYSER_VERSION);
    expect(await ensureSearchIndexCurrent(store.db)).toBeNull();
  });

  it('folds Turkish case: İstanbul, ISTANBUL, istanbul and ıstanbul find the same articles', async () => {
    const expected = ['ISTANBUL BELEDİYESİ bütçeyi onayladı', 'İstanbul’da metro hattı açıldı'].sort();
    for (const q of ['İstanbul', 'ISTANBUL', 'istanbul', 'Istanbul', 'ıstanbul']) expect((await titles(q)).sort(), q).toEqual(expected);
    // Typed without Turkish letters, as on a foreign keyboard: ı/i, ş/s, ö/o.
    expect(await titles('kadikoy')).toEqual(['İstanbul’da metro hattı açıldı']);
    expect(await titles('ISLAK')).toEqual(['ISTANBUL BELEDİYESİ bütçeyi onayladı']);
  });

  it('matches Turkish words with suffixes from their stem (ankara finds Ankara’daki, Ankaradaki)', async () => {
    expect(await titles('ankara')).toEqual(['Ankara’daki toplantı ertelendi']);
    expect(await titles('erteled')).toEqual(['Ankara’daki toplantı ertelendi']);
  });

  it('matches every word a prefix begins, in titles, bodies and exclusions, however many words it begins', async () => {
    // `defter` begins two other words of the index (written out as words); `kalem` ten (more than a
    // search writes out: FTS5's own prefix match); `toplant` begins only `toplanti` (Ankara's title).
    const forms = ['kalemler', 'kalemlik', 'kalemci', 'kalemde', 'kalemden', 'kaleme', 'kalemi', 'kalemin', 'kalemle', 'kalemsiz'];
    await saveArticles(store.db, [
      article('Okulda defter dağıtıldı', 'Öğrencilere yeni defterler verildi.', '2024-04-01T09:00:00Z', { language: 'tr' }),
      article('Defterde kalan notlar', 'Eski notlar.', '2024-04-02T09:00:00Z', { language: 'tr' }),
      article('Defter', 'Defter hakkında.', '2024-04-03T09:00:00Z', { language: 'tr' }),
      ...forms.map((w, i) => article(`Kırtasiye haberi ${i}`, `Bugün ${w} konuşuldu.`, `2024-05-${String(i + 1).padStart(2, '0')}T09:00:00Z`, { language: 'tr' })),
    ], TZ);
    expect(await titles('defter', {}, 20, 0, 'tr')).toEqual(['Defter', 'Defterde kalan notlar', 'Okulda defter dağıtıldı']);
    expect(await titles('defterler', {}, 20, 0, 'tr')).toEqual(['Okulda defter dağıtıldı']);
    expect(await titles('yeni defter', {}, 20, 0, 'tr')).toEqual(['Okulda defter dağıtıldı']);
    expect(await titles('notlar -defter', {}, 20, 0, 'tr')).toEqual([]);
    expect(await titles('kalem', {}, 20, 0, 'tr')).toEqual(forms.map((_, i) => `Kırtasiye haberi ${i}`).reverse());
    expect(await titles('kirtasiye -kalem', {}, 20, 0, 'tr')).toEqual([]);
    expect(await titles('kalemci', {}, 20, 0, 'tr')).toEqual(['Kırtasiye haberi 2']);
    expect(await titles('toplant', {}, 20, 0, 'tr')).toEqual(['Ankara’daki toplantı ertelendi']);
    // Many prefixes, each beginning many words: past a search's lookups of the index's words, the
    // rest are matched as prefixes by FTS5 — the same articles.
    expect(await titles('kal kale kalem kaleml kalemle', {}, 20, 0, 'tr')).toEqual(['Kırtasiye haberi 8', 'Kırtasiye haberi 0']);
    // Words no longer in any article begin nothing that matches; the others still do.
    const [gone] = await titles('defterde', {}, 20, 0, 'tr');
    expect(gone).toBe('Defterde kalan notlar');
    const { rows: [row] } = await sql<{ id: number }>`select id from articles where title = ${gone}`.execute(store.db);
    await deleteArticle(store.db, Number(row!.id));
    expect(await titles('defter', {}, 20, 0, 'tr')).toEqual(['Defter', 'Okulda defter dağıtıldı']);
    await compactSearchIndex(store.db);
    expect(await titles('defter', {}, 20, 0, 'tr')).toEqual(['Defter', 'Okulda defter dağıtıldı']);
  });

  it('normalizes Arabic: tashkeel, tatweel, alef and taa marbuta forms, the article ال', async () => {
    for (const q of ['المكتبة', 'مكتبه', 'الْمَكْتَبَة', 'المكتـــبة', 'مدرسه', 'وزاره', 'الاطفال']) {
      expect(await titles(q), q).toEqual(['افتتاح المكتبة الوطنية']);
    }
  });

  it('stems English: election finds elections, raising finds raises', async () => {
    expect(await titles('election')).toEqual(['Elections in the region']);
    expect(await titles('voter')).toEqual(['Elections in the region']);
    expect(await titles('raising')).toEqual(['Central bank raises rates']);
  });

  it('ranks title matches first, newest first, then the other matches, newest first', async () => {
    // "bank" is in two titles; "central" in one title and one body.
    expect(await titles('bank')).toEqual(['Bank holiday traffic', 'Central bank raises rates']);
    expect(await titles('central')).toEqual(['Central bank raises rates', 'Bank holiday traffic']);
  });

  it('needs every word, matches phrases as written, leaves out -words', async () => {
    expect(await titles('central bank rates')).toEqual(['Central bank raises rates']);
    expect(await titles('"central square"')).toEqual(['Bank holiday traffic']);
    expect(await titles('"square central"')).toEqual([]);
    expect(await titles('bank -rates')).toEqual(['Bank holiday traffic']);
    // A title match with the excluded word in its body only is left out too.
    await saveArticles(store.db, [article('Bank merger talks', 'Analysts expect lower rates.', '2024-03-08T09:00:00Z', { language: 'en' })], TZ);
    expect(await titles('bank -rates')).toEqual(['Bank holiday traffic']);
    expect(await titles('bank -analysts')).toEqual(['Bank holiday traffic', 'Central bank raises rates']);
    expect(await titles('merger')).toEqual(['Bank merger talks']);
  });

  it('filters by day range and source', async () => {
    expect(await titles('bank', { fromDay: '2024-03-07' })).toEqual(['Bank holiday traffic']);
    expect(await titles('bank', { toDay: '2024-03-06' })).toEqual(['Central bank raises rates']);
    expect(await titles('ankara', { sourceId: desk })).toEqual([]);
    expect(await titles('ankara', { sourceId: wire })).toEqual(['Ankara’daki toplantı ertelendi']);
  });

  it('finds every match of a year, its first and last days too, newest first, within a source too (PostgreSQL: the GIN index asked for its weeks)', async () => {
    // One article a day from 2014 to 2016, at 00:30 UTC (the same day in Istanbul); every other one from the wire.
    const day = 86_400_000;
    const start = Date.UTC(2014, 0, 1, 0, 30);
    const dayOf = (i: number) => new Date(start + i * day).toISOString().slice(0, 10);
    await insertArticles(store.db, Array.from({ length: 3 * 365 + 1 }, (_, i) =>
      article(`Harbour report ${dayOf(i)}`, i % 3 ? 'Ships came in.' : 'A quiet harbour.', new Date(start + i * day).toISOString(), { sourceId: i % 2 ? wire : desk })), TZ);
    // And one in the first minutes of 2015 in Istanbul (UTC+2 then): still 2014 in UTC, a week before 2015's first.
    await saveArticles(store.db, [article('Harbour at midnight', 'New year.', '2014-12-31T22:30:00Z', { sourceId: desk })], TZ);
    await analyzeAfterBulkWrite(store.db);
    const days = (from: string, to: string, keep: (i: number) => boolean = () => true) =>
      Array.from({ length: 3 * 365 + 1 }, (_, i) => 3 * 365 - i).filter((i) => dayOf(i) >= from && dayOf(i) <= to && keep(i)).map((i) => `Harbour report ${dayOf(i)}`);
    const year = [...days('2015-01-01', '2015-12-31'), 'Harbour at midnight'];
    expect(year).toHaveLength(366);
    expect(await titles('harbour', { fromDay: '2015-01-01', toDay: '2015-12-31' }, 20)).toEqual(year.slice(0, 20));
    expect(await titles('harbour', { fromDay: '2015-01-01', toDay: '2015-12-31' }, 20, 346)).toEqual(year.slice(346));
    expect(await titles('harbour report', { fromDay: '2015-12-31', toDay: '2016-01-01' })).toEqual(['Harbour report 2016-01-01', 'Harbour report 2015-12-31']);
    const parsed = parseSearchQuery('harbour');
    if (!parsed.ok) throw new Error('harbour');
    expect(await searchArticles(store.db, { parts: parsed.parts, fromDay: '2015-01-01', toDay: '2015-12-31' }, 20, 0)).toMatchObject({ total: 366, capped: false });
    const wired = days('2014-06-15', '2015-06-14', (i) => i % 2 === 1);
    expect(await titles('harbour', { fromDay: '2014-06-15', toDay: '2015-06-14', sourceId: wire }, 20, 160)).toEqual(wired.slice(160, 180));
  });

  it('finds every match of a range with one end, the oldest and the newest articles too (PostgreSQL: a first day alone closed at the last day any article has)', async () => {
    // One article a week from 2013 to 2016 at 12:00 UTC; the oldest at 23:30 UTC on 2012-12-31 (2013-01-01 in
    // Istanbul), the newest published at 22:30 UTC on 2025-06-30 (2025-07-01 there), after the beforeEach's of 2024.
    const week = 7 * 86_400_000;
    const start = Date.UTC(2013, 0, 2, 12);
    const at = (i: number) => new Date(start + i * week).toISOString();
    await insertArticles(store.db, Array.from({ length: 4 * 52 }, (_, i) => article(`Harbour week ${i}`, 'Ships came in.', at(i), { sourceId: i % 2 ? wire : desk })), TZ);
    await saveArticles(store.db, [
      article('Harbour first light', 'The oldest.', '2012-12-31T23:30:00Z', { sourceId: desk }),
      article('Harbour last light', 'The newest.', '2025-06-30T22:30:00Z', { sourceId: wire }),
    ], TZ);
    await analyzeAfterBulkWrite(store.db);
    const weeks = (keep: (i: number) => boolean) => Array.from({ length: 4 * 52 }, (_, i) => 4 * 52 - 1 - i).filter(keep).map((i) => `Harbour week ${i}`);
    const all = async (range: Pick<SearchFilter, 'fromDay' | 'toDay' | 'sourceId'>) => titles('harbour', range, 300);
    expect(await all({ fromDay: '2015-01-01' })).toEqual(['Harbour last light', ...weeks((i) => at(i) >= '2015-01-01')]);
    expect(await all({ fromDay: '2025-07-01' })).toEqual(['Harbour last light']);
    expect(await all({ fromDay: '2025-07-02' })).toEqual([]);
    expect(await all({ toDay: '2014-12-31' })).toEqual([...weeks((i) => at(i) < '2015-01-01'), 'Harbour first light']);
    expect(await all({ toDay: '2013-01-01' })).toEqual(['Harbour first light']);
    expect(await all({ toDay: '2012-12-31' })).toEqual([]);
    expect(await all({ fromDay: '2013-01-01', sourceId: desk })).toEqual([...weeks((i) => i % 2 === 0), 'Harbour first light']);
    const parsed = parseSearchQuery('harbour');
    if (!parsed.ok) throw new Error('harbour');
    expect(await searchArticles(store.db, { parts: parsed.parts, toDay: '2014-12-31' }, 20, 100)).toMatchObject({ total: 106, capped: false }); // 105 weeks and the oldest
  });

  it('finds a word within a source through the index: every match of the source, none of another, an article moved by an editor under its new source only', async () => {
    // 600 articles say "harbour", a third of them the wire's; the desk's are the newest. SQLite files
    // each under its source's term (sourceTerm) and asks for the word and the source together, PostgreSQL too.
    const at = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString();
    await insertArticles(store.db, Array.from({ length: 600 }, (_, i) =>
      article(`Harbour report ${i}`, 'Ships came in.', at(i), i < 200 ? { sourceId: wire } : {})), TZ);
    const wireTitles = Array.from({ length: 200 }, (_, i) => `Harbour report ${199 - i}`);
    expect(await titles('harbour', { sourceId: wire }, 20)).toEqual(wireTitles.slice(0, 20));
    expect(await titles('harbour', { sourceId: wire }, 20, 180)).toEqual(wireTitles.slice(180));
    const parsed = parseSearchQuery('harbour');
    if (!parsed.ok) throw new Error('harbour');
    expect((await searchArticles(store.db, { parts: parsed.parts, sourceId: wire }, 20, 0)).total).toBe(200);
    const third = await ensureSource(store.db, { kind: 'manual', title: 'Third' });
    expect(await searchArticles(store.db, { parts: parsed.parts, sourceId: third }, 20, 0)).toMatchObject({ total: 0, articles: [] });
    // No written word is a source's term: the analysis splits at U+E000, FTS5 would keep it.
    expect(searchTerms(`Harbour${sourceTerm(wire)}`).join(' ')).toBe(`harbour ${wire}`);
    // "ships" (the bodies) with the source and a day range; a word the source's articles lack.
    expect(await titles('ships', { sourceId: wire, fromDay: '2023-01-01', toDay: '2023-01-01' }, 50)).toHaveLength(21);
    expect(await titles('ankara', { sourceId: wire })).toEqual(['Ankara’daki toplantı ertelendi']);
    // An editor moves the newest wire article to the third source: found there, no longer in the wire.
    const [moved] = (await searchArticles(store.db, { parts: parsed.parts, sourceId: wire }, 1, 0)).articles;
    const editor = { userId: 1, email: 'chief@example.com' };
    const deskInput = { title: moved!.title, contentHtml: '<p>Ships came in.</p>', bodySource: 'Ships came in.', summary: null, language: 'en', categories: [], author: null, publishedAt: new Date(at(199)), status: 'published' as const };
    await saveDeskArticle(store.db, { ...deskInput, id: moved!.id, sourceId: third }, editor, TZ);
    expect(await titles('harbour', { sourceId: third })).toEqual(['Harbour report 199']);
    expect(await titles('harbour', { sourceId: wire }, 1)).toEqual(['Harbour report 198']);
  });

  it('migration 0020 builds the SQLite index again only when it holds no source terms', async () => {
    if (store.dialect.name !== 'sqlite') return; // PostgreSQL: nothing to do
    const rebuilt = async () => {
      await saveSetting(store.db, COMPACTED_SETTING, '2024-05-01T00:00:00.000Z'); // a rebuild clears it
      await migration0020.up(store.db, store.dialect);
      return (await findSetting(store.db, COMPACTED_SETTING)) === undefined;
    };
    expect(await rebuilt()).toBe(false); // this version's index: every article has its source's term
    // An index as an older version wrote it: the same words, no source terms.
    const { rows } = await sql<{ key: number }>`select search_key as key from articles where title = 'Ankara’daki toplantı ertelendi'`.execute(store.db);
    await sql`delete from articles_fts`.execute(store.db);
    await sql`insert into articles_fts (rowid, title, body) values (${rows[0]!.key}, 'ankara', 'ankara')`.execute(store.db);
    expect(await titles('ankara', { sourceId: wire })).toEqual([]);
    expect(await rebuilt()).toBe(true);
    expect(await titles('ankara', { sourceId: wire })).toEqual(['Ankara’daki toplantı ertelendi']);
  });

  it('migration 0021 files every PostgreSQL document under its source, and the table keeps its keys and indexes', async () => {
    if (store.dialect.name !== 'postgres') return; // SQLite: 0020
    // Documents as an older version wrote them: no source's lexeme.
    await sql`update article_search set document = ts_delete(document, array(select ${SOURCE_TERM_MARK} || id::text from sources))`.execute(store.db);
    expect(await titles('ankara', { sourceId: wire })).toEqual([]);
    await migration0021.up(store.db, store.dialect);
    expect(await titles('ankara', { sourceId: wire })).toEqual(['Ankara’daki toplantı ertelendi']);
    expect(await titles('ankara', { sourceId: desk })).toEqual([]);
    expect(await titles('bank')).toEqual(['Bank holiday traffic', 'Central bank raises rates']);
    const { rows: indexes } = await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'article_search' order by 1`.execute(store.db);
    expect(indexes.map((r) => r.name)).toEqual(['article_search_document', 'article_search_pkey', 'article_search_title_document']);
    // The source's lexeme is among the title's (a title search within a source asks for it), after
    // the last word: a phrase of the title's last word and the body's first is not made to fail.
    const { rows: [one] } = await sql<{ id: number; title: string }>`select s.article_id as id, s.title_document::text as title from article_search s join articles a on a.id = s.article_id where a.source_id = ${wire} limit 1`.execute(store.db);
    // (The periods' lexemes are there too, from this version's writes: 0022; the source's after them here.)
    expect(one!.title.replace(/ '\u{E001}[^']*':\d+A/gu, '')).toMatch(new RegExp(`^'ankara':1A 'daki':2A 'ertelendi':4A 'toplanti':3A '${sourceTerm(wire)}':(9|10)A$`, 'u'));
    expect(await titles('"ertelendi bakanlar"', { sourceId: wire })).toEqual(['Ankara’daki toplantı ertelendi']);
    // Its rows still go with their article.
    await sql`delete from articles where id = ${one!.id}`.execute(store.db);
    const { rows: left } = await sql`select 1 from article_search where article_id = ${one!.id}`.execute(store.db);
    expect(left).toEqual([]);
  });

  it('migration 0022 files every PostgreSQL document under its periods as periodTerms does, before 1970 and 2000 too', async () => {
    if (store.dialect.name !== 'postgres') return; // SQLite: FTS5's rowid is the key
    await saveArticles(store.db, [
      article('Moon landing', 'A small step.', '1969-07-20T20:17:00Z', { language: 'en' }),
      article('Millennium bug', 'Clocks rolled over.', '1999-12-31T23:59:59Z', { language: 'en' }),
    ], TZ);
    const periods = async () => (await sql<{ key: string; terms: string[] }>`select a.search_key as key,
        array(select lexeme from unnest(s.document) where lexeme like ${`${PERIOD_TERM_MARK}%`} order by lexeme) as terms
      from article_search s join articles a on a.id = s.article_id order by a.search_key`.execute(store.db)).rows;
    const expected = (await periods()).map((r) => ({ key: r.key, terms: [...periodTerms(Number(r.key))].sort() }));
    expect(expected.length).toBeGreaterThan(8);
    // As this version writes them, and as the migration writes them for documents without them.
    expect(await periods()).toEqual(expected);
    await sql`update article_search set document = ts_delete(document, array(select lexeme from unnest(document) where lexeme like ${`${PERIOD_TERM_MARK}%`}))`.execute(store.db);
    expect((await periods()).every((r) => r.terms.length === 0)).toBe(true);
    await migration0022.up(store.db, store.dialect);
    expect(await periods()).toEqual(expected);
    expect(await titles('moon')).toEqual(['Moon landing']);
    expect(await titles('ankara', { sourceId: wire })).toEqual(['Ankara’daki toplantı ertelendi']);
    const { rows: indexes } = await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'article_search' order by 1`.execute(store.db);
    expect(indexes.map((r) => r.name)).toEqual(['article_search_document', 'article_search_pkey', 'article_search_title_document']);
  });

  it('follows every write: update, hide, delete, source removal', async () => {
    const saved = await saveArticle(store.db, article('Harbour reopens', 'Ships return.', '2024-03-08T09:00:00Z', { guid: 'h' }), TZ);
    expect(await titles('harbour')).toEqual(['Harbour reopens']);
    await saveArticle(store.db, article('Port reopens', 'Ships return.', '2024-03-08T09:00:00Z', { guid: 'h' }), TZ);
    expect(await titles('harbour')).toEqual([]);
    expect(await titles('port')).toEqual(['Port reopens']);
    await setArticleStatus(store.db, saved.id, 'hidden');
    expect(await titles('port')).toEqual([]);
    await setArticleStatus(store.db, saved.id, 'published');
    expect(await titles('port')).toEqual(['Port reopens']);
    await deleteArticle(store.db, saved.id);
    expect(await titles('ships')).toEqual([]);
    expect(await titles('ankara')).toHaveLength(1);
    await deleteSource(store.db, wire);
    expect(await titles('ankara')).toEqual([]);
    // A new article may reuse a deleted one's id (SQLite): no stale entry may answer for it.
    await saveArticle(store.db, article('Weather', 'Sunny.', '2024-03-09T09:00:00Z'), TZ);
    expect(await titles('ships')).toEqual([]);
  });

  it('follows a save of many updates at once, newest first (one segment on SQLite), and two inputs matching one article', async () => {
    const at = Date.parse('2024-03-30T09:00:00Z');
    const batch = (title: string, body: string) => Array.from({ length: 40 }, (_, i) => article(`${title} ${i}`, body, new Date(at - i * 3_600_000).toISOString(), { guid: `u${i}`, url: `https://news.example/u${i}`, canonicalUrl: `https://news.example/u${i}` }));
    await saveArticles(store.db, batch('Harvest report', 'Farmers pick olives.'), TZ);
    const before = store.dialect.name === 'sqlite' ? [await segments(store, 'articles_fts'), await segments(store, 'articles_title_fts')] : [];
    // Every one changed, half of them moved in time (a new search key).
    const changed = batch('Vintage report', 'Growers pick grapes.').map((a, i) => (i % 2 ? { ...a, publishedAt: new Date(a.publishedAt.getTime() + 60_000) } : a));
    expect((await saveArticles(store.db, changed, TZ)).every((r) => r.outcome === 'updated')).toBe(true);
    if (store.dialect.name === 'sqlite') expect([await segments(store, 'articles_fts'), await segments(store, 'articles_title_fts')]).toEqual(before.map((n) => n + 1));
    expect(await titles('harvest', {}, 50)).toEqual([]);
    expect(await titles('olives', {}, 50)).toEqual([]);
    expect(await titles('grapes', {}, 50)).toEqual(Array.from({ length: 40 }, (_, i) => `Vintage report ${i}`));
    // Two inputs of one save match article u0: by its guid, and (another guid) by its URL; the last one's words stay, once.
    const [byGuid, byUrl] = [
      article('Market report', 'Traders sell figs.', '2024-03-30T10:00:00Z', { guid: 'u0', url: 'https://news.example/u0', canonicalUrl: 'https://news.example/u0' }),
      article('Bazaar report', 'Traders sell dates.', '2024-03-30T11:00:00Z', { guid: 'other', url: 'https://news.example/u0', canonicalUrl: 'https://news.example/u0' }),
    ];
    const results = await saveArticles(store.db, [byGuid, byUrl], TZ);
    expect(results.map((r) => r.outcome)).toEqual(['updated', 'updated']);
    expect(results[0]!.id).toBe(results[1]!.id);
    expect(await titles('traders')).toEqual(['Bazaar report']);
    expect(await titles('figs')).toEqual([]);
    expect(await titles('vintage', {}, 50)).toHaveLength(39);
  });

  it('indexes bulk inserts and rebuilds the whole index', async () => {
    await insertArticles(store.db, [article('Olive harvest begins', 'Farmers pick olives.', '2024-03-10T09:00:00Z')], TZ);
    expect(await titles('olive')).toEqual(['Olive harvest begins']);
    expect(await rebuildSearchIndex(store.db)).toBe(8);
    expect(await titles('olive')).toEqual(['Olive harvest begins']);
    expect((await titles('istanbul')).length).toBe(2);
  });

  it.each([
    ['saveArticles', saveArticles],
    ['insertArticles', insertArticles],
  ] as const)('%s: indexes a batch given newest first, written in chunks, as one segment (SQLite), and finds all of it', async (_, save) => {
    const at = Date.parse('2024-03-30T09:00:00Z');
    const batch = Array.from({ length: 650 }, (_, i) => article(`Harvest report ${i}`, 'Farmers pick olives.', new Date(at - i * 3_600_000).toISOString()));
    if (store.dialect.name === 'sqlite') {
      const before = [await segments(store, 'articles_fts'), await segments(store, 'articles_title_fts')];
      await save(store.db, batch, TZ);
      // FTS5 starts a segment at every rowid not above the last one: unsorted, one per article (or per chunk of rows).
      expect([await segments(store, 'articles_fts'), await segments(store, 'articles_title_fts')]).toEqual(before.map((n) => n + 1));
    } else await save(store.db, batch, TZ);
    const found = await titles('harvest', {}, 50);
    expect(found).toEqual(Array.from({ length: 50 }, (_, i) => `Harvest report ${i}`));
    expect(await titles('harvest', {}, 50, 600)).toEqual(Array.from({ length: 50 }, (_, i) => `Harvest report ${600 + i}`));
    expect(await rebuildSearchIndex(store.db)).toBe(657);
    expect(await titles('harvest', {}, 50)).toEqual(found);
  });

  it('merges the index into one segment a step at a time, answering the same; once merged, nothing to do; daily when due', async () => {
    // One transaction each, as feeds write: a segment each, of which FTS5 merges only four of a level.
    for (let i = 0; i < 40; i++) await saveArticle(store.db, article(`Harbour report ${i}`, `Ships ${i % 3 ? 'return' : 'leave'} the port.`, `2024-04-${String(1 + (i % 28)).padStart(2, '0')}T09:00:00Z`), TZ);
    const queries = ['harbour', 'ships return', '"the port"', 'istanbul', 'harbour -leave', 'bank'];
    const before = await Promise.all(queries.map((q) => titles(q, {}, 50)));
    if (store.dialect.name !== 'sqlite') {
      // PostgreSQL: a VACUUM (ANALYZE) of the index's table, daily too; the answers the same.
      expect(await compactSearchIndex(store.db)).toEqual({ done: true, steps: 1 });
      const { rows } = await sql<{ n: number }>`select vacuum_count::int as n from pg_stat_user_tables where relid = 'article_search'::regclass`.execute(store.db);
      expect(rows[0]!.n).toBeGreaterThan(0);
      const t0 = new Date('2024-05-01T00:00:00Z');
      expect(await compactSearchIndexWhenDue(store.db, t0, 1000)).toBe('done');
      expect(await compactSearchIndexWhenDue(store.db, new Date(t0.getTime() + 3600_000), 1000)).toBe('not due');
      expect(await Promise.all(queries.map((q) => titles(q, {}, 50)))).toEqual(before);
      return;
    }
    expect(await segments(store, 'articles_fts')).toBeGreaterThan(2);
    expect(await compactSearchIndex(store.db, Date.now() - 1)).toEqual({ done: false, steps: 0 }); // no time: no step
    const merged = await compactSearchIndex(store.db);
    expect(merged.done).toBe(true);
    expect(merged.steps).toBeGreaterThan(0);
    expect(await segments(store, 'articles_fts')).toBe(1);
    expect(await segments(store, 'articles_title_fts')).toBe(1);
    expect(await Promise.all(queries.map((q) => titles(q, {}, 50)))).toEqual(before);
    expect(before[0]).toHaveLength(40);
    expect(await compactSearchIndex(store.db)).toEqual({ done: true, steps: 0 });
    // Daily: the first call merges and records when; within a day nothing; a day later again.
    const t0 = new Date('2024-05-01T00:00:00Z');
    expect(await compactSearchIndexWhenDue(store.db, t0, 1000)).toBe('done');
    expect(await findSetting(store.db, COMPACTED_SETTING)).toBe(t0.toISOString());
    await saveArticle(store.db, article('Harbour closes', 'Storm.', '2024-05-01T09:00:00Z'), TZ);
    await saveArticle(store.db, article('Harbour opens', 'Calm.', '2024-05-02T09:00:00Z'), TZ);
    expect(await compactSearchIndexWhenDue(store.db, new Date(t0.getTime() + 3600_000), 1000)).toBe('not due');
    expect(await segments(store, 'articles_fts')).toBe(3);
    expect(await compactSearchIndexWhenDue(store.db, new Date(t0.getTime() + 25 * 3600_000), 1000)).toBe('done');
    expect(await segments(store, 'articles_fts')).toBe(1);
    expect(await titles('harbour', {}, 50)).toHaveLength(42);
    // An index built anew (a new analyser, `jarida reindex`, migration 0020) is due at once.
    await rebuildSearchIndex(store.db);
    expect(await findSetting(store.db, COMPACTED_SETTING)).toBeUndefined();
    expect(await compactSearchIndexWhenDue(store.db, new Date(t0.getTime() + 26 * 3600_000), 1000)).toBe('done');
    expect(await segments(store, 'articles_fts')).toBe(1);
    expect(await titles('harbour', {}, 50)).toHaveLength(42);
  });

  it('pages through results and counts them; a common word ranks its newest matches only', async () => {
    const many = Array.from({ length: SEARCH_CANDIDATES + 30 }, (_, i) =>
      article(`Market report ${i}`, 'Prices steady.', new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString()));
    await insertArticles(store.db, many, TZ);
    // PostgreSQL: with statistics that call "market" common, the newest articles are walked in order
    // instead of listed from the GIN index; the answers must not change.
    await analyzeAfterBulkWrite(store.db);
    const parsed = parseSearchQuery('market');
    if (!parsed.ok) throw new Error('market');
    const first = await searchArticles(store.db, { parts: parsed.parts }, 20, 0);
    expect(first.total).toBe(SEARCH_CANDIDATES);
    expect(first.capped).toBe(true);
    // Same relevance: newest first.
    expect(first.articles[0]!.title).toBe(`Market report ${SEARCH_CANDIDATES + 29}`);
    const last = await searchArticles(store.db, { parts: parsed.parts }, 20, SEARCH_CANDIDATES - 10);
    expect(last.articles).toHaveLength(10);
    const beyond = await searchArticles(store.db, { parts: parsed.parts }, 20, SEARCH_CANDIDATES + 40);
    expect(beyond.articles).toEqual([]);
    expect(beyond.total).toBe(SEARCH_CANDIDATES);
    // A date range reaches the older ones.
    const old = await titles('market', { toDay: '2023-01-01' }, 50);
    expect(old).toHaveLength(21); // 00:00–23:00 UTC is 03:00 on the 1st to 02:00 on the 2nd in Istanbul
  });

  it('finds the newest matches of two common words whether they always come together or never do (PostgreSQL: walked, then listed)', async () => {
    // 3,000 articles, one an hour. "Treaty" and "summit" are in the same 300 titles; "harbour" and
    // "storm" in 300 each, never the same, but for 25 old articles whose titles hold both. With the
    // statistics read (PostgreSQL), each word is in 10% of the titles: the walk plans on 10% for
    // both pairs; the first finds its matches among the newest, the second finds none there and its
    // 25 matches are listed through the GIN index.
    const at = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString();
    const titleOf = (i: number) =>
      i < 25 ? `Harbour storm warning ${i}` : i % 10 === 0 ? `Treaty summit talks ${i}` : i % 10 === 1 ? `Harbour works ${i}` : i % 10 === 2 ? `Storm front ${i}` : `Daily report ${i}`;
    await insertArticles(store.db, Array.from({ length: 3000 }, (_, i) => article(titleOf(i), 'Notes of the day.', at(i))), TZ);
    await analyzeAfterBulkWrite(store.db);
    const newest = (match: (t: string) => boolean, k: number) =>
      Array.from({ length: 3000 }, (_, i) => titleOf(2999 - i)).filter(match).slice(0, k);
    expect(await titles('treaty summit', {}, 20)).toEqual(newest((t) => t.startsWith('Treaty summit'), 20));
    expect(await titles('harbour storm', {}, 20)).toEqual(newest((t) => t.startsWith('Harbour storm'), 20));
    expect(await titles('harbour storm', {}, 20, 20)).toEqual(newest((t) => t.startsWith('Harbour storm'), 25).slice(20));
    const pair = parseSearchQuery('harbour storm');
    if (!pair.ok) throw new Error('harbour storm');
    expect(await searchArticles(store.db, { parts: pair.parts }, 20, 0)).toMatchObject({ total: 25, capped: false });
  });

  it('finds the newest matches of two words that rarely meet, a stretch of weeks at a time, titles first, then the rest, in a source too (PostgreSQL: listed by periods after the walk)', async () => {
    // 4,000 articles, one every two hours (48 weeks). "Harbour" and "storm" are each in 40% of the
    // titles, both in 107: 15 among the newest 200 (the walk finds 14 of a page's 20), 2 in the
    // 2,900 before them, one in ten of the oldest 900 — so a page lists the newest weeks, then four
    // times as many, then all the older matches at once. 110 more have both in their bodies only.
    const at = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 7_200_000).toISOString();
    const pair = (i: number) => i % 10 === 0 && (i >= 3800 ? (i / 10) % 4 !== 0 : i < 900 || i === 1500 || i === 2200);
    const rest = (i: number) => i % 10 === 9 && (i < 900 || i >= 3800);
    const titleOf = (i: number) => (pair(i) ? `Harbour storm warning ${i}` : i % 10 >= 1 && i % 10 <= 4 ? `Harbour works ${i}` : i % 10 >= 5 && i % 10 <= 8 ? `Storm front ${i}` : `Daily report ${i}`);
    const onWire = (i: number) => i % 20 < 10;
    await insertArticles(store.db, Array.from({ length: 4000 }, (_, i) =>
      article(titleOf(i), rest(i) ? 'The harbour storm surge.' : 'Notes of the day.', at(i), { sourceId: onWire(i) ? wire : desk })), TZ);
    await analyzeAfterBulkWrite(store.db);
    const ranked = (keep: (i: number) => boolean) => {
      const newest = Array.from({ length: 4000 }, (_, i) => 3999 - i).filter(keep);
      return [...newest.filter(pair), ...newest.filter(rest)].map(titleOf);
    };
    const all = ranked(() => true);
    expect(all).toHaveLength(107 + 110);
    expect(await titles('harbour storm', {}, 20)).toEqual(all.slice(0, 20));
    expect(await titles('harbour storm', {}, 20, 20)).toEqual(all.slice(20, 40));
    expect(await titles('harbour storm', {}, 20, 100)).toEqual(all.slice(100, 120));
    expect(await titles('harbour storm', {}, 20, 200)).toEqual(all.slice(200, 220));
    expect(await titles('"harbour storm"', {}, 20)).toEqual(all.slice(0, 20));
    expect(await titles('harbour storm', { sourceId: wire }, 20)).toEqual(ranked(onWire).slice(0, 20));
    expect(await titles('harbour storm', { sourceId: desk }, 20, 40)).toEqual(ranked((i) => !onWire(i)).slice(40, 60));
  });

  it('lists by periods as one listing would, across every stretch\'s edges (PostgreSQL)', async () => {
    if (store.dialect.name !== 'postgres') return;
    // 2,000 articles one every two hours, both words in every 13th title: each week holds matches,
    // and a density that makes the first stretch one week long puts stretch edges among them.
    const at = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 7_200_000).toISOString();
    const titleOf = (i: number) => (i % 13 === 5 ? `Harbour storm warning ${i}` : `Daily report ${i}`);
    await insertArticles(store.db, Array.from({ length: 2000 }, (_, i) => article(titleOf(i), 'Notes.', at(i), { sourceId: i % 3 ? desk : wire })), TZ);
    const q = sql`to_tsquery('simple', 'harbour & storm')`;
    const match = (periods: RawBuilder<unknown> | null) => sql`title_document @@ ${periods ? sql`(${q} && ${periods})` : q}`;
    const ids = async (n: number, perWeek: number, filter: Partial<SearchFilter> = {}) => {
      const found = await listByPeriods(store.db, match, { parts: [], ...filter }, n, (1.5 * n) / perWeek, 2000);
      return (await sql<{ title: string }>`select title from articles where id in (${sql.join(found)}) order by search_key desc`.execute(store.db)).rows.map((r) => r.title);
    };
    const newest = (keep: (i: number) => boolean) => Array.from({ length: 2000 }, (_, i) => 1999 - i).filter((i) => i % 13 === 5 && keep(i)).map(titleOf);
    // The store's newest published articles are of 2024 (beforeEach): a week of them, four more, then the rest.
    for (const n of [20, 60, 150]) expect(await ids(n, 1)).toEqual(newest(() => true).slice(0, n));
    // A first stretch of one week among these articles: two matches in it, eight in the next four weeks.
    await sql`delete from articles where published_at >= '2024-01-01'`.execute(store.db);
    for (const n of [3, 20, 60, 154]) expect(await ids(n, 1.5 * n / 2)).toEqual(newest(() => true).slice(0, n));
    expect(await ids(20, 15, { sourceId: wire })).toEqual(newest((i) => i % 3 === 0).slice(0, 20));
  });

  it('counts words that never meet, and a word in a source that holds none of it, as none (PostgreSQL: not "more than" from statistics); within a source, looks for the words a word begins only when the search without it would', async () => {
    // 12,400 articles: "harbour" in half of them (the desk's), "storm" in the other half (the
    // wire's). Each word and each source is in 50%: multiplied as if independent, 25% of 12,400 =
    // 3,100 ≥ 3 × SEARCH_CANDIDATES, and the count was "more than 1,000" over no result at all (now
    // an estimate: the listing, finding none, says how many there are).
    const at = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 600_000).toISOString();
    await insertArticles(store.db, Array.from({ length: 12_400 }, (_, i) =>
      i % 2 ? article(`Storm front ${i}`, 'Rain.', at(i), { sourceId: wire }) : article(`Harbour works ${i}`, 'Cranes.', at(i))), TZ);
    await analyzeAfterBulkWrite(store.db);
    const search = async (q: string, filter: Partial<SearchFilter> = {}) => {
      const parsed = parseSearchQuery(q);
      if (!parsed.ok) throw new Error(q);
      return searchArticles(store.db, { parts: parsed.parts, ...filter }, 20, 0);
    };
    expect(await search('harbour storm')).toMatchObject({ total: 0, capped: false, articles: [] });
    expect(await search('harbour', { sourceId: wire })).toMatchObject({ total: 0, capped: false, articles: [] });
    // Where they do meet, as many as there are.
    expect(await search('storm', { sourceId: wire })).toMatchObject({ total: SEARCH_CANDIDATES, capped: true });
    expect((await search('harbour', { sourceId: desk })).articles[0]!.title).toBe('Harbour works 12398');
    // Within a source, the words a word begins are looked for only when the search without the
    // source would look for them: `harbour` is found 6,200 times, so not in "Harbourside" (as
    // without the source, whose pages show exact matches only); a rare word still finds its suffixed forms.
    await saveArticles(store.db, [
      article('Harbourside market opens', 'Stalls.', at(12_400), { sourceId: wire }),
      article('Rıhtım onarıldı', 'Belediye çalışıyor.', at(12_401), { language: 'tr' }),
      article('Rıhtımda çalışma', 'Ekipler sahada.', at(12_402), { language: 'tr', sourceId: wire }),
    ], TZ);
    expect(await search('harbour', { sourceId: wire })).toMatchObject({ total: 0, articles: [] });
    expect((await search('harbour')).articles.map((a) => a.title)).not.toContain('Harbourside market opens');
    expect((await search('rıhtım', { sourceId: wire })).articles.map((a) => a.title)).toEqual(['Rıhtımda çalışma']);
    expect((await search('rıhtım')).articles.map((a) => a.title)).toEqual(['Rıhtımda çalışma', 'Rıhtım onarıldı']);
  });

  it('counts a phrase of two common words that never come side by side, and a word less one always with it, as none (PostgreSQL: shares prove nothing of them)', async () => {
    // 3,100 articles, each with both words, never as "harbour storm": each word is in every article,
    // and taking the phrase as common as its words said "more than 1,000 results" over none.
    const at = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 600_000).toISOString();
    await insertArticles(store.db, Array.from({ length: 3 * SEARCH_CANDIDATES + 100 }, (_, i) => article(`Storm hits the harbour ${i}`, 'Boats stayed in.', at(i))), TZ);
    await analyzeAfterBulkWrite(store.db);
    const search = async (q: string) => {
      const parsed = parseSearchQuery(q);
      if (!parsed.ok) throw new Error(q);
      return searchArticles(store.db, { parts: parsed.parts, exclude: parsed.exclude }, 20, 0);
    };
    expect(await search('"harbour storm"')).toMatchObject({ total: 0, capped: false, articles: [] });
    // A word less another: counted, or told from the statistics only when the other cannot take enough away.
    expect(await search('storm -boats')).toMatchObject({ total: 0, capped: false, articles: [] });
    expect(await search('storm -rain')).toMatchObject({ total: SEARCH_CANDIDATES, capped: true });
    expect(await search('"storm hits"')).toMatchObject({ total: SEARCH_CANDIDATES, capped: true });
    expect((await search('"storm hits"')).articles[0]!.title).toBe('Storm hits the harbour 3099');
  });

  it('on PostgreSQL, bounds each search statement in time, and a cancelled search is a StoreError (503)', async () => {
    expect(searchTimedOut(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))).toBeInstanceOf(StoreError);
    expect(searchTimedOut(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeNull();
    expect(searchTimedOut(new Error('other'))).toBeNull();
    if (store.dialect.name !== 'postgres') return;
    const parsed = parseSearchQuery('istanbul');
    if (!parsed.ok) throw new Error('istanbul');
    const shown = await store.db.transaction().execute(async (trx) => {
      await searchArticles(trx, { parts: parsed.parts }, 20, 0);
      return (await sql<{ statement_timeout: string }>`show statement_timeout`.execute(trx)).rows[0]!.statement_timeout;
    });
    expect(shown).toBe(`${SEARCH_STATEMENT_TIMEOUT_MS / 1000}s`);
    // The setting was the search's transaction's own: the next statement outside it has the default.
    expect((await sql<{ statement_timeout: string }>`show statement_timeout`.execute(store.db)).rows[0]!.statement_timeout).toBe('0');
  });

  it('counts a common word within a source: capped in a large source, exact in a small one (PostgreSQL: by the source\'s share in the statistics)', async () => {
    const wire = await ensureSource(store.db, { kind: 'manual', title: 'Wire' });
    const at = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 600_000).toISOString();
    await insertArticles(store.db, Array.from({ length: 3 * SEARCH_CANDIDATES + 100 }, (_, i) => article(`Harbour desk ${i}`, 'Ships came in.', at(i))), TZ);
    await insertArticles(store.db, Array.from({ length: 100 }, (_, i) => article(`Harbour wire ${i}`, 'Ships came in.', at(2 * i + 1), { sourceId: wire })), TZ);
    await analyzeAfterBulkWrite(store.db);
    const parsed = parseSearchQuery('harbour');
    if (!parsed.ok) throw new Error('harbour');
    const big = await searchArticles(store.db, { parts: parsed.parts, sourceId: desk }, 20, 0);
    expect(big).toMatchObject({ total: SEARCH_CANDIDATES, capped: true });
    expect(big.articles[0]!.title).toBe(`Harbour desk ${3 * SEARCH_CANDIDATES + 99}`);
    expect(big.articles.every((a) => a.sourceId === desk)).toBe(true);
    const small = await searchArticles(store.db, { parts: parsed.parts, sourceId: wire }, 20, 0);
    expect(small).toMatchObject({ total: 100, capped: false });
    expect(small.articles.map((a) => a.title).slice(0, 2)).toEqual(['Harbour wire 99', 'Harbour wire 98']);
  });

  it('counts published matches exactly around the cap, whatever the index holds of hidden and draft articles', async () => {
    // SEARCH_CANDIDATES + 3 articles say "harbour"; hiding 5 of them leaves SEARCH_CANDIDATES - 2 to count.
    const many = Array.from({ length: SEARCH_CANDIDATES + 3 }, (_, i) =>
      article(`Harbour report ${i}`, 'Ships came in.', new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString()));
    const ids = (await saveArticles(store.db, many, TZ)).map((a) => a.id);
    for (const id of ids.slice(0, 5)) await setArticleStatus(store.db, id, id % 2 ? 'hidden' : 'draft');
    const parsed = parseSearchQuery('harbour');
    if (!parsed.ok) throw new Error('harbour');
    const count = async () => (await searchArticles(store.db, { parts: parsed.parts }, 20, 0));
    expect(await count()).toMatchObject({ total: SEARCH_CANDIDATES - 2, capped: false });
    // Seven more published: SEARCH_CANDIDATES + 5 published, the count is capped.
    await insertArticles(store.db, Array.from({ length: 7 }, (_, i) => article(`Harbour late ${i}`, 'More ships.', new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString())), TZ);
    expect(await count()).toMatchObject({ total: SEARCH_CANDIDATES, capped: true });
    // Unrelated drafts beyond the cap do not change what is counted.
    const drafts = await insertArticles(store.db, Array.from({ length: SEARCH_CANDIDATES + 1 }, (_, i) => article(`Draft ${i}`, 'Notes.', new Date(Date.UTC(2022, 0, 1) + i * 60_000).toISOString(), { status: 'draft' })), TZ);
    expect(drafts).toBe(SEARCH_CANDIDATES + 1);
    expect(await count()).toMatchObject({ total: SEARCH_CANDIDATES, capped: true });
    for (const id of ids.slice(5, 12)) await setArticleStatus(store.db, id, 'hidden');
    expect(await count()).toMatchObject({ total: SEARCH_CANDIDATES - 2, capped: false });
  });
});

describe('sharedAtLeast', () => {
  it('is the share every set holds at least, whatever their overlap (Fréchet), never below 0', () => {
    expect(sharedAtLeast([0.3])).toBeCloseTo(0.3);
    expect(sharedAtLeast([0.9, 0.8])).toBeCloseTo(0.7);
    expect(sharedAtLeast([0.9, 0.8, 0.7])).toBeCloseTo(0.4);
    expect(sharedAtLeast([0.5, 0.5])).toBe(0); // two halves may not meet at all
    expect(sharedAtLeast([0.45, 0.1])).toBe(0);
    expect(sharedAtLeast([])).toBe(1); // no condition: every article
  });
});
