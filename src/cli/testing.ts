/** Test support: the built CLI as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';

/** The built CLI entry (`npm test` builds first). */
export const MAIN = join(PROJECT_ROOT, 'dist', 'src', 'main.js');

/** Starts `jarida serve --port 0` with the environment; resolves with the child and its URL once it listens. */
export function startServe(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0'], { env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env } });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('serve did not start within 20 s')), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}`));
    });
  });
}

/** What a finished CLI run printed, and its exit status. */
export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs the built CLI with these arguments and only this environment (plus PATH); resolves when it exits.
 * @example const r = await runJarida(['users', 'list'], { DATABASE_URL: url });
 */
export function runJarida(args: string[], env: Record<string, string>, opts: { cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH, ...env }, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A GET on a new connection each time, so that a cluster hands requests to its workers in turn. */
export function freshGet(url: string): Promise<{ status: number; cache: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode!, cache: res.headers['x-cache'] as string | undefined, body }));
    }).on('error', reject).end();
  });
}
