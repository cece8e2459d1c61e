/**
 * The media store interface on both stores: the folder, and an S3 bucket served by s3rver (a local
 * S3 server from the npm registry) on 127.0.0.1. Without s3rver the S3 half is skipped with a
 * notice, unless JARIDA_REQUIRE_S3=1 (CI), which makes it fail.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { FolderMediaFiles, MediaStoreError, type MediaFiles } from './files.js';
import { openMediaFiles } from './open.js';
import { S3MediaFiles } from './s3.js';

const A = `${'a1'.repeat(12)}-320.webp`;
const B = `${'b2'.repeat(12)}-640.jpg`;
const C = `${'c3'.repeat(12)}-1280.png`;

const s3rverMissing = await import('s3rver').then(() => null, (err: Error) => err.message);
if (s3rverMissing) {
  if (process.env.JARIDA_REQUIRE_S3 === '1') throw new Error(`s3rver is required (JARIDA_REQUIRE_S3=1): ${s3rverMissing}`);
  console.warn(`SKIPPED S3 media store tests: s3rver not installed (${s3rverMissing})`);
}

/** Starts s3rver in a child process (see testdata/s3rver-child.mjs); resolves with its endpoint. */
async function startS3rver(dir: string): Promise<{ endpoint: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', fileURLToPath(new URL('./testdata/s3rver-child.mjs', import.meta.url)), dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { endpoint: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`, child };
}

function contract(name: string, open: () => MediaFiles) {
  describe(name, () => {
    it('puts, gets, stats, lists and deletes files by name', async () => {
      const files = open();
      expect(await files.get(A)).toBeNull();
      expect(await files.stat(A)).toBeNull();
      expect(await files.delete(A)).toBe(false);
      await files.put(A, Buffer.from('webp bytes'), 'image/webp');
      await files.put(B, Buffer.from('jpeg bytes, longer'), 'image/jpeg');
      await files.put(C, Buffer.from('png'), 'image/png');
      await files.put(C, Buffer.from('png again'), 'image/png'); // the same name again replaces it
      expect((await files.get(A))?.toString()).toBe('webp bytes');
      expect(await files.stat(B)).toMatchObject({ name: B, bytes: 18 });
      expect(Math.abs(Date.now() - (await files.stat(B))!.modifiedAt.getTime())).toBeLessThan(60_000);
      const listed: [string, number][] = [];
      for await (const f of files.list()) listed.push([f.name, f.bytes]);
      expect(listed.sort()).toEqual([[A, 10], [B, 18], [C, 9]]);
      expect(await files.delete(B)).toBe(true);
      expect(await files.get(B)).toBeNull();
      expect(await files.delete(B)).toBe(false);
    });

    it('refuses names that are not media file names (no path reaches the store)', async () => {
      const files = open();
      for (const bad of ['../x.webp', `${A}/../../etc/passwd`, 'a.webp', `${A}.svg`, '']) {
        await expect(files.put(bad, Buffer.from('x'), 'image/webp')).rejects.toBeInstanceOf(MediaStoreError);
        await expect(files.get(bad)).rejects.toBeInstanceOf(MediaStoreError);
      }
    });
  });
}

describe('the folder store', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  contract('FolderMediaFiles', () => {
    const d = mkdtempSync(join(tmpdir(), 'jarida-files-'));
    dirs.push(d);
    return new FolderMediaFiles(d);
  });

  it('shards by the hash and leaves no temporary file behind', async () => {
    const d = mkdtempSync(join(tmpdir(), 'jarida-files-'));
    dirs.push(d);
    await new FolderMediaFiles(d).put(A, Buffer.from('x'), 'image/webp');
    expect(readdirSync(d)).toEqual(['a1']);
    expect(readdirSync(join(d, 'a1'))).toEqual([A]);
  });

  it('is the default, beside the SQLite file', () => {
    const files = openMediaFiles(parseConfig({}, { DATABASE_URL: 'sqlite:/srv/jarida/site.db' }).media);
    expect(files).toBeInstanceOf(FolderMediaFiles);
    expect((files as FolderMediaFiles).dir).toBe('/srv/jarida/media');
  });
});

describe.skipIf(s3rverMissing !== null)('the S3 store (s3rver on 127.0.0.1)', () => {
  let server: ChildProcess | undefined;
  let endpoint: string;
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jarida-s3-'));
    ({ endpoint, child: server } = await startS3rver(dir));
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.stdin!.end();
      await once(server, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const settings = (prefix: string) => ({ endpoint, bucket: 'jarida-media', region: 'us-east-1', prefix, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });

  // Each test under its own prefix, listed two keys per request so the paging is exercised.
  contract('S3MediaFiles', () => new S3MediaFiles(settings(`site-${++n}/`), 2));

  it('is what the config names with media.s3, and says which bucket failed', async () => {
    const config = parseConfig({ media: { s3: { endpoint, bucket: 'jarida-media', prefix: 'cfg/' } } }, { JARIDA_MEDIA_S3_ACCESS_KEY_ID: 'S3RVER', JARIDA_MEDIA_S3_SECRET_ACCESS_KEY: 'S3RVER' });
    const files = openMediaFiles(config.media);
    expect(files).toBeInstanceOf(S3MediaFiles);
    await files.put(A, Buffer.from('x'), 'image/webp');
    expect((await files.get(A))?.toString()).toBe('x');
    const wrong = new S3MediaFiles({ ...settings(''), bucket: 'no-such-bucket' });
    await expect(wrong.put(A, Buffer.from('x'), 'image/webp')).rejects.toThrow(/^media: s3 http:\/\/127\.0\.0\.1:\d+\/no-such-bucket\/: PUT a1a1.*: HTTP 404/);
  });
});
