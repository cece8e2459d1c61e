/** `jarida demo`: load the shipped demo articles, dated around now. */
import { loadDemo } from '../ingest/demo.js';
import { DEMO_FILE } from '../paths.js';
import { demoMediaDeps, openContext, type GlobalOptions } from './context.js';

/** Loads the demo content and prints how many articles were created. */
export async function demoCommand(opts: GlobalOptions): Promise<void> {
  const ctx = await openContext(opts);
  const { config, store, now } = ctx;
  try {
    const n = await loadDemo(store, config.site, now(), DEMO_FILE, await demoMediaDeps(ctx));
    process.stdout.write(`demo: ${n} articles created\n`);
  } finally {
    await store.close();
  }
}
