/** `jarida reindex`: rebuild the search index from the stored articles, with the current analysis (its version recorded). */
import { rebuildSearchIndex } from '../store/search.js';
import { openContext, type GlobalOptions } from './context.js';

/** Rebuilds the index and prints how many articles it holds. */
export async function reindexCommand(opts: GlobalOptions): Promise<void> {
  const { store } = await openContext(opts);
  try {
    const t0 = performance.now();
    const n = await rebuildSearchIndex(store.db);
    process.stdout.write(`reindex: ${n} articles indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } finally {
    await store.close();
  }
}
