import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArticleInput } from '../model/types.js';
import { parseSearchQuery } from '../search/query.js';
import { searchDocument } from '../search/document.js';
import { saveArticles } from './articles.js';
import { migrate, migrateTo, openStore, type Store } from './db.js';
import { findDeskArticles } from './desk-list.js';
import { assignSearchKeys, firstKeyAt, KEYS_PER_SECOND, searchKeyOf } from './search-key.js';
import { searchArticles } from './search.js';
import { ensureSource } from './sources.js';
import { createTestDatabase, openTestStore, skipStoreTests, testStoreKind } from './testing.js';

const TZ = 'Europe/Istanbul';
const SECOND = '2024-03-05T09:00:00.000Z';

/** Two guids whose keys meet in the same second (found by trying: 21 bits meet after ~1,500 tries). */
function collidingGuids(sourceId: number): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const guid = `g-${i}`;
    const key = searchKeyOf({ published_at: SECOND, source_id: sourceId, guid });
    const other = seen.get(key);
    if (other) return [other, guid];
    seen.set(key, guid);
  }
}

describe('search keys', () => {
  it('order by publication second, then hash; earlier than 2000 is negative; a day is a range', () => {
    const a = searchKeyOf({ published_at: '2024-03-05T09:00:00.000Z', source_id: 1, guid: 'x' });
    const b = searchKeyOf({ published_at: '2024-03-05T09:00:00.999Z', source_id: 2, guid: 'y' });
    const c = searchKeyOf({ published_at: '2024-03-05T09:00:01.000Z', source_id: 1, guid: 'a' });
    expect(a - (a % KEYS_PER_SECOND)).toBe(b - (b % KEYS_PER_SECOND)); // same second
    expect(c).toBeGreaterThan(Math.max(a, b));
    expect(c - firstKeyAt(Date.parse('2024-03-05T09:00:01Z'))).toBeLessThan(KEYS_PER_SECOND);
    expect(searchKeyOf({ published_at: '1999-12-31T23:59:59.000Z', source_id: 1, guid: 'x' })).toBeLessThan(0);
    expect(Number.isSafeInteger(searchKeyOf({ published_at: '2130-01-01T00:00:00.000Z', source_id: 9, guid: 'z' }))).toBe(true);
  });
});

describe.skipIf(await skipStoreTests())('search keys in the store', () => {
  let store: Store;
  afterEach(() => store?.close());

  const article = (sourceId: number, guid: string, title: string, publishedAt: string): ArticleInput => ({
    sourceId, guid, title, contentHtml: '<p>Harbour news.</p>', publishedAt: new Date(publishedAt), language: 'en',
  });
  const find = async (q: string) => {
    const parsed = parseSearchQuery(q, 'en');
    if (!parsed.ok) throw new Error(q);
    return (await searchArticles(store.db, { parts: parsed.parts }, 20, 0)).articles.map((a) => a.title);
  };

  it('gives two articles of one second whose hashes meet two keys, both found, in one batch and across writes', async () => {
    store = await openTestStore();
    const src = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    const [g1, g2] = collidingGuids(src);
    expect(searchKeyOf({ published_at: SECOND, source_id: src, guid: g1 })).toBe(searchKeyOf({ published_at: SECOND, source_id: src, guid: g2 }));
    // In one batch.
    await saveArticles(store.db, [article(src, g1, 'Harbour one', SECOND), article(src, g2, 'Harbour two', SECOND)], TZ);
    // Against a stored article: a third one wanting the first one's key.
    const keys = await assignSearchKeys(store.db, [{ published_at: SECOND, source_id: src, guid: g1 }]);
    const stored = (await store.db.selectFrom('articles').select(['id', 'search_key']).orderBy('id').execute()).map((r) => Number(r.search_key));
    expect(new Set(stored).size).toBe(2);
    expect(stored).not.toContain(keys[0]);
    expect((await find('harbour')).sort()).toEqual(['Harbour one', 'Harbour two']);
    // Its own key is no conflict for an article rewritten (own).
    const [first] = await store.db.selectFrom('articles').select(['id', 'search_key']).where('guid', '=', g1).execute();
    expect(await assignSearchKeys(store.db, [{ published_at: SECOND, source_id: src, guid: g1 }], [Number(first!.id)])).toEqual([Number(first!.search_key)]);
  });

  it('lists newest published first, whatever order they were stored in; a re-dated article moves, its old entry gone', async () => {
    store = await openTestStore();
    const src = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await saveArticles(store.db, [article(src, 'new', 'Harbour newest', '2024-03-09T09:00:00Z')], TZ);
    await saveArticles(store.db, [article(src, 'old', 'Harbour oldest', '2024-03-01T09:00:00Z')], TZ);
    await saveArticles(store.db, [article(src, 'mid', 'Harbour middle', '2024-03-05T09:00:00Z')], TZ);
    expect(await find('harbour')).toEqual(['Harbour newest', 'Harbour middle', 'Harbour oldest']);
    // The source re-dates the oldest to the newest: it moves first, and is listed once.
    await saveArticles(store.db, [{ ...article(src, 'old', 'Harbour oldest', '2024-03-10T09:00:00Z'), contentHtml: '<p>Harbour news, updated.</p>' }], TZ);
    expect(await find('harbour')).toEqual(['Harbour oldest', 'Harbour newest', 'Harbour middle']);
    const desk = await findDeskArticles(store.db, { text: 'harbour' }, { limit: 2 });
    expect(desk.rows.map((r) => r.title)).toEqual(['Harbour oldest', 'Harbour newest']);
    const next = await findDeskArticles(store.db, { text: 'harbour' }, { limit: 2, after: desk.next! });
    expect(next.rows.map((r) => r.title)).toEqual(['Harbour middle']);
  });

  it('migration 0017 keys a store of articles (colliding ones too) and its search finds them newest first', async () => {
    const database = testStoreKind() === 'postgres' ? await createTestDatabase() : null;
    store = openStore(database?.url ?? 'sqlite::memory:');
    const close = store.close;
    store.close = async () => {
      await close();
      await database?.drop();
    };
    await migrateTo(store, '0016_sitemap_lastmod');
    const src = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    const [g1, g2] = collidingGuids(src);
    const rows = [
      { guid: g1, title: 'Harbour one', at: SECOND },
      { guid: g2, title: 'Harbour two', at: SECOND },
      { guid: 'a', title: 'Harbour later', at: '2024-03-06T09:00:00.000Z' },
      { guid: 'b', title: 'Harbour earlier', at: '2024-03-04T09:00:00.000Z' },
    ];
    for (const r of rows) {
      const { id } = (await sql<{ id: number }>`insert into articles (source_id, guid, slug, title, content_html, published_at, local_day, status, created_at, updated_at)
        values (${src}, ${r.guid}, ${r.guid}, ${r.title}, '<p>Harbour news.</p>', ${r.at}, ${r.at.slice(0, 10)}, 'published', ${r.at}, ${r.at}) returning id`.execute(store.db)).rows[0]!;
      const doc = searchDocument({ title: r.title, summary: null, contentHtml: '<p>Harbour news.</p>', language: 'en' });
      if (store.dialect.name === 'sqlite') await sql`insert into articles_fts (rowid, title, body) values (${id}, ${doc.title}, ${doc.body})`.execute(store.db);
      else await sql`insert into article_search (article_id, document) values (${id}, setweight(to_tsvector('simple', ${doc.title}), 'A') || to_tsvector('simple', ${doc.body}))`.execute(store.db);
    }
    await migrate(store);
    const keyed = await store.db.selectFrom('articles').select(['guid', 'search_key', 'published_at', 'source_id']).execute();
    expect(new Set(keyed.map((r) => Number(r.search_key))).size).toBe(4);
    for (const r of keyed) {
      const second = firstKeyAt(Date.parse(r.published_at));
      expect(Number(r.search_key) - second, r.guid).toBeGreaterThanOrEqual(0);
      expect(Number(r.search_key) - second, r.guid).toBeLessThan(KEYS_PER_SECOND);
    }
    const found = await find('harbour');
    expect(found[0]).toBe('Harbour later');
    expect(found.slice(1, 3).sort()).toEqual(['Harbour one', 'Harbour two']);
    expect(found[3]).toBe('Harbour earlier');
  });
});
