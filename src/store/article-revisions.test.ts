import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteArticle } from './articles.js';
import { addSection, findCategoryBySlug } from './categories.js';
import { findDayCount, findPublishedTotal } from './day-counts.js';
import type { Store } from './db.js';
import { DeskStoreError, ensureDeskSource, findDeskArticle, saveDeskArticle, type DeskArticleInput } from './desk-articles.js';
import { findDeskArticles } from './desk-list.js';
import { findRevision, findRevisions, restoreRevision } from './article-revisions.js';
import { findCountDrift, openTestStore, skipStoreTests, testStoreKind } from './testing.js';

const TZ = 'Europe/Istanbul';
const T0 = new Date('2024-03-10T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
let store: Store;
let desk: number;

beforeEach(async () => {
  store = await openTestStore();
  desk = await ensureDeskSource(store.db, 'Jarida Daily');
  await addSection(store.db, 'world', { name: 'World' });
  await addSection(store.db, 'economy', { name: 'Economy' });
});
afterEach(() => store.close());

const version = (n: number, extra: Partial<DeskArticleInput> = {}): DeskArticleInput => ({
  title: `Version ${n}`, contentHtml: `<p>Body ${n} mentions ${['harbour', 'budget', 'ferry'][n - 1]}</p>`, bodySource: `Body ${n}`, summary: `Summary ${n}`,
  categories: n === 2 ? ['Economy'] : ['World'], publishedAt: new Date(`2024-03-0${n}T10:00:00Z`), status: 'published', ...extra,
});

describe.skipIf(await skipStoreTests())(`revisions on the ${testStoreKind()} store`, () => {
  it('lists what each save replaced, newest first, and restores one with exact counts', async () => {
    const { id } = await saveDeskArticle(store.db, { ...version(1), sourceId: desk }, { userId: 1, email: 'a@example.com' }, TZ, at(0));
    const r1 = (await saveDeskArticle(store.db, { ...version(2), id }, { userId: 2, email: 'b@example.com' }, TZ, at(1))).revisionId!;
    const r2 = (await saveDeskArticle(store.db, { ...version(3, { status: 'draft' }), id }, { userId: 1, email: 'a@example.com' }, TZ, at(2))).revisionId!;
    expect(await findRevisions(store.db, id)).toEqual([
      { id: r2, articleId: id, createdAt: at(2).toISOString(), userId: 1, userEmail: 'a@example.com', title: 'Version 2', status: 'published', publishedAt: '2024-03-02T10:00:00.000Z' },
      { id: r1, articleId: id, createdAt: at(1).toISOString(), userId: 2, userEmail: 'b@example.com', title: 'Version 1', status: 'published', publishedAt: '2024-03-01T10:00:00.000Z' },
    ]);
    expect(await findRevision(store.db, r1)).toMatchObject({ title: 'Version 1', contentHtml: '<p>Body 1 mentions harbour</p>', bodySource: 'Body 1', summary: 'Summary 1', categories: ['World'] });
    expect(await findPublishedTotal(store.db)).toBe(0); // version 3 is a draft

    const restored = await restoreRevision(store.db, id, r1, { userId: 3, email: 'c@example.com' }, TZ, at(3));
    expect(restored).toMatchObject({ id, status: 'published' });
    expect(await findDeskArticle(store.db, id)).toMatchObject({ title: 'Version 1', bodySource: 'Body 1', summary: 'Summary 1', categories: ['World'], status: 'published', publishedAt: '2024-03-01T10:00:00.000Z', editedAt: at(3).toISOString() });
    expect(await findDayCount(store.db, '2024-03-01')).toBe(1);
    expect([(await findCategoryBySlug(store.db, 'world'))!.count, (await findCategoryBySlug(store.db, 'economy'))!.count]).toEqual([1, 0]);
    expect((await findDeskArticles(store.db, { text: 'harbour' }, { limit: 5 })).rows.map((r) => r.id)).toEqual([id]);
    expect((await findDeskArticles(store.db, { text: 'ferry' }, { limit: 5 })).rows).toEqual([]);
    // The version it replaced (3, the draft) is a revision now.
    const [newest] = await findRevisions(store.db, id);
    expect(newest).toMatchObject({ id: restored.revisionId, title: 'Version 3', status: 'draft', userEmail: 'c@example.com' });
    expect(await findCountDrift(store.db)).toEqual([]);
  });

  it('refuses another article\'s revision, and goes with its article', async () => {
    const a = await saveDeskArticle(store.db, { ...version(1), sourceId: desk }, { userId: 1, email: null }, TZ, at(0));
    const b = await saveDeskArticle(store.db, { ...version(2), sourceId: desk }, { userId: 1, email: null }, TZ, at(0));
    const rev = (await saveDeskArticle(store.db, { ...version(3), id: a.id }, { userId: 1, email: null }, TZ, at(1))).revisionId!;
    await expect(restoreRevision(store.db, b.id, rev, { userId: 1, email: null }, TZ)).rejects.toThrow(DeskStoreError);
    await expect(restoreRevision(store.db, b.id, rev, { userId: 1, email: null }, TZ)).rejects.toThrow(`desk: article ${b.id} has no revision ${rev}`);
    expect(await deleteArticle(store.db, a.id)).toBe(true);
    expect(await findRevision(store.db, rev)).toBeUndefined();
    expect(await findRevisions(store.db, a.id)).toEqual([]);
    expect(await findCountDrift(store.db)).toEqual([]);
  });
});
