import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteArticle, saveArticle, setArticleStatus } from './articles.js';
import { changePayload, INSTANCE_ID, MAX_PAYLOAD_BYTES, parseChange, signalChange, watchChanges, type Change, type StopWatching } from './changes.js';
import { openMigratedStore, openStore, type Store } from './db.js';
import { deleteSource, ensureSource, updateSource } from './sources.js';
import { createTestDatabase, openTestStore, skipStoreTests, testPostgresUrl, testStoreKind } from './testing.js';

const TZ = 'Europe/Istanbul';

/** Resolves once `pred` holds, polling; fails after `ms`. */
async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('change payloads', () => {
  it('names the origin and the days and articles, sorted and unique', () => {
    expect(JSON.parse(changePayload({ days: ['2019-02-15', '2019-02-14', '2019-02-15'], articles: [3, 1] }))).toEqual({
      origin: INSTANCE_ID,
      days: ['2019-02-14', '2019-02-15'],
      articles: [1, 3],
    });
  });

  it('says "everything" rather than exceed PostgreSQL payload limit', () => {
    const many = Array.from({ length: 5000 }, (_, i) => i + 1_000_000);
    const p = changePayload({ articles: many });
    expect(p.length).toBeLessThan(MAX_PAYLOAD_BYTES);
    expect(JSON.parse(p)).toEqual({ origin: INSTANCE_ID, all: true });
  });

  it('reads an unreadable payload as "everything"', () => {
    expect(parseChange('not json')).toEqual({ origin: 'unknown', all: true });
    expect(parseChange(undefined)).toEqual({ origin: 'unknown', all: true });
  });
});

describe.skipIf(await skipStoreTests())(`changes on the ${testStoreKind()} store`, () => {
  let store: Store;
  let heard: Change[];
  let stop: StopWatching;
  beforeEach(async () => {
    store = await openTestStore();
    heard = [];
    stop = watchChanges(store, (c) => heard.push(c));
    await stop.ready;
  });
  afterEach(async () => {
    await stop();
    await store.close();
  });

  it('hears a committed signal and never a rolled-back one', async () => {
    await store.db
      .transaction()
      .execute(async (trx) => {
        await signalChange(trx, { days: ['1999-01-01'] });
        throw new Error('roll back');
      })
      .catch(() => {});
    await store.db.transaction().execute((trx) => signalChange(trx, { days: ['2000-01-01'] }));
    await until(() => heard.some((c) => c.days?.includes('2000-01-01')));
    // Delivered in commit order: the rolled-back one would have come first.
    expect(heard.filter((c) => c.days?.includes('1999-01-01'))).toEqual([]);
    expect(heard).toEqual([{ origin: INSTANCE_ID, days: ['2000-01-01'] }]);
  });

  it('is signalled by every write that changes pages, and not by one that changes nothing', async () => {
    const source = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    const a = await saveArticle(store.db, { sourceId: source, guid: 'a', title: 'A', publishedAt: new Date('2019-02-14T22:30:00Z') }, TZ);
    await until(() => heard.length === 1);
    // With the article's published instant: the article pages on either side of it link to it now.
    expect(heard[0]).toEqual({ origin: INSTANCE_ID, days: ['2019-02-15'], articles: [a.id], times: [Date.parse('2019-02-14T22:30:00Z')], tags: [`source-${source}`] });

    await saveArticle(store.db, { sourceId: source, guid: 'a', title: 'A', publishedAt: new Date('2019-02-14T22:30:00Z') }, TZ); // unchanged
    await saveArticle(store.db, { sourceId: source, guid: 'a', title: 'A', publishedAt: new Date('2019-02-16T10:00:00Z') }, TZ); // moved a day
    await until(() => heard.length >= 2);
    expect(heard[1]).toEqual({ origin: INSTANCE_ID, days: ['2019-02-15', '2019-02-16'], articles: [a.id], times: [Date.parse('2019-02-16T10:00:00Z')], tags: [`source-${source}`] });

    await setArticleStatus(store.db, a.id, 'hidden');
    await deleteArticle(store.db, a.id);
    await updateSource(store.db, source, { title: 'Front desk' });
    await updateSource(store.db, source, { enabled: false }); // not shown on pages
    await deleteSource(store.db, source);
    await until(() => heard.length >= 6);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard.slice(2)).toEqual([
      { origin: INSTANCE_ID, days: ['2019-02-16'], articles: [a.id], times: [Date.parse('2019-02-16T10:00:00Z')], tags: [`source-${source}`] },
      { origin: INSTANCE_ID, days: ['2019-02-16'], articles: [a.id], tags: [`source-${source}`] }, // deleted: no time left to say
      { origin: INSTANCE_ID, sources: [source] },
      { origin: INSTANCE_ID, sources: [source] },
    ]);
  });

  it.runIf(testStoreKind() === 'postgres')('listens again after the connection drops, and says everything may have changed', async () => {
    const killer = openStore(testPostgresUrl()); // a plain connection: no migration into the database's public schema
    try {
      const { rows } = await sql<{ n: number }>`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
        where application_name = 'jarida-listen' and query like ${`%${store.dialect.schema}%`}`.execute(killer.db);
      expect(rows[0]!.n).toBe(1);
    } finally {
      await killer.close();
    }
    await until(() => heard.some((c) => c.all), 10_000);
    expect(heard).toEqual([{ origin: 'unknown', all: true }]);
    await store.db.transaction().execute((trx) => signalChange(trx, { days: ['2001-01-01'] }));
    await until(() => heard.length === 2);
    expect(heard[1]).toEqual({ origin: INSTANCE_ID, days: ['2001-01-01'] });
  });
});

describe.skipIf(testStoreKind() !== 'sqlite')('changes by another SQLite connection', () => {
  it('are read from the change log when PRAGMA data_version moves; our own are heard once, as they commit', async () => {
    const file = await createTestDatabase();
    const ours = await openMigratedStore(file.url);
    const theirs = await openMigratedStore(file.url);
    const heard: Change[] = [];
    const stop = watchChanges(ours, (c) => heard.push(c), { pollMs: 20 });
    try {
      await stop.ready;
      const source = await ensureSource(theirs.db, { kind: 'manual', title: 'Desk' });
      const b = await saveArticle(theirs.db, { sourceId: source, guid: 'b', title: 'B', publishedAt: new Date('2019-02-13T10:00:00Z') }, TZ);
      await until(() => heard.length === 1);
      // What the other connection's write changed, precisely (the same process here: one INSTANCE_ID).
      expect(heard[0]).toEqual({ origin: INSTANCE_ID, days: ['2019-02-13'], articles: [b.id], times: [Date.parse('2019-02-13T10:00:00Z')], tags: [`source-${source}`] });

      const a = await saveArticle(ours.db, { sourceId: source, guid: 'a', title: 'A', publishedAt: new Date('2019-02-14T10:00:00Z') }, TZ);
      await until(() => heard.length === 2);
      await new Promise((r) => setTimeout(r, 100)); // several polls: none sees our own write again
      expect(heard.slice(1)).toEqual([{ origin: INSTANCE_ID, days: ['2019-02-14'], articles: [a.id], times: [Date.parse('2019-02-14T10:00:00Z')], tags: [`source-${source}`] }]);

      // A watcher that fell behind the pruned log hears "everything".
      await sql`delete from change_log`.execute(theirs.db);
      await saveArticle(theirs.db, { sourceId: source, guid: 'c', title: 'C', publishedAt: new Date('2019-02-12T10:00:00Z') }, TZ);
      await until(() => heard.length >= 3);
      expect(heard[2]).toEqual({ origin: 'unknown', all: true });
    } finally {
      await stop();
      await ours.close();
      await theirs.close();
      await file.drop();
    }
  });
});
