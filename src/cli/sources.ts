/** `jarida sources …`: add (with feed discovery), list, remove, enable, disable, rules, import, export. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Source } from '../model/types.js';
import { parseOpml } from '../ingest/opml/opml.js';
import { describeOpmlImport, exportOpml, importOpml } from '../ingest/opml/subscriptions.js';
import { describeRules } from '../ingest/process/rules.js';
import { addSource, changeRules, describeNextFetch, setSourceEnabled } from '../ingest/sources.js';
import { deleteSource, findArticleCountsBySource, findSources } from '../store/sources.js';
import { openContext, type GlobalOptions } from './context.js';
import { formatDuration } from './durations.js';

/** Options of `sources add`. */
export interface SourceAddOptions extends GlobalOptions {
  name?: string;
  lang?: string;
  fullText?: boolean;
  interval?: number;
  page?: boolean;
  canonicalHere?: boolean;
}

/** Finds what is at the URL (feed, a page linking one, or an article page) and adds it. */
export async function sourcesAddCommand(url: string, opts: SourceAddOptions): Promise<void> {
  const ctx = await openContext(opts);
  try {
    const { parseAllowList } = await import('../ingest/fetch/guard.js');
    const deps = { ...ctx, allow: parseAllowList(ctx.config.ingest.allowPrivateAddresses) };
    const { id, title, found } = await addSource(deps, { url, name: opts.name, lang: opts.lang, fullText: opts.fullText, intervalS: opts.interval, page: opts.page, canonicalHere: opts.canonicalHere });
    process.stdout.write(`added source ${id}: ${title} (${found.kind} ${found.url}, ${found.items} items now)\n`);
  } finally {
    await ctx.store.close();
  }
}

/** Prints every source with its state: last and next fetch, item count, last error, rules. */
export async function sourcesListCommand(opts: GlobalOptions & { json?: boolean }): Promise<void> {
  const ctx = await openContext(opts);
  try {
    const sources = await findSources(ctx.store.db);
    const counts = await findArticleCountsBySource(ctx.store.db);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(sources.map((s) => ({ ...s, items: counts.get(s.id) ?? 0 })), null, 2)}\n`);
      return;
    }
    if (sources.length === 0) {
      process.stdout.write('no sources yet: jarida sources add <url>\n');
      return;
    }
    for (const s of sources) process.stdout.write(`${describeSource(s, counts.get(s.id) ?? 0, ctx.now())}\n`);
  } finally {
    await ctx.store.close();
  }
}

function describeSource(s: Source, items: number, now: Date): string {
  const lines = [
    `#${s.id} ${s.title}${s.enabled ? '' : ' [disabled]'}`,
    `    ${s.kind}${s.url ? ` ${s.url}` : ''}${s.language ? ` · ${s.language}` : ''}${s.fullText ? ' · full text' : ''}${s.canonicalHere ? ' · canonical here' : ''}`,
    `    items: ${items} · last fetch: ${s.lastFetchedAt ?? 'never'}${s.lastStatus ? ` (${s.lastStatus})` : ''} · next fetch: ${describeNextFetch(s, now)} · interval: ${formatDuration(s.intervalS)}`,
  ];
  if (s.lastError) lines.push(`    last error (${s.errorCount} in a row): ${s.lastError}`);
  const r = s.rules;
  if (r.keep.length || r.block.length || r.maxAgeDays !== null || r.republish !== 'full') {
    lines.push(`    rules: ${describeRules(r)}`);
  }
  return lines.join('\n');
}

/** Removes a source and its articles (day counts follow). */
export async function sourcesRemoveCommand(id: number, opts: GlobalOptions): Promise<void> {
  const ctx = await openContext(opts);
  try {
    const gone = await deleteSource(ctx.store.db, id);
    if (gone === null) throw new Error(`sources remove: there is no source ${id}`);
    process.stdout.write(`removed source ${id} and its ${gone} articles\n`);
  } finally {
    await ctx.store.close();
  }
}

/** Enables or disables a source (enabling makes it due now). */
export async function sourcesEnableCommand(id: number, enabled: boolean, opts: GlobalOptions): Promise<void> {
  const ctx = await openContext(opts);
  try {
    const done = await setSourceEnabled(ctx.store.db, id, enabled, ctx.now());
    if (!done) throw new Error(`sources ${enabled ? 'enable' : 'disable'}: there is no source ${id}`);
    process.stdout.write(`source ${id} ${enabled ? 'enabled' : 'disabled'}\n`);
    // The claim of a fetch that died with its process on this host goes; a live one is left to finish.
    if (done.released) process.stdout.write(`released the claim of ${done.released}, which is no longer running\n`);
    if (done.heldBy) process.stdout.write(`source ${id} is being fetched by ${done.heldBy.by} (claimed until ${done.heldBy.until})\n`);
  } finally {
    await ctx.store.close();
  }
}

/** Options of `sources rules`. */
export interface RulesOptions extends GlobalOptions {
  keep?: string[];
  block?: string[];
  maxAge?: number | false;
  republish?: 'summary' | 'full';
  clear?: boolean;
}

/** Adds keep/block rules, sets the maximum age and what to republish; prints the result. */
export async function sourcesRulesCommand(id: number, opts: RulesOptions): Promise<void> {
  const ctx = await openContext(opts);
  try {
    const changed = await changeRules(ctx.store.db, id, { keep: opts.keep, block: opts.block, maxAgeS: opts.maxAge, republish: opts.republish, clear: opts.clear });
    if (!changed) throw new Error(`sources rules: there is no source ${id}`);
    process.stdout.write(`#${id} ${changed.source.title}\n    rules: ${describeRules(changed.source.rules)}\n`);
  } finally {
    await ctx.store.close();
  }
}

/** Adds every feed of an OPML file that is not a source yet (no network needed); prints what it did. */
export async function sourcesImportCommand(file: string, opts: GlobalOptions): Promise<void> {
  let xml: string;
  try {
    xml = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`sources import: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  parseOpml(xml); // a file that is not OPML fails before the store is opened
  const ctx = await openContext(opts);
  try {
    process.stdout.write(`${describeOpmlImport(await importOpml(ctx.store.db, xml))}\n`);
  } finally {
    await ctx.store.close();
  }
}

/** Writes the feed sources as OPML 2.0 (to a file or standard output). */
export async function sourcesExportCommand(opts: GlobalOptions & { output?: string }): Promise<void> {
  const ctx = await openContext(opts);
  try {
    const { xml } = await exportOpml(ctx.store.db, { title: `${ctx.config.site.siteName} sources`, lang: ctx.config.site.defaultLanguage }, ctx.now());
    if (opts.output) writeFileSync(opts.output, xml);
    else process.stdout.write(xml);
  } finally {
    await ctx.store.close();
  }
}
