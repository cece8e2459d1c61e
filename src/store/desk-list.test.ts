import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArticleStatus } from '../model/types.js';
import { insertArticles, saveArticles, setArticleStatus } from './articles.js';
import { addSection, findCategoryBySlug } from './categories.js';
import type { Store } from './db.js';
import { DeskStoreError, ensureDeskSource, saveDeskArticle } from './desk-articles.js';
import { findDeskArticles, type DeskFilter } from './desk-list.js';
import { analyzeAfterBulkWrite, MATCH_WALK } from './search.js';
import { insertSource } from './sources.js';
import { openTestStore, skipStoreTests, testStoreKind } from './testing.js';

const TZ = 'Europe/Istanbul';
const NOW = new Date('2024-03-20T00:00:00Z');
let store: Store;
let desk: number;
let feed: number;
let world: number;
let economy: number;
let harbour: number;

const STATUSES: ArticleStatus[] = ['published', 'hidden', 'draft', 'scheduled'];
const WORDS = ['harbour', 'budget', 'election', 'ferry'];

/** 60 articles over four days (several at one instant), from a feed and the desk (two authors), every status, two sections and a tag. */
async function fill() {
  const inputs = Array.from({ length: 30 }, (_, i) => ({
    sourceId: feed, guid: `f${i}`, title: `Feed ${WORDS[i % 4]} story ${i}`, contentHtml: `<p>${WORDS[(i + 1) % 4]} body</p>`,
    // Instants repeat (i and i + 10 share one): ties are ordered by id.
    publishedAt: new Date(Date.UTC(2024, 2, 10 + (i % 4), 6, i % 10)), categories: i % 3 === 0 ? ['World', 'Harbour'] : ['Economy'],
  }));
  const saved = await saveArticles(store.db, inputs, TZ);
  for (const [i, s] of saved.entries()) if (i % 5 === 1) await setArticleStatus(store.db, s.id, 'hidden');
  for (let i = 0; i < 30; i++) {
    const status = STATUSES[i % 4]!;
    await saveDeskArticle(store.db, {
      sourceId: desk, title: `Desk ${WORDS[i % 4]} piece ${i}`, contentHtml: '<p>Desk body</p>', bodySource: 'Desk body',
      categories: i % 2 ? ['World'] : ['Economy', 'Harbour'], publishedAt: new Date(Date.UTC(2024, 2, status === 'scheduled' ? 25 : 10 + (i % 4), 6, i % 7)), status,
    }, { userId: 1 + (i % 2), email: null }, TZ, NOW);
  }
}

/** The truth: every article meeting the filter, newest first, ties by id (with text: by id alone). */
async function expected(f: DeskFilter): Promise<number[]> {
  const rows = await store.db.selectFrom('articles').select(['id', 'title', 'content_html', 'status', 'source_id', 'local_day', 'user_id', 'published_at', 'search_key']).execute();
  const filed = await store.db.selectFrom('article_categories').select(['article_id', 'category_id']).execute();
  const inCategory = new Set(filed.filter((r) => Number(r.category_id) === f.categoryId).map((r) => Number(r.article_id)));
  return rows
    .filter((r) => (f.status === undefined || r.status === f.status) && (f.sourceId === undefined || Number(r.source_id) === f.sourceId)
      && (f.day === undefined || r.local_day === f.day) && (f.userId === undefined || Number(r.user_id) === f.userId)
      && (f.categoryId === undefined || inCategory.has(Number(r.id))) && (f.text === undefined || `${r.title} ${r.content_html}`.toLowerCase().includes(f.text)))
    // Text: the search index's order, its time-ordered keys (newest published first).
    .sort((a, b) => (f.text !== undefined ? Number(b.search_key) - Number(a.search_key) : b.published_at.localeCompare(a.published_at) || Number(b.id) - Number(a.id)))
    .map((r) => Number(r.id));
}

/** Every page of the list, `size` at a time. */
async function allPages(f: DeskFilter, size: number): Promise<number[]> {
  const ids: number[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await findDeskArticles(store.db, f, { limit: size, after });
    expect(page.rows.length).toBeLessThanOrEqual(size);
    ids.push(...page.rows.map((r) => r.id));
    if (!page.next) return ids;
    after = page.next;
  }
  throw new Error('more than 100 pages');
}

beforeEach(async () => {
  store = await openTestStore();
  desk = await ensureDeskSource(store.db, 'Jarida Daily');
  feed = await insertSource(store.db, { kind: 'feed', title: 'Wire', url: 'https://wire.example/feed.xml' });
  world = (await addSection(store.db, 'world', { name: 'World' })).id;
  economy = (await addSection(store.db, 'economy', { name: 'Economy' })).id;
});
afterEach(() => store.close());

describe.skipIf(await skipStoreTests())(`the desk's list on the ${testStoreKind()} store`, () => {
  it('lists every status, filtered by each filter and by all of them together, a page at a time', async () => {
    await fill();
    harbour = (await findCategoryBySlug(store.db, 'harbour'))!.id;
    const options: Record<keyof Omit<DeskFilter, 'textLang'>, unknown[]> = {
      text: [undefined, 'harbour'],
      sourceId: [undefined, feed, desk],
      categoryId: [undefined, world, economy, harbour],
      day: [undefined, '2024-03-11'],
      status: [undefined, 'published', 'hidden', 'scheduled'],
      userId: [undefined, 2],
    };
    let filters: DeskFilter[] = [{}];
    for (const [key, values] of Object.entries(options)) filters = filters.flatMap((f) => values.map((v) => (v === undefined ? f : { ...f, [key]: v })));
    let nonEmpty = 0;
    for (const f of filters) {
      const want = await expected(f);
      if (want.length) nonEmpty++;
      expect(await allPages(f, 4), JSON.stringify(f)).toEqual(want);
    }
    expect(nonEmpty).toBeGreaterThan(100);
    const all = await allPages({}, 7);
    expect(all).toHaveLength(60);
    const [first] = (await findDeskArticles(store.db, { userId: 2 }, { limit: 1 })).rows;
    expect(first).toMatchObject({ userId: 2, sourceKind: 'manual', sourceTitle: 'Jarida Daily', status: 'scheduled', localDay: '2024-03-25' });
    expect(first!.editedAt).toBe(NOW.toISOString());
  });

  it('matches words as search does, any status, with their suffixes when no page is filled exactly', async () => {
    await fill();
    const drafts = (await findDeskArticles(store.db, { text: 'election', status: 'draft' }, { limit: 50 })).rows;
    // Newest published first (as the search index's keys order them).
    expect(drafts.map((r) => r.title).sort()).toEqual([26, 22, 18, 14, 10, 6, 2].map((i) => `Desk election piece ${i}`).sort());
    expect(drafts.map((r) => r.publishedAt)).toEqual(drafts.map((r) => r.publishedAt).sort().reverse());
    expect((await findDeskArticles(store.db, { text: 'harb' }, { limit: 50 })).rows).toHaveLength(23); // 16 titles, 7 bodies
    expect(await findDeskArticles(store.db, { text: 'the' }, { limit: 5 })).toEqual({ rows: [], next: null, text: 'common' });
    expect(await findDeskArticles(store.db, { text: '-harbour' }, { limit: 5 })).toEqual({ rows: [], next: null, text: 'only-excluded' });
  });

  it('reads at most MATCH_WALK matches a call: a common word among rare drafts comes in partial pages that continue', async () => {
    const drafts = await insertArticles(store.db, Array.from({ length: 3 }, (_, i) => ({ sourceId: feed, guid: `d${i}`, title: `Ferry draft ${i}`, status: 'draft' as const, publishedAt: new Date(Date.UTC(2024, 0, 1, i)) })), TZ);
    expect(drafts).toBe(3);
    await insertArticles(store.db, Array.from({ length: MATCH_WALK + 50 }, (_, i) => ({ sourceId: feed, guid: `p${i}`, title: `Ferry news ${i}`, publishedAt: new Date(Date.UTC(2024, 1, 1, 0, i)) })), TZ);
    // PostgreSQL walks only for a word its statistics call common (else the GIN index lists every match).
    await analyzeAfterBulkWrite(store.db);
    const first = await findDeskArticles(store.db, { text: 'ferry', status: 'draft' }, { limit: 10 });
    expect(first).toMatchObject({ rows: [], partial: true });
    const second = await findDeskArticles(store.db, { text: 'ferry', status: 'draft' }, { limit: 10, after: first.next! });
    expect(second.rows.map((r) => r.title)).toEqual(['Ferry draft 2', 'Ferry draft 1', 'Ferry draft 0']);
    expect(second.next).toBeNull();
    expect(second.partial).toBeUndefined();
    // Filled pages are never partial.
    expect((await findDeskArticles(store.db, { text: 'ferry' }, { limit: 10 })).partial).toBeUndefined();
  });

  it('never repeats or skips an article while others are added between pages', async () => {
    await fill();
    const before = await allPages({}, 60);
    const seen: number[] = [];
    let after: string | undefined;
    for (let round = 0; ; round++) {
      const page = await findDeskArticles(store.db, {}, { limit: 5, after });
      seen.push(...page.rows.map((r) => r.id));
      if (!page.next) break;
      after = page.next;
      // Newer, older and at the very instant the page ended on.
      const last = page.rows[page.rows.length - 1]!;
      await saveArticles(store.db, [
        { sourceId: feed, guid: `new-${round}-a`, title: `New ${round}`, publishedAt: new Date('2024-03-30T00:00:00Z') },
        { sourceId: feed, guid: `new-${round}-b`, title: `Old ${round}`, publishedAt: new Date('2024-01-01T00:00:00Z') },
        { sourceId: feed, guid: `new-${round}-c`, title: `Same ${round}`, publishedAt: new Date(last.publishedAt) },
      ], TZ);
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => before.includes(id))).toEqual(before);
  });

  it('refuses a cursor it did not make, or made for another kind of list', async () => {
    await fill();
    const text = await findDeskArticles(store.db, { text: 'harbour' }, { limit: 2 });
    const code = (after: string, f: DeskFilter = {}) => findDeskArticles(store.db, f, { limit: 2, after }).then(() => 'ok', (e: unknown) => (e instanceof DeskStoreError ? e.code : String(e)));
    expect(await code(text.next!)).toBe('bad-cursor');
    expect(await code('not a cursor')).toBe('bad-cursor');
    expect(await code(Buffer.from('{"k":"p","t":1,"i":"x"}').toString('base64url'))).toBe('bad-cursor');
    expect(await code(text.next!, { text: 'harbour' })).toBe('ok');
  });
});
