/**
 * The site settings in effect in one process, following changes made anywhere: `current()` for each
 * request, `onChange` for what must follow them (the web's deps and page cache, ingestion's deps),
 * `update()` for the desk. A change signal naming the settings — or `all`, which may hide one (a
 * listener that reconnected, a gap in SQLite's change log) — makes it read them again.
 */
import type { SitePatch, SiteSettings } from '../config.js';
import type { Logger } from '../log.js';
import type { Change } from '../store/changes.js';
import type { Store } from '../store/db.js';
import { changeSiteSettings, effectiveSiteSettings, type SiteSettingsUpdate } from './site.js';

/** How long a process waits to read the settings again after the store failed to answer, unless told. */
const RETRY_MS = 5000;

/** Called with the new settings and the ones they replace. */
export type SettingsListener = (site: SiteSettings, previous: SiteSettings) => void;

/**
 * The live site settings of a process.
 * @example const live = await LiveSettings.open(store, config.site, { log }); live.onChange((site) => (deps.config = configWithSite(config, site)));
 */
export class LiveSettings {
  private site: SiteSettings;
  private readonly listeners = new Set<SettingsListener>();
  /** A read asked for and not begun yet: later asks share it. */
  private queued: Promise<SiteSettings> | undefined;
  /** The read running now: the next begins after it, so that reads apply in order. */
  private running: Promise<unknown> = Promise.resolve();
  private retry: NodeJS.Timeout | undefined;

  private constructor(
    readonly store: Store,
    /** The config file's settings (with the environment's), under the store's overrides. */
    readonly fileSite: SiteSettings,
    site: SiteSettings,
    private readonly log?: Logger,
    private readonly retryMs = RETRY_MS,
  ) {
    this.site = site;
  }

  /** Returns a holder with the settings in effect now (one read of the store). */
  static async open(store: Store, fileSite: SiteSettings, opts: { log?: Logger; retryMs?: number } = {}): Promise<LiveSettings> {
    return new LiveSettings(store, fileSite, await effectiveSiteSettings(store, fileSite, opts.log), opts.log, opts.retryMs);
  }

  /** Returns a holder with the config file's settings, the store not read yet (`reload()` reads it): for a store out of reach. */
  static unread(store: Store, fileSite: SiteSettings, opts: { log?: Logger; retryMs?: number } = {}): LiveSettings {
    return new LiveSettings(store, fileSite, fileSite, opts.log, opts.retryMs);
  }

  /** Returns the settings in effect (a frozen object, a new one after each change). */
  current(): SiteSettings {
    return this.site;
  }

  /** Calls `listener` after each change, in the order they were added; returns the function that stops it. */
  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Takes a committed change (store/changes.ts watchChanges): reads the settings again when it may
   * have changed them; when the store cannot answer, again every `retryMs` (5 s) until it does.
   */
  heard(change: Change): void {
    if (!change.settings && !change.all) return;
    this.reload().catch((err: unknown) => {
      this.log?.warn({ err, retryInMs: this.retryMs }, 'settings: cannot read them again; the previous ones stay meanwhile');
      if (this.retry) return;
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.heard({ origin: 'unknown', settings: true });
      }, this.retryMs);
      this.retry.unref();
    });
  }

  /** Reads the settings from the store and applies them when they changed; returns them. */
  reload(): Promise<SiteSettings> {
    if (this.queued) return this.queued;
    const read = this.running.then(async () => {
      this.queued = undefined; // asks from now on need a read that begins after this one
      const site = await effectiveSiteSettings(this.store, this.fileSite, this.log);
      this.apply(site);
      return site;
    });
    this.queued = read;
    this.running = read.catch(() => undefined);
    return read;
  }

  /**
   * Changes the settings (settings/site.ts changeSiteSettings: validated, stored, days recounted,
   * every process signalled) and applies them here before it resolves; throws ConfigError naming
   * each bad field. The desk's one call.
   * @example await live.update({ hijri: { adjustment: 1 } })
   */
  async update(patch: SitePatch): Promise<SiteSettingsUpdate> {
    const result = await changeSiteSettings(this.store, this.fileSite, patch, this.log);
    await this.reload();
    return result;
  }

  private apply(site: SiteSettings): void {
    if (JSON.stringify(site) === JSON.stringify(this.site)) return;
    const previous = this.site;
    this.site = site;
    this.log?.info({ siteName: site.siteName, timeZone: site.timeZone, languages: site.languages }, 'settings: site settings applied');
    for (const listener of this.listeners) {
      try {
        listener(site, previous);
      } catch (err) {
        this.log?.error({ err }, 'settings: applying them failed');
      }
    }
  }
}
