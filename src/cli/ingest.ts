/** `jarida ingest [--once]`: fetch due sources, once (for cron) or until stopped. */
import { runDueSources, runIngestLoop } from '../ingest/schedule.js';
import { runWebSub } from '../ingest/websub/subscribe.js';
import { ingestDepsOf, openContext, type GlobalOptions } from './context.js';
import { describeRefresh, describeRound, failedOf } from '../ingest/refresh-report.js';

/**
 * Runs one round (`--once`: a line per source, then the summary) or rounds until SIGINT/SIGTERM.
 * `--once` fails (exit status 1, one line on stderr) when any source failed, so cron can alert.
 */
export async function ingestCommand(opts: GlobalOptions & { once?: boolean }): Promise<void> {
  const ctx = await openContext(opts);
  const deps = await ingestDepsOf(ctx, { media: true });
  try {
    if (opts.once) {
      const results = await runDueSources(deps);
      await runWebSub(deps); // WebSub subscriptions: subscribe, renew, unsubscribe (ingest/websub/)
      for (const r of results) process.stdout.write(`${describeRefresh(r)}\n`);
      process.stdout.write(`${describeRound(results)}\n`);
      const images = await deps.media?.drain();
      if (images && images.ready + images.failed > 0) ctx.log.info({ stored: images.ready, failed: images.failed }, 'media: images of the round');
      const failed = failedOf(results);
      if (failed.length) throw new Error(`ingest: ${failed.length} of ${results.length} sources failed (${failed.map((r) => r.sourceId).join(', ')})`);
      return;
    }
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    ctx.log.info({ concurrency: ctx.config.ingest.concurrency }, 'ingest: running until stopped');
    // The site settings changed in the desk apply from the next round on (languages, time zone).
    await runIngestLoop(deps, stop.signal, { beforeRound: () => ctx.settings.reload() });
  } finally {
    await deps.media?.drain(); // the images of the articles saved: none left half done
    await deps.digester.close();
    await ctx.store.close();
  }
}
