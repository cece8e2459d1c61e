/**
 * The metrics on their own address (`metrics.listen`): a small node:http server answering
 * `GET /metrics` and nothing else, for a port only the scraper reaches.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { METRICS_CONTENT_TYPE } from './metrics.js';

/**
 * Starts the listener on `listen`; `gather` makes the exposition per scrape. Resolves once it listens,
 * with its address and `close`.
 * @example const s = await startMetricsServer({ host: '127.0.0.1', port: 9464 }, () => metrics.expose());
 */
export async function startMetricsServer(
  listen: { host: string; port: number },
  gather: () => Promise<string>,
  log?: Logger,
): Promise<{ address: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('404: only /metrics here\n');
      return;
    }
    gather().then(
      (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : text),
      (err: Error) => {
        log?.error({ err }, 'metrics: gathering failed');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`500: metrics: ${err.message}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`metrics: cannot listen on ${listen.host}:${listen.port}: ${err.message}`, { cause: err })));
    server.listen(listen.port, listen.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const address = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  log?.info({ address }, 'metrics: listening');
  return {
    address,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
