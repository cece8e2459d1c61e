import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../paths.js';
import { MAIN, startServe } from './testing.js';
import { findArticlesByDay } from '../store/articles.js';
import { findDayCount, findPublishedTotal } from '../store/day-counts.js';
import { searchArticles } from '../store/search.js';
import { openStore } from '../store/db.js';
import { createTestDatabase, skipStoreTests, testStoreKind, type TestDatabase } from '../store/testing.js';


beforeAll(() => {
  // `npm test` builds first; a bare `vitest` run builds here.
  if (!existsSync(MAIN)) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}, 120_000);

function jarida(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'jarida-cwd-')),
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Stops a child process and waits until it is gone (its database may be dropped next). */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

/** Returns the URL of a new empty database (SQLite file or PostgreSQL schema, as the run's store), dropped after the file's tests. */
const databases: TestDatabase[] = [];
async function tempDb(): Promise<string> {
  const d = await createTestDatabase();
  databases.push(d);
  return d.url;
}
afterAll(async () => {
  for (const d of databases.splice(0)) await d.drop();
});

// Help and bad input do not depend on the kind of store: they run once, in the sqlite project.
describe.skipIf(testStoreKind() === 'postgres')('jarida CLI', () => {
  it('prints help for the program and each command', () => {
    const top = jarida(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['serve', 'migrate', 'demo', 'recount', 'article']) expect(top.out).toContain(c);
    const add = jarida(['article', 'add', '--help']);
    expect(add.code).toBe(0);
    for (const o of ['--title', '--published', '--body-file', '--summary', '--source', '--url', '--lang']) expect(add.out).toContain(o);
    expect(jarida(['serve', '--help']).out).toContain('--port');
  });

  const bad: [string, string[], Record<string, string>, RegExp][] = [
    ['a port that is not a number', ['serve', '--port', 'abc'], {}, /--port.*'abc' is invalid/],
    ['a publication time that is not an instant', ['article', 'add', '--title', 'T', '--published', 'yesterday'], {}, /--published.*'yesterday' is invalid/],
    ['a missing title', ['article', 'add', '--published', '2019-02-14T10:00:00Z'], {}, /required option '--title <text>'/],
    ['a URL that is not http(s)', ['article', 'add', '--title', 'T', '--published', '2019-02-14T10:00:00Z', '--url', 'javascript:x'], {}, /--url.*is invalid/],
    ['an unknown option', ['migrate', '--frobnicate'], {}, /unknown option '--frobnicate'/],
    ['an unknown command', ['frobnicate'], {}, /unknown command 'frobnicate'/],
    ['a bad time zone in the environment', ['migrate'], { JARIDA_TIME_ZONE: 'Mars/Olympus' }, /^jarida: config: timeZone: "Mars\/Olympus" is not an IANA time zone/],
    ['a missing config file', ['--config', 'nope.json', 'migrate'], {}, /^jarida: config: file not found: .*nope\.json/],
    ['an unreachable PostgreSQL server (no password shown)', ['migrate'], { DATABASE_URL: 'postgres://jarida:s3cret@127.0.0.1:1/news' }, /^jarida: store: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/news: connection refused$/],
    ['an unreachable PostgreSQL server at serve', ['serve', '--port', '0'], { DATABASE_URL: 'postgres://jarida:s3cret@127.0.0.1:1/news' }, /^jarida: store: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/news: connection refused$/],
    ['a PostgreSQL schema that is not a plain name', ['migrate'], { DATABASE_URL: 'postgres://127.0.0.1:1/news?schema=a;b' }, /^jarida: store: DATABASE_URL \?schema=a;b must be a lower-case PostgreSQL name/],
    ['an unreadable body file', ['article', 'add', '--title', 'T', '--published', '2019-02-14T10:00:00Z', '--body-file', '/nonexistent/x.txt'], {}, /^jarida: article add: cannot read --body-file \/nonexistent\/x\.txt: ENOENT/],
  ];
  for (const [what, args, env, message] of bad) {
    it(`names ${what} in one line and exits non-zero`, async () => {
      const r = jarida(args, { DATABASE_URL: await tempDb(), ...env });
      expect(r.code).not.toBe(0);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err.trim()).toMatch(message);
    });
  }
});

describe.skipIf(await skipStoreTests())('jarida CLI on a store', () => {
  it('adds an article on its day in the site time zone; recount moves it when the zone changes', async () => {
    const db = await tempDb();
    const dir = mkdtempSync(join(tmpdir(), 'jarida-body-'));
    writeFileSync(join(dir, 'body.txt'), 'First paragraph with <b>angle</b> brackets.\n\nSecond paragraph.\n');
    const add = jarida(
      ['article', 'add', '--title', 'Late news', '--published', '2019-02-14T22:30:00Z', '--body-file', join(dir, 'body.txt'), '--source', 'Desk', '--lang', 'en'],
      { DATABASE_URL: db },
    );
    expect(add.err).toBe('');
    expect(add.code).toBe(0);
    expect(add.out).toMatch(/^created article \d+: \/2019\/02\/15\/late-news\/$/m);
    let store = openStore(db);
    expect(await findDayCount(store.db, '2019-02-15')).toBe(1);
    const [a] = await findArticlesByDay(store.db, '2019-02-15', 5);
    expect(a?.contentHtml).toBe('<p>First paragraph with &lt;b&gt;angle&lt;/b&gt; brackets.</p>\n<p>Second paragraph.</p>');
    expect(a?.summary).toBe('First paragraph with <b>angle</b> brackets. Second paragraph.');
    expect(a?.sourceTitle).toBe('Desk');
    await store.close();

    const again = jarida(['article', 'add', '--title', 'Late news', '--published', '2019-02-14T22:30:00Z', '--body-file', join(dir, 'body.txt'), '--source', 'Desk', '--lang', 'en'], { DATABASE_URL: db });
    expect(again.out).toMatch(/^unchanged article/);

    const recount = jarida(['recount'], { DATABASE_URL: db, JARIDA_TIME_ZONE: 'UTC' });
    expect(recount.code).toBe(0);
    expect(recount.out).toContain('recount: 1 articles moved to another day in UTC; 1 published');
    store = openStore(db);
    expect(await findDayCount(store.db, '2019-02-14')).toBe(1);
    expect(await findDayCount(store.db, '2019-02-15')).toBe(0);
    expect(await findPublishedTotal(store.db)).toBe(1);
    await store.close();

    // The search index can be rebuilt from the articles, and finds the article again.
    const reindex = jarida(['reindex'], { DATABASE_URL: db });
    expect(reindex.code).toBe(0);
    expect(reindex.out).toMatch(/^reindex: 1 articles indexed in \d+\.\d s\n$/);
    const compact = jarida(['compact'], { DATABASE_URL: db });
    expect(compact.code).toBe(0);
    expect(compact.out).toMatch(db.startsWith('sqlite') ? /^search index: (already merged|merged in \d+\.\d s \(\d+ steps\))\n$/ : /^search index: vacuumed in \d+\.\d s\n$/);
    store = openStore(db);
    const found = await searchArticles(store.db, { parts: [{ terms: ['angl'], prefix: false }] }, 5, 0);
    expect(found.articles.map((x) => x.title)).toEqual(['Late news']);
    await store.close();
  });

  it('loads the demo once', async () => {
    const db = await tempDb();
    const first = jarida(['demo'], { DATABASE_URL: db });
    expect(first.code).toBe(0);
    const n = Number(/demo: (\d+) articles created/.exec(first.out)?.[1]);
    expect(n).toBeGreaterThanOrEqual(30);
    expect(jarida(['demo'], { DATABASE_URL: db }).out).toContain('demo: 0 articles created');
    const store = openStore(db);
    expect(await findPublishedTotal(store.db)).toBe(n);
    await store.close();
  });

  it('migrate applies the schema once', async () => {
    const db = await tempDb();
    expect(jarida(['migrate'], { DATABASE_URL: db }).out).toBe('applied: 0001_initial, 0002_ingest, 0003_search, 0004_change_log, 0005_source_identity, 0006_categories, 0007_media, 0008_pages, 0009_desk, 0011_fetch_history, 0012_desk_articles, 0013_totp_step, 0014_article_canonical, 0015_websub, 0016_sitemap_lastmod, 0017_search_key, 0018_search_title, 0019_search_terms, 0020_search_source, 0021_search_source_pg, 0022_search_period_pg\n');
    expect(jarida(['migrate'], { DATABASE_URL: db }).out).toBe('up to date\n');
  });

  it('serve starts on an empty database with demo content and serves the home page', async () => {
    const db = await tempDb();
    const { child, url } = await startServe({ DATABASE_URL: db });
    try {
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toMatch(/Total: \d+ content/);
      // The front page: the lead story, a block per demo section, then the other 19 of the latest 20.
      expect(html.match(/class="lead-story/g)?.length).toBe(1);
      expect(html.match(/<section class="block"/g)?.length).toBe(5);
      expect(html.match(/<h1 class="section">Latest news<\/h1>\s*<ul class="articles">(?:(?!<\/ul>)[\s\S])*<\/ul>/)![0].match(/class="card/g)?.length).toBe(19);
      expect((await fetch(`${url}/2019/13/45/`)).status).toBe(404);
    } finally {
      await stop(child);
    }
  });
});
