/**
 * `jarida import` fetching the images of what it imported, `jarida media fetch [--retry]` and
 * `jarida media prune`, as a user runs them: the built CLI against a real HTTP server on 127.0.0.1.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleJpeg } from '../media/testdata/images.js';
import { PROJECT_ROOT } from '../paths.js';
import { openStore } from '../store/db.js';
import { createTestDatabase, skipStoreTests, type TestDatabase } from '../store/testing.js';
import { MAIN } from './testing.js';

const skip = await skipStoreTests();
const dir = mkdtempSync(join(tmpdir(), 'jarida-cli-media-'));
let server: Server;
let base: string;
let database: TestDatabase;
let gone = true;

beforeAll(async () => {
  if (!existsSync(MAIN)) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  const [a, later] = [await sampleJpeg(800, 450, 1), await sampleJpeg(800, 450, 2)];
  server = createServer((req, res) => {
    if (req.url === '/a.jpg' || (req.url === '/later.jpg' && !gone)) {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      return res.end(req.url === '/a.jpg' ? a : later);
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  database = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  server?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function jarida(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const env = { PATH: process.env.PATH!, LOG_LEVEL: 'warn', JARIDA_DEMO: 'false', DATABASE_URL: database.url, JARIDA_MEDIA_DIR: join(dir, 'media'), JARIDA_ALLOW_PRIVATE: '127.0.0.1/32' };
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: dir, env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

const files = () => readdirSync(join(dir, 'media'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

describe.skipIf(skip)('jarida media', () => {
  it('imports articles and fetches their images, retries the failed ones, and prunes what no article uses', async () => {
    const line = (guid: string, image: string) => JSON.stringify({ guid, title: `Story ${guid}`, url: `https://news.example/${guid}`, published: '2019-02-14T10:00:00+03:00', content_html: '<p>Body</p>', image_url: image, source: 'Wire' });
    writeFileSync(join(dir, 'a.ndjson'), `${line('one', `${base}/a.jpg`)}\n${line('two', `${base}/later.jpg`)}\n`);
    const imported = await jarida(['import', 'a.ndjson']);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toMatch(/^imported 2, /);
    expect(imported.out).toContain('images: 1 stored, 1 failed\n');
    expect(files()).toHaveLength(6); // 320, 640 and 800 px, WebP and JPEG

    const again = await jarida(['media', 'fetch']);
    expect(again.out).toMatch(/^media: 2 articles with images; 0 images stored, 0 failed, 0 skipped .* into folder .*\nmedia: 1 ready, 1 failed \(retry with --retry\), 0 pending\n$/);
    gone = false;
    const retried = await jarida(['media', 'fetch', '--retry']);
    expect(retried.out).toContain('; 1 images stored, 0 failed');
    expect(retried.out).toContain('media: 2 ready, 0 failed, 0 pending');
    expect(files()).toHaveLength(12);

    // A media folder lost (a store restored without it): --verify finds the images and stores them again.
    for (const f of files().slice(0, 3)) rmSync(f);
    const verified = await jarida(['media', 'fetch', '--verify']);
    expect(verified.code, verified.err).toBe(0);
    expect(verified.out).toMatch(/^media: [12] stored images had files missing; fetched again below\nmedia: 2 articles with images; [12] images stored, 0 failed/);
    expect(files()).toHaveLength(12);

    // One article goes; its image's files are removed once they are older than the grace hour.
    const store = openStore(database.url);
    await store.db.deleteFrom('articles').where('guid', '=', 'two').execute();
    await store.close();
    const old = new Date(Date.now() - 2 * 3600_000);
    for (const f of files()) utimesSync(f, old, old);
    const pruned = await jarida(['media', 'prune']);
    expect(pruned.code, pruned.err).toBe(0);
    const removed = pruned.out.split('\n').filter((l) => l.startsWith('removed '));
    expect(removed).toHaveLength(6);
    expect(pruned.out).toMatch(/media: 1 unused images forgotten, 6 files removed, \d+ bytes freed from folder /);
    expect(files()).toHaveLength(6);
    expect((await jarida(['media', 'prune'])).out).toMatch(/^media: 0 unused images forgotten, 0 files removed, 0 bytes freed/);
  });
});
