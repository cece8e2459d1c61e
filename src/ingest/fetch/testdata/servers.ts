/** Real local HTTP and raw TCP servers for the fetch tests; every one is closed by `closeAll()`. */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/** A listening test server and what it saw. */
export interface TestServer {
  /** `http://host:port` (IPv6 hosts bracketed), no trailing slash. */
  origin: string;
  host: string;
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** Returns a factory for servers on port 0 and a `closeAll` for afterEach. */
export function testServers() {
  const open = new Set<TestServer>();

  async function listen(server: net.Server, host: string): Promise<TestServer> {
    const sockets = new Set<net.Socket>();
    const info: TestServer = {
      origin: '',
      host,
      port: 0,
      connections: 0,
      close: () =>
        new Promise<void>((resolve) => {
          open.delete(info);
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    };
    server.on('connection', (socket: net.Socket) => {
      info.connections++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    info.port = (server.address() as net.AddressInfo).port;
    info.origin = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
    open.add(info);
    return info;
  }

  return {
    /** Returns an HTTP server running `handler`. */
    http(handler: http.RequestListener, host = '127.0.0.1'): Promise<TestServer> {
      return listen(http.createServer(handler), host);
    },
    /** Returns an HTTPS server with the self-signed certificate in testdata (made for this test only). */
    https(handler: http.RequestListener, host = '127.0.0.1'): Promise<TestServer> {
      const dir = new URL('.', import.meta.url);
      const tls = { key: readFileSync(new URL('self-signed.key', dir)), cert: readFileSync(new URL('self-signed.crt', dir)) };
      return listen(https.createServer(tls, handler), host);
    },
    /** Returns a raw TCP server handing each socket to `onSocket`. */
    tcp(onSocket: (socket: net.Socket) => void, host = '127.0.0.1'): Promise<TestServer> {
      return listen(net.createServer(onSocket), host);
    },
    /** Closes every server still open, dropping their connections. */
    async closeAll(): Promise<void> {
      await Promise.all([...open].map((s) => s.close()));
    },
  };
}

/** Returns true when this machine can listen on `host` (127.0.0.2, ::1 are not everywhere). */
export async function canListen(host: string): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, host, () => server.close(() => resolve(true)));
  });
}
