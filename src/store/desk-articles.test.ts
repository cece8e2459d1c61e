import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArticleInput } from '../model/types.js';
import { deleteArticle, findArticleBySlug, findDeletedGuids, findHeadlinesByCategory, findLatestArticles, saveArticle, setArticleStatus } from './articles.js';
import { addSection, findCategoryBySlug } from './categories.js';
import { findDayCount, findPublishedTotal } from './day-counts.js';
import type { Store } from './db.js';
import {
  DeskStoreError, deskStatus, ensureDeskSource, findDeskArticle, findNextScheduled, publishDueArticles, saveDeskArticle, setDeskArticleStatus, type DeskArticleInput,
} from './desk-articles.js';
import { findDeskArticles } from './desk-list.js';
import { searchArticles } from './search.js';
import { findSourceById, insertSource } from './sources.js';
import { findCountDrift, openTestStore, skipStoreTests, testStoreKind } from './testing.js';

const TZ = 'Europe/Istanbul';
const NOW = new Date('2024-03-10T09:00:00Z');
const ED = { userId: 7, email: 'ed@example.com' };
let store: Store;
let desk: number;
let feed: number;

beforeEach(async () => {
  store = await openTestStore();
  desk = await ensureDeskSource(store.db, 'Jarida Daily');
  feed = await insertSource(store.db, { kind: 'feed', title: 'Wire', url: 'https://wire.example/feed.xml' });
  await addSection(store.db, 'world', { name: 'World', tr: 'Dünya' });
  await addSection(store.db, 'economy', { name: 'Economy' });
});
afterEach(() => store.close());

const input = (extra: Partial<DeskArticleInput> = {}): DeskArticleInput => ({
  sourceId: desk, title: 'Harbour plan approved', contentHtml: '<p>The council approved the harbour plan.</p>', bodySource: 'The council approved the **harbour** plan.',
  summary: 'Council approves plan', language: 'en', categories: ['World', 'Harbour'], author: 'Ed', publishedAt: new Date('2024-03-09T10:00:00Z'), status: 'published', ...extra,
});
const count = async (slug: string) => (await findCategoryBySlug(store.db, slug))?.count ?? 0;
const found = async (q: string) => (await findDeskArticles(store.db, { text: q }, { limit: 10 })).rows.map((r) => r.id);

describe.skipIf(await skipStoreTests())(`the desk's articles on the ${testStoreKind()} store`, () => {
  it('creates an article with its counts, filing and index, and keeps a revision of every edit', async () => {
    const made = await saveDeskArticle(store.db, input(), ED, TZ, NOW);
    expect(made).toMatchObject({ slug: 'harbour-plan-approved', status: 'published' });
    expect(made.revisionId).toBeUndefined();
    expect(await findDayCount(store.db, '2024-03-09')).toBe(1);
    expect([await count('world'), await count('harbour'), (await findSourceById(store.db, desk))!.publishedCount]).toEqual([1, 1, 1]);
    const a = (await findDeskArticle(store.db, made.id))!;
    expect(a).toMatchObject({ title: 'Harbour plan approved', bodySource: 'The council approved the **harbour** plan.', userId: 7, editedAt: NOW.toISOString(), sourceKind: 'manual', categories: ['World', 'Harbour'], status: 'published' });
    expect(await found('harbour')).toEqual([made.id]);

    // Edit: a new title, another day, another section; the old version becomes a revision.
    const later = new Date(NOW.getTime() + 60_000);
    const edited = await saveDeskArticle(store.db, input({ id: made.id, sourceId: undefined, title: 'Budget vote delayed', contentHtml: '<p>The budget vote was delayed.</p>', bodySource: 'The budget vote was delayed.', categories: ['Economy'], publishedAt: new Date('2024-03-08T10:00:00Z') }), { userId: 8, email: 'chief@example.com' }, TZ, later);
    expect(edited).toMatchObject({ id: made.id, slug: 'harbour-plan-approved', status: 'published' });
    expect(edited.revisionId).toBeGreaterThan(0);
    expect([await findDayCount(store.db, '2024-03-09'), await findDayCount(store.db, '2024-03-08')]).toEqual([0, 1]);
    expect([await count('world'), await count('harbour'), await count('economy')]).toEqual([0, 0, 1]);
    expect(await findDeskArticle(store.db, made.id)).toMatchObject({ title: 'Budget vote delayed', userId: 7, editedAt: later.toISOString(), summary: 'Council approves plan', author: 'Ed' });
    expect(await found('harbour')).toEqual([]);
    expect(await found('budget')).toEqual([made.id]);
    const rev = await store.db.selectFrom('article_revisions').selectAll().where('id', '=', edited.revisionId!).executeTakeFirstOrThrow();
    expect(rev).toMatchObject({ article_id: made.id, title: 'Harbour plan approved', user_id: 8, user_email: 'chief@example.com', created_at: later.toISOString(), body_source: 'The council approved the **harbour** plan.', status: 'published', categories: '["World","Harbour"]' });

    // Saving it unchanged writes nothing and keeps no revision.
    const again = await saveDeskArticle(store.db, input({ id: made.id, sourceId: undefined, title: 'Budget vote delayed', contentHtml: '<p>The budget vote was delayed.</p>', bodySource: 'The budget vote was delayed.', categories: ['Economy'], publishedAt: new Date('2024-03-08T10:00:00Z') }), ED, TZ, later);
    expect(again.revisionId).toBeUndefined();
    expect(await store.db.selectFrom('article_revisions').select('id').execute()).toHaveLength(1);
    expect(await findCountDrift(store.db)).toEqual([]);
  });

  it('moves an article to another source, and refuses what it cannot save', async () => {
    const made = await saveDeskArticle(store.db, input({ canonicalUrl: 'https://jarida.example/a' }), ED, TZ, NOW);
    await saveDeskArticle(store.db, { ...input(), id: made.id, sourceId: feed }, ED, TZ, NOW);
    expect([(await findSourceById(store.db, desk))!.publishedCount, (await findSourceById(store.db, feed))!.publishedCount]).toEqual([0, 1]);
    expect((await findDeskArticle(store.db, made.id))!.sourceId).toBe(feed);
    expect(await findCountDrift(store.db)).toEqual([]);
    const code = (p: Promise<unknown>) => p.then(() => 'saved', (e: unknown) => (e instanceof DeskStoreError ? e.code : String(e)));
    expect(await code(saveDeskArticle(store.db, input({ canonicalUrl: 'https://jarida.example/a' }), ED, TZ, NOW))).toBe('conflict');
    expect(await code(saveDeskArticle(store.db, input({ sourceId: undefined }), ED, TZ, NOW))).toBe('no-source');
    expect(await code(saveDeskArticle(store.db, input({ sourceId: 9999 }), ED, TZ, NOW))).toBe('not-found');
    expect(await code(saveDeskArticle(store.db, input({ id: 9999 }), ED, TZ, NOW))).toBe('not-found');
    expect(await findPublishedTotal(store.db)).toBe(1);
    expect(await findCountDrift(store.db)).toEqual([]);
  });

  it('keeps only http(s) URLs and bounded text, as every write does', async () => {
    const made = await saveDeskArticle(store.db, input({ title: `Long ${'x'.repeat(2000)}`, url: 'javascript:alert(1)', imageUrl: 'data:image/png,x', canonicalUrl: 'https://Jarida.Example/b' }), ED, TZ, NOW);
    const a = (await findDeskArticle(store.db, made.id))!;
    expect(a).toMatchObject({ url: null, imageUrl: null, canonicalUrl: 'https://jarida.example/b' });
    expect(a.title.length).toBe(500);
  });

  it('schedules an article published in the future: not counted, listed or shown before its minute', async () => {
    const at = new Date('2024-03-10T12:30:00Z'); // 15:30 in Istanbul
    const made = await saveDeskArticle(store.db, input({ publishedAt: at, categories: ['World'] }), ED, TZ, NOW);
    expect(made.status).toBe('scheduled');
    expect(await findNextScheduled(store.db)).toEqual(at);
    const invisible = async () => {
      expect(await findPublishedTotal(store.db)).toBe(0);
      expect(await findDayCount(store.db, '2024-03-10')).toBe(0);
      expect(await count('world')).toBe(0);
      expect(await findLatestArticles(store.db, 10)).toEqual([]);
      expect(await findArticleBySlug(store.db, made.slug)).toBeUndefined();
      expect(await findHeadlinesByCategory(store.db, (await findCategoryBySlug(store.db, 'world'))!.id, 10)).toEqual([]);
    };
    await invisible();
    expect(await publishDueArticles(store.db, new Date(at.getTime() - 1), TZ)).toEqual([]);
    await invisible();
    // Several publishers at once (processes, or ticks): one publishes it, once.
    const runs = await Promise.all([1, 2, 3].map(() => publishDueArticles(store.db, at, TZ)));
    expect(runs.flat()).toEqual([made.id]);
    expect(await findPublishedTotal(store.db)).toBe(1);
    expect(await findDayCount(store.db, '2024-03-10')).toBe(1);
    expect(await count('world')).toBe(1);
    expect((await findArticleBySlug(store.db, made.slug))?.title).toBe('Harbour plan approved');
    expect(await findNextScheduled(store.db)).toBeNull();
    expect(await findCountDrift(store.db)).toEqual([]);
  });

  it('counts a scheduled article once even when many publishers race over many (PostgreSQL: concurrent transactions)', async () => {
    const at = new Date('2024-03-10T12:00:00Z');
    for (let i = 0; i < 12; i++) await saveDeskArticle(store.db, input({ title: `Story ${i}`, publishedAt: new Date(at.getTime() + i * 1000), categories: ['World', `tag${i % 3}`] }), ED, TZ, NOW);
    const runs = await Promise.all([1, 2, 3, 4].map(() => publishDueArticles(store.db, new Date(at.getTime() + 60_000), TZ)));
    expect(runs.flat()).toHaveLength(12);
    expect(new Set(runs.flat()).size).toBe(12);
    expect(await findPublishedTotal(store.db)).toBe(12);
    expect(await findCountDrift(store.db)).toEqual([]);
  });

  it('takes status as asked: published ahead is scheduled, scheduled past is published; draft and hidden are never counted', async () => {
    expect(deskStatus('published', new Date('2030-01-01'), NOW)).toBe('scheduled');
    expect(deskStatus('scheduled', new Date('2020-01-01'), NOW)).toBe('published');
    expect(deskStatus('draft', new Date('2030-01-01'), NOW)).toBe('draft');
    const draft = await saveDeskArticle(store.db, input({ status: 'draft' }), ED, TZ, NOW);
    const hidden = await saveDeskArticle(store.db, input({ title: 'Other', status: 'hidden' }), ED, TZ, NOW);
    expect(await findPublishedTotal(store.db)).toBe(0);
    expect(await count('world')).toBe(0);
    expect(await findArticleBySlug(store.db, draft.slug)).toBeUndefined();
    expect(await findLatestArticles(store.db, 10)).toEqual([]);
    expect((await searchArticles(store.db, { parts: [{ terms: ['harbour'], prefix: false }] }, 10, 0)).articles).toEqual([]);
    expect(await setDeskArticleStatus(store.db, draft.id, 'published', NOW)).toEqual({ from: 'draft', to: 'published' });
    expect(await setDeskArticleStatus(store.db, hidden.id, 'published', new Date('2024-03-01T00:00:00Z'))).toEqual({ from: 'hidden', to: 'scheduled' });
    expect(await setDeskArticleStatus(store.db, 9999, 'hidden', NOW)).toBeUndefined();
    expect(await findPublishedTotal(store.db)).toBe(1);
    expect(await findCountDrift(store.db)).toEqual([]);
    expect(await deleteArticle(store.db, hidden.id)).toBe(true); // scheduled: nothing to uncount
    expect(await deleteArticle(store.db, draft.id)).toBe(true);
    expect(await findPublishedTotal(store.db)).toBe(0);
    expect(await findCountDrift(store.db)).toEqual([]);
  });
});

describe.skipIf(await skipStoreTests())(`aggregated articles in the desk on the ${testStoreKind()} store`, () => {
  const item = (extra: Partial<ArticleInput> = {}): ArticleInput => ({
    sourceId: feed, guid: 'wire-1', url: 'https://wire.example/1', canonicalUrl: 'https://wire.example/1', title: 'Wire title', contentHtml: '<p>Wire body</p>',
    publishedAt: new Date('2024-03-09T08:00:00Z'), categories: ['World'], ...extra,
  });

  it('leaves an edited article as edited when its feed changes it again', async () => {
    const first = await saveArticle(store.db, item(), TZ);
    await saveDeskArticle(store.db, { id: first.id, title: 'Edited title', contentHtml: '<p>Edited body</p>', bodySource: 'Edited body', publishedAt: new Date('2024-03-09T08:00:00Z'), status: 'published' }, ED, TZ, NOW);
    const again = await saveArticle(store.db, item({ title: 'Wire title, corrected', contentHtml: '<p>New wire body</p>', categories: ['Economy'] }), TZ);
    expect(again).toEqual({ id: first.id, slug: first.slug, outcome: 'unchanged' });
    expect(await findDeskArticle(store.db, first.id)).toMatchObject({ title: 'Edited title', contentHtml: '<p>Edited body</p>', url: 'https://wire.example/1', categories: ['World'], sourceKind: 'feed' });
    expect(await findCountDrift(store.db)).toEqual([]);
  });

  it('remembers a deleted aggregated article, by guid and address, so that its feed does not bring it back', async () => {
    const first = await saveArticle(store.db, item(), TZ);
    const own = await saveDeskArticle(store.db, { sourceId: desk, title: 'Own', contentHtml: null, bodySource: null, publishedAt: NOW, status: 'published' }, ED, TZ, NOW);
    expect(await findDeletedGuids(store.db, feed, [{ guid: 'wire-1' }])).toEqual(new Set());
    expect(await deleteArticle(store.db, first.id)).toBe(true);
    expect(await deleteArticle(store.db, own.id)).toBe(true);
    expect(await findDeletedGuids(store.db, feed, [{ guid: 'wire-1' }, { guid: 'other', canonicalUrl: 'https://WIRE.example/1' }, { guid: 'new', canonicalUrl: 'https://wire.example/2' }])).toEqual(new Set(['wire-1', 'other']));
    expect(await store.db.selectFrom('article_tombstones').select(['source_id', 'guid']).execute()).toEqual([{ source_id: feed, guid: 'wire-1' }]); // none for the desk's own
    expect(await findCountDrift(store.db)).toEqual([]);
  });

  it('keeps a hidden aggregated article hidden when its feed updates it', async () => {
    const first = await saveArticle(store.db, item(), TZ);
    await setArticleStatus(store.db, first.id, 'hidden');
    expect((await saveArticle(store.db, item({ title: 'Wire title, corrected' }), TZ)).outcome).toBe('updated');
    expect(await findDeskArticle(store.db, first.id)).toMatchObject({ title: 'Wire title, corrected', status: 'hidden' });
    expect(await findPublishedTotal(store.db)).toBe(0);
    expect(await findCountDrift(store.db)).toEqual([]);
  });
});
