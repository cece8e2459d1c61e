/** What every command starts from: the validated config and an open, migrated store in the site's time zone. */
import { configWithSite, loadConfig, type Config } from '../config.js';
import type { AddressAllowList } from '../ingest/fetch/guard.js';
import type { IngestDeps } from '../ingest/refresh.js';
import type { MediaDeps, MediaQueue } from '../media/pipeline.js';
import { createLogger, type Logger } from '../log.js';
import { LiveSettings } from '../settings/live.js';
import { openMigratedStore, type Store } from '../store/db.js';
import type { OpenOptions } from '../store/dialect.js';
import { daysTimeZone, ensureDaysInTimeZone } from '../store/day-zone.js';

/** Global options every command accepts. */
export interface GlobalOptions {
  config?: string;
}

/** A command's config, logger, open store, clock and live site settings. */
export interface CommandContext {
  /** The config, its `site` the settings in effect when the command started (the store's overrides over the file's). */
  config: Config;
  log: Logger;
  store: Store;
  now: () => Date;
  /** The site settings in effect, for what runs long: read again with `reload()`, or fed the store's changes (`heard`). */
  settings: LiveSettings;
}

/**
 * Returns the config, logger and open store for a command; the caller closes the store. The site
 * settings are the config file's with the overrides set in the desk on top (settings/site.ts). When
 * the site's time zone changed since the days were counted, `onZoneChange` says what to do: recount
 * now (serve), or warn and leave it to `jarida recount`. `loaded`: the config, when the caller read it already.
 */
export async function openContext(
  opts: GlobalOptions,
  onZoneChange: 'recount' | 'warn' = 'warn',
  storeOptions: OpenOptions = {},
  loaded?: Config,
): Promise<CommandContext> {
  const fileConfig = loaded ?? loadConfig({ configPath: opts.config });
  const log = createLogger();
  const store = await openMigratedStore(fileConfig.databaseUrl, storeOptions);
  const settings = await LiveSettings.open(store, fileConfig.site, { log });
  const config = configWithSite(fileConfig, settings.current());
  const tz = config.site.timeZone;
  if (onZoneChange === 'recount') {
    const previous = await ensureDaysInTimeZone(store, tz);
    if (previous) log.info({ from: previous, to: tz }, 'store: site time zone changed, days recounted');
  } else {
    const counted = await daysTimeZone(store);
    if (counted === undefined) await ensureDaysInTimeZone(store, tz); // a new store: days are counted in tz from now on
    else if (counted !== tz) log.warn({ from: counted, to: tz }, 'store: site time zone changed; run `jarida recount` to move articles to their days');
  }
  const fixed = config.fixedNow;
  return { config, log, store, now: fixed ? () => new Date(fixed) : () => new Date(), settings };
}

/**
 * Returns what ingestion needs, from an open command context; close its digester when done. Loads
 * the fetcher and parsers only now: `serve` without ingestion never does. Its config follows the
 * context's live settings (the languages detected, the time zone of each article's day) whenever
 * they are read again (`ctx.settings.reload()` before each round of the loop).
 */
export async function ingestDepsOf(ctx: CommandContext, opts: { media?: boolean } = {}): Promise<IngestDeps> {
  const [{ parseAllowList }, { createDigester }] = await Promise.all([import('../ingest/fetch/guard.js'), import('../ingest/digest.js')]);
  const allow = parseAllowList(ctx.config.ingest.allowPrivateAddresses);
  // `media`: the images of saved articles are fetched too (ingest, serve); drain `deps.media` before closing the store.
  const { settings: live, ...rest } = ctx;
  const deps: IngestDeps = { ...rest, allow, digester: createDigester(ctx.config.ingest.workers), media: opts.media ? await mediaQueueOf(ctx, allow) : undefined };
  live.onChange((site) => (deps.config = configWithSite(deps.config, site)));
  return deps;
}

/** Returns what the demo needs to store its images (`media.enabled`), or undefined. */
export async function demoMediaDeps(ctx: { config: Config; log: Logger; store: Store; now: () => Date }): Promise<MediaDeps | undefined> {
  if (!ctx.config.media.enabled) return undefined;
  const [{ mediaDepsOf }, { openMediaFiles }, { NO_PRIVATE_ADDRESSES }] = await Promise.all([import('../media/pipeline.js'), import('../media/open.js'), import('../ingest/fetch/guard.js')]);
  return mediaDepsOf(ctx, openMediaFiles(ctx.config.media), NO_PRIVATE_ADDRESSES);
}

/**
 * Returns the queue that fetches the images of saved articles (`media.enabled`), or undefined; the
 * images a stopped process left pending are queued again first. Loads sharp only now.
 */
export async function mediaQueueOf(ctx: { config: Config; log: Logger; store: Store; now: () => Date }, allow: AddressAllowList): Promise<MediaQueue | undefined> {
  if (!ctx.config.media.enabled) return undefined;
  const [{ createMediaQueue, mediaDepsOf }, { openMediaFiles }] = await Promise.all([import('../media/pipeline.js'), import('../media/open.js')]);
  const queue = createMediaQueue(mediaDepsOf(ctx, openMediaFiles(ctx.config.media), allow));
  queue.resumePending();
  return queue;
}

/**
 * Runs a command's work with its context and closes the store afterwards, whatever happens.
 * @example await withContext(opts, async ({ store }) => …)
 */
export async function withContext<T>(opts: GlobalOptions, run: (ctx: CommandContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(opts);
  try {
    return await run(ctx);
  } finally {
    await ctx.store.close();
  }
}
