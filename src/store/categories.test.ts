import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { ArticleInput } from '../model/types.js';
import { deleteArticle, findHeadlinesByCategory, findHeadlinesBySource, findNewestByCategories, insertArticles, saveArticle, saveArticles, setArticleStatus } from './articles.js';
import {
  addSection, categoryName, findCategories, findCategoriesOfArticle, findCategoryBySlug, findSections, findSourceMapping, mapSource, moveSection, removeCategory, renameCategory,
} from './categories.js';
import type { Store } from './db.js';
import * as m0006 from './migrations/0006_categories.js';
import { deleteSource, ensureSource, findSourceById, findSourceBySlug, insertSource, saveFetchState } from './sources.js';
import { openTestStore, skipStoreTests, testStoreKind } from './testing.js';

const TZ = 'Europe/Istanbul';
let store: Store;
let feed: number;
let other: number;

beforeEach(async () => {
  store = await openTestStore();
  feed = await insertSource(store.db, { kind: 'feed', title: 'Haber Ajansı', url: 'https://haber.example/feed.xml' });
  other = await insertSource(store.db, { kind: 'feed', title: 'Gulf Daily', url: 'https://gulf.example/rss' });
});
afterEach(() => store.close());

let n = 0;
const article = (sourceId: number, categories: string[], extra: Partial<ArticleInput> = {}): ArticleInput => ({
  sourceId, guid: `g${++n}`, title: `Story ${n}`, publishedAt: new Date(Date.UTC(2024, 0, 1 + (n % 20), 8, n)), categories, ...extra,
});

/** Every category's and source's count must equal a COUNT over the rows. */
async function expectCountsExact() {
  const truth = await sql<{ id: number; n: number }>`select c.id, (select count(*) from article_categories ac join articles a on a.id = ac.article_id where ac.category_id = c.id and a.status = 'published') as n from categories c`.execute(store.db);
  const kept = await store.db.selectFrom('categories').select(['id', 'count']).execute();
  expect(Object.fromEntries(kept.map((r) => [r.id, Number(r.count)]))).toEqual(Object.fromEntries(truth.rows.map((r) => [r.id, Number(r.n)])));
  const sources = await sql<{ id: number; kept: number; n: number }>`select s.id, s.published_count as kept, (select count(*) from articles a where a.source_id = s.id and a.status = 'published') as n from sources s`.execute(store.db);
  for (const s of sources.rows) expect(Number(s.kept), `source ${s.id}`).toBe(Number(s.n));
  // The rows repeat the article's status and instant.
  const off = await sql<{ n: number }>`select count(*) as n from article_categories ac join articles a on a.id = ac.article_id where ac.published <> (case when a.status = 'published' then 1 else 0 end) or ac.published_at <> a.published_at`.execute(store.db);
  expect(Number(off.rows[0]!.n)).toBe(0);
}

describe.skipIf(await skipStoreTests())(`sections and tags on the ${testStoreKind()} store`, () => {
  it('files Dünya, World and عالم mapped to one section there, with exact counts through every write', async () => {
    await addSection(store.db, 'world', { name: 'World', tr: 'Dünya', ar: 'العالم' });
    await mapSource(store.db, feed, { words: [['Dünya', 'world'], ['عالم', 'world']] });
    const saved = await saveArticles(store.db, [
      article(feed, ['Dünya', 'Ekonomi']),
      article(feed, ['World']),
      article(feed, ['عالم']),
      article(feed, ['DÜNYA', 'World']), // two words, one section: filed once
      article(other, ['Dünya']), // not this source's mapping, and no section has that name in any language … but 'Dünya' is world's Turkish name
      article(other, ['Sport']),
    ], TZ);
    const world = (await findCategoryBySlug(store.db, 'world', 'section'))!;
    expect(world.count).toBe(5);
    expect((await findHeadlinesByCategory(store.db, world.id, 10)).map((h) => h.title).sort()).toEqual(saved.slice(0, 5).map((_, i) => `Story ${n - 5 + i}`).sort());
    expect(categoryName(world, 'tr')).toBe('Dünya');
    expect(categoryName(world, 'en')).toBe('World');
    const tags = await findCategories(store.db, 'tag');
    expect(tags.map((t) => [t.slug, t.name, t.count])).toEqual([['ekonomi', 'Ekonomi', 1], ['sport', 'Sport', 1]]);
    await expectCountsExact();

    // Hidden, published again, deleted, a whole source removed: counts stay exact.
    await setArticleStatus(store.db, saved[0]!.id, 'hidden');
    expect((await findCategoryBySlug(store.db, 'world'))!.count).toBe(4);
    expect((await findCategoryBySlug(store.db, 'ekonomi'))!.count).toBe(0);
    await expectCountsExact();
    await setArticleStatus(store.db, saved[0]!.id, 'published');
    await deleteArticle(store.db, saved[1]!.id);
    expect((await findCategoryBySlug(store.db, 'world'))!.count).toBe(4);
    await expectCountsExact();
    await deleteSource(store.db, other);
    expect((await findCategoryBySlug(store.db, 'world'))!.count).toBe(3);
    expect((await findCategoryBySlug(store.db, 'sport'))!.count).toBe(0);
    await expectCountsExact();
  });

  it('an updated item moves between categories; the default section takes what maps to no section', async () => {
    await addSection(store.db, 'economy', { name: 'Economy' });
    await addSection(store.db, 'news', { name: 'News' });
    await mapSource(store.db, feed, { defaultSection: 'news' });
    const a = article(feed, ['Borsa']);
    const first = await saveArticle(store.db, a, TZ);
    expect((await findCategoriesOfArticle(store.db, first.id)).map((c) => c.slug)).toEqual(['news', 'borsa']);
    // The feed re-files the item (and changes its text, so it is an update).
    const again = await saveArticle(store.db, { ...a, title: 'Story, corrected', categories: ['Economy'] }, TZ);
    expect(again.outcome).toBe('updated');
    expect((await findCategoriesOfArticle(store.db, first.id)).map((c) => c.slug)).toEqual(['economy']);
    expect((await findCategoryBySlug(store.db, 'news'))!.count).toBe(0);
    await expectCountsExact();
    // A later mapping files the stored articles again.
    expect(await mapSource(store.db, feed, { words: [['Economy', 'news']] })).toBe(1);
    expect((await findCategoriesOfArticle(store.db, first.id)).map((c) => c.slug)).toEqual(['news']);
    expect(await findSourceMapping(store.db, feed)).toEqual({ words: [{ word: 'economy', section: 'news' }], defaultSection: 'news' });
    await expectCountsExact();
    await expect(mapSource(store.db, feed, { words: [['x', 'nowhere']] })).rejects.toThrow('sources: no section nowhere');
  });

  it('bulk import files too; a tag promoted to a section keeps its articles', async () => {
    expect(await insertArticles(store.db, [article(feed, ['Politics']), article(feed, ['politics', 'Elections']), article(other, [])], TZ)).toBe(3);
    expect((await findCategoryBySlug(store.db, 'politics', 'tag'))!.count).toBe(2);
    await expectCountsExact();
    const s = await addSection(store.db, 'politics', { en: 'Politics', tr: 'Siyaset' });
    expect(s).toMatchObject({ kind: 'section', count: 2, names: { en: 'Politics', tr: 'Siyaset' } });
    await expect(addSection(store.db, 'politics', { name: 'Again' })).rejects.toThrow('exists already');
    await expect(addSection(store.db, 'Bad Slug', { name: 'x' })).rejects.toThrow('is not a slug');
  });

  it('sections: menu order, rename, move, remove', async () => {
    for (const slug of ['world', 'economy', 'sport']) await addSection(store.db, slug, { name: slug.toUpperCase() });
    expect((await findSections(store.db)).map((c) => c.slug)).toEqual(['world', 'economy', 'sport']);
    expect(await moveSection(store.db, 'sport', 1)).toBe(true);
    expect((await findSections(store.db)).map((c) => c.slug)).toEqual(['sport', 'world', 'economy']);
    expect(await renameCategory(store.db, 'economy', { tr: 'Ekonomi', slug: 'business' })).toBe(true);
    expect((await findCategoryBySlug(store.db, 'business'))!.names).toEqual({ tr: 'Ekonomi' });
    const saved = await saveArticle(store.db, article(feed, ['WORLD']), TZ);
    await mapSource(store.db, feed, { defaultSection: 'world' });
    expect(await removeCategory(store.db, 'world')).toBe(true);
    expect(await findCategoriesOfArticle(store.db, saved.id)).toEqual([]);
    expect((await findSourceMapping(store.db, feed)).defaultSection).toBeNull();
    expect(await removeCategory(store.db, 'world')).toBe(false);
    await expectCountsExact();
  });

  it('pages of a section and of a source never overlap nor skip, equal instants by id, hidden ones left out', async () => {
    await addSection(store.db, 'world', { name: 'World' });
    const at = (k: number) => new Date(Date.UTC(2024, 0, 1, 0, Math.floor(k / 3))); // three articles per instant
    const saved = await saveArticles(store.db, Array.from({ length: 31 }, (_, k) => article(feed, ['World'], { publishedAt: at(k), status: k % 10 === 4 ? 'hidden' : 'published' })), TZ);
    const truth = saved.map((r, k) => ({ id: r.id, t: at(k).getTime(), shown: k % 10 !== 4 })).filter((x) => x.shown).sort((x, y) => y.t - x.t || y.id - x.id).map((x) => x.id);
    const world = (await findCategoryBySlug(store.db, 'world'))!;
    expect(world.count).toBe(truth.length);
    const pages = async (find: (offset: number) => Promise<{ id: number }[]>) => {
      const ids: number[] = [];
      for (let offset = 0; offset < truth.length + 7; offset += 7) ids.push(...(await find(offset)).map((h) => h.id));
      return ids;
    };
    expect(await pages((o) => findHeadlinesByCategory(store.db, world.id, 7, o))).toEqual(truth);
    expect(await pages((o) => findHeadlinesBySource(store.db, feed, 7, o))).toEqual(truth);
  });

  it("reads several sections' newest in one statement, as each section's first page reads them", async () => {
    const slugs = Array.from({ length: 18 }, (_, i) => `s${i}`); // more than one statement's 16
    for (const slug of slugs) await addSection(store.db, slug, { name: slug.toUpperCase() });
    const at = (k: number) => new Date(Date.UTC(2024, 0, 1, 0, Math.floor(k / 2))); // equal instants: by id
    await saveArticles(store.db, Array.from({ length: 60 }, (_, k) => article(k % 2 ? feed : other, [`S${k % 17}`, ...(k % 5 ? [] : ['S1'])], { publishedAt: at(k), status: k % 9 === 3 ? 'hidden' : 'published' })), TZ);
    const sections = await findSections(store.db);
    const newest = await findNewestByCategories(store.db, sections.map((c) => c.id), 3);
    for (const c of sections) {
      const one = await findHeadlinesByCategory(store.db, c.id, 3, 0);
      if (one.length) expect(newest.get(c.id), c.slug).toEqual(one);
      else expect(newest.has(c.id), c.slug).toBe(false); // s17: nothing filed
    }
    expect(newest.size).toBe(17);
    expect(await findNewestByCategories(store.db, [], 3)).toEqual(new Map());
  });

  it('sources have page slugs and published counts; a source named by its host takes its feed\'s name', async () => {
    const byHost = await insertSource(store.db, { kind: 'feed', title: '', url: 'https://news.example.org/feed' });
    expect((await findSourceById(store.db, byHost))!.slug).toBe('news-example-org');
    await saveFetchState(store.db, byHost, { title: 'Coast News', nextFetchAt: null, errorCount: 0, lastError: null, lastStatus: 200, lastFetchedAt: new Date().toISOString() });
    expect((await findSourceBySlug(store.db, 'coast-news'))!.id).toBe(byHost);
    const twin = await ensureSource(store.db, { kind: 'manual', title: 'Coast News' });
    expect((await findSourceById(store.db, twin))!.slug).toBe('coast-news-2');
    await saveArticles(store.db, [article(byHost, []), article(byHost, [], { status: 'draft' })], TZ);
    expect((await findSourceById(store.db, byHost))!.publishedCount).toBe(1);
    expect(await findHeadlinesBySource(store.db, byHost, 10)).toHaveLength(1);
    await expectCountsExact();
  });
});

describe.skipIf(await skipStoreTests())(`migration 0006 on the ${testStoreKind()} store`, () => {
  it('moves stored words into tags with exact counts, and gives every source a slug', async () => {
    await saveArticles(store.db, [article(feed, ['Dünya', 'Spor']), article(feed, ['dünya']), article(other, ['Spor'], { status: 'hidden' })], TZ);
    await m0006.down(store.db, store.dialect);
    await m0006.up(store.db, store.dialect);
    expect((await findCategories(store.db, 'tag')).map((t) => [t.slug, t.count])).toEqual([['dunya', 2], ['spor', 1]]);
    expect((await findSourceById(store.db, feed))!).toMatchObject({ slug: 'haber-ajansi', publishedCount: 2 });
    await expectCountsExact();
  });
});
