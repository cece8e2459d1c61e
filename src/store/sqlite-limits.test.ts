/**
 * LIMITs written into SQLite statements: the text and parameters made, the texts left alone, and on
 * a real SQLite file through the store (its direct reader, Kysely's driver, a transaction) the same
 * rows as the bound statement for every LIMIT and OFFSET.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedStore, type Store } from './db.js';
import { readRows } from './dialect.js';
import { prepared } from './prepared.js';
import { bindsLimit, withLimitsWritten } from './sqlite-limits.js';
import { testStoreKind } from './testing.js';

describe('withLimitsWritten', () => {
  it('writes each bound LIMIT as its value and leaves the other parameters bound, in order', () => {
    expect(withLimitsWritten('select id from a where x = ? limit ? offset ?', ['x', 20, 40])).toEqual(['select id from a where x = ? limit 20 offset ?', ['x', 40]]);
    expect(withLimitsWritten('select * from (select id from a where y > ? order by id LIMIT ?) where id < ? limit ?', [3, 1, 9, -1]))
      .toEqual(['select * from (select id from a where y > ? order by id LIMIT 1) where id < ? limit -1', [3, 9]]);
    // Kysely's own text: newlines and several spaces allowed between LIMIT and the placeholder.
    expect(withLimitsWritten('select 1 limit\n  ?', [5])).toEqual(['select 1 limit\n  5', []]);
  });

  it('gives back the same text object for the same values (statements are kept by text)', () => {
    const q = 'select id from b where k = ? limit ?';
    const [a] = withLimitsWritten(q, ['k', 7]);
    const [b] = withLimitsWritten(q, ['other', 7]);
    expect(a).toBe(b);
    expect(withLimitsWritten(q, ['k', 8])[0]).toBe('select id from b where k = ? limit 8');
  });

  it('leaves alone a text with no bound LIMIT, values that are not whole numbers, and texts it does not understand', () => {
    for (const [q, params] of [
      ['select id from a where x = ? limit 10', ['x']],
      ['select id from a limit ?', ['20']], // a string: SQLite would take it, written in it could be anything
      ['select id from a limit ?', [2.5]],
      ['select id from a limit ?', [2n]],
      ['select id from a limit ?', [Number.MAX_SAFE_INTEGER + 2]],
      ['select id from a limit ?', []], // fewer parameters than placeholders
      ['select id from a where t = \'limit ?\' limit ?', [4, 5]], // a literal holds a ?: one placeholder, two parameters
      ['select id from a where "limit ?" = ? limit ?1', [1, 2]], // numbered placeholders are not Kysely's
      ['select id from a -- limit ?\n limit ?', [1]], // a comment
      ['select id from a /* ? */ limit ?', [1, 2]],
      ["select id from a limit ? union select 'unclosed", [1]],
    ] as [string, unknown[]][]) {
      const [text, values] = withLimitsWritten(q, params);
      expect(text, q).toBe(q);
      expect(values, q).toBe(params);
    }
    expect(withLimitsWritten('select id from a where t = \'it\'\'s ?\' limit ?', [3])).toEqual(['select id from a where t = \'it\'\'s ?\' limit 3', []]);
    expect(bindsLimit('select 1 limit ?')).toBe(true);
    expect(bindsLimit('select 1 limit 1')).toBe(false);
    expect(bindsLimit('select ? as limit_value')).toBe(false);
  });
});

describe.skipIf(testStoreKind() === 'postgres')('on a SQLite file', () => {
  let dir: string;
  let store: Store;
  let raw: BetterSqlite3.Database;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jarida-limits-'));
    store = await openMigratedStore(`sqlite:${join(dir, 'j.db')}`);
    await store.db.insertInto('counters').values(Array.from({ length: 40 }, (_, i) => ({ name: `c${String(i).padStart(2, '0')}`, value: i % 7 }))).execute();
    raw = new BetterSqlite3(join(dir, 'j.db'), { readonly: true });
  });
  afterAll(async () => {
    raw?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const QUERY = 'select name, value from counters where value >= ? order by value desc, name limit ? offset ?';
  const bound = () => raw.prepare(QUERY);
  const page = prepared((db, min: number, limit: number, offset: number) =>
    db.selectFrom('counters').select(['name', 'value']).where('value', '>=', min).orderBy('value', 'desc').orderBy('name').limit(limit).offset(offset));

  it('reads the rows the bound statement reads, for every LIMIT and OFFSET, however it is run', async () => {
    for (const limit of [0, 1, 3, 20, 100, -1]) {
      for (const offset of [0, 2, 39]) {
        const want = bound().all(2, limit, offset);
        // The direct reader (a prepared read outside a transaction), Kysely's driver (a built query), readRows.
        expect(await page(store.db, 2, limit, offset), `prepared ${limit}/${offset}`).toEqual(want);
        const built = await store.db.selectFrom('counters').select(['name', 'value']).where('value', '>=', 2).orderBy('value', 'desc').orderBy('name').limit(limit).offset(offset).execute();
        expect(built, `built ${limit}/${offset}`).toEqual(want);
        expect(await readRows(store.db, sql<{ name: string; value: number }>`select name, value from counters where value >= ${2} order by value desc, name limit ${limit} offset ${offset}`), `raw ${limit}/${offset}`).toEqual(want);
        // Inside a transaction the driver runs it (the direct reader waits for the connection).
        expect(await store.db.transaction().execute((t) => page(t, 2, limit, offset)), `transaction ${limit}/${offset}`).toEqual(want);
      }
    }
  });

  it('a write with a bound LIMIT still writes', async () => {
    const before = (await store.db.selectFrom('counters').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n;
    await sql`delete from counters where name in (select name from counters where value = ${6} order by name limit ${2})`.execute(store.db);
    const after = (await store.db.selectFrom('counters').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n;
    expect(before - after).toBe(2);
  });
});
