/** `jarida import <file>`: a whole NDJSON or WordPress archive into the store, with a summary. */
import { ImportError, importFile, type ImportProgress, type ImportSummary } from '../ingest/import/import.js';
import { parseAllowList } from '../ingest/fetch/guard.js';
import { compactLine } from './compact.js';
import { mediaQueueOf, openContext, type GlobalOptions } from './context.js';

/** Options of `import`. */
export interface ImportCommandOptions extends GlobalOptions {
  source?: string;
  lang?: string;
}

/**
 * Imports the file (`-`: standard input) and prints the summary. A file that cannot be read or is
 * not an archive ends in one line on stderr and exit status 2; bad articles are only skipped.
 */
export async function importCommand(file: string, opts: ImportCommandOptions): Promise<void> {
  const ctx = await openContext(opts);
  const bar = process.stderr.isTTY ? progressBar() : undefined;
  const media = await mediaQueueOf(ctx, parseAllowList(ctx.config.ingest.allowPrivateAddresses));
  try {
    const summary = await importFile(
      ctx.store,
      file,
      {
        timeZone: ctx.config.site.timeZone,
        defaultLanguage: ctx.config.site.defaultLanguage,
        source: opts.source,
        language: opts.lang,
        languages: ctx.config.site.languages,
        workers: ctx.config.ingest.workers,
        onSaved: (ids) => media?.enqueue(ids),
      },
      bar?.update,
    );
    bar?.done();
    process.stdout.write(formatSummary(summary, file === '-' ? 'standard input' : file));
    // An import adds a segment to the search index per transaction (SQLite): merged, searches read one.
    if (summary.imported + summary.updated > 0) process.stdout.write(`${await compactLine(ctx.store.db)}\n`);
    const images = await media?.drain();
    if (images && images.ready + images.failed > 0) process.stdout.write(`images: ${images.ready} stored, ${images.failed} failed\n`);
  } catch (err) {
    bar?.done();
    if (!(err instanceof ImportError)) throw err;
    process.stderr.write(`jarida: ${err.message}\n`);
    process.exitCode = 2;
  } finally {
    await media?.drain();
    await ctx.store.close();
  }
}

/** Returns the summary as printed: one line of counts, the skip reasons, the first examples. */
export function formatSummary(s: ImportSummary, file: string): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const done = s.imported + s.updated + s.unchanged;
  const rate = s.seconds > 0 ? Math.round((done + s.skipped) / s.seconds) : 0;
  const lines = [
    `imported ${n(s.imported)}, updated ${n(s.updated)}, unchanged ${n(s.unchanged)}, skipped ${n(s.skipped)}` +
      ` from ${file} (${s.format === 'ndjson' ? 'NDJSON' : 'WordPress/RSS'}, ${(s.bytes / 1024 / 1024).toFixed(1)} MB)` +
      ` in ${s.seconds.toFixed(1)} s (${n(rate)} articles/s)`,
  ];
  if (s.reasons.length) {
    lines.push('skipped:');
    for (const r of s.reasons) lines.push(`  ${n(r.count)} ${r.reason}`);
    lines.push(`first ${s.examples.length === 1 ? 'skip' : `${s.examples.length} skips`}:`);
    for (const e of s.examples) lines.push(`  ${e}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A one-line progress bar on stderr (a TTY), redrawn at most 10 times a second. */
function progressBar() {
  let last = 0;
  const draw = (p: ImportProgress) => {
    const rate = p.elapsedMs > 0 ? Math.round(p.entries / (p.elapsedMs / 1000)) : 0;
    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    const width = 30;
    const part = p.totalBytes ? Math.min(1, p.bytes / p.totalBytes) : null;
    const bar = part === null ? '' : `[${'#'.repeat(Math.round(part * width)).padEnd(width, '.')}] ${Math.floor(part * 100)}% `;
    const size = p.totalBytes ? `${mb(p.bytes)}/${mb(p.totalBytes)} MB` : `${mb(p.bytes)} MB`;
    process.stderr.write(`\r${bar}${size} · ${p.entries.toLocaleString('en-US')} articles · ${rate.toLocaleString('en-US')}/s\x1b[K`);
  };
  let shown = false;
  return {
    update(p: ImportProgress) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      draw(p);
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}
