import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config.js';
import { findAuditEntries } from '../../../store/audit.js';
import type { Store } from '../../../store/db.js';
import { openTestStore, skipStoreTests } from '../../../store/testing.js';
import { revokeApiToken } from '../../../store/api-tokens.js';
import { buildApp } from '../../app.js';
import { changePassword, createApiToken } from '../accounts.js';
import { addTestUser, TEST_PASSWORD } from '../testing.js';
import { API_ROUTES } from './routes.js';

const skip = await skipStoreTests();
let store: Store;
let app: FastifyInstance;
let clock = new Date('2026-12-01T10:00:00Z');
const ids: Record<string, number> = {};
const config = parseConfig({ siteName: 'API Test', databaseUrl: 'sqlite::memory:', demo: false }, {});

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
const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, tok?: string, payload?: unknown) =>
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
    const revs = (await call('GET', `/articles/${a.id}/revisions`, editor)).json().revisions;
    expect(revs[0]).toMatchObject({ title: 'From the API', status: 'draft' });
    expect((await call('GET', '/articles?status=published', editor)).json().articles.map((x: { id: number }) => x.id)).toContain(a.id);
    expect((await call('POST', `/articles/${a.id}/status`, editor, { status: 'hidden' })).json().status).toBe('hidden');
    expect((await call('POST', `/articles/${a.id}/revisions/${revs[0].id}/restore`, editor)).json()).toMatchObject({ title: 'From the API', status: 'draft' });
    // Scheduled: a later instant than now.
    const later = await call('POST', '/articles', editor, { title: 'Later', status: 'published', publishedAt: '2026-12-02T09:00:00+03:00' });
    expect(later.json().status).toBe('scheduled');
    // Their own draft again (restored): a contributor may delete it; not the editor's article.
    expect((await call('DELETE', `/articles/${later.json().id}`, contributor)).statusCode).toBe(403);
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
