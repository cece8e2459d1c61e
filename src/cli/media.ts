/** `jarida media fetch [--retry]` and `jarida media prune`: the images of articles, by hand or from cron. */
import { parseAllowList } from '../ingest/fetch/guard.js';
import { openMediaFiles } from '../media/open.js';
import { backfillImages, mediaDepsOf } from '../media/pipeline.js';
import { pruneImages } from '../media/prune.js';
import { countMediaByStatus } from '../store/media.js';
import { openContext, type GlobalOptions } from './context.js';

/** Fetches every image not stored yet (`--retry`: the failed ones too); prints the tally and what is left failed. */
export async function mediaFetchCommand(opts: GlobalOptions & { retry?: boolean; verify?: boolean }): Promise<void> {
  const ctx = await openContext(opts);
  try {
    const files = openMediaFiles(ctx.config.media);
    const deps = mediaDepsOf(ctx, files, parseAllowList(ctx.config.ingest.allowPrivateAddresses));
    const started = performance.now();
    const t = await backfillImages(deps, { retry: opts.retry, verify: opts.verify });
    const seconds = (performance.now() - started) / 1000;
    const counts = await countMediaByStatus(ctx.store.db);
    process.stdout.write(
      (opts.verify ? `media: ${t.missing} stored images had files missing; fetched again below\n` : '') +
      `media: ${t.articles} articles with images; ${t.ready} images stored, ${t.failed} failed, ${t.skipped} skipped (another process) ` +
        `in ${seconds.toFixed(1)} s into ${files.label}\n` +
        `media: ${counts.ready} ready, ${counts.failed} failed${counts.failed ? ' (retry with --retry)' : ''}, ${counts.pending + counts.fetching} pending\n`,
    );
  } finally {
    await ctx.store.close();
  }
}

/** Removes the images no article uses; prints each removed file and the bytes freed. */
export async function mediaPruneCommand(opts: GlobalOptions): Promise<void> {
  const ctx = await openContext(opts);
  try {
    const files = openMediaFiles(ctx.config.media);
    // The real clock, not JARIDA_NOW: the grace period is compared with the files' own times.
    const r = await pruneImages(ctx.store, files, { now: new Date(), onRemoved: (f) => process.stdout.write(`removed ${f.name} (${f.bytes} bytes)\n`) });
    process.stdout.write(`media: ${r.rows} unused images forgotten, ${r.files.length} files removed, ${r.bytes} bytes freed from ${files.label}\n`);
  } finally {
    await ctx.store.close();
  }
}
