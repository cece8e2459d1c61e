/**
 * refreshSource(): one source, top to bottom — fetch → parse (or extract, for a page) → full text →
 * prepare (rules, sanitize, normalize) → dedupe and save → note the WebSub hub → schedule the next
 * fetch. The steps are pure; only this file, schedule.ts and websub/ (subscriptions, pushes) touch
 * the store.
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { MediaQueue } from '../media/pipeline.js';
import { fetchErrorKind, type Metrics } from '../metrics/metrics.js';
import type { FeedItem, ParsedFeed } from '../model/feed.js';
import type { Source } from '../model/types.js';
import { findDeletedGuids, findStoredGuids, saveArticles } from '../store/articles.js';
import type { Store } from '../store/db.js';
import { insertFetch } from '../store/fetch-history.js';
import { saveFetchState } from '../store/sources.js';
import { extractArticle, isLinkList } from './extract/extract.js';
import { fetchResource } from './fetch/fetch.js';
import type { AddressAllowList } from './fetch/guard.js';
import { nextFetchAt } from './interval.js';
import type { Digest, Digester } from './digest.js';
import { decodeText } from './parse/decode.js';
import { htmlToText } from '../html/text.js';
import { prepareItem, type PreparedItem } from './process/item.js';
import { discoverHub } from './websub/discover.js';
import { isPushed, noteAdvertisedHub, pollLater } from './websub/subscribe.js';

/** What ingestion needs; built once by the command that runs it. */
export interface IngestDeps {
  store: Store;
  config: Config;
  allow: AddressAllowList;
  log: Logger;
  now: () => Date;
  /** Parses and prepares bodies, on worker threads or inline (digest.ts). */
  digester: Digester;
  /** Fetches the images of saved articles in the background (media/pipeline.ts); none: pages link the originals. */
  media?: MediaQueue;
  /** Counts each fetch, its time and the articles it stored (metrics/); none: not counted. */
  metrics?: Metrics;
}

/** What one refresh did. */
export interface RefreshResult {
  sourceId: number;
  status: 'ok' | 'not-modified' | 'error';
  items: number;
  created: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  skipped: { guid: string; reason: string }[];
  /** Article pages fetched for full text that failed (the item keeps its summary); each is logged at debug level. */
  fullTextFailures: number;
  error: string | null;
  nextFetchAt: string;
}

/** Fetches, parses and stores one source; never throws: failures are recorded on the source. */
export async function refreshSource(deps: IngestDeps, source: Source): Promise<RefreshResult> {
  const now = deps.now();
  const started = performance.now();
  const result: RefreshResult = { sourceId: source.id, status: 'ok', items: 0, created: 0, updated: 0, unchanged: 0, duplicates: 0, skipped: [], fullTextFailures: 0, error: null, nextFetchAt: '' };
  const bounds = deps.config.ingest;
  try {
    if (!source.url) throw new Error(`refresh: source ${source.id} has no URL`);
    const res = await fetchResource(source.url, fetchOptions(deps, { etag: source.etag, lastModified: source.lastModified }));
    if (res.notModified) {
      const next = pollLater(nextFetchAt({ now, sourceId: source.id, itemDates: [], ttlMinutes: source.ttlMinutes, skipHours: source.skipHours, errorCount: 0, retryAfterSeconds: null, previousIntervalS: source.intervalS }, bounds), await isPushed(deps, source.id, now), now, bounds);
      await saveFetchState(deps.store.db, source.id, { nextFetchAt: next.at.toISOString(), errorCount: 0, lastError: null, lastStatus: 304, lastFetchedAt: now.toISOString(), lastSuccessAt: now.toISOString() });
      deps.log.debug({ sourceId: source.id }, 'refresh: not modified');
      return recordFetch(deps, { ...result, status: 'not-modified', nextFetchAt: next.at.toISOString() }, 304, now, started);
    }
    const digested = await deps.digester.run({
      bytes: res.bytes, url: res.url, contentType: res.contentType, kind: source.kind === 'page' ? 'page' : 'feed',
      contentLanguage: res.contentLanguage, contentLocation: res.contentLocation,
      sourceId: source.id, language: source.language, languages: deps.config.site.languages, rules: source.rules, now: now.getTime(), feedUrl: source.url,
    });
    const { feed, items } = digested;
    await storeItems(deps, source, digested, now, result);
    // WebSub: the hub the feed advertises now; while its items are pushed, polling is only the fallback.
    const pushed = await noteAdvertisedHub(deps, source.id, source.kind === 'feed' ? discoverHub(feed, res.link, res.url) : null, now);
    const next = pollLater(nextFetchAt({ now, sourceId: source.id, itemDates: items.map((i) => i.published ?? i.updated).filter((d): d is Date => d !== null), ttlMinutes: feed.ttlMinutes, skipHours: feed.skipHours, errorCount: 0, retryAfterSeconds: null, previousIntervalS: source.intervalS }, bounds), pushed, now, bounds);
    await saveFetchState(deps.store.db, source.id, {
      ...(res.permanentRedirectTo ? { url: res.permanentRedirectTo } : {}),
      ...(feed.siteUrl && !source.siteUrl ? { siteUrl: feed.siteUrl } : {}),
      etag: res.etag,
      lastModified: res.lastModified,
      nextFetchAt: next.at.toISOString(),
      intervalS: next.intervalS,
      errorCount: 0,
      lastError: null,
      lastStatus: res.status,
      lastFetchedAt: now.toISOString(),
      lastSuccessAt: now.toISOString(),
      ttlMinutes: feed.ttlMinutes,
      skipHours: feed.skipHours,
    });
    deps.log.info({ sourceId: source.id, url: source.url, ...counts(result), movedTo: res.permanentRedirectTo ?? undefined, notWellFormed: feed.wellFormed === false || undefined }, 'refresh: done');
    return recordFetch(deps, { ...result, nextFetchAt: next.at.toISOString() }, res.status, now, started);
  } catch (err) {
    const e = err as Error & { status?: number; retryAfterSeconds?: number | null };
    const errorCount = source.errorCount + 1;
    const next = nextFetchAt({ now, sourceId: source.id, itemDates: [], ttlMinutes: source.ttlMinutes, skipHours: source.skipHours, errorCount, retryAfterSeconds: e.retryAfterSeconds ?? null, previousIntervalS: source.intervalS }, bounds);
    const message = oneLine(e.message ?? String(err));
    await saveFetchState(deps.store.db, source.id, { nextFetchAt: next.at.toISOString(), errorCount, lastError: message, lastStatus: e.status ?? null, lastFetchedAt: now.toISOString() });
    deps.log.warn({ sourceId: source.id, url: source.url, err: message, errorCount, next: next.at.toISOString() }, 'refresh: failed');
    return recordFetch(deps, { ...result, status: 'error', error: message, nextFetchAt: next.at.toISOString() }, e.status ?? null, now, started, fetchErrorKind(err));
  }
}

/**
 * Stores a digested body's items for the source — full text where due, articles an editor deleted
 * left deleted, the rest saved (de-duplicated by guid and URL) and their images queued — counting
 * each outcome into `result`. Used by the refresh and by WebSub pushes (ingest/websub/callback.ts).
 */
export async function storeItems(
  deps: Pick<IngestDeps, 'store' | 'config' | 'allow' | 'log' | 'media'>,
  source: Source,
  digested: Digest,
  now: Date,
  result: Pick<RefreshResult, 'items' | 'created' | 'updated' | 'unchanged' | 'duplicates' | 'skipped' | 'fullTextFailures'>,
): Promise<void> {
  const { items } = digested;
  const known = await findStoredGuids(deps.store.db, source.id, items.map((i) => i.guid));
  // Items whose article an editor deleted stay deleted (and their pages are not fetched).
  const deleted = await findDeletedGuids(deps.store.db, source.id, digested.prepared.flatMap((p) => (p.ok ? [p.input] : [])));
  for (const guid of deleted) known.add(guid);
  const prepared = await withFullText(deps, digested, source, known, now, result);
  result.items = items.length;
  for (const p of prepared) {
    if (!p.ok) result.skipped.push({ guid: p.guid, reason: p.reason });
    else if (deleted.has(p.input.guid)) result.skipped.push({ guid: p.input.guid, reason: 'deleted by an editor' });
  }
  const inputs = prepared.flatMap((p) => (p.ok && !deleted.has(p.input.guid) ? [p.input] : []));
  const changed: number[] = [];
  for (const saved of await saveArticles(deps.store.db, inputs, deps.config.site.timeZone)) {
    if (saved.outcome === 'created') result.created++;
    else if (saved.outcome === 'updated') result.updated++;
    else if (saved.outcome === 'duplicate') result.duplicates++;
    else result.unchanged++;
    if (saved.outcome === 'created' || saved.outcome === 'updated') changed.push(saved.id);
  }
  deps.media?.enqueue(changed); // images follow in the background; the save is done
}

/**
 * Records the fetch in the source's history (the newest 50 are kept) beside its fetch state; returns
 * the result. A history that cannot be written (the source removed meanwhile) is logged, and the
 * refresh's result stands.
 */
async function recordFetch(deps: IngestDeps, r: RefreshResult, httpStatus: number | null, at: Date, started: number, errorKind?: string): Promise<RefreshResult> {
  deps.metrics?.fetched({ outcome: r.status, errorKind, seconds: (performance.now() - started) / 1000, created: r.created, updated: r.updated });
  try {
    await insertFetch(deps.store.db, r.sourceId, {
      at: at.toISOString(), outcome: r.status, httpStatus, items: r.items, created: r.created, updated: r.updated,
      skipped: r.skipped.length, durationMs: performance.now() - started, error: r.error,
    });
  } catch (err) {
    deps.log.warn({ sourceId: r.sourceId, err: oneLine((err as Error).message) }, 'refresh: fetch history not saved');
  }
  return r;
}

/**
 * Returns the prepared items, with the article page's main content for new items that need it
 * (the source is full-text, or the item has only a short summary), within the per-refresh budget,
 * where the page says more than the feed; pages that fail are counted in `failures`. Used by
 * refresh and by `inspect`.
 */
export async function withFullText(
  deps: Pick<IngestDeps, 'config' | 'allow' | 'log'>,
  d: Pick<Digest, 'items' | 'prepared' | 'short'> & { feed: Pick<ParsedFeed, 'language'> },
  source: Pick<Source, 'id' | 'fullText' | 'language' | 'rules' | 'url'>,
  known: Set<string>,
  now: Date,
  failures: { fullTextFailures: number } = { fullTextFailures: 0 },
): Promise<PreparedItem[]> {
  if (source.rules.republish !== 'full') return d.prepared;
  let budget = deps.config.ingest.fullTextPerRefresh;
  const out = [...d.prepared];
  for (const [i, item] of d.items.entries()) {
    if (budget <= 0) break;
    const prepared = d.prepared[i]!;
    if (!prepared.ok || !item.url || known.has(item.guid) || !(source.fullText || d.short[i])) continue;
    budget--;
    // Items that are not short crossed from the digest without their content: the prepared copy has it.
    const feedText = Math.max(textLength(item.content ?? prepared.input.contentHtml), textLength(item.summary));
    const full = await fetchFullText(deps, item, feedText, failures);
    if (full !== item) out[i] = prepareItem(full, { sourceId: source.id, language: source.language ?? d.feed.language, languages: deps.config.site.languages, rules: source.rules, now, feedUrl: source.url });
  }
  return out;
}

/**
 * Returns the item with the main content of its page when that has more text than the feed gave
 * (`feedText` characters); the item as it was when the page fails, holds no article (no content,
 * or mostly links: a menu, a sign-in form) or says no more than the feed.
 */
async function fetchFullText(deps: Pick<IngestDeps, 'config' | 'allow' | 'log'>, item: FeedItem, feedText: number, failures: { fullTextFailures: number }): Promise<FeedItem> {
  try {
    const res = await fetchResource(item.url!, { ...fetchOptions(deps), accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5' });
    const article = extractArticle(decodeText(res.bytes, res.contentType).text, res.url);
    if (!article || isLinkList(article)) {
      deps.log.debug({ url: item.url }, 'refresh: no article on the page, keeping the feed\'s text');
      return item;
    }
    if (article.textLength <= feedText) {
      deps.log.debug({ url: item.url, pageText: article.textLength, feedText }, 'refresh: the page says no more than the feed, keeping the feed\'s text');
      return item;
    }
    return {
      ...item,
      content: article.contentHtml,
      imageUrl: item.imageUrl ?? article.leadImageUrl,
      author: item.author ?? article.byline,
      language: item.language ?? article.language,
      // The feed's own words first; a feed that files nothing takes the page's section and tags.
      categories: item.categories.length ? item.categories : article.categories,
    };
  } catch (err) {
    // Counted on the source's result (one line per source); each page only at debug level.
    failures.fullTextFailures++;
    deps.log.debug({ url: item.url, err: oneLine((err as Error).message) }, 'refresh: full text not fetched, keeping the summary');
    return item;
  }
}

/** Returns the fetch options from the config. */
export function fetchOptions(deps: Pick<IngestDeps, 'config' | 'allow'>, conditional: { etag?: string | null; lastModified?: string | null } = {}) {
  const i = deps.config.ingest;
  return { ...conditional, userAgent: i.userAgent, connectTimeoutMs: i.connectTimeoutMs, totalTimeoutMs: i.totalTimeoutMs, maxBytes: i.maxBytes, allowPrivate: deps.allow };
}

function counts(r: RefreshResult) {
  return { items: r.items, created: r.created, updated: r.updated, unchanged: r.unchanged, duplicates: r.duplicates, skipped: r.skipped.length, fullTextFailures: r.fullTextFailures };
}

/** Characters of text in an item's HTML or plain text, whitespace runs counted as one space (as extract counts). */
function textLength(html: string | null | undefined): number {
  return html ? htmlToText(html).length : 0;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 500);
}

