/**
 * Benchmark child: serves an already filled store with the real app.
 * Usage: node dist/bench/server.js DB_PATH|DATABASE_URL JARIDA_NOW [PORT]
 * Reports `{ port }` over the IPC channel when forked (else prints `port=N`), and exits when the
 * parent goes away or on SIGTERM/SIGINT.
 */
import { parseConfig } from '../src/config.js';
import { openMigratedStore } from '../src/store/db.js';
import { buildApp } from '../src/web/app.js';
import { createLogger } from '../src/log.js';

const [dbPath, now, portArg] = process.argv.slice(2);
if (!dbPath || !now) {
  process.stderr.write('usage: server.js DB_PATH JARIDA_NOW [PORT]\n');
  process.exit(2);
}

const databaseUrl = /^(sqlite|postgres(ql)?):/.test(dbPath) ? dbPath : `sqlite:${dbPath}`;
// Only the page-cache switch comes from the environment (the scale benchmark measures with it off).
const cache = process.env.JARIDA_PAGE_CACHE;
const config = parseConfig({ databaseUrl }, { JARIDA_NOW: now, ...(cache !== undefined ? { JARIDA_PAGE_CACHE: cache } : {}) });
const store = await openMigratedStore(databaseUrl);
const app = await buildApp({ store, config, log: createLogger() }); // errors to stderr (LOG_LEVEL)
await app.listen({ port: Number(portArg ?? 0), host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  try {
    await app.close();
    await store.close();
  } finally {
    process.exit(code);
  }
}
process.once('SIGTERM', () => void stop(0));
process.once('SIGINT', () => void stop(0));
process.once('disconnect', () => void stop(0));

if (process.send) process.send({ port });
else process.stdout.write(`port=${port}\n`);
