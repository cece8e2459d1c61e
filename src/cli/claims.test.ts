/**
 * A killed `jarida ingest` and the sources it was fetching: its short lease is renewed while the
 * fetch runs, `sources list` names who holds a source until when, and `sources enable` frees the
 * sources of a process that is gone — against a real, slow HTTP server and real processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rss } from '../ingest/testdata/feeds.js';
import { openMigratedStore, type Store } from '../store/db.js';
import { findSourceById, insertSource } from '../store/sources.js';
import { createTestDatabase, skipStoreTests, type TestDatabase } from '../store/testing.js';
import { MAIN } from './testing.js';

const FEED = rss([{ guid: '1', title: 'Harbour plan approved', link: 'https://news.example/1', date: 'Thu, 14 Feb 2019 10:00:00 GMT' }]);

describe.skipIf(await skipStoreTests())('claims of a killed ingest', () => {
  let server: Server;
  let base: string;
  let database: TestDatabase;
  let store: Store;
  /** Answers held back until the test lets them go. */
  const held: ServerResponse[] = [];
  let arrived: () => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/slow.xml')) {
        held.push(res);
        arrived?.();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(FEED);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    database = await createTestDatabase();
    store = await openMigratedStore(database.url);
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    await store.close();
    await database.drop();
  });

  const env = { PATH: process.env.PATH, LOG_LEVEL: 'warn', DATABASE_URL: '', JARIDA_ALLOW_PRIVATE: '127.0.0.1/32', JARIDA_INGEST_LEASE_SECONDS: '15', JARIDA_INGEST_WORKERS: '0' };
  const jarida = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { env: { ...env, DATABASE_URL: database.url }, encoding: 'utf8', timeout: 30_000 });

  it('renews its lease while fetching; once killed, list names it as gone and enable frees the source', async () => {
    const id = await insertSource(store.db, { kind: 'feed', title: 'Slow', url: `${base}/slow.xml` });
    const waiting = new Promise<void>((r) => (arrived = r));
    const ingest = spawn(process.execPath, [MAIN, 'ingest', '--once'], { env: { ...env, DATABASE_URL: database.url}, stdio: 'ignore' });
    await waiting;
    const first = (await findSourceById(store.db, id))!;
    expect(first.claimedBy).toBe(`${hostname()} pid ${ingest.pid}`);
    // Within one lease of 15 s from the claim; renewed every 5 s while the server holds the answer.
    expect(Date.parse(first.claimedUntil!) - Date.now()).toBeLessThanOrEqual(15_000);
    await new Promise((r) => setTimeout(r, 6_000));
    const renewed = (await findSourceById(store.db, id))!;
    expect(Date.parse(renewed.claimedUntil!)).toBeGreaterThan(Date.now());
    expect(renewed.claimedUntil! > first.claimedUntil!).toBe(true);

    const listed = jarida('sources', 'list');
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toContain(`next fetch: claimed by ${hostname()} pid ${ingest.pid} until `);
    expect(listed.stdout).not.toContain('(no longer running)');

    ingest.kill('SIGKILL');
    await new Promise((r) => ingest.once('exit', r));
    const gone = jarida('sources', 'list');
    expect(gone.stdout).toContain(`claimed by ${hostname()} pid ${ingest.pid} (no longer running) until `);
    const enabled = jarida('sources', 'enable', String(id));
    expect(enabled.stderr).toBe('');
    expect(enabled.stdout).toContain(`released the claim of ${hostname()} pid ${ingest.pid}, which is no longer running`);
    expect((await findSourceById(store.db, id))!).toMatchObject({ claimedBy: null, claimedUntil: null });
    expect(jarida('sources', 'list').stdout).toContain('next fetch: now');
  }, 60_000);

  it('sources refresh fetches under a claim of its own: an ingest round at the same time leaves the source alone', async () => {
    const id = await insertSource(store.db, { kind: 'feed', title: 'Slow 3', url: `${base}/slow.xml?3` });
    await store.db.updateTable('sources').set({ next_fetch_at: null }).execute(); // every source due
    const before = held.length;
    const waiting = new Promise<void>((r) => (arrived = r));
    const refresh = spawn(process.execPath, [MAIN, 'sources', 'refresh', String(id)], { env: { ...env, DATABASE_URL: database.url }, stdio: 'ignore' });
    try {
      await waiting;
      expect((await findSourceById(store.db, id))!.claimedBy).toBe(`${hostname()} pid ${refresh.pid}`);
      const other = jarida('sources', 'refresh', String(id));
      expect(other.status).toBe(1);
      expect(other.stderr).toContain(`source ${id} is being fetched by ${hostname()} pid ${refresh.pid}`);
      // The round fetches the other (fast-answering or held) sources, but not this one a second time.
      const round = spawn(process.execPath, [MAIN, 'ingest', '--once'], { env: { ...env, DATABASE_URL: database.url }, stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 3_000));
      round.kill('SIGKILL');
      expect(held.slice(before).filter((res) => res.req.url === '/slow.xml?3')).toHaveLength(1);
    } finally {
      refresh.kill('SIGKILL');
      await new Promise((r) => refresh.once('exit', r));
    }
  }, 60_000);

  it('a live claim is not freed by enable', async () => {
    const id = await insertSource(store.db, { kind: 'feed', title: 'Slow 2', url: `${base}/slow.xml?2` });
    const waiting = new Promise<void>((r) => (arrived = r));
    const ingest = spawn(process.execPath, [MAIN, 'ingest', '--once'], { env: { ...env, DATABASE_URL: database.url }, stdio: 'ignore' });
    try {
      await waiting;
      const enabled = jarida('sources', 'enable', String(id));
      expect(enabled.stdout).toContain(`source ${id} is being fetched by ${hostname()} pid ${ingest.pid}`);
      expect((await findSourceById(store.db, id))!.claimedBy).toBe(`${hostname()} pid ${ingest.pid}`);
    } finally {
      ingest.kill('SIGKILL');
      await new Promise((r) => ingest.once('exit', r));
    }
  }, 60_000);
});
