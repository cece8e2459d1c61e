/**
 * What an operator does to sources, as plain operations: the CLI's `sources` commands print what
 * they return, the desk's source pages render it. Only store functions touch the database. The
 * pipeline (fetch, parse, extract) is loaded when an operation fetches, not before: the web
 * workers that serve the desk need none of it until an editor adds or refreshes a source.
 */
import type { Kysely } from 'kysely';
import { DEFAULT_RULES, type SourceRules } from '../model/rules.js';
import type { Source } from '../model/types.js';
import type { Database } from '../store/schema.js';
import { findSourceById, findSourceByUrl, insertSource, isClaimerGone, releaseClaim, SourceError, updateSource } from '../store/sources.js';
import type { Inspection } from './inspect.js';
import { parseRule } from './process/rules.js';
import { normalizeUrl } from './process/url.js';
import type { IngestDeps, RefreshResult } from './refresh.js';
import type { ResolvedSource } from './resolve.js';

/** What `sources add` (and the desk's new-source form) asks for. */
export interface NewSourceInput {
  url: string;
  name?: string;
  lang?: string;
  fullText?: boolean;
  /** A fixed start interval in seconds (adapted to the posting frequency later). */
  intervalS?: number;
  /** Take the URL as a single article page even if it links feeds. */
  page?: boolean;
  canonicalHere?: boolean;
}

/**
 * Returns the source at the URL (a feed, the feed a site's home page links, or an article page) and
 * what it would store now, as `jarida inspect` shows it; stores nothing. Throws SourceError when it
 * is a source already, FetchError/ParseError/ResolveError when nothing usable is there.
 */
export async function previewSource(deps: Pick<IngestDeps, 'store' | 'config' | 'allow' | 'log'>, input: NewSourceInput, now: Date): Promise<{ found: ResolvedSource; inspection: Inspection }> {
  const found = await findNewSource(deps, input);
  const { inspectBody } = await import('./inspect.js');
  const inspection = await inspectBody(deps, found.body, { kind: found.kind, now, fullText: input.fullText, language: input.lang ?? found.language });
  return { found, inspection };
}

/** Finds what is at the URL, as previewSource does, and stores it as a new source (due at once); returns its id and name. */
export async function addSource(deps: Pick<IngestDeps, 'store' | 'config' | 'allow'>, input: NewSourceInput): Promise<{ id: number; title: string; found: ResolvedSource }> {
  const found = await findNewSource(deps, input);
  const title = input.name ?? found.title ?? new URL(found.url).hostname;
  const id = await insertSource(deps.store.db, {
    kind: found.kind, title, url: found.url, siteUrl: found.siteUrl, language: input.lang ?? found.language,
    fullText: input.fullText, canonicalHere: input.canonicalHere, intervalS: input.intervalS ?? null,
  });
  return { id, title, found };
}

async function findNewSource(deps: Pick<IngestDeps, 'store' | 'config' | 'allow'>, input: NewSourceInput): Promise<ResolvedSource> {
  const exact = normalizeUrl(input.url);
  if (!exact) throw new SourceError(`sources add: ${input.url.slice(0, 200)} is not an http(s) URL`);
  const same = await findSourceByUrl(deps.store.db, exact);
  if (same) throw new SourceError(`sources add: ${exact} is already source ${same.id} (${same.title})`);
  const { resolveSource } = await import('./resolve.js');
  const found = await resolveSource(deps, exact, { asPage: input.page });
  const other = await findSourceByUrl(deps.store.db, found.url);
  if (other) throw new SourceError(`sources add: ${found.url} is already source ${other.id} (${other.title})`);
  return found;
}

/** What enabling a source found: the claim of a process that is gone, released; or a live fetch still holding it. */
export interface EnableOutcome {
  released: string | null;
  heldBy: { by: string; until: string } | null;
}

/**
 * Enables (due at once) or disables a source; enabling frees at once the claim of a process of this
 * host that is gone, and leaves a live one to finish. Returns undefined when there is no such source.
 */
export async function setSourceEnabled(db: Kysely<Database>, id: number, enabled: boolean, now: Date): Promise<EnableOutcome | undefined> {
  if (!(await updateSource(db, id, { enabled, dueNow: enabled }))) return undefined;
  const s = await findSourceById(db, id);
  if (!enabled || !s?.claimedBy || !s.claimedUntil || Date.parse(s.claimedUntil) <= now.getTime()) return { released: null, heldBy: null };
  if (isClaimerGone(s.claimedBy) && (await releaseClaim(db, id, s.claimedBy))) return { released: s.claimedBy, heldBy: null };
  return { released: null, heldBy: { by: s.claimedBy, until: s.claimedUntil } };
}

/** A change to a source's rules: rules to add (as the CLI writes them), the maximum age in seconds (false: none), what to republish; `clear` starts from no rules. */
export interface RulesChange {
  keep?: readonly string[];
  block?: readonly string[];
  maxAgeS?: number | false;
  republish?: SourceRules['republish'];
  clear?: boolean;
}

/**
 * Changes a source's rules; returns the rules before and the source after, or undefined when there
 * is no such source. Every rule is parsed before anything is stored: a bad one throws RuleError naming it.
 * @example await changeRules(db, 3, { block: ['title:/^sponsored/i'], maxAgeS: 7 * 86_400 })
 */
export async function changeRules(db: Kysely<Database>, id: number, change: RulesChange): Promise<{ before: SourceRules; source: Source } | undefined> {
  const keep = (change.keep ?? []).map(parseRule);
  const block = (change.block ?? []).map(parseRule);
  const source = await findSourceById(db, id);
  if (!source) return undefined;
  const base: SourceRules = change.clear ? DEFAULT_RULES : source.rules;
  const rules: SourceRules = {
    keep: [...base.keep, ...keep],
    block: [...base.block, ...block],
    maxAgeDays: change.maxAgeS === undefined ? base.maxAgeDays : change.maxAgeS === false ? null : change.maxAgeS / 86_400,
    republish: change.republish ?? base.republish,
  };
  await updateSource(db, id, { rules });
  return { before: source.rules, source: (await findSourceById(db, id)) ?? { ...source, rules } };
}

/** A refresh run now: its result, or who holds the source (another process is fetching it). */
export type RefreshNowOutcome = { result: RefreshResult } | { heldBy: string; until: string };

/**
 * Fetches one source now, as a round of `ingest` would, under a claim of its own; another process
 * fetching it at the same time is left alone (`heldBy`). Throws SourceError for no such source, or
 * one with nothing to fetch (manual).
 */
export async function refreshSourceOnce(deps: IngestDeps, id: number): Promise<RefreshNowOutcome> {
  const source = await findSourceById(deps.store.db, id);
  if (!source) throw new SourceError(`sources refresh: there is no source ${id}`);
  if (source.kind === 'manual' || !source.url) throw new SourceError(`sources refresh: source ${id} is a ${source.kind} source; there is nothing to fetch`);
  const { refreshSourceNow } = await import('./schedule.js');
  const result = await refreshSourceNow(deps, id);
  if (result) return { result };
  const held = await findSourceById(deps.store.db, id);
  return { heldBy: held?.claimedBy ?? 'another process', until: held?.claimedUntil ?? '?' };
}

/**
 * Returns when the source is fetched next, or who is fetching it now and until when at most.
 * @example describeNextFetch(source, now) // 'claimed by web1 pid 4242 until 2026-01-01T10:01:00.000Z'
 */
export function describeNextFetch(s: Source, now: Date): string {
  if (s.kind === 'manual') return '-';
  if (s.claimedUntil && Date.parse(s.claimedUntil) > now.getTime()) {
    const gone = isClaimerGone(s.claimedBy);
    return `claimed by ${s.claimedBy ?? 'another process'}${gone ? ' (no longer running)' : ''} until ${s.claimedUntil}`;
  }
  return s.nextFetchAt ?? 'now';
}
