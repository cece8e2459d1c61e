import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleInput } from '../model/types.js';
import { findApiArticles, ApiCursorError, type ApiArticleFilter } from './api-articles.js';
import { saveArticles, setArticleStatus } from './articles.js';
import { addSection, findCategoryBySlug } from './categories.js';
import type { Store } from './db.js';
import { ensureSource } from './sources.js';
import { openTestStore, skipStoreTests } from './testing.js';

const TZ = 'Europe/Istanbul';
const skip = await skipStoreTests();
let store: Store;
let expected: { id: number; at: string; world: boolean; lang: string | null }[];

beforeAll(async () => {
  if (skip) return;
  store = await openTestStore();
  await addSection(store.db, 'world', { name: 'World' });
  const src = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
  // Three articles at each instant: pages must break ties by id, never repeating or skipping one.
  const inputs: ArticleInput[] = Array.from({ length: 15 }, (_, i) => ({
    sourceId: src, guid: `a${i}`, title: `Item ${i}`, contentHtml: `<p>Item number ${i}</p>`,
    publishedAt: new Date(Date.UTC(2024, 2, 1 + Math.floor(i / 3), 8)), language: i % 2 ? 'en' : null, categories: i % 2 ? ['World'] : [],
  }));
  const saved = await saveArticles(store.db, inputs, TZ);
  await setArticleStatus(store.db, saved[4]!.id, 'hidden');
  expected = saved.map((s, i) => ({ id: s.id, at: inputs[i]!.publishedAt.toISOString(), world: i % 2 === 1, lang: inputs[i]!.language ?? null }))
    .filter((a) => a.id !== saved[4]!.id)
    .sort((a, b) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1));
});
afterAll(async () => {
  await store?.close();
});

/** Every id of the list, two a page. */
async function walk(filter: ApiArticleFilter): Promise<number[]> {
  const ids: number[] = [];
  let after: string | undefined;
  do {
    const page = await findApiArticles(store.db, filter, { limit: 2, after });
    ids.push(...page.rows.map((r) => r.id));
    after = page.next ?? undefined;
  } while (after);
  return ids;
}

describe.skipIf(skip)('findApiArticles', () => {
  it('pages the published articles newest first, ties by id, none repeated or skipped', async () => {
    expect(await walk({})).toEqual(expected.map((a) => a.id));
    const world = (await findCategoryBySlug(store.db, 'world', 'section'))!.id;
    expect(await walk({ categoryIds: [world] })).toEqual(expected.filter((a) => a.world).map((a) => a.id));
    expect(await walk({ categoryIds: [world], fromDay: '2024-03-02', toDay: '2024-03-04' }))
      .toEqual(expected.filter((a) => a.world && a.at >= '2024-03-02' && a.at < '2024-03-05').map((a) => a.id));
    expect(await walk({ language: { tag: 'en', orUnset: false } })).toEqual(expected.filter((a) => a.lang === 'en').map((a) => a.id));
    expect(await walk({ language: { tag: 'en', orUnset: true } })).toEqual(expected.map((a) => a.id));
  });

  it('pages text matches newest published first (the search keys), and gives rows with their sections', async () => {
    const ids = await walk({ text: 'item' });
    const keys = new Map((await store.db.selectFrom('articles').select(['id', 'search_key']).execute()).map((r) => [Number(r.id), Number(r.search_key)]));
    expect(ids).toEqual(expected.map((a) => a.id).sort((a, b) => keys.get(b)! - keys.get(a)!));
    const [first] = (await findApiArticles(store.db, { text: 'number' }, { limit: 1 })).rows;
    expect(first).toMatchObject({ id: Math.max(...ids), title: 'Item 14', categories: [] });
    const [filed] = (await findApiArticles(store.db, { text: '"item 13"' }, { limit: 5 })).rows;
    expect(filed?.categories).toEqual([{ slug: 'world', kind: 'section' }]);
    expect((await findApiArticles(store.db, { text: 'the' }, { limit: 5 })).text).toBe('common');
  });

  it("refuses cursors it did not make, or made for the other order", async () => {
    const plain = (await findApiArticles(store.db, {}, { limit: 2 })).next!;
    const text = (await findApiArticles(store.db, { text: 'item' }, { limit: 2 })).next!;
    await expect(findApiArticles(store.db, { text: 'item' }, { limit: 2, after: plain })).rejects.toThrow(ApiCursorError);
    await expect(findApiArticles(store.db, {}, { limit: 2, after: text })).rejects.toThrow(ApiCursorError);
    for (const bad of ['', 'xyz', Buffer.from('{"k":"p","t":1,"i":1}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      await expect(findApiArticles(store.db, {}, { limit: 2, after: bad }), bad).rejects.toThrow(/not a cursor/);
    }
  });
});
