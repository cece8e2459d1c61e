/**
 * Benchmark child: the baseline, a bare node:http server answering fixed bytes per path.
 * Forked by pages.ts; receives `{ pages: [{ path, headers, body (base64) }] }` over IPC, listens
 * on 127.0.0.1 (port 0) and answers `{ port }`. Exits when the parent goes away or on SIGTERM.
 */
import { createServer } from 'node:http';

interface RawPage {
  path: string;
  headers: Record<string, string>;
  body: string; // base64
}

if (!process.send) {
  process.stderr.write('raw-server.js must be forked with an IPC channel\n');
  process.exit(2);
}

process.once('message', (msg: { pages: RawPage[] }) => {
  const routes = new Map<string, { headers: Record<string, string | number>; body: Buffer }>();
  for (const p of msg.pages) {
    const body = Buffer.from(p.body, 'base64');
    routes.set(p.path, { headers: { ...p.headers, 'content-length': body.length }, body });
  }
  const server = createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 10 });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, route.headers);
    res.end(route.body);
  });
  server.keepAliveTimeout = 72_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', () => process.exit(0));
});
