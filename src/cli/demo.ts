/** `jarida demo`: load the shipped demo articles, dated around now. */
import { loadDemo } from '../ingest/demo.js';
import { openContext, type GlobalOptions } from './context.js';

/** Loads the demo content and prints how many articles were created. */
export async function demoCommand(opts: GlobalOptions): Promise<void> {
  const { config, store, now } = await openContext(opts);
  try {
    const n = await loadDemo(store, config.site, now());
    process.stdout.write(`demo: ${n} articles created\n`);
  } finally {
    await store.close();
  }
}
