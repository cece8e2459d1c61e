import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArticleInput, ArticleStatus } from '../model/types.js';
import { deleteArticle, findLatestArticles, insertArticles, setArticleStatus } from './articles.js';
import { findPublishedTotal } from './day-counts.js';
import type { Store } from './db.js';
import { ensureSource } from './sources.js';
import { openTestStore, skipStoreTests } from './testing.js';

const TZ = 'Europe/Istanbul';
let store: Store;

beforeEach(async () => {
  store = await openTestStore();
});
afterEach(() => store.close());

/** A small deterministic generator, so a failure repeats. */
function rng(seed: number) {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

/**
 * Returns ~1,600 articles over 40 days of February–March 2019, in shuffled order (ids do not follow
 * time): empty days, days of 1 and of hundreds, runs of equal instants (ties go to the id), articles
 * on both sides of the site's midnight (21:00 UTC), and hidden and draft ones in between.
 */
function unevenArticles(sourceId: number): ArticleInput[] {
  const r = rng(7);
  const out: ArticleInput[] = [];
  const add = (ms: number, status: ArticleStatus = r() < 0.1 ? 'hidden' : r() < 0.05 ? 'draft' : 'published') => {
    const n = out.length;
    out.push({ sourceId, guid: `g${n}`, slug: `s${n}`, title: `T${n}`, publishedAt: new Date(ms), status });
  };
  const start = Date.UTC(2019, 1, 1);
  for (let d = 0; d < 40; d++) {
    const day = start + d * 86_400_000;
    const kind = d % 10;
    if (kind === 3 || kind === 7) continue; // empty days
    const n = kind === 5 ? 400 : kind === 1 ? 1 : kind === 8 ? 0 : 5 + Math.floor(r() * 40);
    for (let i = 0; i < n; i++) add(day + Math.floor(r() * 86_400_000));
    // Runs of one instant, some across a page boundary.
    const tie = day + 3_600_000 * (1 + (d % 20));
    for (let i = 0; i < (kind === 5 ? 60 : 7); i++) add(tie);
    // The site's midnight (Europe/Istanbul, +03:00): just before and at 21:00 UTC.
    add(day + 21 * 3_600_000 - 1);
    add(day + 21 * 3_600_000);
    add(day + 21 * 3_600_000);
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Asserts that every page, for each page size, is the same through day counts as through OFFSET and as the sorted truth. */
async function expectSamePages(sizes: number[]) {
  const truth = (await store.db.selectFrom('articles').select(['id', 'published_at']).where('status', '=', 'published').execute())
    .sort((a, b) => (a.published_at < b.published_at ? 1 : a.published_at > b.published_at ? -1 : Number(b.id) - Number(a.id)))
    .map((a) => Number(a.id));
  expect(await findPublishedTotal(store.db)).toBe(truth.length);
  for (const size of sizes) {
    for (let offset = 0; offset <= truth.length + size; offset += size) {
      const byOffset = (await findLatestArticles(store.db, size, offset, Infinity)).map((a) => a.id);
      const byDays = (await findLatestArticles(store.db, size, offset, 0)).map((a) => a.id);
      expect(byDays, `size ${size}, offset ${offset}`).toEqual(byOffset);
      expect(byOffset, `size ${size}, offset ${offset}`).toEqual(truth.slice(offset, offset + size));
    }
  }
  return truth;
}

describe.skipIf(await skipStoreTests())('latest articles, deep pages', () => {
  it('finds every page through the day counts exactly as OFFSET does, on uneven days', async () => {
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    const articles = unevenArticles(sourceId);
    expect(await insertArticles(store.db, articles, TZ)).toBe(articles.length);
    const truth = await expectSamePages([20, 7, 200]);
    expect(truth.length).toBeGreaterThan(1200);

    // Hiding and deleting move the counts; pages follow.
    for (const id of truth.filter((_, i) => i % 37 === 0)) await setArticleStatus(store.db, id, 'hidden');
    for (const id of truth.filter((_, i) => i % 53 === 1)) await deleteArticle(store.db, id);
    await expectSamePages([20, 3]);
  }, 120_000);

  it('answers an empty store and offsets past the end with no articles', async () => {
    expect(await findLatestArticles(store.db, 20, 0, 0)).toEqual([]);
    expect(await findLatestArticles(store.db, 20, 5000)).toEqual([]);
  });
});
