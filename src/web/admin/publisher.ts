/**
 * The publisher: scheduled articles go live on their minute. Every `intervalMs` (sooner when the
 * next scheduled article is due before then, at its instant) it publishes the due ones
 * (publishDueArticles: counts, filing, the change signal that clears page caches). Every process
 * serving the store may run one: an article is published, and counted, once.
 */
import type { Logger } from '../../log.js';
import type { Store } from '../../store/db.js';
import { findNextScheduled, publishDueArticles } from '../../store/desk-articles.js';

/** What the publisher needs; the clock and the time zone are read at each tick (tests move the clock, the settings may change the zone). */
export interface PublisherDeps {
  store: Store;
  now: () => Date;
  timeZone: () => string;
  log: Logger;
  /** The longest wait between two ticks (default 5 s). */
  intervalMs?: number;
}

/** A running publisher: `tick` publishes what is due now (one tick at a time), `stop` ends it after the tick in flight. */
export interface Publisher {
  tick(): Promise<number[]>;
  stop(): Promise<void>;
}

/** The shortest wait: a tick that found the next article still ahead by a hair does not spin. */
const MIN_WAIT_MS = 10;

/**
 * Starts publishing scheduled articles: a first tick at once (articles that fell due while no process
 * ran), then one every `intervalMs` or at the next article's instant, whichever is sooner.
 * @example const publisher = startPublisher({ store, now: () => new Date(), timeZone: () => config.site.timeZone, log });
 *          … await publisher.stop();
 */
export function startPublisher(deps: PublisherDeps): Publisher {
  const interval = deps.intervalMs ?? 5000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<unknown> = Promise.resolve();

  const tick = (): Promise<number[]> => {
    const run = chain.then(async () => {
      const ids = await publishDueArticles(deps.store.db, deps.now(), deps.timeZone());
      if (ids.length) deps.log.info({ articles: ids }, 'publisher: published scheduled articles');
      return ids;
    });
    chain = run.catch(() => undefined);
    return run;
  };

  let looping: Promise<void> = Promise.resolve();
  const loop = async () => {
    timer = undefined;
    if (stopped) return;
    let wait = interval;
    try {
      await tick();
      const next = await findNextScheduled(deps.store.db);
      if (next) wait = Math.min(interval, Math.max(MIN_WAIT_MS, next.getTime() - deps.now().getTime()));
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'publisher: failed, trying again');
    }
    if (!stopped) timer = setTimeout(() => void (looping = loop()), wait).unref();
  };
  timer = setTimeout(() => void (looping = loop()), 0).unref();

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await looping;
      await chain;
    },
  };
}
