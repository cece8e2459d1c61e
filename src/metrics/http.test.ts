/**
 * The web tier's front counter on a real node:http server on 127.0.0.1: answers made in front of
 * Fastify are counted once each, by route and status, whether the handler ends them before it
 * returns (a cached page) or later (a page whose counts are refilled first), and a 304 too.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { webMetrics } from './http.js';
import { createMetrics } from './metrics.js';
import { scrape } from './testing.js';

describe('webMetrics front', () => {
  const metrics = createMetrics({ defaults: false });
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/now') return void res.writeHead(200, { 'content-length': '2' }).end('ok');
    if (req.url === '/later') return void setTimeout(() => res.writeHead(200, { 'content-length': '2' }).end('ok'), 20);
    if (req.url === '/same') return void res.writeHead(304).end();
    if (req.url?.startsWith('/media/')) return void res.writeHead(200, { 'content-length': '1' }).end('m');
    res.writeHead(500, { 'content-length': '1' }).end('x');
  };
  const server = createServer(webMetrics(metrics, parseConfig({}).metrics).front(handler));
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('counts each answer once, ended at once or later, with its time', async () => {
    for (const path of ['/now', '/now', '/later', '/later', '/later', '/same', '/media/a.webp', '/oops']) await (await fetch(base + path)).arrayBuffer();
    const s = scrape(await metrics.expose());
    expect(s.value('jarida_http_requests_total', { route: 'cache', status: '200' })).toBe(5);
    expect(s.value('jarida_http_requests_total', { route: 'cache', status: '304' })).toBe(1);
    expect(s.value('jarida_http_requests_total', { route: 'media', status: '200' })).toBe(1);
    expect(s.value('jarida_http_requests_total', { route: 'unmatched', status: '500' })).toBe(1);
    expect(s.count('jarida_http_request_duration_seconds', { route: 'cache' })).toBe(6);
    // The three answered after 20 ms were timed to their end, not to the handler's return.
    expect(s.sum('jarida_http_request_duration_seconds', { route: 'cache' })).toBeGreaterThanOrEqual(0.055);
  });
});
