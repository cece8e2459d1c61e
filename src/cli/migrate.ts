/** `jarida migrate`: apply pending migrations. */
import { loadConfig } from '../config.js';
import { migrate, openStore } from '../store/db.js';
import { ensureSearchIndexCurrent } from '../store/search.js';
import type { GlobalOptions } from './context.js';

/** Applies pending migrations, re-indexes when the search analysis changed, and prints what ran. */
export async function migrateCommand(opts: GlobalOptions): Promise<void> {
  const config = loadConfig({ configPath: opts.config });
  const store = openStore(config.databaseUrl);
  try {
    const applied = await migrate(store);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
    const reindexed = await ensureSearchIndexCurrent(store.db);
    if (reindexed) process.stdout.write(`search: analyser changed (${reindexed.from ?? 'none'} → current), ${reindexed.articles} articles re-indexed\n`);
  } finally {
    await store.close();
  }
}
