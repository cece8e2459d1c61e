/**
 * Benchmark child: the baseline, a bare node:http server answering fixed bytes (status, headers,
 * body) per path, in as many processes as the server it is compared with.
 *
 * Forked by pages.ts; receives `{ port, workers, pages: [{ path, status, headers, body (base64) }] }`
 * over IPC. With `workers` 0 it serves in this one process; with N it is a node:cluster primary
 * with N workers sharing the port (as `jarida serve --workers N`). Answers `{ port }` once every
 * process listens; exits when the parent goes away or on SIGTERM (workers follow their primary).
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';

/** One page to answer, as fetched from Jarida. */
export interface RawPage {
  path: string;
  status: number;
  headers: Record<string, string>;
  body: string; // base64
}

/** What the parent sends. */
export interface RawInit {
  port: number;
  workers: number;
  pages: RawPage[];
}

if (!process.send) {
  process.stderr.write('raw-server: must be forked with an IPC channel\n');
  process.exit(2);
}

if (cluster.isWorker) {
  process.once('message', (init: RawInit) => void listen(init).then(() => process.send!({ listening: true })));
  process.send({ ask: true }); // a message sent before this listener existed would be lost
} else {
  process.once('message', (init: RawInit) => void startPrimary(init));
}

/** Serves here (workers 0) or forks the workers; then tells the parent the port. */
async function startPrimary(init: RawInit): Promise<void> {
  if (init.workers > 0) {
    await Promise.all(Array.from({ length: init.workers }, () => new Promise<void>((resolve, reject) => {
      const w = cluster.fork();
      w.on('message', (m: { ask?: boolean; listening?: boolean }) => {
        if (m.ask) w.send(init);
        if (m.listening) resolve();
      });
      w.once('exit', (code) => reject(new Error(`raw-server: worker exited before listening (code ${code})`)));
    })));
  } else {
    await listen(init);
  }
  process.send!({ port: init.port });
  const stop = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}

/** Listens on 127.0.0.1:port answering the pages; 404 for any other path. */
function listen(init: RawInit): Promise<void> {
  const routes = new Map<string, { status: number; headers: Record<string, string | number>; body: Buffer }>();
  for (const p of init.pages) {
    const body = Buffer.from(p.body, 'base64');
    routes.set(p.path, { status: p.status, headers: { ...p.headers, 'content-length': body.length }, body });
  }
  const server = createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 10 });
      res.end('not found\n');
      return;
    }
    res.writeHead(route.status, route.headers);
    res.end(route.body);
  });
  server.keepAliveTimeout = 72_000; // as Fastify's default
  return new Promise((resolve) => server.listen(init.port, '127.0.0.1', resolve));
}
