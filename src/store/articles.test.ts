import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../model/limits.js';
import type { Article, ArticleInput } from '../model/types.js';
import { deleteArticle, findArticleBySlug, findArticleIdRange, findArticlesByIds, findArticlesByDay, findLatestArticles, findNeighbours, findSearchHitsByIds, insertArticles, recountDays, saveArticle, saveArticles, setArticleStatus } from './articles.js';
import { findDayCount, findDayCounts, findMonthDays, findPublishedTotal, findYearMonths } from './day-counts.js';
import type { Store } from './db.js';
import { ensureSource } from './sources.js';
import { openTestStore, skipStoreTests } from './testing.js';

const TZ = 'Europe/Istanbul';
let store: Store;
let sourceId: number;

beforeEach(async () => {
  store = await openTestStore();
  sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
});
afterEach(() => store.close());

const article = (guid: string, publishedAt: string, extra: Partial<ArticleInput> = {}): ArticleInput => ({
  sourceId,
  guid,
  title: `Title ${guid}`,
  publishedAt: new Date(publishedAt),
  ...extra,
});

/** The day counts must always equal a GROUP BY over the articles, and the total their sum. */
async function expectCountsExact() {
  const truth = await store.db
    .selectFrom('articles')
    .select(['local_day', store.db.fn.countAll<number>().as('n')])
    .where('status', '=', 'published')
    .groupBy('local_day')
    .execute();
  const kept = await store.db.selectFrom('day_counts').selectAll().where('count', '!=', 0).execute();
  expect(Object.fromEntries(kept.map((r) => [r.local_day, Number(r.count)]))).toEqual(Object.fromEntries(truth.map((r) => [r.local_day, Number(r.n)])));
  expect(await findPublishedTotal(store.db)).toBe(truth.reduce((s, r) => s + Number(r.n), 0));
}

describe.skipIf(await skipStoreTests())('articles and day counts', () => {
  it('keeps only http(s) URLs and bounded text, whoever writes (feed, import, desk)', async () => {
    const huge = 'x '.repeat(600_000);
    const saved = await saveArticle(store.db, article('bounded', '2019-02-14T10:00:00Z', {
      title: `Big ${huge}`, author: `Author ${huge}`, language: 'en'.repeat(1000), summary: huge,
      url: 'javascript:alert(1)', canonicalUrl: '  JaVaScRiPt:alert(2)', imageUrl: 'data:image/svg+xml,<svg onload=alert(3)>',
      categories: [...Array.from({ length: 500 }, (_, i) => `Category ${i} ${huge}`), 'Category 0 x'],
    }), TZ);
    const a = (await findArticleBySlug(store.db, saved.slug))!;
    expect(a).toMatchObject({ url: null, canonicalUrl: null, imageUrl: null });
    expect(a.title.length).toBeLessThanOrEqual(LIMITS.title);
    expect(a.author!.length).toBeLessThanOrEqual(LIMITS.author);
    expect(a.language!.length).toBeLessThanOrEqual(LIMITS.language);
    expect(a.summary!.length).toBeLessThanOrEqual(LIMITS.summary);
    expect(a.categories).toHaveLength(LIMITS.categories);
    expect(a.categories.every((c) => c.length <= LIMITS.category)).toBe(true);
    const ok = await saveArticle(store.db, article('ok', '2019-02-14T10:00:00Z', { url: 'https://News.Example/a', imageUrl: 'https://img.example/a.jpg' }), TZ);
    expect(await findArticleBySlug(store.db, ok.slug)).toMatchObject({ url: 'https://news.example/a', imageUrl: 'https://img.example/a.jpg' });
  });

  it('gives the id range to sample from, and the articles of sampled ids', async () => {
    expect(await findArticleIdRange(store.db)).toBeNull();
    const a = await saveArticle(store.db, article('a', '2019-02-10T10:00:00Z', { contentHtml: '<p>Body of a</p>', summary: 'About a' }), TZ);
    const b = await saveArticle(store.db, article('b', '2019-02-11T10:00:00Z'), TZ);
    await setArticleStatus(store.db, b.id, 'hidden');
    expect(await findArticleIdRange(store.db)).toEqual({ min: a.id, max: b.id });
    const found = await findArticlesByIds(store.db, [a.id, b.id, b.id + 1000]);
    expect(found.map((x) => [x.id, x.status]).sort()).toEqual([[a.id, 'published'], [b.id, 'hidden']]);
    // Each once however often asked; none for none; thousands of ids in one statement; in a transaction too.
    expect((await findArticlesByIds(store.db, [a.id, a.id, a.id])).map((x) => x.title)).toEqual(['Title a']);
    expect(await findArticlesByIds(store.db, [])).toEqual([]);
    const many = Array.from({ length: 40_000 }, (_, i) => b.id + 1 + i);
    expect((await findArticlesByIds(store.db, [...many, a.id])).map((x) => x.id)).toEqual([a.id]);
    expect((await store.db.transaction().execute((trx) => findArticlesByIds(trx, [b.id]))).map((x) => x.title)).toEqual(['Title b']);
    expect(found.find((x) => x.id === a.id)).toEqual(await findArticleBySlug(store.db, a.slug));
    // As a search shows them: the same articles, each its card, source id and body alone.
    const hits = await findSearchHitsByIds(store.db, [b.id, a.id, b.id + 1000, a.id]);
    const pick = (x: Article) => ({
      id: x.id, slug: x.slug, title: x.title, summary: x.summary, language: x.language, publishedAt: x.publishedAt, localDay: x.localDay,
      sourceTitle: x.sourceTitle, sourceSlug: x.sourceSlug, imageUrl: x.imageUrl, sourceId: x.sourceId, contentHtml: x.contentHtml,
    });
    expect(hits.sort((x, y) => x.id - y.id)).toEqual(found.sort((x, y) => x.id - y.id).map(pick));
    expect(hits.find((x) => x.id === a.id)?.contentHtml).toBe('<p>Body of a</p>');
    expect(await findSearchHitsByIds(store.db, [])).toEqual([]);
  });

  it('puts an article on its day in the site time zone', async () => {
    await saveArticle(store.db, article('a', '2019-02-14T22:30:00Z'), TZ);
    expect(await findDayCount(store.db, '2019-02-15')).toBe(1);
    expect(await findDayCount(store.db, '2019-02-14')).toBe(0);
    await expectCountsExact();
  });

  it('keeps counts exact through insert, update, day move, hide, publish and delete', async () => {
    const a = await saveArticle(store.db, article('a', '2019-02-10T10:00:00Z'), TZ);
    const b = await saveArticle(store.db, article('b', '2019-02-10T11:00:00Z'), TZ);
    expect(a.outcome).toBe('created');
    expect(await findDayCount(store.db, '2019-02-10')).toBe(2);
    // Same item again: stored once, unchanged.
    expect((await saveArticle(store.db, article('a', '2019-02-10T10:00:00Z'), TZ)).outcome).toBe('unchanged');
    // Changed title: updated in place.
    expect((await saveArticle(store.db, article('a', '2019-02-10T10:00:00Z', { title: 'New' }), TZ)).outcome).toBe('updated');
    // Moved to another day.
    await saveArticle(store.db, article('b', '2019-02-12T11:00:00Z'), TZ);
    expect(await findDayCount(store.db, '2019-02-10')).toBe(1);
    expect(await findDayCount(store.db, '2019-02-12')).toBe(1);
    await expectCountsExact();
    await setArticleStatus(store.db, a.id, 'hidden');
    expect(await findDayCount(store.db, '2019-02-10')).toBe(0);
    await expectCountsExact();
    await setArticleStatus(store.db, a.id, 'published');
    expect(await findPublishedTotal(store.db)).toBe(2);
    expect(await deleteArticle(store.db, b.id)).toBe(true);
    expect(await deleteArticle(store.db, b.id)).toBe(false);
    expect(await findPublishedTotal(store.db)).toBe(1);
    await expectCountsExact();
    const rows = await store.db.selectFrom('articles').select('title').execute();
    expect(rows).toEqual([{ title: 'New' }]);
  });

  it('dedupes by canonical URL across guids', async () => {
    await saveArticle(store.db, article('x1', '2019-02-10T10:00:00Z', { canonicalUrl: 'https://e.com/a', title: 'T' }), TZ);
    const r = await saveArticle(store.db, article('x2', '2019-02-10T10:00:00Z', { canonicalUrl: 'https://e.com/a', title: 'T' }), TZ);
    expect(r.outcome).toBe('unchanged');
    const u = await saveArticle(store.db, article('x2', '2019-02-10T10:00:00Z', { canonicalUrl: 'https://e.com/a', title: 'T2' }), TZ);
    expect(u.outcome).toBe('updated');
    expect(await findPublishedTotal(store.db)).toBe(1);
    const rows = await store.db.selectFrom('articles').select(['guid', 'title']).execute();
    expect(rows).toEqual([{ guid: 'x2', title: 'T2' }]); // a feed that changes its guids: one article, the newest guid
  });

  it('keeps the first source of an article another source also carries', async () => {
    const other = await ensureSource(store.db, { kind: 'feed', title: 'Other' });
    const first = await saveArticle(store.db, article('a', '2019-02-10T10:00:00Z', { canonicalUrl: 'https://e.com/a' }), TZ);
    const second = await saveArticle(store.db, { ...article('b', '2019-02-10T10:00:00Z', { canonicalUrl: 'https://e.com/a', title: 'Other title' }), sourceId: other }, TZ);
    expect(second).toEqual({ id: first.id, slug: first.slug, outcome: 'duplicate' });
    expect(await findPublishedTotal(store.db)).toBe(1);
    expect((await findArticleBySlug(store.db, first.slug))?.title).toBe('Title a');
  });

  it('keeps the first publication time of an item without a date', async () => {
    await saveArticle(store.db, article('a', '2019-02-10T10:00:00Z', { publishedAtIsFallback: true }), TZ);
    const again = await saveArticle(store.db, article('a', '2019-02-12T10:00:00Z', { publishedAtIsFallback: true }), TZ);
    expect(again.outcome).toBe('unchanged');
    expect(await findDayCount(store.db, '2019-02-10')).toBe(1);
    expect(await findDayCount(store.db, '2019-02-12')).toBe(0);
  });

  it('a failed write leaves counts untouched (same transaction)', async () => {
    await saveArticle(store.db, article('a', '2019-02-10T10:00:00Z', { slug: 'taken' }), TZ);
    await expect(saveArticle(store.db, article('b', '2019-02-11T10:00:00Z', { slug: 'taken' }), TZ)).rejects.toThrow();
    expect(await findDayCount(store.db, '2019-02-11')).toBe(0);
    await expectCountsExact();
  });

  it('gives unique slugs to equal titles', async () => {
    const a = await saveArticle(store.db, article('a', '2019-02-10T10:00:00Z', { title: 'Same' }), TZ);
    const b = await saveArticle(store.db, article('b', '2019-02-10T10:00:00Z', { title: 'Same' }), TZ);
    expect([a.slug, b.slug]).toEqual(['same', 'same-2']);
    expect((await findArticleBySlug(store.db, 'same-2'))?.guid).toBe('b');
  });

  it('gives free slugs to titles repeated in one call and stored already (suffixes looked up only for those)', async () => {
    // Stored: same, same-2, once-2. In one call: same ×5 (→ same-3, -4, -5, then two hashed), once ×2
    // (once is free; once-2 is stored: once-3), alone.
    await saveArticles(store.db, [article('s1', '2019-02-10T10:00:00Z', { title: 'Same' }), article('s2', '2019-02-10T10:00:00Z', { title: 'Same' }), article('o', '2019-02-10T10:00:00Z', { slug: 'once-2' })], TZ);
    const batch = [
      ...['n1', 'n2', 'n3', 'n4', 'n5'].map((g) => article(g, '2019-02-11T10:00:00Z', { title: 'Same' })),
      article('p1', '2019-02-11T10:00:00Z', { title: 'Once' }),
      article('p2', '2019-02-11T10:00:00Z', { title: 'Once' }),
      article('x', '2019-02-11T10:00:00Z', { title: 'Alone' }),
    ];
    const saved = await saveArticles(store.db, batch, TZ);
    expect(saved.map((r) => r.outcome)).toEqual(Array(8).fill('created'));
    expect(saved.map((r) => r.slug).slice(0, 3)).toEqual(['same-3', 'same-4', 'same-5']);
    expect(saved[3]!.slug).toMatch(/^same-[0-9a-f]{8}$/);
    expect(saved[4]!.slug).toMatch(/^same-[0-9a-f]{8}$/);
    expect(saved.slice(5).map((r) => r.slug)).toEqual(['once', 'once-3', 'alone']);
    expect(new Set(saved.map((r) => r.slug)).size).toBe(8);
    await expectCountsExact();
  });

  it('bulk insert skips already stored items and counts only what it inserted', async () => {
    await saveArticle(store.db, article('a', '2019-02-10T10:00:00Z'), TZ);
    const batch = Array.from({ length: 1200 }, (_, i) => article(i === 0 ? 'a' : `g${i}`, `2019-0${1 + (i % 3)}-1${i % 10}T10:00:00Z`));
    expect(await insertArticles(store.db, batch, TZ)).toBe(1199);
    expect(await insertArticles(store.db, batch, TZ)).toBe(0);
    expect(await findPublishedTotal(store.db)).toBe(1200);
    await expectCountsExact();
  });

  it('lists newest first, by day, by month and year, with neighbours', async () => {
    for (const [g, t] of [['a', '2019-02-10T08:00:00Z'], ['b', '2019-02-10T09:00:00Z'], ['c', '2019-03-01T09:00:00Z']] as const) {
      await saveArticle(store.db, article(g, t), TZ);
    }
    expect((await findLatestArticles(store.db, 10)).map((a) => a.guid)).toEqual(['c', 'b', 'a']);
    expect((await findArticlesByDay(store.db, '2019-02-10', 10)).map((a) => a.guid)).toEqual(['b', 'a']);
    expect(await findMonthDays(store.db, 2019, 2)).toEqual([{ day: '2019-02-10', count: 2 }]);
    expect(await findYearMonths(store.db, 2019)).toEqual([{ month: '2019-03', count: 1 }, { month: '2019-02', count: 2 }]);
    const b = (await findArticlesByDay(store.db, '2019-02-10', 1))[0]!;
    const n = await findNeighbours(store.db, b);
    const [a, , c] = await findLatestArticles(store.db, 10).then((l) => l.reverse());
    expect(n).toEqual({
      older: { id: a!.id, slug: a!.slug, title: a!.title, language: a!.language, publishedAt: a!.publishedAt, localDay: a!.localDay },
      newer: { id: c!.id, slug: c!.slug, title: c!.title, language: c!.language, publishedAt: c!.publishedAt, localDay: c!.localDay },
    });
    expect((await findDayCounts(store.db, '2019-02-01', '2019-02-28')).get('2019-02-10')).toBe(2);
  });

  it('recount moves days when the time zone changes', async () => {
    await saveArticle(store.db, article('a', '2019-02-14T22:30:00Z'), TZ);
    expect(await findDayCount(store.db, '2019-02-15')).toBe(1);
    expect(await recountDays(store.db, 'UTC')).toBe(1);
    expect(await findDayCount(store.db, '2019-02-14')).toBe(1);
    expect(await findDayCount(store.db, '2019-02-15')).toBe(0);
    await expectCountsExact();
  });
});
