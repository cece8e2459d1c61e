/**
 * The sources, ingest and inspect commands as an operator runs them, against a real HTTP server on
 * 127.0.0.1 (allowed through JARIDA_ALLOW_PRIVATE, as an operator would).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articlePage, rss } from '../ingest/testdata/feeds.js';
import { MAIN, startServe } from './testing.js';
import { createTestDatabase, skipStoreTests, testStoreKind, type TestDatabase } from '../store/testing.js';

let server: Server;
let base: string;
const pages = new Map<string, [string, string]>();
const skip = await skipStoreTests();
/** The database the commands share (SQLite file or PostgreSQL schema, as the run's store), and the serve test's own. */
let db: string;
const databases: TestDatabase[] = [];
async function tempDb(): Promise<string> {
  const d = await createTestDatabase();
  databases.push(d);
  return d.url;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const page = pages.get((req.url ?? '/').split('?')[0]!);
    res.writeHead(page ? 200 : 404, { 'content-type': page?.[0] ?? 'text/plain' });
    res.end(page?.[1] ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  pages.set('/', ['text/html', `<!doctype html><html><head><title>Coast News</title><link rel="alternate" type="application/rss+xml" title="Coast News" href="/feed.xml"></head><body><p>Home</p></body></html>`]);
  pages.set('/feed.xml', ['text/xml', rss([
    { guid: '1', title: 'Harbour plan approved after years of debate', link: `${base}/story`, date: 'Thu, 14 Feb 2019 10:00:00 GMT', description: 'Short teaser.' },
    { guid: '2', title: 'Sponsored: buy a boat', link: `${base}/ad`, date: 'Thu, 14 Feb 2019 11:00:00 GMT', content: `<p>${'Advert. '.repeat(80)}</p>` },
  ]).replace('<title>Test Feed</title>', '<title>Coast News Feed</title>')]);
  pages.set('/story', ['text/html; charset=utf-8', articlePage('Harbour plan approved after years of debate')]);
  if (!existsSync(MAIN)) throw new Error('run `npm run build` first (npm test does)');
  if (!skip) db = await tempDb();
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  for (const d of databases.splice(0)) await d.drop();
});

/** Stops a child process and waits until it is gone (its database may be dropped next). */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

function jarida(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH, DATABASE_URL: db, JARIDA_ALLOW_PRIVATE: '127.0.0.1/32', LOG_LEVEL: 'warn', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe.skipIf(skip)('jarida sources', () => {
  it('adds a site by its home page (feed discovered), lists, sets rules, ingests once, exports and re-imports', async () => {
    const add = await jarida(['sources', 'add', `${base}/`, '--lang', 'en', '--interval', '15m']);
    expect(add.err).toBe('');
    expect(add.out).toBe(`added source 1: Coast News Feed (feed ${base}/feed.xml, 2 items now)\n`);
    expect((await jarida(['sources', 'add', `${base}/feed.xml`])).err).toMatch(/^jarida: sources add: .*feed\.xml is already source 1 \(Coast News Feed\)\n$/);

    const rules = await jarida(['sources', 'rules', '1', '--block', 'title:/^sponsored/i', '--max-age', '3650d']);
    expect(rules.out).toContain('rules: block title:/^sponsored/i · max age 3650d · republish full');

    const ingest = await jarida(['ingest', '--once']);
    expect(ingest.out).toBe('source 1: 2 items: 1 new, 0 updated, 0 unchanged, 0 duplicates, 1 skipped: blocked by rule\ningest: 1 sources fetched, 0 failed\n');
    expect(ingest.code).toBe(0);
    expect((await jarida(['ingest', '--once'])).out).toBe('ingest: 0 sources fetched, 0 failed\n'); // not due yet

    const list = await jarida(['sources', 'list']);
    expect(list.err).toBe(''); // a failure shows its own words, not only an empty listing
    expect(list.out).toContain('#1 Coast News Feed');
    expect(list.out).toMatch(/items: 1 · last fetch: \S+ \(200\) · next fetch: \S+ · interval: /);
    const json = JSON.parse((await jarida(['sources', 'list', '--json'])).out);
    expect(json[0]).toMatchObject({ id: 1, kind: 'feed', url: `${base}/feed.xml`, items: 1, errorCount: 0, lastError: null });

    const opml = await jarida(['sources', 'export']);
    expect(opml.out).toContain(`<outline type="rss" text="Coast News Feed" title="Coast News Feed" xmlUrl="${base}/feed.xml"`);
    const file = join(mkdtempSync(join(tmpdir(), 'jarida-opml-')), 'feeds.opml');
    writeFileSync(file, opml.out.replace('</body>', `<outline text="Other" xmlUrl="${base}/other.xml"/></body>`));
    expect((await jarida(['sources', 'import', file])).out).toBe(`imported 1 of 2 feeds; skipped 1:\n  ${base}/feed.xml: already a source\n`);
  });

  it('records a failing source and keeps it listed', async () => {
    await jarida(['sources', 'enable', '2']);
    const ingest = await jarida(['ingest', '--once']);
    expect(ingest.out).toMatch(/^source 2: error: fetch: http:\/\/127\.0\.0\.1:\d+\/other\.xml: HTTP 404/m);
    // Cron alerts on the exit status: a failed source is a failed run, named in one line.
    expect(ingest.code).toBe(1);
    expect(ingest.err.split('\n')).toContain('jarida: ingest: 1 of 1 sources failed (2)'); // beside the warning logged, in either order
    const list = await jarida(['sources', 'list']);
    expect(list.out).toMatch(/#2 Other\n[\s\S]*last error \(1 in a row\): fetch: .*404/);
  });

  it('disables, enables and removes sources; the articles go with their source', async () => {
    expect((await jarida(['sources', 'disable', '1'])).out).toBe('source 1 disabled\n');
    expect((await jarida(['sources', 'list'])).out).toContain('#1 Coast News Feed [disabled]');
    expect((await jarida(['sources', 'enable', '1'])).out).toBe('source 1 enabled\n');
    expect((await jarida(['sources', 'remove', '1'])).out).toBe('removed source 1 and its 1 articles\n');
    expect((await jarida(['sources', 'remove', '1'])).err).toBe('jarida: sources remove: there is no source 1\n');
    expect((await jarida(['sources', 'remove', 'x'])).err).toBe("error: command-argument value 'x' is invalid for argument 'id'. must be a source id (a positive whole number).\n");
  });

  it('refuses a private address unless allowed, naming it', async () => {
    const r = await jarida(['sources', 'add', `${base}/feed.xml`], { JARIDA_ALLOW_PRIVATE: '' });
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/^jarida: fetch: .*127\.0\.0\.1.*(private|loopback)/i);
  });

  it('names a bad rule and a bad OPML file in one line', async () => {
    expect((await jarida(['sources', 'rules', '2', '--keep', 'title:/(/'])).err).toMatch(/^jarida: rules: "title:\/\(\/" is not a valid regular expression/);
    const typo = await jarida(['sources', 'rules', '2', '--keep', 'nonsense:foo']);
    expect(typo.code).not.toBe(0);
    expect(typo.err).toBe('jarida: rules: "nonsense:foo": unknown field nonsense; the fields are title, content, url, author, category, any (text with a colon: any:nonsense:foo)\n');
    expect((await jarida(['sources', 'rules', '2', '--keep', 'any:nonsense:foo'])).out).toContain('rules: keep any:nonsense:foo · republish full');
    const file = join(mkdtempSync(join(tmpdir(), 'jarida-opml-')), 'bad.opml');
    writeFileSync(file, '<opml><body><outline');
    expect((await jarida(['sources', 'import', file])).err).toMatch(/^jarida: opml: not well-formed XML/);
  });
});

describe.skipIf(skip)('durations, skip reasons, full-text failures, edit and refresh', () => {
  let own: string;
  beforeAll(async () => {
    own = await tempDb();
    pages.set('/mixed.xml', ['text/xml', rss([
      { guid: 'm1', title: 'Harbour reopens after the storm', link: `${base}/gone-1`, date: 'Thu, 14 Feb 2019 10:00:00 GMT' },
      { guid: 'm2', title: 'Ferry timetable for the winter', link: `${base}/gone-2`, date: 'Tue, 01 Jan 2019 10:00:00 GMT' },
      { guid: 'm3', title: 'Sponsored: a cruise', link: `${base}/gone-3`, date: 'Thu, 14 Feb 2019 11:00:00 GMT' },
    ])]);
  });
  const on = (args: string[], env: Record<string, string> = {}) => jarida(args, { DATABASE_URL: own, JARIDA_NOW: '2019-02-15T12:00:00Z', ...env });

  it('wants a unit on every duration and prints durations in their unit', async () => {
    expect((await on(['sources', 'add', `${base}/mixed.xml`, '--interval', '15'])).err).toBe("error: option '--interval <duration>' argument '15' is invalid. needs a unit: s, m, h or d, e.g. 15m, 12h or 7d.\n");
    expect((await on(['sources', 'add', `${base}/mixed.xml`, '--name', 'Mixed', '--interval', '2h'])).code).toBe(0);
    expect((await on(['sources', 'rules', '1', '--max-age', '3'])).err).toBe("error: option '--max-age <duration>' argument '3' is invalid. needs a unit: s, m, h or d, e.g. 15m, 12h or 7d.\n");
    expect((await on(['sources', 'rules', '1', '--max-age', '12h'])).out).toBe('#1 Mixed\n    rules: max age 12h · republish full\n');
    expect((await on(['sources', 'rules', '1', '--max-age', '45m'])).out).toContain('max age 45m');
    const rules = await on(['sources', 'rules', '1', '--max-age', '7d', '--block', 'title:/^sponsored/i']);
    expect(rules.out).toBe('#1 Mixed\n    rules: block title:/^sponsored/i · max age 7d · republish full\n');
    expect((await on(['sources', 'list'])).out).toContain('interval: 2h');
  });

  it('counts skips by reason, and full-text failures in one line per source (each page only at debug level)', async () => {
    expect((await on(['sources', 'edit', '1', '--full-text'])).out).toBe('source 1: full text\n');
    const r = await on(['ingest', '--once'], { LOG_LEVEL: 'info' });
    expect(r.out).toBe('source 1: 3 items: 1 new, 0 updated, 0 unchanged, 0 duplicates, 2 skipped: 1 blocked by rule, 1 too old; full text failed for 1 (their summaries kept)\ningest: 1 sources fetched, 0 failed\n');
    expect(r.code).toBe(0);
    expect(r.err).not.toContain('full text not fetched');
    expect(r.err.trim().split('\n')).toHaveLength(1); // the one "refresh: done" line
    expect(JSON.parse(r.err)).toMatchObject({ msg: 'refresh: done', fullTextFailures: 1, skipped: 2 });
  });

  it('edits a source: name, language, interval, full text and canonical choice', async () => {
    const edit = await on(['sources', 'edit', '1', '--name', 'Coast Mixed', '--lang', 'tr', '--interval', '45m', '--no-full-text', '--canonical-here']);
    expect(edit.err).toBe('');
    expect(edit.out).toBe('source 1: name Coast Mixed · language tr · interval 45m · no full text · canonical here\n');
    const list = (await on(['sources', 'list'])).out;
    expect(list).toContain('#1 Coast Mixed\n');
    expect(list).toContain(' · tr · canonical here\n');
    expect(list).not.toContain('full text');
    expect(list).toContain('interval: 45m');
    expect((await on(['sources', 'edit', '1', '--no-canonical-here'])).out).toBe('source 1: canonical at the source\n');
    expect((await on(['sources', 'edit', '1'])).err).toMatch(/^jarida: sources edit: nothing to change; give --name/);
    expect((await on(['sources', 'edit', '9', '--name', 'X'])).err).toBe('jarida: sources edit: there is no source 9\n');
  });

  it('renames a manual source under its new name: the old name is free for a source of its own', async () => {
    const add = (source: string, title: string) => on(['article', 'add', '--title', title, '--published', '2019-02-14T10:00:00+03:00', '--source', source]);
    expect((await add('Desk', 'First by hand')).code).toBe(0);
    const desk = JSON.parse((await on(['sources', 'list', '--json'])).out).find((x: { title: string }) => x.title === 'Desk').id;
    expect((await on(['sources', 'edit', String(desk), '--name', 'Newsroom'])).out).toBe(`source ${desk}: name Newsroom\n`);
    expect((await add('Newsroom', 'Second by hand')).code).toBe(0);
    expect((await add('Desk', 'Third by hand')).code).toBe(0);
    const listed = JSON.parse((await on(['sources', 'list', '--json'])).out) as { id: number; title: string; items: number }[];
    expect(listed.find((x) => x.id === desk)).toMatchObject({ title: 'Newsroom', items: 2 });
    expect(listed.find((x) => x.title === 'Desk')).toMatchObject({ items: 1 });
    expect((await on(['sources', 'edit', String(desk), '--name', 'Desk'])).err).toMatch(/^jarida: sources: a manual source named Desk exists already \(source \d+\)\n$/);
  });

  it('refreshes one source now, printing the line ingest prints, and fails when the fetch fails', async () => {
    const feed = pages.get('/mixed.xml')!;
    pages.set('/mixed.xml', [feed[0], feed[1].replace('<item>', `<item><guid>m4</guid><title>Lighthouse lit again</title><link>${base}/gone-4</link><pubDate>Fri, 15 Feb 2019 09:00:00 GMT</pubDate><description>Short.</description></item><item>`)]);
    const r = await on(['sources', 'refresh', '1'], { LOG_LEVEL: 'debug' });
    expect(r.out).toMatch(/^source 1: 4 items: 1 new, [01] updated, [01] unchanged, 0 duplicates, 2 skipped: 1 blocked by rule, 1 too old; full text failed for 1 \(their summaries kept\)\n$/);
    expect(r.err).toContain('full text not fetched'); // each page, at debug level
    pages.delete('/mixed.xml');
    const failed = await on(['sources', 'refresh', '1']);
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/^source 1: error: fetch: .*mixed\.xml: HTTP 404 Not Found\n$/);
    expect(failed.err.split('\n')).toContain('jarida: sources refresh: source 1 failed'); // beside the warning logged, in either order
    expect((await on(['sources', 'refresh', '7'])).err).toBe('jarida: sources refresh: there is no source 7\n');
  });
});

// inspect stores nothing: it runs once, in the sqlite project.
describe.skipIf(skip || testStoreKind() === 'postgres')('jarida inspect', () => {
  it('prints what a feed would store, from a URL and from a file, without storing', async () => {
    const r = await jarida(['inspect', 'feed', `${base}/feed.xml`]);
    expect(r.err).toBe('');
    const out = JSON.parse(r.out);
    expect(out.feed).toMatchObject({ title: 'Coast News Feed', format: 'rss' });
    expect(out.items).toHaveLength(2);
    expect(out.items[0]).toMatchObject({ title: 'Harbour plan approved after years of debate', url: `${base}/story`, publishedAt: '2019-02-14T10:00:00.000Z', summary: 'Short teaser.' });
    const file = join(mkdtempSync(join(tmpdir(), 'jarida-feed-')), 'feed.xml');
    writeFileSync(file, pages.get('/feed.xml')![1]);
    const fromFile = JSON.parse((await jarida(['inspect', 'feed', file])).out);
    expect(fromFile.items.map((i: { title: string }) => i.title)).toEqual(['Harbour plan approved after years of debate', 'Sponsored: buy a boat']);
    const full = JSON.parse((await jarida(['inspect', 'feed', `${base}/feed.xml`, '--full-text'])).out);
    expect(full.items[0].contentHtml).toContain('Paragraph 6 of the story');
  });

  it('prints the article Reader View finds on a page', async () => {
    const r = JSON.parse((await jarida(['inspect', 'page', `${base}/story`])).out);
    expect(r.title).toBe('Harbour plan approved after years of debate');
    expect(r.contentHtml).toContain('Paragraph 1 of the story');
    expect(r.contentHtml).not.toContain('track()');
    expect(r.imageUrl).toBe(`${base}/img/lead.jpg`);
  });

  it('names input that is neither a URL nor a file, and a body that is not a feed', async () => {
    expect((await jarida(['inspect', 'feed', 'no-such-file.xml'])).err).toBe('jarida: inspect: no-such-file.xml is neither an http(s) URL nor a file\n');
    expect((await jarida(['inspect', 'feed', `${base}/story`])).err).toMatch(/^jarida: parse: .*not a feed/i);
  });
});

describe.skipIf(skip)('jarida serve with ingestion in the process', () => {
  it('fetches the sources while serving, and the articles appear on the site', async () => {
    const own = await tempDb();
    expect((await jarida(['sources', 'add', `${base}/feed.xml`], { DATABASE_URL: own })).code).toBe(0);
    const { child, url } = await startServe({ DATABASE_URL: own, JARIDA_ALLOW_PRIVATE: '127.0.0.1/32', JARIDA_INGEST: '1', JARIDA_DEMO: 'false' });
    try {
      let html = '';
      for (let i = 0; i < 100 && !html.includes('Harbour plan approved after years of debate'); i++) {
        html = await (await fetch(`${url}/`)).text();
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(html).toContain('Harbour plan approved after years of debate');
      expect(html).toContain('Coast News Feed');
      expect(html).toMatch(/Total: 2 content/);
    } finally {
      await stop(child);
    }
  });
});
