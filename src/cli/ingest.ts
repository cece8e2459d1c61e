/** `jarida ingest [--once]`: fetch due sources, once (for cron) or until stopped. */
import { runDueSources, runIngestLoop } from '../ingest/schedule.js';
import { ingestDepsOf, openContext, type GlobalOptions } from './context.js';

/** Runs one round (`--once`, prints a line per source) or rounds until SIGINT/SIGTERM. */
export async function ingestCommand(opts: GlobalOptions & { once?: boolean }): Promise<void> {
  const ctx = await openContext(opts);
  const deps = await ingestDepsOf(ctx);
  try {
    if (opts.once) {
      const results = await runDueSources(deps);
      for (const r of results) {
        const what = r.status === 'error' ? `error: ${r.error}` : r.status === 'not-modified' ? 'not modified' : `${r.items} items: ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.duplicates} duplicates, ${r.skipped.length} skipped`;
        process.stdout.write(`source ${r.sourceId}: ${what}\n`);
      }
      process.stdout.write(`ingest: ${results.length} sources fetched, ${results.filter((r) => r.status === 'error').length} failed\n`);
      return;
    }
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    ctx.log.info({ concurrency: ctx.config.ingest.concurrency }, 'ingest: running until stopped');
    await runIngestLoop(deps, stop.signal);
  } finally {
    await deps.digester.close();
    await ctx.store.close();
  }
}
