/** `jarida recount`: recompute every article's local day in the site time zone and the day counts. */
import { findPublishedTotal } from '../store/day-counts.js';
import { recountInTimeZone } from '../store/day-zone.js';
import { openContext, type GlobalOptions } from './context.js';

/** Recounts and prints how many articles moved. */
export async function recountCommand(opts: GlobalOptions): Promise<void> {
  const { config, store } = await openContext(opts);
  try {
    const moved = await recountInTimeZone(store, config.site.timeZone);
    const total = await findPublishedTotal(store.db);
    process.stdout.write(`recount: ${moved} articles moved to another day in ${config.site.timeZone}; ${total} published\n`);
  } finally {
    await store.close();
  }
}
