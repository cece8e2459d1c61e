import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './db.js';
import { openMigratedStore } from './db.js';
import { createTestDatabase, skipStoreTests, testStoreKind, type TestDatabase } from './testing.js';
import { findUsers, insertFirstAdmin } from './users.js';

const skip = await skipStoreTests();
let database: TestDatabase;
const stores: Store[] = [];

beforeAll(async () => {
  if (skip) return;
  database = await createTestDatabase();
  // PostgreSQL: several connections, as several serve instances have. SQLite: one (in one process, a
  // second connection's synchronous wait for the write lock would hold the first's commit; processes race through the lock).
  for (let i = 0; i < (testStoreKind() === 'postgres' ? 4 : 1); i++) stores.push(await openMigratedStore(database.url));
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await database?.drop();
});

describe.skipIf(skip)(`the first admin, on the ${testStoreKind()} store`, () => {
  it('is made once when many make it at the same moment', async () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const tries = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => insertFirstAdmin(stores[i % stores.length]!.db, { email: `admin${i}@news.example`, name: `Admin ${i}`, passwordHash: 'x' }, now)));
    const made = tries.filter((t) => t.status === 'fulfilled' && t.value !== undefined);
    expect(made).toHaveLength(1);
    expect((await findUsers(stores[0]!.db)).map((u) => u.role)).toEqual(['admin']);
    expect(await insertFirstAdmin(stores[0]!.db, { email: 'late@news.example', name: 'Late', passwordHash: 'x' }, now)).toBeUndefined();
  });
});
