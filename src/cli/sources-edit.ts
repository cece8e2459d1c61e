/** `jarida sources edit <id>` (change what `sources add` set) and `jarida sources refresh <id>` (fetch it now). */
import { formatDuration } from '../model/duration.js';
import { describeRefresh } from '../ingest/refresh-report.js';
import { refreshSourceOnce } from '../ingest/sources.js';
import { findSourceById, updateSource } from '../store/sources.js';
import { ingestDepsOf, openContext, type GlobalOptions } from './context.js';

/** Options of `sources edit`: each one given is changed, the others stay. */
export interface SourceEditOptions extends GlobalOptions {
  name?: string;
  lang?: string;
  interval?: number;
  fullText?: boolean;
  canonicalHere?: boolean;
}

/** Changes a source's name, language, interval, full-text and canonical choice; prints what it changed. */
export async function sourcesEditCommand(id: number, opts: SourceEditOptions): Promise<void> {
  const changes = {
    ...(opts.name !== undefined ? { title: opts.name } : {}),
    ...(opts.lang !== undefined ? { language: opts.lang } : {}),
    ...(opts.interval !== undefined ? { intervalS: opts.interval } : {}),
    ...(opts.fullText !== undefined ? { fullText: opts.fullText } : {}),
    ...(opts.canonicalHere !== undefined ? { canonicalHere: opts.canonicalHere } : {}),
  };
  if (Object.keys(changes).length === 0) {
    throw new Error('sources edit: nothing to change; give --name, --lang, --interval, --full-text/--no-full-text or --canonical-here/--no-canonical-here');
  }
  const ctx = await openContext(opts);
  try {
    if (!(await updateSource(ctx.store.db, id, changes))) throw new Error(`sources edit: there is no source ${id}`);
    const s = (await findSourceById(ctx.store.db, id))!;
    const shown = [
      ...(changes.title !== undefined ? [`name ${s.title}`] : []),
      ...(changes.language !== undefined ? [`language ${s.language}`] : []),
      ...(changes.intervalS !== undefined ? [`interval ${formatDuration(s.intervalS)}`] : []),
      ...(changes.fullText !== undefined ? [s.fullText ? 'full text' : 'no full text'] : []),
      ...(changes.canonicalHere !== undefined ? [s.canonicalHere ? 'canonical here' : 'canonical at the source'] : []),
    ];
    process.stdout.write(`source ${id}: ${shown.join(' · ')}\n`);
  } finally {
    await ctx.store.close();
  }
}

/**
 * Fetches one source now, as a round of `ingest` would (refused while another process is fetching
 * it), and prints the same line as `ingest --once`; fails (exit status 1) when the fetch failed.
 */
export async function sourcesRefreshCommand(id: number, opts: GlobalOptions): Promise<void> {
  const ctx = await openContext(opts);
  const deps = await ingestDepsOf(ctx);
  try {
    const done = await refreshSourceOnce(deps, id);
    if ('heldBy' in done) throw new Error(`sources refresh: source ${id} is being fetched by ${done.heldBy} (claimed until ${done.until}); try again after`);
    const r = done.result;
    process.stdout.write(`${describeRefresh(r)}\n`);
    if (r.status === 'error') throw new Error(`sources refresh: source ${id} failed`);
  } finally {
    await deps.digester.close();
    await ctx.store.close();
  }
}
