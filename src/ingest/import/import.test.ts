import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAIN } from '../../cli/testing.js';
import { PROJECT_ROOT } from '../../paths.js';
import { findPublishedTotal } from '../../store/day-counts.js';
import type { Store } from '../../store/db.js';
import { claimDueSources } from '../../store/sources.js';
import { openTestStore, skipStoreTests, testStoreKind } from '../../store/testing.js';
import { ImportError, importFile, type ImportOptions } from './import.js';

const TZ = 'Europe/Istanbul';
const OPTIONS: ImportOptions = { timeZone: TZ, defaultLanguage: 'en' };
const SAMPLE = join(import.meta.dirname, 'testdata', 'wordpress.xml');
const dir = mkdtempSync(join(tmpdir(), 'jarida-import-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let store: Store;
beforeEach(async () => {
  store = await openTestStore();
});
afterEach(() => store.close());

/** Writes the lines (objects as JSON, strings as they are) to a file in the test folder. */
function ndjson(name: string, lines: (object | string)[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

const article = (i: number, extra: object = {}) => ({
  guid: `a-${i}`,
  url: `https://news.example/${i}`,
  title: `Article ${i}`,
  published: new Date(Date.UTC(2019, 1, 10 + (i % 5), 20 + (i % 4))).toISOString(), // some cross midnight in Istanbul
  content_html: `<p>Body of ${i}</p>`,
  ...extra,
});

function articles() {
  return store.db.selectFrom('articles').innerJoin('sources', 'sources.id', 'articles.source_id')
    .select(['guid', 'articles.title', 'articles.url', 'content_html', 'summary', 'author', 'articles.language', 'published_at', 'status', 'categories', 'sources.title as source', 'sources.kind as kind', 'articles.slug'])
    .orderBy('guid').execute();
}

/** The day counts equal a GROUP BY over the published articles, and the total their sum. */
async function expectCountsExact() {
  const truth = await store.db.selectFrom('articles').select(['local_day', store.db.fn.countAll<number>().as('n')])
    .where('status', '=', 'published').groupBy('local_day').execute();
  const kept = await store.db.selectFrom('day_counts').selectAll().where('count', '!=', 0).execute();
  expect(Object.fromEntries(kept.map((r) => [r.local_day, Number(r.count)]))).toEqual(Object.fromEntries(truth.map((r) => [r.local_day, Number(r.n)])));
  expect(await findPublishedTotal(store.db)).toBe(truth.reduce((s, r) => s + Number(r.n), 0));
}

describe.skipIf(await skipStoreTests())('importFile', () => {
  it('imports NDJSON once: a second import stores nothing, a changed line is updated', async () => {
    const lines = Array.from({ length: 1200 }, (_, i) => article(i, i % 3 === 0 ? { status: 'draft' } : {}));
    const path = ndjson('once.ndjson', lines);
    const first = await importFile(store, path, { ...OPTIONS, workers: 1, batchSize: 500 });
    expect(first).toMatchObject({ format: 'ndjson', imported: 1200, updated: 0, unchanged: 0, skipped: 0 });
    const again = await importFile(store, path, { ...OPTIONS, workers: 1 });
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 1200, skipped: 0 });

    lines[7] = article(7, { title: 'Article 7, corrected' });
    lines[10] = article(10, { status: 'draft' });
    const changed = await importFile(store, ndjson('once.ndjson', lines), OPTIONS);
    expect(changed).toMatchObject({ imported: 0, updated: 2, unchanged: 1198 });
    const stored = await articles();
    expect(stored).toHaveLength(1200);
    expect(stored.find((a) => a.guid === 'a-7')).toMatchObject({ title: 'Article 7, corrected', source: 'once', kind: 'manual', language: 'en' });
    expect(await findPublishedTotal(store.db)).toBe(1200 - 400 - 1);
    await expectCountsExact();
    // The import's source is never fetched.
    expect(await claimDueSources(store, new Date(), new Date(Date.now() + 60_000), 10)).toEqual([]);
  });

  it('loses and doubles nothing across store transactions: repeats in the file and in the store, into an empty and a filled store', async () => {
    // Transactions of 3 articles, from batches of 2; both files' articles in one source.
    const small = { ...OPTIONS, source: 'Archive', workers: 1, batchSize: 2, storeBatch: 3 };
    const other = { source: { title: 'Other Agency', url: 'https://other.example/feed' } };
    const first = [
      ...Array.from({ length: 10 }, (_, i) => article(i)),
      article(2), // the same line again, in a later transaction
      article(99, { url: 'https://news.example/5', ...other }), // article 5's URL from another source
      article(4), // again, within the same transaction as the line before
    ];
    expect(await importFile(store, ndjson('empty.ndjson', first), small)).toMatchObject({ imported: 10, updated: 0, unchanged: 2, skipped: 1, reasons: [{ reason: 'same URL as an article of another source', count: 1 }] });
    // Into the filled store: new ones (one twice, in two transactions) and stored ones.
    const second = [article(20), article(3), article(21), article(20), article(8), article(22)];
    expect(await importFile(store, ndjson('filled.ndjson', second), small)).toMatchObject({ imported: 3, updated: 0, unchanged: 3, skipped: 0 });
    const stored = await articles();
    expect(stored.map((a) => a.guid).sort()).toEqual([...Array.from({ length: 10 }, (_, i) => `a-${i}`), 'a-20', 'a-21', 'a-22'].sort());
    expect(new Set(stored.map((a) => a.slug)).size).toBe(stored.length);
    // The same files again: nothing new.
    expect(await importFile(store, ndjson('empty.ndjson', first), small)).toMatchObject({ imported: 0, updated: 0, unchanged: 12, skipped: 1 });
    expect(await importFile(store, ndjson('filled.ndjson', second), { ...OPTIONS, source: 'Archive' })).toMatchObject({ imported: 0, updated: 0, unchanged: 6, skipped: 0 });
    expect(await articles()).toHaveLength(13);
    await expectCountsExact();
  });

  it('detects the language of articles that name none, without --lang; --lang or a named language wins', async () => {
    const demo = JSON.parse(readFileSync(join(PROJECT_ROOT, 'demo', 'articles.json'), 'utf8')) as { articles: { language: string; title: string; body: string }[] };
    const tr = demo.articles.find((a) => a.language === 'tr')!;
    const ar = demo.articles.find((a) => a.language === 'ar')!;
    const lines = [article(1, { title: tr.title, content_html: tr.body }), article(2, { title: ar.title, content_html: ar.body }), article(3, { title: tr.title, content_html: tr.body, language: 'en-GB' })];
    expect(await importFile(store, ndjson('detect.ndjson', lines), { ...OPTIONS, workers: 1 })).toMatchObject({ imported: 3 });
    expect((await articles()).map((a) => a.language)).toEqual(['tr', 'ar', 'en-GB']);
    const store2 = await openTestStore();
    try {
      await importFile(store2, ndjson('detect.ndjson', lines), { ...OPTIONS, language: 'ar' });
      expect((await store2.db.selectFrom('articles').select('language').orderBy('guid').execute()).map((a) => a.language)).toEqual(['ar', 'ar', 'en-GB']);
    } finally {
      await store2.close();
    }
  });

  it('stores what each field says, sanitized, with sources named in the file', async () => {
    const path = ndjson('fields.ndjson', [
      article(1, {
        content_html: '<p onclick="x()">Hi <img src="/a.jpg" onerror="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">x</a></p>',
        summary: '<b>Short</b> &amp; sweet', author: 'Leila', language: 'ar', categories: ['World'], source: { title: 'Wire', site_url: 'https://wire.example/' },
      }),
      article(2, { content_html: undefined, content: '<p>Plain <em>content</em></p>', source: 'Desk' }),
      article(3, { source: 'Desk' }),
    ]);
    expect(await importFile(store, path, { ...OPTIONS, defaultLanguage: 'tr' })).toMatchObject({ imported: 3 });
    const [a1, a2, a3] = await articles();
    expect(a1).toMatchObject({ source: 'Wire', author: 'Leila', language: 'ar', summary: 'Short & sweet', categories: '["World"]', slug: 'article-1' });
    expect(a1!.content_html).toBe('<p>Hi <img src="https://news.example/a.jpg" loading="lazy" /><a>x</a></p>');
    expect(a2).toMatchObject({ source: 'Desk', content_html: '<p>Plain <em>content</em></p>', summary: 'Plain content', language: 'tr' });
    expect(a3!.source).toBe('Desk');
    const sources = await store.db.selectFrom('sources').select(['title', 'kind', 'site_url']).orderBy('id').execute();
    expect(sources).toEqual([
      { title: 'Wire', kind: 'manual', site_url: 'https://wire.example/' },
      { title: 'Desk', kind: 'manual', site_url: null },
    ]);
  });

  it('imports the WordPress sample: posts only, sanitized, with paragraphs, under the site title', async () => {
    const s = await importFile(store, SAMPLE, OPTIONS);
    expect(s).toMatchObject({ format: 'wxr', imported: 3, updated: 0, unchanged: 0, skipped: 5 });
    expect(s.reasons).toEqual([
      { reason: 'not a post (attachment)', count: 1 },
      { reason: 'not a post (page)', count: 1 },
      { reason: 'not published (draft)', count: 1 },
      { reason: 'not published (pending)', count: 1 },
      { reason: 'not a post (nav_menu_item)', count: 1 },
    ].sort((a, b) => b.count - a.count));
    expect(s.examples).toEqual(['item 1: not a post (attachment)', 'item 2: not a post (page)', 'item 4: not published (draft)', 'item 6: not published (pending)', 'item 7: not a post (nav_menu_item)']);

    const [ferry, gallery, lira] = await articles();
    expect(ferry).toMatchObject({
      title: 'Ferry services resume across the Bosphorus', source: 'Islamic Invitation Turkey', kind: 'manual', author: 'Leila Haddad',
      language: 'en-US', published_at: '2019-02-14T07:30:00.000Z', summary: 'Ferries are back after the storm.', categories: '["World","Istanbul"]',
    });
    expect(ferry!.content_html).toContain('<p>The operator said the first boats left Eminönü at 7:00 and<br />\nthat the timetable');
    expect(ferry!.content_html).toContain('<a href="https://www.islamicinvitationturkey.example/2019/02/13/storm-warning/" rel="noopener nofollow ugc">');
    // The malicious post: no script, no handler, no javascript: link, no foreign iframe; the rest kept.
    expect(gallery!.title).toBe('Gallery: the new metro line & its stations');
    const html = gallery!.content_html!;
    expect(html).toContain('<p>The line opens on Friday.</p>');
    expect(html).toContain('<figure><img alt="A station" src="https://www.islamicinvitationturkey.example/wp-content/uploads/2019/02/metro.jpg" loading="lazy" /></figure>');
    expect(html).toContain('<p><a>Click for the map</a> </p>');
    expect(html).not.toMatch(/script|onerror|javascript:|evil|iframe|wp:|class=/i);
    expect(lira).toMatchObject({ guid: 'wp-post-95', published_at: '2019-02-12T13:15:00.000Z' });
    await expectCountsExact();

    // Under another source the same URLs are another source's articles: kept once.
    const other = await importFile(store, SAMPLE, { ...OPTIONS, source: 'Old site', language: 'tr' });
    expect(other).toMatchObject({ imported: 0, unchanged: 0, skipped: 8 });
    expect(other.reasons[0]).toEqual({ reason: 'same URL as an article of another source', count: 3 });
    expect(await importFile(store, SAMPLE, OPTIONS)).toMatchObject({ imported: 0, unchanged: 3, skipped: 5 });
  });

  it('skips bad lines with their reasons and line numbers, and imports the rest', async () => {
    const path = join(dir, 'bad.ndjson');
    const huge = JSON.stringify(article(99, { content_html: `<p>${'x'.repeat(10 * 1024 * 1024)}</p>` }));
    writeFileSync(path, [
      JSON.stringify(article(1)),
      '{"title": "broken", ',
      JSON.stringify(article(2, { title: '' })),
      JSON.stringify(article(3, { published: '14/02/2019' })),
      '',
      JSON.stringify(article(4, { title: 'y'.repeat(1001) })),
      huge,
      JSON.stringify(article(5)),
      JSON.stringify(article(6, { published: undefined })),
    ].join('\n'));
    const s = await importFile(store, path, OPTIONS);
    expect(s).toMatchObject({ imported: 2, skipped: 6 });
    expect(s.examples).toEqual([
      expect.stringMatching(/^line 2: invalid JSON \(.+\)$/),
      'line 3: no title',
      'line 4: published: not an ISO-8601 instant with offset ("14/02/2019")',
      'line 6: title longer than 1000 characters (1001 characters)',
      expect.stringMatching(/^line 7: line over 5 MB \(\d+ bytes\)$/),
      'line 9: no published date',
    ]);
    await expectCountsExact();
  });

  it('fails with one ImportError naming the file for what is not an archive', async () => {
    const cases: [string, string | null, RegExp][] = [
      ['notes.txt', 'hello, world\n', /^import: .*notes\.txt: neither NDJSON \(first character '\{'\) nor XML \(first character '<'\): it starts with "hello, world"$/],
      ['empty.ndjson', '\n \n', /^import: .*empty\.ndjson: empty: no article to import$/],
      ['page.xml', '<!DOCTYPE html><html><body>x</body></html>', /^import: .*page\.xml: not a WordPress export or RSS file \(the root element is <html>\)$/],
      ['missing.ndjson', null, /^import: .*missing\.ndjson: cannot read \(ENOENT\)$/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(dir, name);
      if (content !== null) writeFileSync(path, content);
      const err = await importFile(store, path, OPTIONS).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImportError);
      expect((err as Error).message).toMatch(message);
    }
    expect(await store.db.selectFrom('articles').select(store.db.fn.countAll().as('n')).executeTakeFirst()).toMatchObject({ n: expect.anything() });
  });

  it('reads from a stream (standard input) and detects the format from the content', async () => {
    const input = (async function* () {
      yield Buffer.from('\uFEFF  \n');
      yield Buffer.from(`${JSON.stringify(article(1))}\n${JSON.stringify(article(2))}`);
    })();
    expect(await importFile(store, '-', { ...OPTIONS, input })).toMatchObject({ format: 'ndjson', imported: 2 });
    expect((await articles())[0]!.source).toBe('Imported articles');
  });
});

// Memory stays flat: a 240 MB file goes through a process whose JavaScript heap is capped at 64 MB
// (it would run out of memory if the file, or the articles, were held). A file-backed SQLite store:
// an in-memory one would grow with the data. SQLite only: the same code runs on PostgreSQL, slower.
describe.skipIf(testStoreKind() === 'postgres')('importFile memory', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  }, 120_000);

  it('imports a file four times larger than the heap it is given', async () => {
    const path = join(dir, 'large.ndjson');
    const out = createWriteStream(path);
    const padding = 'p'.repeat(5000); // read, split and parsed like any field, not stored
    const N = 50_000;
    for (let i = 0; i < N; i++) {
      if (!out.write(`{"guid":"g${i}","title":"Short ${i}","published":"2019-02-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z","x":"${padding}"}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    expect(statSync(path).size).toBeGreaterThan(240 * 1024 * 1024);

    const r = spawnSync(process.execPath, ['--max-old-space-size=64', MAIN, 'import', path], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', DATABASE_URL: `sqlite:${join(dir, 'large.db')}`, JARIDA_INGEST_WORKERS: '0' },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^imported 50,000, updated 0, unchanged 0, skipped 0 /);
  }, 300_000);
});

// Two imports naming the same new source at once (two `jarida import` processes: two connection
// pools on one database) create it once, with its articles once.
describe.skipIf(await skipStoreTests())('importFile, twice at once', () => {
  it('creates a source both name once, with each article once (10 rounds)', async () => {
    const { createTestDatabase } = await import('../../store/testing.js');
    const { openMigratedStore } = await import('../../store/db.js');
    const database = await createTestDatabase();
    const [a, b] = [await openMigratedStore(database.url), await openMigratedStore(database.url)];
    try {
      for (let round = 0; round < 10; round++) {
        const source = { title: `Agency ${round}`, url: `https://agency.example/${round}/feed` };
        const path = ndjson(`twice-${round}.ndjson`, [1, 2, 3].map((i) => article(round * 10 + i, { source })));
        await Promise.all([importFile(a, path, OPTIONS), importFile(b, path, OPTIONS)]);
        const sources = await a.db.selectFrom('sources').select('id').where('title', '=', source.title).execute();
        expect(sources, `round ${round}`).toHaveLength(1);
        const stored = await a.db.selectFrom('articles').select('guid').where('source_id', '=', sources[0]!.id).execute();
        expect(stored.map((r) => r.guid).sort(), `round ${round}`).toEqual([1, 2, 3].map((i) => `a-${round * 10 + i}`));
      }
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  }, 60_000);
});
