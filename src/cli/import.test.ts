import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { findPublishedTotal } from '../store/day-counts.js';
import { openStore } from '../store/db.js';
import { createTestDatabase, skipStoreTests, type TestDatabase } from '../store/testing.js';
import { MAIN } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'jarida-cli-import-'));
const SAMPLE = join(PROJECT_ROOT, 'src', 'ingest', 'import', 'testdata', 'wordpress.xml');
const databases: TestDatabase[] = [];

beforeAll(() => {
  // `npm test` builds first; a bare `vitest` run builds here.
  if (!existsSync(MAIN)) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}, 120_000);
afterAll(async () => {
  for (const d of databases.splice(0)) await d.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function tempDb(): Promise<string> {
  const d = await createTestDatabase();
  databases.push(d);
  return d.url;
}

function jarida(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', JARIDA_DEMO: 'false', ...env },
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const line = (i: number, extra: object = {}) =>
  JSON.stringify({ guid: `g${i}`, title: `Story ${i}`, published: `2019-02-1${i % 5}T10:00:00Z`, content_html: `<p>Text ${i}</p>`, ...extra });

describe.skipIf(await skipStoreTests())('jarida import', () => {
  it('imports an NDJSON file, prints the summary, and stores nothing twice', async () => {
    const env = { DATABASE_URL: await tempDb() };
    const file = join(dir, 'archive.ndjson');
    writeFileSync(file, [...Array.from({ length: 30 }, (_, i) => line(i)), '{not json', line(99, { published: 'soon' })].join('\n'));
    const first = jarida(['import', file], env);
    expect(first.err).toBe(''); // no progress bar when stderr is not a terminal
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^imported 30, updated 0, unchanged 0, skipped 2 from .*archive\.ndjson \(NDJSON, 0\.0 MB\) in \d+\.\d s \([\d,]+ articles\/s\)\n/);
    expect(first.out).toContain('skipped:\n  1 invalid JSON\n  1 published: not an ISO-8601 instant with offset\n');
    expect(first.out).toMatch(/first 2 skips:\n {2}line 31: invalid JSON \(.+\)\n {2}line 32: published: not an ISO-8601 instant with offset \("soon"\)\nsearch index: (already merged|merged in \d+\.\d s \(\d+ steps\)|vacuumed in \d+\.\d s)\n$/); // an import ends merging the index

    const again = jarida(['import', file], env);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^imported 0, updated 0, unchanged 30, skipped 2 /);
    const store = openStore(env.DATABASE_URL);
    try {
      expect(await findPublishedTotal(store.db)).toBe(30);
      const sources = await store.db.selectFrom('sources').select(['title', 'kind']).execute();
      expect(sources).toEqual([{ title: 'archive', kind: 'manual' }]);
    } finally {
      await store.close();
    }
  });

  it('imports a WordPress export and standard input', async () => {
    const env = { DATABASE_URL: await tempDb() };
    const wxr = jarida(['import', SAMPLE, '--lang', 'tr'], env);
    expect(wxr.code).toBe(0);
    expect(wxr.out).toMatch(/^imported 3, updated 0, unchanged 0, skipped 5 from .*wordpress\.xml \(WordPress\/RSS/);
    expect(wxr.out).toContain('  item 4: not published (draft)\n');
    const stdin = jarida(['import', '-', '--source', 'Wire'], env, `${line(1)}\n${line(2)}\n`);
    expect(stdin.code).toBe(0);
    expect(stdin.out).toMatch(/^imported 2, .* from standard input \(NDJSON/);
  });

  const bad: [string, string | null, RegExp][] = [
    ['a file that is neither NDJSON nor XML', 'title,published\nx,y\n', /^jarida: import: .*bad-0: neither NDJSON \(first character '\{'\) nor XML \(first character '<'\): it starts with "title,published\?x,y"$/],
    ['a missing file', null, /^jarida: import: .*bad-1: cannot read \(ENOENT\)$/],
    ['XML that is not a WordPress export or RSS', '<?xml version="1.0"?>\n<opml version="2.0"><body/></opml>', /^jarida: import: .*bad-2: not a WordPress export or RSS file \(the root element is <opml>\)$/],
  ];
  bad.forEach(([what, content, message], i) => {
    it(`names ${what} in one line and exits 2`, async () => {
      const file = join(dir, `bad-${i}`);
      if (content !== null) writeFileSync(file, content);
      const r = jarida(['import', file], { DATABASE_URL: await tempDb() });
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err.trim()).toMatch(message);
    });
  });
});
