import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BULK_CHECKPOINT_PAGES, findCheckpointPages, withBulkWrites } from './bulk.js';
import { openMigratedStore } from './db.js';
import { openTestStore, skipStoreTests, testStoreKind } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'jarida-bulk-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(testStoreKind() === 'postgres')('withBulkWrites on a SQLite file', () => {
  it('spaces checkpoints out while it runs, and restores the setting after (also when it throws)', async () => {
    const store = await openMigratedStore(`sqlite:${join(dir, 'bulk.db')}`);
    try {
      expect(await findCheckpointPages(store.db)).toBe(1000);
      expect(await withBulkWrites(store.db, async () => findCheckpointPages(store.db))).toBe(BULK_CHECKPOINT_PAGES);
      expect(await findCheckpointPages(store.db)).toBe(1000);
      await expect(withBulkWrites(store.db, async () => {
        throw new Error('import: boom');
      })).rejects.toThrow('import: boom');
      expect(await findCheckpointPages(store.db)).toBe(1000);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(await skipStoreTests())('withBulkWrites', () => {
  it('returns what it runs returns, on either store', async () => {
    const store = await openTestStore();
    try {
      expect(await withBulkWrites(store.db, async () => 42)).toBe(42);
    } finally {
      await store.close();
    }
  });
});
