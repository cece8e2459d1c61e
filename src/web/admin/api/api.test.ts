import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config.js';
import { parseOpml } from '../../../ingest/opml/opml.js';
import { rss } from '../../../ingest/testdata/feeds.js';
import { findAuditEntries } from '../../../store/audit.js';
import type { Store } from '../../../store/db.js';
import { openTestStore, skipStoreTests } from '../../../store/testing.js';
import { revokeApiToken } from '../../../store/api-tokens.js';
import { findFetches } from '../../../store/fetch-history.js';
import { claimSource, findSourceById, findSources } from '../../../store/sources.js';
import { buildApp } from '../../app.js';
import { changePassword, createApiToken } from '../accounts.js';
import { addTestUser, TEST_PASSWORD } from '../testing.js';
import { API_ROUTES } from './routes.js';

const skip = await skipStoreTests();
let store: Store;
let app: FastifyInstance;
let clock = new Date('2026-12-01T10:00:00Z');
const ids: Record<string, number> = {};
// The sources' tests fetch from a feed server on 127.0.0.1, allowed as an operator would.
const config = parseConfig({ siteName: 'API Test', databaseUrl: 'sqlite::memory:', demo: false, fetch: { allowPrivateAddresses: ['127.0.0.1/32'], timeoutSeconds: 5 } }, {});

beforeAll(async () => {
  store = await openTestStore();
  app = await buildApp({ store, config, now: () => clock });
  for (const role of ['contributor', 'author', 'editor', 'admin']) ids[role] = await addTestUser(app, store, `${role}@news.example`, role, clock);
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

const token = async (role: string, scope: 'read' | 'write' = 'write') => (await createApiToken(store, ids[role]!, { name: `${role} ${scope}`, scope }, clock)).token;
const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, tok?: string, payload?: unknown) =>
  app.inject({ method, url: `/api/admin/v1${url}`, headers: tok ? { authorization: `Bearer ${tok}` } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

describe.skipIf(skip)('the admin API', () => {
  it('refuses a missing, unknown, revoked or pre-password-change token with 401', async () => {
    expect((await call('GET', '/me')).statusCode).toBe(401);
    expect((await call('GET', '/me', 'jrd_nope')).statusCode).toBe(401);
    const t = await token('author');
    expect((await call('GET', '/me', t)).json()).toMatchObject({ email: 'author@news.example', role: 'author' });
    const made = await createApiToken(store, ids.author!, { name: 'to revoke', scope: 'read' }, clock);
    await revokeApiToken(store.db, ids.author!, made.id, clock);
    const revoked = await call('GET', '/me', made.token);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error).toMatch(/not valid/);
    // Another user cannot revoke someone else's token.
    const other = await createApiToken(store, ids.author!, { name: 'kept', scope: 'read' }, clock);
    expect(await revokeApiToken(store.db, ids.editor!, other.id, clock)).toBe(false);
    expect((await call('GET', '/me', other.token)).statusCode).toBe(200);
    // A password change ends the tokens made before it.
    clock = new Date(clock.getTime() + 1000);
    await changePassword(store, ids.author!, TEST_PASSWORD, 'a much better passphrase', clock);
    expect((await call('GET', '/me', t)).statusCode).toBe(401);
    expect((await call('GET', '/me', other.token)).statusCode).toBe(401);
  });

  it('keeps scopes and roles: read tokens only read, contributors and authors cannot manage sections', async () => {
    const read = await token('editor', 'read');
    expect((await call('GET', '/sections', read)).statusCode).toBe(200);
    const r = await call('POST', '/sections', read, { slug: 'world', name: 'World' });
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toMatch(/read-only/);
    for (const role of ['contributor']) {
      const w = await call('POST', '/sections', await token(role), { slug: 'world', name: 'World' });
      expect(w.statusCode).toBe(403);
      expect(w.json().error).toMatch(/needs the role editor/);
    }
  });

  it('manages sections as an editor, each action in the audit log with its user', async () => {
    const t = await token('editor');
    const made = await call('POST', '/sections', t, { slug: 'world', name: 'World', tr: 'Dünya', ar: 'العالم' });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ slug: 'world', kind: 'section', names: { tr: 'Dünya', ar: 'العالم' } });
    expect((await call('POST', '/sections', t, { slug: 'world', name: 'Again' })).statusCode).toBe(409);
    await call('POST', '/sections', t, { slug: 'sport', name: 'Sport' });
    const moved = await call('PATCH', '/sections/sport', t, { position: 1, tr: 'Spor' });
    expect(moved.json()).toMatchObject({ slug: 'sport', position: 1, names: { tr: 'Spor' } });
    expect((await call('GET', '/sections', t)).json().sections.map((s: { slug: string }) => s.slug)).toEqual(['sport', 'world']);
    // The public menu follows.
    expect((await app.inject('/')).body).toMatch(/href="\/section\/sport\/"[^>]*>Sport<\/a>.*href="\/section\/world\/"/s);
    expect((await call('DELETE', '/sections/sport', t)).statusCode).toBe(200);
    expect((await call('DELETE', '/sections/sport', t)).statusCode).toBe(404);
    const log = (await findAuditEntries(store.db, { action: 'section.' }, 50)).entries;
    expect(log.map((e) => e.action).sort()).toEqual(['section.add', 'section.add', 'section.edit', 'section.remove']);
    expect(log.every((e) => e.userEmail === 'editor@news.example' && (e.detail as { via?: string }).via === 'api')).toBe(true);
  });

  it('answers bad input with 400 and a JSON error naming the field, never 500', async () => {
    const t = await token('admin');
    const cases: [unknown, string][] = [
      [{}, 'slug'],
      [{ slug: 'Bad Slug!' }, 'slug'],
      [{ slug: 'ok', name: 42 }, 'name'],
      [{ slug: 'ok', nope: 1 }, 'nope'],
      [{ slug: 'ok', position: -3 }, 'position'],
      [{ slug: 'x'.repeat(500) }, 'slug'],
    ];
    for (const [body, field] of cases) {
      const r = await call('POST', '/sections', t, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().field, JSON.stringify(body)).toBe(field);
      expect(r.json().error).toContain(field);
    }
    const notJson = await app.inject({ method: 'POST', url: '/api/admin/v1/sections', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, payload: '{"slug": ' });
    expect(notJson.statusCode).toBe(400);
    expect((await call('PATCH', '/sections/%E0%A4%A', t, { name: 'x' })).statusCode).toBeLessThan(500);
    expect((await call('GET', '/sections?tags=abc', t)).statusCode).toBe(400);
    expect((await call('GET', '/nothing-here', t)).statusCode).toBe(404);
  });

  it('writes, changes, lists, hides, restores and deletes articles with the roles\' rights', async () => {
    const contributor = await token('contributor');
    const draft = await call('POST', '/articles', contributor, { title: 'From the API', body: 'Hello **there** <img src=x onerror=alert(1)>', categories: ['api', 'news'] });
    expect(draft.statusCode).toBe(201);
    const a = draft.json();
    expect(a).toMatchObject({ title: 'From the API', status: 'draft', categories: ['api', 'news'] });
    expect(a.contentHtml).toContain('<strong>there</strong>');
    expect(a.contentHtml).not.toMatch(/onerror/);
    expect((await call('POST', '/articles', contributor, { title: 'Publish me', status: 'published' })).statusCode).toBe(403);
    expect((await call('PATCH', `/articles/${a.id}`, contributor, { status: 'published' })).statusCode).toBe(403);
    const editor = await token('editor');
    const changed = await call('PATCH', `/articles/${a.id}`, editor, { title: 'From the API, edited', status: 'published', publishedAt: '2026-12-01T09:00:00Z' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ title: 'From the API, edited', status: 'published' });
    expect(changed.json().editedAt).not.toBeNull();
    expect(changed.json().canonicalHere).toBeNull();
    // The canonical link per article: true, false, null (as its source says); nothing else.
    expect((await call('PATCH', `/articles/${a.id}`, editor, { canonicalHere: true })).json().canonicalHere).toBe(true);
    expect((await call('PATCH', `/articles/${a.id}`, editor, { canonicalHere: 'yes' })).statusCode).toBe(400);
    expect((await call('PATCH', `/articles/${a.id}`, editor, { canonicalHere: null })).json().canonicalHere).toBeNull();
    const revs = (await call('GET', `/articles/${a.id}/revisions`, editor)).json().revisions;
    expect(revs[0]).toMatchObject({ title: 'From the API', status: 'draft' });
    expect((await call('GET', '/articles?status=published', editor)).json().articles.map((x: { id: number }) => x.id)).toContain(a.id);
    expect((await call('POST', `/articles/${a.id}/status`, editor, { status: 'hidden' })).json().status).toBe('hidden');
    expect((await call('POST', `/articles/${a.id}/revisions/${revs[0].id}/restore`, editor)).json()).toMatchObject({ title: 'From the API', status: 'draft' });
    // Scheduled: a later instant than now.
    const later = await call('POST', '/articles', editor, { title: 'Later', status: 'published', publishedAt: '2026-12-02T09:00:00+03:00' });
    expect(later.json().status).toBe('scheduled');
    // Their own draft again (restored): a contributor may delete it; not the editor's article.
    expect((await call('DELETE', `/articles/${later.json().id}`, contributor)).statusCode).toBe(404); // not theirs: not even shown
    expect((await call('GET', '/articles', contributor)).json().articles.map((x: { userId: number }) => x.userId)).toEqual([ids.contributor]);
    expect((await call('DELETE', `/articles/${a.id}`, contributor)).statusCode).toBe(200);
    expect((await call('GET', `/articles/${a.id}`, editor)).statusCode).toBe(404);
  });

  it('refuses bad article input with 400 naming the field', async () => {
    const t = await token('admin');
    const cases: [string, string, unknown, string][] = [
      ['POST', '/articles', {}, 'title'],
      ['POST', '/articles', { title: '' }, 'title'],
      ['POST', '/articles', { title: 'x', publishedAt: 'yesterday' }, 'publishedAt'],
      ['POST', '/articles', { title: 'x', publishedAt: '2019-02-30T10:00:00Z' }, 'publishedAt'],
      ['POST', '/articles', { title: 'x', imageUrl: 'javascript:alert(1)' }, 'imageUrl'],
      ['POST', '/articles', { title: 'x', url: '//evil.example/' }, 'url'],
      ['POST', '/articles', { title: 'x', language: 'xx' }, 'language'],
      ['POST', '/articles', { title: 'x', status: 'scheduled' }, 'status'],
      ['POST', '/articles', { title: 'x', categories: 'news' }, 'categories'],
      ['GET', '/articles/abc', undefined, 'id'],
      ['GET', '/articles?status=gone', undefined, 'status'],
      ['GET', '/articles?after=nonsense', undefined, 'after'],
    ];
    for (const [method, url, body, field] of cases) {
      const r = await call(method as 'GET' | 'POST', url, t, body);
      expect(r.statusCode, `${method} ${url} ${JSON.stringify(body)}: ${r.body}`).toBe(400);
      expect(r.json().field, `${method} ${url} ${JSON.stringify(body)}`).toBe(field);
    }
    expect((await call('GET', '/articles/999999', t)).statusCode).toBe(404);
  });

  it('reads and changes settings as an admin, naming bad fields; an editor gets 403', async () => {
    const t = await token('admin');
    expect((await call('GET', '/settings', t)).json().settings.siteName).toBe('API Test');
    const shared = await call('PATCH', '/settings', t, { description: 'News & more.', share: ['telegram'] });
    expect(shared.json().settings).toMatchObject({ description: 'News & more.', share: ['telegram'] });
    expect((await call('PATCH', '/settings', t, { share: ['myspace'] })).json().field).toBe('share');
    expect((await call('PATCH', '/settings', t, { description: null, share: null })).json().settings.share).toEqual(['x', 'facebook', 'whatsapp', 'telegram', 'email']);
    expect((await call('PATCH', '/settings', await token('editor'), { siteName: 'x' })).statusCode).toBe(403);
    const bad = await call('PATCH', '/settings', t, { timeZone: 'Mars/Olympus' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'timeZone' });
    expect((await call('PATCH', '/settings', t, { hijri: { adjustment: 7 } })).json().field).toBe('hijri.adjustment');
    expect((await call('PATCH', '/settings', t, { hijri: { adjustment: '1' } })).json().field).toBe('hijri.adjustment');
    const ok = await call('PATCH', '/settings', t, { siteName: 'Renamed by API', hijri: { adjustment: 1 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().changes.map((c: { field: string }) => c.field)).toEqual(['siteName', 'hijri.adjustment']);
    expect((await app.inject('/')).body).toContain('Renamed by API');
    expect((await call('PATCH', '/settings', t, { siteName: null, hijri: { adjustment: null } })).json().settings).toMatchObject({ siteName: 'API Test', hijri: { adjustment: 0 } });
    expect((await call('GET', '/settings', t)).json().settings.feedContent).toBe('full');
    expect((await call('PATCH', '/settings', t, { feedContent: 'summary' })).json().settings.feedContent).toBe('summary');
    expect((await call('PATCH', '/settings', t, { feedContent: 'all' })).json().field).toBe('feedContent');
    expect((await call('PATCH', '/settings', t, { feedContent: null })).json().settings.feedContent).toBe('full');
  });

  it('serves an OpenAPI 3.1 description that a validator accepts and that names every route', async () => {
    const res = await app.inject('/api/admin/v1/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    for (const r of API_ROUTES) expect(doc.paths[`/api/admin/v1${r.url.replace(/:(\w+)/g, '{$1}')}`]?.[r.method.toLowerCase()], `${r.method} ${r.url}`).toBeDefined();
  });

  it('is never cached', async () => {
    expect((await call('GET', '/me', await token('admin'))).headers['cache-control']).toBe('private, no-store');
    expect((await call('GET', '/me')).headers['cache-control']).toBe('private, no-store');
  });
});

describe.skipIf(skip)('the admin API: sources', () => {
  const feeds = new Map<string, [number, string, string]>();
  let server: Server;
  let base: string;
  let editor: string;
  let id: number;
  const audited = async (action: string) => (await findAuditEntries(store.db, { action }, 100)).entries;
  // The articles written above are in the site's manual source; the feeds are this describe's.
  const feedSources = async () => (await findSources(store.db)).filter((s) => s.kind === 'feed');

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
      { guid: '1', title: 'Harbour plan approved', link: `${base}/one`, date: 'Mon, 30 Nov 2026 10:00:00 GMT', category: 'Dünya', description: 'The council said yes.' },
      { guid: '2', title: 'Sponsored: buy a boat', link: `${base}/two`, date: 'Mon, 30 Nov 2026 11:00:00 GMT', category: 'Ads' },
    ]).replace('<title>Test Feed</title>', '<title>Coast Feed</title>')]);
    editor = await token('editor');
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('is for editors: contributors and authors get 403, a read-scope token only reads', async () => {
    for (const role of ['contributor', 'author']) {
      const t = await token(role);
      for (const [method, url, body] of [['GET', '/sources', undefined], ['GET', '/sources.opml', undefined], ['POST', '/sources', { url: `${base}/` }], ['POST', '/sources/import', { opml: '<opml/>' }]] as const) {
        const r = await call(method, url, t, body);
        expect(r.statusCode, `${role} ${method} ${url}`).toBe(403);
        expect(r.json().error).toMatch(/needs the role editor/);
      }
    }
    const read = await token('editor', 'read');
    expect((await call('GET', '/sources', read)).json().sources.map((s: { kind: string }) => s.kind)).toEqual(['manual']);
    for (const [method, url, body] of [['POST', '/sources', { url: `${base}/` }], ['POST', '/sources/preview', { url: `${base}/` }], ['PATCH', '/sources/1', { enabled: false }], ['DELETE', '/sources/1', undefined], ['POST', '/sources/import', { opml: '<opml/>' }]] as const) {
      const r = await call(method, url, read, body);
      expect(r.statusCode, `${method} ${url}`).toBe(403);
      expect(r.json().error).toMatch(/read-only/);
    }
    expect(await feedSources()).toEqual([]);
  });

  it('previews what a site\'s feed would store, storing nothing; bad input is a 400 naming the field', async () => {
    const r = await call('POST', '/sources/preview', editor, { url: `${base}/` });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ found: { kind: 'feed', url: `${base}/feed.xml`, title: 'Coast Feed', items: 2 }, feedTitle: 'Coast Feed', skipped: [] });
    expect(r.json().items[0]).toEqual({ title: 'Harbour plan approved', publishedAt: '2026-11-30T10:00:00.000Z', url: `${base}/one`, author: null, summary: 'The council said yes.', categories: ['Dünya'] });
    expect(await feedSources()).toEqual([]);
    const cases: [unknown, string, string][] = [
      [{}, 'url', 'body.url: must have required property'],
      [{ url: 'ftp://files.example/feed' }, 'url', 'sources add: ftp://files.example/feed is not an http(s) URL'],
      [{ url: `${base}/missing.xml` }, 'url', `fetch: ${base}/missing.xml: HTTP 404`],
      [{ url: `${base}/`, interval: '15' }, 'interval', 'interval: "15" needs a unit: s, m, h or d, e.g. 15m, 12h or 7d.'],
      [{ url: `${base}/`, interval: 900 }, 'interval', 'body.interval: must be string'],
      [{ url: `${base}/`, language: 'English' }, 'language', 'language: "English" must be a language code such as en, tr, ar'],
      [{ url: `${base}/`, fullText: 'yes' }, 'fullText', 'body.fullText: must be boolean'],
      [{ url: `${base}/`, lang: 'en' }, 'lang', 'body.lang: must NOT have additional properties'],
    ];
    for (const [body, field, error] of cases) {
      const bad = await call('POST', '/sources/preview', editor, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(bad.json(), JSON.stringify(body)).toMatchObject({ field });
      expect(bad.json().error, JSON.stringify(body)).toContain(error);
    }
  });

  it('adds a source from its site, refreshes it now, and its articles are listed by source', async () => {
    const made = await call('POST', '/sources', editor, { url: `${base}/`, name: 'Coast', language: 'en', interval: '15m' });
    expect(made.statusCode).toBe(201);
    id = made.json().id;
    expect(made.json()).toMatchObject({ kind: 'feed', title: 'Coast', url: `${base}/feed.xml`, language: 'en', interval: '15m', enabled: true, rules: { keep: [], block: [], maxAge: null, republish: 'full' }, mapping: { words: [], defaultSection: null }, fetches: [] });
    expect(await audited('source.add')).toMatchObject([{ userEmail: 'editor@news.example', target: `source:${id}`, detail: { title: 'Coast', url: `${base}/feed.xml`, intervalS: 900, via: 'api' } }]);
    const again = await call('POST', '/sources', editor, { url: `${base}/feed.xml` });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: `sources add: ${base}/feed.xml is already source ${id} (Coast)`, field: 'url' });

    const r = await call('POST', `/sources/${id}/refresh`, editor);
    expect(r.statusCode).toBe(200);
    expect(r.json().line).toMatch(new RegExp(`^source ${id}: 2 items: 2 new, 0 updated`));
    expect(r.json().result).toMatchObject({ sourceId: id, status: 'ok', created: 2 });
    expect(r.json().source.fetches).toMatchObject([{ outcome: 'ok', httpStatus: 200, items: 2, created: 2 }]);
    expect(await audited('source.refresh')).toMatchObject([{ detail: { line: r.json().line } }]);
    const articles = (await call('GET', `/articles?sourceId=${id}`, editor)).json().articles;
    expect(articles.map((a: { title: string }) => a.title).sort()).toEqual(['Harbour plan approved', 'Sponsored: buy a boat']);
    const one = await call('GET', `/sources/${id}`, editor);
    expect(one.json()).toMatchObject({ id, lastStatus: 200, publishedCount: 2, errorCount: 0 });
    expect((await call('GET', '/sources', editor)).json().sources.filter((s: { kind: string }) => s.kind === 'feed').map((s: { id: number }) => s.id)).toEqual([id]);
    expect((await call('GET', '/sources/999999', editor)).statusCode).toBe(404);
    expect((await call('POST', '/sources/999999/refresh', editor)).statusCode).toBe(404);
    const manual = (await findSources(store.db)).find((s) => s.kind === 'manual')!;
    const nothing = await call('POST', `/sources/${manual.id}/refresh`, editor);
    expect(nothing.statusCode).toBe(400);
    expect(nothing.json().error).toBe(`sources refresh: source ${manual.id} is a manual source; there is nothing to fetch`);
  });

  it('edits, pauses and resumes, naming a bad field; only what changed is audited', async () => {
    const cases: [unknown, string, string][] = [
      [{ interval: '31d' }, 'interval', 'interval: "31d" must be between 1s and 30d.'],
      [{ interval: '2 hours' }, 'interval', 'interval: "2 hours" must be a duration such as 90s, 15m, 12h or 7d.'],
      [{ language: 'English' }, 'language', 'language: "English" must be a language code'],
      [{ name: '   ' }, 'name', 'sources: a source name must not be empty'],
      [{ enabled: 'no' }, 'enabled', 'body.enabled: must be boolean'],
      [{ url: 'https://elsewhere.example/' }, 'url', 'must NOT have additional properties'],
    ];
    for (const [body, field, error] of cases) {
      const bad = await call('PATCH', `/sources/${id}`, editor, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(bad.json().field, JSON.stringify(body)).toBe(field);
      expect(bad.json().error, JSON.stringify(body)).toContain(error);
    }
    expect((await call('PATCH', `/sources/${id}`, editor, {})).statusCode).toBe(400);
    expect(await findSourceById(store.db, id)).toMatchObject({ title: 'Coast', language: 'en' });
    const ok = await call('PATCH', `/sources/${id}`, editor, { name: 'Coast Daily', language: 'tr', interval: '2h', fullText: false, canonicalHere: true });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ title: 'Coast Daily', language: 'tr', interval: '2h', fullText: false, canonicalHere: true });
    const edit = (await audited('source.edit'))[0]!.detail as { changed: Record<string, unknown> };
    expect(Object.keys(edit.changed).sort()).toEqual(['canonicalHere', 'intervalS', 'language', 'title']);
    expect(edit.changed.title).toEqual({ from: 'Coast', to: 'Coast Daily' });
    const paused = await call('PATCH', `/sources/${id}`, editor, { enabled: false });
    expect(paused.json()).toMatchObject({ enabled: false, nextFetch: 'paused' });
    expect((await call('PATCH', `/sources/${id}`, editor, { enabled: true })).json()).toMatchObject({ enabled: true });
    expect((await audited('source.pause')).length).toBe(1);
    expect((await audited('source.resume')).length).toBe(1);
    expect((await audited('source.edit')).length).toBe(1);
  });

  it('replaces the rules, a bad rule named by its place with the parser\'s own words', async () => {
    const cases: [unknown, string, string][] = [
      [{ keep: ['title:harbour', 'nonsense:foo'] }, 'keep.1', 'rules: "nonsense:foo": unknown field nonsense; the fields are title, content, url, author, category, any (text with a colon: any:nonsense:foo)'],
      [{ block: ['title:/(/'] }, 'block.0', 'rules: "title:/(/" is not a valid regular expression'],
      [{ block: ['  '] }, 'block.0', 'rules: "" has nothing to match'],
      [{ maxAge: '3' }, 'maxAge', 'maxAge: "3" needs a unit'],
      [{ republish: 'everything' }, 'republish', 'body.republish: must be equal to one of the allowed values'],
      [{ block: 'title:x' }, 'block', 'body.block: must be array'],
    ];
    for (const [body, field, error] of cases) {
      const bad = await call('PUT', `/sources/${id}/rules`, editor, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(bad.json().field, JSON.stringify(body)).toBe(field);
      expect(bad.json().error, JSON.stringify(body)).toContain(error);
    }
    expect((await findSourceById(store.db, id))!.rules).toEqual({ keep: [], block: [], maxAgeDays: null, republish: 'full' });
    const ok = await call('PUT', `/sources/${id}/rules`, editor, { block: ['title:/^sponsored/i', 'url:/ads/'], maxAge: '7d', republish: 'summary' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().rules).toEqual({ keep: [], block: ['title:/^sponsored/i', 'url:/ads/'], maxAge: '7d', republish: 'summary' });
    expect(ok.json().rulesLine).toBe('block title:/^sponsored/i · block url:/ads/ · max age 7d · republish summary');
    expect((await audited('source.rules'))[0]!.detail).toMatchObject({ from: 'republish full', to: 'block title:/^sponsored/i · block url:/ads/ · max age 7d · republish summary' });
    // What GET answers is what PUT takes: sent back, nothing changes.
    const { rules } = (await call('GET', `/sources/${id}`, editor)).json();
    expect((await call('PUT', `/sources/${id}/rules`, editor, rules)).json().rules).toEqual(rules);
  });

  it('replaces the mapping, filing the stored articles again; an unknown section is named', async () => {
    expect((await call('POST', '/sections', editor, { slug: 'coast-world', name: 'World' })).statusCode).toBe(201);
    const unknown = await call('PUT', `/sources/${id}/mapping`, editor, { words: [{ word: 'Dünya', section: 'nope' }] });
    expect(unknown.json()).toEqual({ error: 'words.0.section: no section nope (GET /sections lists them)', field: 'words.0.section' });
    expect((await call('PUT', `/sources/${id}/mapping`, editor, { words: [{ word: '…', section: 'coast-world' }] })).json().field).toBe('words.0.word');
    expect((await call('PUT', `/sources/${id}/mapping`, editor, { defaultSection: 'nope' })).json().field).toBe('defaultSection');
    expect((await call('PUT', `/sources/${id}/mapping`, editor, { words: [{ word: 'Dünya' }] })).json().field).toBe('section');
    const mapped = await call('PUT', `/sources/${id}/mapping`, editor, { words: [{ word: 'Dünya', section: 'coast-world' }] });
    expect(mapped.statusCode).toBe(200);
    expect(mapped.json()).toMatchObject({ filedAgain: 1, mapping: { words: [{ word: 'dunya', section: 'coast-world' }], defaultSection: null } });
    const swapped = await call('PUT', `/sources/${id}/mapping`, editor, { defaultSection: 'coast-world' });
    expect(swapped.json().mapping).toEqual({ words: [], defaultSection: 'coast-world' });
    expect((await audited('source.map')).map((e) => e.detail)).toMatchObject([
      { from: { words: [{ word: 'dunya' }] }, to: { words: [], defaultSection: 'coast-world' } },
      { from: { words: [], defaultSection: null }, to: { words: [{ word: 'dunya', section: 'coast-world' }] }, filedAgain: 1 },
    ]);
  });

  it('refuses a refresh with 409 naming who holds the source while another process fetches it', async () => {
    const fetched = (await findFetches(store.db, id)).length;
    await claimSource(store.db, id, clock, new Date(clock.getTime() + 60_000), 'elsewhere pid 7');
    const r = await call('POST', `/sources/${id}/refresh`, editor);
    expect(r.statusCode).toBe(409);
    const until = new Date(clock.getTime() + 60_000).toISOString();
    expect(r.json()).toEqual({ error: `source ${id} is being fetched by elsewhere pid 7 (claimed until ${until}); try again after`, heldBy: 'elsewhere pid 7', until });
    expect(await findFetches(store.db, id)).toHaveLength(fetched);
    expect((await audited('source.refresh'))[0]!.detail).toMatchObject({ refused: `claimed by elsewhere pid 7 until ${until}` });
    expect((await call('GET', `/sources/${id}`, editor)).json().nextFetch).toBe(`claimed by elsewhere pid 7 until ${until}`);
  });

  it('exports the sources as OPML and imports an OPML file, as `sources export|import` do', async () => {
    const out = await call('GET', '/sources.opml', editor);
    expect(out.statusCode).toBe(200);
    expect(out.headers['content-type']).toBe('text/x-opml; charset=utf-8');
    expect(out.headers['content-disposition']).toMatch(/^attachment; filename="sources-\d{4}-\d{2}-\d{2}\.opml"$/);
    expect(out.headers['cache-control']).toBe('private, no-store');
    expect(parseOpml(out.body)).toEqual([{ title: 'Coast Daily', xmlUrl: `${base}/feed.xml`, htmlUrl: 'http://127.0.0.1/' /* the feed's own link */, language: 'tr', folders: ['World'] }]);
    expect((await audited('source.export'))[0]!.detail).toMatchObject({ feeds: 1, via: 'api' });

    const fixture = readFileSync(new URL('../../../ingest/opml/testdata/subscriptions.opml', import.meta.url), 'utf8');
    const imported = await call('POST', '/sources/import', editor, { opml: `${fixture.replace('</body>', `<outline text="Ours" xmlUrl="${base}/feed.xml"/></body>`)}` });
    expect(imported.statusCode).toBe(200);
    expect(imported.json().summary).toBe(`imported 3 of 4 feeds; skipped 1:\n  ${base}/feed.xml: already a source\nfolders → default sections: Haberler → haberler (1) · Dünya → world (1)`); // world is Dünya in Turkish (above)
    expect(imported.json().added.map((a: { title: string; section: string | null }) => [a.title, a.section])).toEqual([['Kıyı Postası', 'haberler'], ['World & Co', 'world'], ['أخبار الواحة', null]]);
    expect((await audited('source.import'))[0]!.detail).toMatchObject({ feeds: 4, added: 3, skipped: 1, sections: ['haberler', 'world'] });
    for (const [body, error] of [[{ opml: '<rss version="2.0"/>' }, 'opml: no <opml> root element'], [{ opml: '<opml><body><outline' }, 'opml: not well-formed XML'], [{ opml: 42 }, 'body.opml: must be string'], [{ opml: '' }, 'body.opml: must NOT have fewer than 1 characters']] as const) {
      const bad = await call('POST', '/sources/import', editor, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(bad.json().field).toBe('opml');
      expect(bad.json().error).toContain(error);
    }
    expect(await feedSources()).toHaveLength(4);
  });

  it('removes a source and its articles', async () => {
    const r = await call('DELETE', `/sources/${id}`, editor);
    expect(r.json()).toEqual({ removed: id, articles: 2 });
    expect((await call('DELETE', `/sources/${id}`, editor)).statusCode).toBe(404);
    expect((await call('GET', `/articles?sourceId=${id}`, editor)).json().articles).toEqual([]);
    expect((await audited('source.remove'))[0]!.detail).toMatchObject({ title: 'Coast Daily', articles: 2, via: 'api' });
  });

  it('describes the sources in the OpenAPI document: what creates answers 201, the OPML file is text, a refresh may be 409', async () => {
    const doc = (await app.inject('/api/admin/v1/openapi.json')).json();
    expect(Object.keys(doc.paths['/api/admin/v1/sources'].post.responses)).toContain('201');
    expect(Object.keys(doc.paths['/api/admin/v1/sources/preview'].post.responses)).toContain('200');
    expect(Object.keys(doc.paths['/api/admin/v1/articles/{id}/status'].post.responses)).toContain('200');
    expect(Object.keys(doc.paths['/api/admin/v1/sources.opml'].get.responses['200'].content)).toEqual(['text/x-opml']);
    expect(doc.paths['/api/admin/v1/sources/{id}/refresh'].post.responses['409'].description).toMatch(/heldBy/);
    expect(doc.paths['/api/admin/v1/sources/{id}/rules'].put.requestBody.content['application/json'].schema.properties.keep.type).toBe('array');
  });
});
