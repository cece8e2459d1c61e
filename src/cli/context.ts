/** What every command starts from: the validated config and an open, migrated store in the site's time zone. */
import { loadConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { openMigratedStore, type Store } from '../store/db.js';
import { ensureDaysInTimeZone } from '../store/day-zone.js';

/** Global options every command accepts. */
export interface GlobalOptions {
  config?: string;
}

/** Returns the config, logger and open store for a command; the caller closes the store. */
export async function openContext(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Promise<{ config: Config; log: Logger; store: Store; now: () => Date }> {
  const config = loadConfig({ configPath: opts.config, env });
  const log = createLogger();
  const store = await openMigratedStore(config.databaseUrl);
  const previous = await ensureDaysInTimeZone(store, config.site.timeZone);
  if (previous) log.info({ from: previous, to: config.site.timeZone }, 'store: time zone changed, days recounted');
  const fixed = config.fixedNow;
  return { config, log, store, now: fixed ? () => new Date(fixed) : () => new Date() };
}
