/**
 * Ingestion end to end against a real HTTP server on 127.0.0.1: good feeds, full text, conditional
 * GET, redirects, and every kind of bad input — each source fails alone, with a clear error, and the
 * stored articles stay exact.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { createLogger } from '../log.js';
import { describeRefresh } from './refresh-report.js';
import { deleteArticle, findArticleBySlug, findLatestArticles } from '../store/articles.js';
import { findDeskArticle, saveDeskArticle } from '../store/desk-articles.js';
import { findPublishedTotal } from '../store/day-counts.js';
import type { Store } from '../store/db.js';
import { findFetches } from '../store/fetch-history.js';
import { findSourceById, insertSource, updateSource } from '../store/sources.js';
import { openTestStore, skipStoreTests } from '../store/testing.js';
import { parseAllowList } from './fetch/guard.js';
import { createDigester, inlineDigester } from './digest.js';
import type { IngestDeps } from './refresh.js';
import { refreshSource } from './refresh.js';
import { runDueSources } from './schedule.js';
import { articlePage, rss } from './testdata/feeds.js';

const extractFixture = (name: string): string => readFileSync(new URL(`./extract/testdata/${name}`, import.meta.url), 'utf8');

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let base: string;
let store: Store;
let deps: IngestDeps;
let hits: Map<string, number>;
const skip = await skipStoreTests();

const NOW = new Date('2019-02-15T09:00:00Z');
const send = (body: string | Buffer, type = 'application/rss+xml; charset=utf-8', headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(200, { 'content-type': type, ...headers });
  res.end(body);
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const h = routes.get(path);
    if (h) h(req, res);
    else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(async () => {
  routes.clear();
  hits = new Map();
  store = await openTestStore();
  const config = parseConfig({ fetch: { timeoutSeconds: 2, connectTimeoutSeconds: 1, maxMegabytes: 1, allowPrivateAddresses: ['127.0.0.1/32'] } });
  deps = { store, config, allow: parseAllowList(config.ingest.allowPrivateAddresses), log: createLogger('silent'), now: () => NOW, digester: inlineDigester() };
});
afterEach(() => store.close());

async function addFeed(path: string, extra: Parameters<typeof insertSource>[1] extends infer T ? Partial<T> : never = {}) {
  return insertSource(store.db, { kind: 'feed', title: path, url: `${base}${path}`, ...extra });
}

async function exactCounts() {
  const rows = await store.db.selectFrom('articles').select(['local_day']).where('status', '=', 'published').execute();
  const byDay = new Map<string, number>();
  for (const r of rows) byDay.set(r.local_day, (byDay.get(r.local_day) ?? 0) + 1);
  const kept = await store.db.selectFrom('day_counts').selectAll().where('count', '!=', 0).execute();
  expect(Object.fromEntries(kept.map((r) => [r.local_day, Number(r.count)]))).toEqual(Object.fromEntries(byDay));
  expect(await findPublishedTotal(store.db)).toBe(rows.length);
}

const day = (d: number, h = 10) => `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(Date.UTC(2019, 1, d)).getUTCDay()]}, ${String(d).padStart(2, '0')} Feb 2019 ${String(h).padStart(2, '0')}:00:00 GMT`;

describe.skipIf(skip)('refreshing a source', () => {
  it('stores a feed once, updates changed items in place and uses conditional GET', async () => {
    let version = 1;
    routes.set('/feed', (req, res) => {
      if (req.headers['if-none-match'] === `"v${version}"`) {
        res.writeHead(304);
        res.end();
        return;
      }
      send(rss([
        { guid: 'a', title: version === 1 ? 'First' : 'First, corrected', link: `${base}/a?utm_source=rss`, date: day(14), content: '<p>Full body of the first story with enough words to count as content, and then some more words so that it is not a short summary at all. '.repeat(5) + '</p>' },
        { guid: 'b', title: 'Second &amp; last', link: `${base}/b`, date: day(13), content: '<p onclick="evil()">Body <script>alert(1)</script>text</p>'.repeat(30) },
      ]), undefined, { etag: `"v${version}"` })(req, res);
    });
    const id = await addFeed('/feed');
    const first = await refreshSource(deps, (await findSourceById(store.db, id))!);
    expect(first).toMatchObject({ status: 'ok', items: 2, created: 2 });
    const again = await refreshSource(deps, (await findSourceById(store.db, id))!);
    expect(again.status).toBe('not-modified');
    version = 2;
    const changed = await refreshSource(deps, (await findSourceById(store.db, id))!);
    expect(changed).toMatchObject({ status: 'ok', created: 0, updated: 1, unchanged: 1 });
    const articles = await findLatestArticles(store.db, 10);
    expect(articles.map((a) => a.title)).toEqual(['First, corrected', 'Second & last']);
    expect(articles[0]!.url).toBe(`${base}/a`);
    expect(articles[1]!.contentHtml).not.toMatch(/script|onclick/);
    const source = (await findSourceById(store.db, id))!;
    expect(source).toMatchObject({ etag: '"v2"', errorCount: 0, lastError: null, lastStatus: 200 });
    expect(Date.parse(source.nextFetchAt!)).toBeGreaterThan(NOW.getTime());
    await exactCounts();
    // One entry per fetch, newest first, beside the fetch state.
    const history = await findFetches(store.db, id);
    expect(history.map((f) => [f.outcome, f.httpStatus, f.items, f.created, f.updated, f.error])).toEqual([
      ['ok', 200, 2, 0, 1, null],
      ['not-modified', 304, 0, 0, 0, null],
      ['ok', 200, 2, 2, 0, null],
    ]);
    expect(history.every((f) => f.at === NOW.toISOString() && f.durationMs >= 0)).toBe(true);
  });

  it('keeps an editor\'s change when the feed changes the item again, and still takes its new items', async () => {
    const body = (text: string) => `<p>${`${text} `.repeat(200)}</p>`; // long enough: no article page is fetched
    let version = 1;
    routes.set('/feed', (req, res) => send(rss([
      ...(version === 2 ? [{ guid: 'b', title: 'Second story', link: `${base}/b`, date: day(14, 12), content: body('Second') }] : []),
      { guid: 'a', title: version === 1 ? 'Wire title' : 'Wire title, updated', link: `${base}/a`, date: day(14), content: body(version === 1 ? 'Wire body' : 'Wire body updated'), category: 'World' },
    ]))(req, res));
    const id = await addFeed('/feed');
    expect(await refreshSource(deps, (await findSourceById(store.db, id))!)).toMatchObject({ status: 'ok', created: 1 });
    const [a] = await findLatestArticles(store.db, 1);
    await saveDeskArticle(store.db, { id: a!.id, title: 'Edited title', contentHtml: '<p>Edited body</p>', bodySource: 'Edited body', publishedAt: new Date(a!.publishedAt), status: 'published' },
      { userId: 1, email: 'ed@example.com' }, deps.config.site.timeZone, NOW);
    version = 2;
    const again = await refreshSource(deps, (await findSourceById(store.db, id))!);
    expect(again).toMatchObject({ status: 'ok', items: 2, created: 1, updated: 0, unchanged: 1 });
    expect(describeRefresh(again)).toBe(`source ${id}: 2 items: 1 new, 0 updated, 1 unchanged, 0 duplicates, 0 skipped`);
    expect(await findDeskArticle(store.db, a!.id)).toMatchObject({ title: 'Edited title', contentHtml: '<p>Edited body</p>', editedAt: NOW.toISOString(), categories: ['World'] });
    expect((await findLatestArticles(store.db, 5)).map((x) => x.title)).toEqual(['Second story', 'Edited title']);
    await exactCounts();
  });

  it('does not bring back an article an editor deleted, by its guid or its address, and still takes new items', async () => {
    const body = (text: string) => `<p>${`${text} `.repeat(200)}</p>`;
    let round = 1;
    routes.set('/feed', (req, res) => send(rss([
      ...(round === 2 ? [{ guid: 'c', title: 'Third', link: `${base}/c`, date: day(14, 12), content: body('Third') }] : []),
      { guid: 'a', title: 'First', link: `${base}/a`, date: day(14), content: body('First') },
      // The feed changes this item's guid on the next round: its address still names it.
      { guid: round === 1 ? 'b' : 'b-renamed', title: 'Second', link: `${base}/b?utm_source=rss`, date: day(13), content: body('Second') },
    ]))(req, res));
    const id = await addFeed('/feed');
    expect(await refreshSource(deps, (await findSourceById(store.db, id))!)).toMatchObject({ status: 'ok', created: 2 });
    for (const a of await findLatestArticles(store.db, 5)) expect(await deleteArticle(store.db, a.id)).toBe(true);
    round = 2;
    const again = await refreshSource(deps, (await findSourceById(store.db, id))!);
    expect(again).toMatchObject({ status: 'ok', items: 3, created: 1, updated: 0, unchanged: 0 });
    expect(describeRefresh(again)).toBe(`source ${id}: 3 items: 1 new, 0 updated, 0 unchanged, 0 duplicates, 2 skipped: deleted by an editor`);
    expect((await findLatestArticles(store.db, 5)).map((x) => x.title)).toEqual(['Third']);
    await exactCounts();
  });

  it('fetches the article page for items with only a short summary', async () => {
    routes.set('/feed', send(rss([{ guid: 'x', title: 'Harbour plan', link: `${base}/story`, date: day(14), description: 'Short teaser.' }])));
    routes.set('/story', send(articlePage('Harbour plan'), 'text/html; charset=utf-8'));
    const id = await addFeed('/feed');
    expect(await refreshSource(deps, (await findSourceById(store.db, id))!)).toMatchObject({ status: 'ok', created: 1 });
    const [a] = await findLatestArticles(store.db, 1);
    expect(a!.contentHtml).toContain('Paragraph 6 of the story');
    expect(a!.contentHtml).not.toContain('track()');
    expect(a!.contentHtml).not.toContain('Sports');
    expect(a!.imageUrl).toBe(`${base}/img/lead.jpg`);
    expect(a!.summary).toBe('Short teaser.');
    // Stored items are not fetched again.
    await refreshSource(deps, (await findSourceById(store.db, id))!);
    expect(hits.get('/story')).toBe(1);
  });

  it('takes the article page when it says more than the feed, however short', async () => {
    routes.set('/feed', send(rss([{ guid: 'x', title: 'Ferry service suspended', link: `${base}/brief`, date: day(14), description: 'Ferries: see page.' }])));
    routes.set('/brief', send(extractFixture('short-brief.html'), 'text/html; charset=utf-8')); // 86 characters of text
    const id = await addFeed('/feed');
    expect(await refreshSource(deps, (await findSourceById(store.db, id))!)).toMatchObject({ status: 'ok', created: 1 });
    const [a] = await findLatestArticles(store.db, 1);
    expect(a!.contentHtml).toContain('all ferries stay in port until Friday morning');
    expect(a!.summary).toBe('Ferries: see page.');
  });

  it('keeps the feed\'s text when the article page says less: a longer summary, or a full-text source\'s content', async () => {
    const summary = 'The city council approved the new harbour plan on Tuesday evening after a debate that lasted well past midnight. ' +
      'The plan moves the ferry terminal to the north quay, adds a cycle path along the water and keeps the fish market where it is. ' +
      'Work starts next spring.'; // 263 characters: short enough to ask for the page, longer than its 220
    const content = `<p>${'Full story from the feed, paragraph after paragraph, with every detail the reporter gathered at the meeting. '.repeat(10)}</p>`;
    routes.set('/feed', send(rss([
      { guid: 's', title: 'Harbour plan', link: `${base}/one-paragraph`, date: day(14), description: summary },
      { guid: 'c', title: 'Harbour plan, in full', link: `${base}/two-paragraphs`, date: day(14), content },
    ])));
    routes.set('/one-paragraph', send(articlePage('Harbour plan', 1), 'text/html; charset=utf-8')); // about 220 characters
    routes.set('/two-paragraphs', send(articlePage('Harbour plan, in full', 2), 'text/html; charset=utf-8'));
    const id = await addFeed('/feed', { fullText: true });
    expect(await refreshSource(deps, (await findSourceById(store.db, id))!)).toMatchObject({ status: 'ok', created: 2 });
    const stored = new Map((await findLatestArticles(store.db, 5)).map((a) => [a.title, a]));
    expect(hits.get('/one-paragraph')).toBe(1);
    expect(hits.get('/two-paragraphs')).toBe(1);
    expect(stored.get('Harbour plan')).toMatchObject({ contentHtml: null, summary });
    expect(stored.get('Harbour plan, in full')!.contentHtml).toBe(content);
  });

  it('files a full-text article under the page\'s own section and tags when its feed names none', async () => {
    const withWords = (title: string) => articlePage(title).replace('</head>', '<meta property="article:section" content="Local"><meta property="article:tag" content="Harbour"></head>');
    routes.set('/feed', send(rss([
      { guid: 'n', title: 'Harbour plan', link: `${base}/plain`, date: day(14), description: 'Teaser.' },
      { guid: 'f', title: 'Harbour vote', link: `${base}/filed`, date: day(14), description: 'Teaser.', category: 'Politics' },
    ])));
    routes.set('/plain', send(withWords('Harbour plan'), 'text/html; charset=utf-8'));
    routes.set('/filed', send(withWords('Harbour vote'), 'text/html; charset=utf-8'));
    const id = await addFeed('/feed', { fullText: true });
    expect(await refreshSource(deps, (await findSourceById(store.db, id))!)).toMatchObject({ status: 'ok', created: 2 });
    const stored = new Map((await findLatestArticles(store.db, 5)).map((a) => [a.title, a]));
    expect(stored.get('Harbour plan')!.categories).toEqual(['Local', 'Harbour']);
    expect(stored.get('Harbour vote')!.categories).toEqual(['Politics']); // the feed's own words win
  });

  it('keeps the feed\'s text when the article page holds no article: a list of links, an empty page', async () => {
    routes.set('/feed', send(rss([
      { guid: 'l', title: 'Local news', link: `${base}/section`, date: day(14), description: 'Short teaser.' },
      { guid: 'e', title: 'Empty', link: `${base}/empty`, date: day(14), description: 'Another teaser.' },
    ])));
    routes.set('/section', send(extractFixture('link-list.html'), 'text/html; charset=utf-8')); // 490 of its 498 characters are links
    routes.set('/empty', send('<!doctype html><html><head><title>Empty</title></head><body></body></html>', 'text/html'));
    const id = await addFeed('/feed');
    expect(await refreshSource(deps, (await findSourceById(store.db, id))!)).toMatchObject({ status: 'ok', created: 2, fullTextFailures: 0 });
    const stored = new Map((await findLatestArticles(store.db, 5)).map((a) => [a.title, a]));
    expect([hits.get('/section'), hits.get('/empty')]).toEqual([1, 1]);
    expect(stored.get('Local news')).toMatchObject({ contentHtml: null, summary: 'Short teaser.' });
    expect(stored.get('Empty')).toMatchObject({ contentHtml: null, summary: 'Another teaser.' });
  });

  it('follows a permanent redirect and moves the source to the new URL', async () => {
    routes.set('/old', (_req, res) => {
      res.writeHead(301, { location: '/new' });
      res.end();
    });
    routes.set('/new', send(rss([{ guid: 'a', title: 'A', link: `${base}/a`, date: day(14), content: '<p>x</p>' }])));
    const id = await addFeed('/old');
    await refreshSource(deps, (await findSourceById(store.db, id))!);
    expect((await findSourceById(store.db, id))!.url).toBe(`${base}/new`);
  });

  it('keeps and blocks items by the source rules', async () => {
    routes.set('/feed', send(rss([
      { guid: '1', title: 'Sponsored: buy now', link: `${base}/1`, date: day(14), category: 'World' },
      { guid: '2', title: 'Election results', link: `${base}/2`, date: day(14), category: 'World' },
      { guid: '3', title: 'Match report', link: `${base}/3`, date: day(14), category: 'Sports' },
      { guid: '4', title: 'Old news', link: `${base}/4`, date: 'Mon, 01 Jan 2018 10:00:00 GMT', category: 'World' },
    ])));
    const id = await addFeed('/feed');
    await updateSource(store.db, id, { rules: { keep: [{ field: 'category', pattern: 'world', regex: false }], block: [{ field: 'title', pattern: '^sponsored', regex: true, flags: 'i' }], maxAgeDays: 30, republish: 'summary' } });
    const r = await refreshSource(deps, (await findSourceById(store.db, id))!);
    expect(r.created).toBe(1);
    expect(r.skipped.map((s) => s.reason).sort()).toEqual(['blocked by rule: title:/^sponsored/i', 'no keep rule matched', 'too old: over 30d']);
    const [a] = await findLatestArticles(store.db, 5);
    expect(a!.title).toBe('Election results');
    expect(a!.contentHtml).toBe('<p>Summary of Election results</p>');
    expect(hits.get('/2')).toBeUndefined(); // republishing summaries never fetches pages
  });

  it('dedupes across feeds, inside a feed, and a feed that changes every guid', async () => {
    let round = 0;
    routes.set('/one', send(rss([
      { guid: 'a', title: 'Shared story', link: `${base}/shared?utm_campaign=x`, date: day(14), content: '<p>one</p>' },
      { guid: 'a', title: 'Shared story again', link: `${base}/shared`, date: day(14), content: '<p>dup</p>' },
    ])));
    routes.set('/two', send(rss([{ guid: 'zz', title: 'Shared story', link: `${base}/shared?fbclid=1`, date: day(14), content: '<p>two</p>' }])));
    routes.set('/rotating', (req, res) => {
      round++;
      send(rss([{ guid: `g-${round}`, title: 'Rotating', link: `${base}/rot`, date: day(13), content: '<p>r</p>' }]))(req, res);
    });
    for (const p of ['/one', '/two', '/rotating']) await addFeed(p);
    await runDueSources(deps);
    for (const s of await store.db.selectFrom('sources').select('id').execute()) await updateSource(store.db, Number(s.id), { dueNow: true });
    await runDueSources(deps);
    expect(round).toBe(2);
    // Sources are refreshed concurrently: whichever feed carried the shared story first owns it.
    const all = await store.db.selectFrom('articles').select(['title', 'guid']).orderBy('title').execute();
    expect(all.map((a) => a.title)).toEqual(['Rotating', 'Shared story']);
    expect(all[0]!.guid).toBe('g-1');
    expect(['a', 'zz']).toContain(all[1]!.guid);
    await exactCounts();
  });

  it('puts items without a date at the first fetch time, and future dates too', async () => {
    routes.set('/feed', send(rss([
      { guid: 'nodate', title: 'No date', link: `${base}/n`, content: '<p>x</p>' },
      { guid: 'bad', title: 'Bad date', link: `${base}/b`, date: 'yesterday-ish', content: '<p>x</p>' },
      { guid: 'future', title: 'Future', link: `${base}/f`, date: 'Sun, 01 Jan 2040 10:00:00 GMT', content: '<p>x</p>' },
    ])));
    const id = await addFeed('/feed');
    await refreshSource(deps, (await findSourceById(store.db, id))!);
    const a = await findLatestArticles(store.db, 5);
    expect(a.map((x) => x.publishedAt)).toEqual(Array(3).fill(NOW.toISOString()));
    deps = { ...deps, now: () => new Date('2019-02-16T09:00:00Z') };
    await updateSource(store.db, id, { dueNow: true });
    expect(await refreshSource(deps, (await findSourceById(store.db, id))!)).toMatchObject({ unchanged: 3 });
    await exactCounts();
  });

  it('digests on a worker thread the same as inline, errors included', async () => {
    const workers = createDigester(1);
    try {
      routes.set('/feed', send(rss([{ guid: 'a', title: 'Worker &amp; thread', link: `${base}/a`, date: day(14), content: '<p onclick="x()">Body</p>' }])));
      routes.set('/html', send('<!doctype html><html><body><p>Home</p></body></html>', 'text/html'));
      const ok = await addFeed('/feed');
      const bad = await addFeed('/html');
      const viaWorker = { ...deps, digester: workers };
      expect(await refreshSource(viaWorker, (await findSourceById(store.db, ok))!)).toMatchObject({ status: 'ok', created: 1 });
      const failed = await refreshSource(viaWorker, (await findSourceById(store.db, bad))!);
      expect(failed.error).toMatch(/^parse: .*not a feed/i);
      const [a] = await findLatestArticles(store.db, 1);
      expect(a).toMatchObject({ title: 'Worker & thread', contentHtml: '<p>Body</p>' });
    } finally {
      await workers.close();
    }
  });

  it('takes in a feed of 10,000 items', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ guid: `i${i}`, title: `Item ${i}`, link: `${base}/i/${i}`, date: day(1 + (i % 14), i % 24), content: `<p>Body ${i}</p>` }));
    routes.set('/big', send(rss(items)));
    const id = await addFeed('/big', { rules: { keep: [], block: [], maxAgeDays: null, republish: 'summary' } });
    const roomy = parseConfig({ fetch: { maxMegabytes: 20, allowPrivateAddresses: ['127.0.0.1/32'] } });
    const r = await refreshSource({ ...deps, config: roomy }, (await findSourceById(store.db, id))!);
    expect(r).toMatchObject({ status: 'ok', items: 10_000, created: 10_000 });
    await exactCounts();
  }, 60_000);
});

describe.skipIf(skip)('bad input: each source fails alone, with a clear error', () => {
  const cases: [string, Handler, RegExp][] = [
    ['/malformed', send('<?xml version="1.0"?><rss'), /parse/i],
    ['/bad-json', send('{"version": "https://jsonfeed.org/version/1.1", "items": [', 'application/feed+json'), /parse.*JSON/i],
    ['/html', send('<!doctype html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>', 'text/html'), /not a feed/i],
    ['/empty', send(''), /empty/i],
    ['/huge', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < 100 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => {});
      pump();
    }, /over 1 MB|too large|limit/i],
    ['/bomb', send(gzipSync(Buffer.alloc(50 * 1024 * 1024)), 'application/rss+xml', { 'content-encoding': 'gzip' }), /over 1 MB|too large|limit/i],
    ['/loop', (_req, res) => {
      res.writeHead(302, { location: '/loop2' });
      res.end();
    }, /redirect/i],
    ['/drip', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const t = setInterval(() => res.write('<'), 1000);
      res.on('close', () => clearInterval(t));
    }, /no complete response within 2 s/],
    ['/missing', (_req, res) => {
      res.writeHead(404);
      res.end();
    }, /404/],
    ['/broken', (_req, res) => {
      res.writeHead(500);
      res.end('oops');
    }, /500/],
  ];

  it('records each failure on its source, keeps good sources going, stores nothing twice', async () => {
    routes.set('/loop2', (_req, res) => {
      res.writeHead(302, { location: '/loop' });
      res.end();
    });
    routes.set('/good', send(rss([{ guid: 'g', title: 'Good', link: `${base}/g`, date: day(14), content: '<p>fine</p>' }])));
    // Broken but readable (an unescaped &, an unclosed tag): a sane result, as feed readers do.
    routes.set('/sloppy', send('<rss version="2.0"><channel><title>T</title><item><title>Fish & chips</title><link>http://127.0.0.1/fc</link><description>ok</description></item><item><title>Unclosed</item></channel>'));
    const sloppy = await addFeed('/sloppy');
    const ids = new Map<string, number>();
    for (const [path, handler] of cases) {
      routes.set(path, handler);
      ids.set(path, await addFeed(path));
    }
    const good = await addFeed('/good');
    const tls = await insertSource(store.db, { kind: 'feed', title: 'tls', url: `${base.replace('http:', 'https:')}/good` });
    const started = Date.now();
    const results = await runDueSources(deps);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(results).toHaveLength(cases.length + 3);
    expect(results.find((r) => r.sourceId === good)).toMatchObject({ status: 'ok', created: 1 });
    expect(results.find((r) => r.sourceId === sloppy)).toMatchObject({ status: 'ok', created: 2 });
    for (const [path, , message] of cases) {
      const s = (await findSourceById(store.db, ids.get(path)!))!;
      expect(s.lastError, path).toMatch(message);
      expect(s.errorCount, path).toBe(1);
      expect(Date.parse(s.nextFetchAt!), path).toBeGreaterThan(NOW.getTime());
    }
    expect((await findSourceById(store.db, tls))!.lastError).toMatch(/TLS|SSL|tls|ssl|handshake/);
    // Each failure is in its source's error log, with its error line and HTTP status.
    const missing = await findFetches(store.db, ids.get('/missing')!, { failedOnly: true });
    expect(missing).toMatchObject([{ outcome: 'error', httpStatus: 404, items: 0 }]);
    expect(missing[0]!.error).toBe((await findSourceById(store.db, ids.get('/missing')!))!.lastError);
    expect(await findFetches(store.db, good, { failedOnly: true })).toEqual([]);
    expect(await findPublishedTotal(store.db)).toBe(3);
    await exactCounts();
    // A second round: nothing is due yet (backoff), the good source's article is still stored once.
    expect(await runDueSources(deps)).toEqual([]);
    expect((await findArticleBySlug(store.db, 'good'))?.title).toBe('Good');
  }, 60_000);

  it('refuses private addresses unless the operator allows them', async () => {
    routes.set('/good', send(rss([{ guid: 'g', title: 'Good', link: `${base}/g`, date: day(14) }])));
    const id = await addFeed('/good');
    const strict = { ...deps, allow: parseAllowList([]) };
    const r = await refreshSource(strict, (await findSourceById(store.db, id))!);
    expect(r.status).toBe('error');
    expect(r.error).toMatch(/private|loopback|127\.0\.0\.1/i);
    expect(hits.get('/good')).toBeUndefined();
  });

  it('honours Retry-After on 429 and 503', async () => {
    routes.set('/busy', (_req, res) => {
      res.writeHead(503, { 'retry-after': '7200' });
      res.end();
    });
    const id = await addFeed('/busy');
    await refreshSource(deps, (await findSourceById(store.db, id))!);
    const s = (await findSourceById(store.db, id))!;
    expect(Date.parse(s.nextFetchAt!) - NOW.getTime()).toBeGreaterThanOrEqual(7200_000);
    expect(s.lastStatus).toBe(503);
  });
});
