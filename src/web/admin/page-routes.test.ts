/**
 * The desk's own pages as an editor uses them: a page added shows at its public URL and in every
 * page's footer, a language version falls back to the default's until written, a save goes through
 * the CLI's path (checked, sanitized), a removed version is gone.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { findAuditEntries } from '../../store/audit.js';
import type { Store } from '../../store/db.js';
import { findSitePage } from '../../store/site-pages.js';
import { openTestStore, skipStoreTests } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { addTestUser, DeskClient, loggedIn, TEST_PASSWORD } from './testing.js';

const skip = await skipStoreTests();
const clock = new Date('2019-02-15T12:00:00Z');
const config = parseConfig({ siteName: 'Desk Test', databaseUrl: 'sqlite::memory:', demo: false }, {});
let store: Store;
let app: FastifyInstance;
let editor: DeskClient;

beforeAll(async () => {
  if (skip) return;
  store = await openTestStore();
  app = await buildApp({ store, config, now: () => clock });
  editor = await loggedIn(app, store, 'editor@news.example', 'editor', clock);
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

const audited = async (action: string) => (await findAuditEntries(store.db, { action }, 100)).entries;
const about = { slug: 'about', lang: 'en', title: 'About us', format: 'markdown', position: '', body: '# Who we are\n\nAn **independent** paper. Write to [the desk](mailto:desk@news.example).\n' };

describe.skipIf(skip)('the desk: own pages', () => {
  it('adds a page that shows at its public URL and in the footer; other languages show it until written', async () => {
    expect((await editor.get('/admin/pages')).body).toContain('No pages yet.');
    const res = await editor.post('/admin/pages', about);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/pages/about/en?done=saved');
    const form = (await editor.get(res.headers.location as string)).body;
    expect(form).toContain('Saved: the page shows it now.');
    expect(form).toContain('# Who we are\n\nAn **independent** paper.'); // the body as written
    const pub = await app.inject({ url: '/about/' });
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain('<h2>Who we are</h2>');
    expect(pub.body).toContain('<strong>independent</strong>');
    expect((await app.inject({ url: '/' })).body).toContain('href="/about/"');
    const list = (await editor.get('/admin/pages')).body;
    expect(list).toContain('<a href="/admin/pages/about/en">About us</a>');
    expect(list).toContain('<small>shows the en version</small></td><td><a href="/admin/pages/about/tr">Write the tr version</a>');
    expect((await audited('page.save'))[0]).toMatchObject({ target: 'page:about/en', detail: { slug: 'about', lang: 'en', title: 'About us', format: 'markdown', position: 1, created: true } });
  });

  it('writes a language version and edits one in place', async () => {
    const blank = (await editor.get('/admin/pages/about/tr')).body;
    expect(blank).toContain('New version');
    expect(blank).toContain('action="/admin/pages/about/tr"');
    expect((await editor.post('/admin/pages/about/tr', { title: 'Hakkımızda', format: 'markdown', position: '', body: 'Bağımsız bir gazete.' })).statusCode).toBe(303);
    expect((await app.inject({ url: '/tr/about/' })).body).toContain('Bağımsız bir gazete.');
    expect((await editor.post('/admin/pages/about/en', { title: 'About', format: 'html', position: '5', body: '<p>We <em>report</em>.</p>' })).statusCode).toBe(303);
    expect(await findSitePage(store.db, 'about', 'en')).toMatchObject({ title: 'About', format: 'html', position: 5, html: '<p>We <em>report</em>.</p>' });
    expect((await audited('page.save'))[0]!.detail).toMatchObject({ lang: 'en', created: false, position: 5 });
  });

  it('names bad input on the form, as `jarida pages add` does, and keeps what was typed', async () => {
    for (const [fields, message] of [
      [{ slug: 'Admin' }, 'slug &#34;Admin&#34; must be lowercase letters a-z, digits and single hyphens between them'],
      [{ slug: 'search' }, 'slug &#34;search&#34; is reserved for the site&#39;s own URLs'],
      [{ slug: 'contact', lang: 'de' }, 'lang &#34;de&#34; is not one of the site&#39;s languages (en, tr, ar)'],
      [{ slug: 'contact', title: ' ' }, 'title must not be empty'],
      [{ slug: 'contact', format: 'rtf' }, 'format &#34;rtf&#34; must be markdown or html'],
      [{ slug: 'contact', position: 'last' }, 'position &#34;last&#34; must be a whole number'],
      [{ slug: 'contact', body: '  ' }, 'body is empty'],
    ] as const) {
      const res = await editor.post('/admin/pages', { ...about, ...fields });
      expect(res.statusCode, message).toBe(400);
      expect(res.body).toContain(`<p class="error" role="alert">${message}`);
      expect(res.body).toContain(`value="${fields.slug}"`);
    }
    expect(await findSitePage(store.db, 'contact', 'en')).toBeUndefined();
    expect((await editor.post('/admin/pages/about/en', { title: '', format: 'markdown', body: 'x' })).body).toContain('title must not be empty');
    expect((await editor.get('/admin/pages/about/de')).statusCode).toBe(404);
  });

  it('removes a version after a confirm', async () => {
    const form = (await editor.get('/admin/pages/about/tr')).body;
    expect(form).toContain('<form method="post" action="/admin/pages/about/tr/remove" data-confirm="Remove the tr version of about?">');
    const res = await editor.post('/admin/pages/about/tr/remove', {});
    expect(res.headers.location).toBe('/admin/pages?done=removed');
    expect(await findSitePage(store.db, 'about', 'tr')).toBeUndefined();
    expect((await app.inject({ url: '/tr/about/' })).body).toContain('We <em>report</em>.'); // the default language's again
    expect((await audited('page.remove'))[0]).toMatchObject({ target: 'page:about/tr', detail: { slug: 'about', lang: 'tr' } });
    expect((await editor.post('/admin/pages/about/tr/remove', {})).statusCode).toBe(404);
  });
});
