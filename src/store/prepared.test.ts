import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openStore, type Store } from './db.js';
import { sql } from 'kysely';
import { directReader, readRows } from './dialect.js';
import { prepared } from './prepared.js';
import { openTestStore, skipStoreTests, testStoreKind } from './testing.js';

const counter = prepared((db, name: string) => db.selectFrom('counters').select('value').where('name', '=', name));

describe.skipIf(await skipStoreTests())(`prepared reads on the ${testStoreKind()} store`, () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  it('never read what a transaction open meanwhile has not committed', async () => {
    let inside!: () => void;
    const opened = new Promise<void>((r) => (inside = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const trx = store.db.transaction().execute(async (t) => {
      await t.insertInto('counters').values({ name: 'uncommitted', value: 7 }).execute();
      inside();
      await held;
      throw new Error('rolled back');
    });
    await opened;
    const read = counter(store.db, 'uncommitted');
    release();
    await expect(trx).rejects.toThrow('rolled back');
    expect(await read).toEqual([]);
    await store.db.insertInto('counters').values({ name: 'committed', value: 8 }).execute();
    expect(await counter(store.db, 'committed')).toEqual([{ value: 8 }]);
  });
});

describe.skipIf(testStoreKind() !== 'sqlite')('prepared reads on SQLite, beside Kysely', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jarida-prepared-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(process.platform !== 'linux')('leave no file open after close when every read went straight to the connection (restore would call it in use)', async () => {
    const path = join(dir, 'r.db');
    const setup = openStore(`sqlite:${path}`);
    await migrate(setup);
    await setup.close();
    const store = openStore(`sqlite:${path}`);
    expect(await counter(store.db, 'n')).toEqual([]); // a direct read only: Kysely's driver never opened
    // This process's open files (Linux: /proc/self/fd).
    const open = () => readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        return [readlinkSync(`/proc/self/fd/${fd}`)];
      } catch {
        return [];
      }
    }).filter((f) => f.startsWith(path));
    expect(open()).toContain(path);
    await store.close();
    expect(open()).toEqual([]);
  });

  it('run on the connection at once outside a transaction, reported to onQuery as Kysely reports its own', async () => {
    const seen: string[] = [];
    const store = openStore(`sqlite:${join(dir, 'j.db')}`, { onQuery: (kind, seconds) => seen.push(`${kind} ${seconds >= 0}`) });
    try {
      await migrate(store);
      await store.db.insertInto('counters').values({ name: 'n', value: 0 }).execute();
      expect(directReader(store.db)).toBeTypeOf('function');
      seen.length = 0;
      expect(await counter(store.db, 'n')).toEqual([{ value: 0 }]);
      expect(seen).toEqual(['select true']);
      // In a transaction (its own Kysely object): through Kysely, on the transaction's connection.
      await store.db.transaction().execute(async (t) => {
        expect(directReader(t)).toBeUndefined();
        await t.updateTable('counters').set({ value: 3 }).where('name', '=', 'n').execute();
        expect(await counter(t, 'n')).toEqual([{ value: 3 }]);
      });
      expect(await counter(store.db, 'n')).toEqual([{ value: 3 }]);
      // Rows made from values in column order are the objects better-sqlite3 makes (Kysely's path).
      const odd = prepared((db, name: string) => db.selectFrom('counters').select((eb) => [
        'name', 'value', eb.ref('value').as('a "b"'), eb.ref('name').as('__proto__'), eb.ref('name').as('value'), eb.val(name).as('given'),
      ]).where('name', '=', name));
      const direct = await odd(store.db, 'n');
      const viaKysely = await store.db.transaction().execute((t) => odd(t, 'n'));
      expect(direct).toHaveLength(1);
      expect(direct[0]).toMatchObject({ name: 'n', value: 'n', 'a "b"': 3, given: 'n' });
      // better-sqlite3 assigns a __proto__ column where built for Node 20 (a string sets nothing), and
      // defines it as an own property where built for Node 22 and later: the direct rows do as it does here.
      expect(Object.hasOwn(direct[0]!, '__proto__')).toBe(Object.hasOwn(viaKysely[0]!, '__proto__'));
      expect(direct).toEqual(viaKysely);
      expect(Object.keys(direct[0]!)).toEqual(Object.keys(viaKysely[0]!));
      expect(Object.getPrototypeOf(direct[0])).toBe(Object.prototype);
    } finally {
      await store.close();
    }
  });

  it('readRows: a raw read at once on the connection, through Kysely in a transaction', async () => {
    const seen: string[] = [];
    const store = openStore(`sqlite:${join(dir, 'r.db')}`, { onQuery: (kind) => seen.push(kind) });
    try {
      await migrate(store);
      await store.db.insertInto('counters').values({ name: 'n', value: 1 }).execute();
      const read = (db: Parameters<typeof readRows>[0]) => readRows(db, sql<{ value: number; twice: number }>`select value, value * 2 as twice from counters where name = ${'n'}`);
      seen.length = 0;
      const direct = read(store.db);
      expect(seen).toEqual(['raw']); // read before the call returned: no turn of Kysely's driver
      expect(await direct).toEqual([{ value: 1, twice: 2 }]);
      await store.db.transaction().execute(async (t) => {
        await t.updateTable('counters').set({ value: 5 }).where('name', '=', 'n').execute();
        seen.length = 0;
        const inside = read(t);
        expect(seen).toEqual([]); // through Kysely, on the transaction's connection
        expect(await inside).toEqual([{ value: 5, twice: 10 }]);
        expect(seen).toEqual(['raw']);
      });
      expect(await read(store.db)).toEqual([{ value: 5, twice: 10 }]);
    } finally {
      await store.close();
    }
  });
});
