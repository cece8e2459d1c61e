/**
 * The desk's source pages as an editor uses them, against a local feed server on 127.0.0.1 (allowed
 * in the config, as an operator would): preview → add → Refresh now, edit, pause, rules, mapping,
 * the fetch history and error log, a refresh refused while another process holds the source, remove.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { rss } from '../../ingest/testdata/feeds.js';
import { findAuditEntries } from '../../store/audit.js';
import { addSection, findSourceMapping } from '../../store/categories.js';
import type { Store } from '../../store/db.js';
import { findFetches } from '../../store/fetch-history.js';
import { claimSource, findSourceById, findSources } from '../../store/sources.js';
import { openTestStore, skipStoreTests } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { addTestUser, DeskClient, loggedIn, TEST_PASSWORD } from './testing.js';

const skip = await skipStoreTests();
const clock = new Date('2019-02-15T12:00:00Z');
const feeds = new Map<string, [number, string, string]>();
let server: Server;
let base: string;
let store: Store;
let app: FastifyInstance;
let editor: DeskClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const page = feeds.get((req.url ?? '/').split('?')[0]!);
    res.writeHead(page?.[0] ?? 404, { 'content-type': page?.[1] ?? 'text/plain' });
    res.end(page?.[2] ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  feeds.set('/', [200, 'text/html', '<!doctype html><html><head><title>Coast</title><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Home</body></html>']);
  feeds.set('/feed.xml', [200, 'application/rss+xml', rss([
    { guid: '1', title: 'Harbour plan approved', link: `${base}/one`, date: 'Thu, 14 Feb 2019 10:00:00 GMT', category: 'Dünya', description: 'The council said yes.' },
    { guid: '2', title: 'Sponsored: buy a boat', link: `${base}/two`, date: 'Thu, 14 Feb 2019 11:00:00 GMT', category: 'Ads' },
  ]).replace('<title>Test Feed</title>', '<title>Coast Feed</title>')]);
  const config = parseConfig({ siteName: 'Desk Test', databaseUrl: 'sqlite::memory:', demo: false, fetch: { allowPrivateAddresses: ['127.0.0.1/32'], timeoutSeconds: 5 } }, {});
  if (skip) return;
  store = await openTestStore();
  app = await buildApp({ store, config, now: () => clock });
  editor = await loggedIn(app, store, 'editor@news.example', 'editor', clock);
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await app?.close();
  await store?.close();
});

const audited = async (action: string) => (await findAuditEntries(store.db, { action }, 100)).entries;
const form = (more: Record<string, string> = {}) => ({ url: '', name: '', lang: '', interval: '', ...more });

describe.skipIf(skip)('the desk: sources', () => {
  let id: number;

  it('previews a site (its feed found), stores nothing, names a bad field; then adds the source as previewed', async () => {
    expect((await editor.get('/admin/sources')).body).toContain('No sources yet');
    expect((await editor.get('/admin/sources/new')).statusCode).toBe(200);
    const preview = await editor.post('/admin/sources/preview', form({ url: `${base}/` }));
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain(`feed at <code>${base}/feed.xml</code>`);
    expect(preview.body).toContain('<td>Harbour plan approved</td>');
    expect(preview.body).toContain('<time>2019-02-14T10:00:00.000Z</time>');
    expect(preview.body).toContain(`<a href="${base}/one" rel="noopener noreferrer">${base}/one</a>`);
    expect(preview.body).toContain('The council said yes.');
    expect(preview.body).toContain('<td>Dünya</td>');
    expect(preview.body).toContain('formaction="/admin/sources"');
    expect(await findSources(store.db)).toEqual([]);

    for (const [fields, message] of [
      [{ url: 'ftp://files.example/feed' }, 'sources add: ftp://files.example/feed is not an http(s) URL'],
      [{ url: `${base}/`, interval: '15' }, 'interval: &#34;15&#34; needs a unit: s, m, h or d, e.g. 15m, 12h or 7d.'],
      [{ url: `${base}/`, lang: 'English' }, 'language: &#34;English&#34; must be a language code such as en, tr, ar'],
      [{ url: `${base}/missing.xml` }, `fetch: ${base}/missing.xml: HTTP 404`],
    ] as const) {
      const res = await editor.post('/admin/sources/preview', form(fields));
      expect(res.statusCode, message).toBe(400);
      expect(res.body).toContain(`<p class="error" role="alert">${message}`);
      expect(res.body).toContain(`value="${fields.url}"`); // the form keeps what was typed
    }

    const add = await editor.post('/admin/sources', form({ url: `${base}/`, name: 'Coast', lang: 'en', interval: '15m' }));
    expect(add.statusCode).toBe(303);
    id = Number(/\/admin\/sources\/(\d+)\?done=added/.exec(add.headers.location as string)![1]);
    expect(await findSourceById(store.db, id)).toMatchObject({ kind: 'feed', title: 'Coast', url: `${base}/feed.xml`, language: 'en', intervalS: 900, enabled: true });
    expect(await audited('source.add')).toMatchObject([{ userEmail: 'editor@news.example', target: `source:${id}`, ip: '127.0.0.1', detail: { title: 'Coast', url: `${base}/feed.xml`, intervalS: 900 } }]);
    const again = await editor.post('/admin/sources', form({ url: `${base}/feed.xml` }));
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain(`sources add: ${base}/feed.xml is already source ${id} (Coast)`);
  });

  it('shows the source, refreshes it now with the line `sources refresh` prints, and its items are on the site', async () => {
    const page = await editor.get(`/admin/sources/${id}?done=added`);
    expect(page.body).toContain('Added. It is due at once');
    expect(page.body).toContain('Not fetched yet.');
    const r = await editor.post(`/admin/sources/${id}/refresh`, {});
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain(`<p class="notice" role="status">source ${id}: 2 items: 2 new, 0 updated, 0 unchanged, 0 duplicates, 0 skipped; full text failed for 2 (their summaries kept)</p>`); // the article pages are not there
    expect(r.body).toMatch(/<tr class="fetch-ok"><td><time>2019-02-15T12:00:00.000Z<\/time><\/td><td>ok<\/td><td>200<\/td><td>2<\/td><td>2<\/td>/);
    const home = await app.inject({ url: '/' });
    expect(home.body).toContain('Harbour plan approved');
    expect(home.body).toContain('Coast');
    expect(await audited('source.refresh')).toMatchObject([{ detail: { line: `source ${id}: 2 items: 2 new, 0 updated, 0 unchanged, 0 duplicates, 0 skipped; full text failed for 2 (their summaries kept)` } }]);
    const list = await editor.get('/admin/sources');
    expect(list.body).toContain(`<a href="/admin/sources/${id}">Coast</a>`);
    expect(list.body).toContain('<time>2019-02-15T12:00:00.000Z</time> (200)');
  });

  it('edits what `sources edit` changes, naming a bad field on the form', async () => {
    const bad = await editor.post(`/admin/sources/${id}/edit`, { name: 'Coast', lang: 'English', interval: '15m', fullText: 'on' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('language: &#34;English&#34; must be a language code such as en, tr, ar');
    expect(bad.body).toContain('value="English"');
    const empty = await editor.post(`/admin/sources/${id}/edit`, { name: '', lang: 'en', interval: '15m' });
    expect(empty.body).toContain('sources: a source name must not be empty');
    const interval = await editor.post(`/admin/sources/${id}/edit`, { name: 'Coast', lang: 'en', interval: '31d' });
    expect(interval.body).toContain('interval: &#34;31d&#34; must be between 1s and 30d.');
    expect(await findSourceById(store.db, id)).toMatchObject({ title: 'Coast', fullText: false });
    const ok = await editor.post(`/admin/sources/${id}/edit`, { name: 'Coast Daily', lang: 'tr', interval: '45m', canonicalHere: 'on' });
    expect(ok.statusCode).toBe(303);
    expect(await findSourceById(store.db, id)).toMatchObject({ title: 'Coast Daily', language: 'tr', intervalS: 2700, canonicalHere: true, fullText: false });
    expect((await audited('source.edit'))[0]!.detail).toEqual({ title: 'Coast', changed: { title: { from: 'Coast', to: 'Coast Daily' }, language: { from: 'en', to: 'tr' }, intervalS: { from: 86_400, to: 2700 } /* the refresh adapted it */, canonicalHere: { from: false, to: true } } });
    expect((await editor.post(`/admin/sources/${id}/edit`, { name: 'Coast Daily', lang: 'tr', interval: '45m', canonicalHere: 'on' })).body).toContain('Nothing changed.');
  });

  it('pauses and resumes', async () => {
    expect((await editor.post(`/admin/sources/${id}/pause`, {})).statusCode).toBe(303);
    expect((await findSourceById(store.db, id))!.enabled).toBe(false);
    const list = await editor.get('/admin/sources');
    expect(list.body).toContain('<span class="status status-hidden">paused</span>');
    expect((await editor.get(`/admin/sources/${id}`)).body).toContain('action="/admin/sources/' + id + '/resume"');
    expect((await editor.post(`/admin/sources/${id}/resume`, {})).statusCode).toBe(303);
    expect((await findSourceById(store.db, id))!.enabled).toBe(true);
    expect((await audited('source.pause')).length + (await audited('source.resume')).length).toBe(2);
  });

  it('sets rules with the CLI\'s parser, its one-line errors shown on the form', async () => {
    const rules = (more: Record<string, string>) => ({ keep: '', block: '', maxAge: '', republish: 'full', ...more });
    const typo = await editor.post(`/admin/sources/${id}/rules`, rules({ keep: 'nonsense:foo' }));
    expect(typo.statusCode).toBe(400);
    expect(typo.body).toContain('rules: &#34;nonsense:foo&#34;: unknown field nonsense; the fields are title, content, url, author, category, any (text with a colon: any:nonsense:foo)');
    expect(typo.body).toContain('>nonsense:foo</textarea>');
    expect((await editor.post(`/admin/sources/${id}/rules`, rules({ block: 'title:/(/' }))).body).toContain('rules: &#34;title:/(/&#34; is not a valid regular expression');
    expect((await editor.post(`/admin/sources/${id}/rules`, rules({ maxAge: '3' }))).body).toContain('max age: &#34;3&#34; needs a unit');
    expect((await editor.post(`/admin/sources/${id}/rules`, rules({ republish: 'everything' }))).body).toContain('republish: summary or full');
    expect((await findSourceById(store.db, id))!.rules).toEqual({ keep: [], block: [], maxAgeDays: null, republish: 'full' });
    const ok = await editor.post(`/admin/sources/${id}/rules`, rules({ block: 'title:/^sponsored/i\n\nurl:/ads/', maxAge: '7d', republish: 'summary' }));
    expect(ok.statusCode).toBe(303);
    expect((await findSourceById(store.db, id))!.rules).toMatchObject({ block: [{ field: 'title', pattern: '^sponsored' }, { field: 'url', pattern: 'ads' }], maxAgeDays: 7, republish: 'summary' });
    const page = await editor.get(`/admin/sources/${id}`);
    expect(page.body).toContain('title:/^sponsored/i\nurl:/ads/</textarea>');
    expect(page.body).toContain('value="7d"');
    expect((await audited('source.rules'))[0]!.detail).toMatchObject({ from: 'republish full', to: 'block title:/^sponsored/i · block url:/ads/ · max age 7d · republish summary' });
  });

  it('maps the source\'s words onto a section, files its articles again, and names an unknown section', async () => {
    await addSection(store.db, 'world', { name: 'World' });
    const unknown = await editor.post(`/admin/sources/${id}/map`, { action: 'map', words: 'Dünya', section: 'nope' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('sources: no section nope');
    const map = await editor.post(`/admin/sources/${id}/map`, { action: 'map', words: 'Dünya\nDUNYA', section: 'world' });
    expect(map.statusCode).toBe(303);
    expect(map.headers.location).toBe(`/admin/sources/${id}?done=mapped&filed=1#mapping`);
    expect((await editor.get(map.headers.location as string)).body).toContain('Mapping saved: 1 stored article filed again.');
    expect(await findSourceMapping(store.db, id)).toEqual({ words: [{ word: 'dunya', section: 'world' }], defaultSection: null });
    expect((await editor.post(`/admin/sources/${id}/map`, { action: 'default', defaultSection: 'world' })).statusCode).toBe(303);
    expect((await editor.post(`/admin/sources/${id}/map`, { action: 'unmap', word: 'dunya' })).statusCode).toBe(303);
    expect(await findSourceMapping(store.db, id)).toEqual({ words: [], defaultSection: 'world' });
    expect((await audited('source.map')).map((e) => e.detail)).toMatchObject([{ unmapped: 'dunya' }, { defaultSection: { from: null, to: 'world' } }, { words: ['Dünya', 'DUNYA'], section: 'world', filedAgain: 1 }]);
  });

  it('keeps a fetch history newest first; a failed fetch is in the error log with its error', async () => {
    const saved = feeds.get('/feed.xml')!;
    feeds.set('/feed.xml', [503, 'text/plain', 'down']);
    const failed = await editor.post(`/admin/sources/${id}/refresh`, {});
    expect(failed.statusCode).toBe(200);
    expect(failed.body).toContain(`<p class="error" role="alert">source ${id}: error: fetch: ${base}/feed.xml: HTTP 503`);
    feeds.set('/feed.xml', saved);
    const page = (await editor.get(`/admin/sources/${id}`)).body;
    const history = page.slice(page.indexOf('id="history"'), page.indexOf('id="errors"'));
    expect([...history.matchAll(/<tr class="fetch-(\w+)">/g)].map((m) => m[1])).toEqual(['error', 'ok']);
    const errorLog = page.slice(page.indexOf('id="errors"'), page.indexOf('id="remove"'));
    expect(errorLog).toContain(`<td>503</td><td class="detail">fetch: ${base}/feed.xml: HTTP 503`);
    expect(page).toContain('Last error (1 in a row)');
    expect((await findFetches(store.db, id)).map((f) => f.outcome)).toEqual(['error', 'ok']);
  });

  it('refuses a refresh politely while another process holds the source', async () => {
    await claimSource(store.db, id, clock, new Date(clock.getTime() + 60_000), 'elsewhere pid 7');
    const r = await editor.post(`/admin/sources/${id}/refresh`, {});
    expect(r.statusCode).toBe(409);
    expect(r.body).toContain(`Not now: source ${id} is being fetched by elsewhere pid 7 (claimed until 2019-02-15T12:01:00.000Z). Try again after.`);
    expect((await findFetches(store.db, id))).toHaveLength(2); // no fetch
    expect((await audited('source.refresh'))[0]!.detail).toMatchObject({ refused: 'claimed by elsewhere pid 7 until 2019-02-15T12:01:00.000Z' });
  });

  it('removes the source and its articles after a confirm', async () => {
    const page = (await editor.get(`/admin/sources/${id}`)).body;
    expect(page).toMatch(new RegExp(`<form method="post" action="/admin/sources/${id}/remove" data-confirm="Remove the source Coast Daily and all its articles\\? This cannot be undone.">`));
    const r = await editor.post(`/admin/sources/${id}/remove`, {});
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`/admin/sources?removed=${id}&articles=2`);
    expect((await editor.get(r.headers.location as string)).body).toContain(`Removed source ${id} and its 2 articles.`);
    expect(await findSourceById(store.db, id)).toBeUndefined();
    expect(await findFetches(store.db, id)).toEqual([]);
    expect((await audited('source.remove'))[0]!.detail).toMatchObject({ title: 'Coast Daily', articles: 2 });
    expect((await editor.get(`/admin/sources/${id}`)).statusCode).toBe(404);
    expect((await editor.post(`/admin/sources/${id}/refresh`, {})).statusCode).toBe(404);
  });
});
