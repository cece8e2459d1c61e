import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { findAuditEntries } from '../../store/audit.js';
import type { Store } from '../../store/db.js';
import { openTestStore, skipStoreTests } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { addTestUser, DeskClient } from './testing.js';

const skip = await skipStoreTests();
let store: Store;
let app: FastifyInstance;
const config = parseConfig({ siteName: 'Settings Test', databaseUrl: 'sqlite::memory:', demo: false, hijri: { adjustment: 0 } }, { JARIDA_NOW: '2019-02-15T12:00:00+03:00' });
let admin: DeskClient;

beforeAll(async () => {
  store = await openTestStore();
  app = await buildApp({ store, config });
  await addTestUser(app, store, 'admin@news.example', 'admin', config.fixedNow!);
  admin = new DeskClient(app);
  await admin.login('admin@news.example', 'correct horse battery staple');
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

/** The form as the page fills it, with some fields changed. */
async function submit(change: Record<string, string>, reset: string[] = []) {
  const page = await admin.get('/admin/settings');
  const form: Record<string, string> = {};
  for (const m of page.body.matchAll(/<input name="([^"]+)" value="([^"]*)"/g)) form[m[1]!] = m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  for (const m of page.body.matchAll(/<select name="([^"]+)">(.*?)<\/select>/gs)) form[m[1]!] = /<option value="([^"]*)" selected>/.exec(m[2]!)?.[1] ?? '';
  const body = new URLSearchParams({ _csrf: admin.csrf, ...form, ...change });
  for (const l of ['en', 'tr', 'ar']) if (!('languages' in change)) body.append('languages', l);
  // The share boxes as ticked (a browser sends the ticked ones).
  for (const m of page.body.matchAll(/<input type="checkbox" name="share" value="(\w+)" checked>/g)) if (!('share' in change)) body.append('share', m[1]!);
  for (const r of reset) body.append('reset', r);
  return app.inject({ method: 'POST', url: '/admin/settings', headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
}

describe.skipIf(skip)('the desk: settings', () => {
  it('changes the Hijri adjustment: the next page shows tomorrow\'s Hijri date, and back with a reset', async () => {
    expect((await app.inject('/')).body).toContain('15 February 2019 - Friday - 10 Jumada al-Thani 1440');
    const res = await submit({ 'hijri.adjustment': '1' });
    expect(res.statusCode).toBe(303);
    expect((await app.inject('/')).body).toContain('15 February 2019 - Friday - 11 Jumada al-Thani 1440');
    expect((await app.inject('/tr/')).body).toContain('11 Cemaziyelahir 1440');
    const log = (await findAuditEntries(store.db, { action: 'settings.update' }, 10)).entries[0]!;
    expect(log.userEmail).toBe('admin@news.example');
    expect(log.detail).toMatchObject({ changes: [{ field: 'hijri.adjustment', from: 0, to: 1 }] });
    await submit({}, ['hijri.adjustment']);
    expect((await app.inject('/')).body).toContain('10 Jumada al-Thani 1440');
  });

  it('sets the site description (the home page\'s) and the share networks (article pages), and resets them', async () => {
    const home = async () => /<meta name="description" content="([^"]*)">/.exec((await app.inject('/')).body)?.[1];
    expect(await home()).toMatch(/^Settings Test: the latest news/);
    const res = await submit({ description: 'Our town & its news.' });
    expect(res.statusCode).toBe(303);
    expect(await home()).toBe('Our town &amp; its news.');
    const form = (await admin.get('/admin/settings')).body;
    expect(form).toContain('>Our town &amp; its news.</textarea>');
    expect(form).toContain('<input type="checkbox" name="share" value="x" checked>');
    expect(form).toContain('<input type="checkbox" name="share" value="linkedin">');
    expect((await submit({ share: 'linkedin' })).statusCode).toBe(303);
    const shared = (await admin.get('/admin/settings')).body;
    expect(shared).toContain('<input type="checkbox" name="share" value="linkedin" checked>');
    expect(shared).toContain('<input type="checkbox" name="share" value="x">');
    await submit({}, ['description', 'share']);
    expect(await home()).toMatch(/^Settings Test: the latest news/);
    expect((await admin.get('/admin/settings')).body).toContain('<input type="checkbox" name="share" value="x" checked>');
  });

  it('names every bad field with the config file\'s rules and saves nothing', async () => {
    const res = await submit({ timeZone: 'Mars/Olympus', 'strip.days': '99', socialName0: 'Evil', socialUrl0: 'javascript:alert(1)', pageSize: 'many' });
    expect(res.statusCode).toBe(400);
    for (const f of ['timeZone', 'strip.days', 'social', 'pageSize']) expect(res.body).toContain(f);
    expect(res.body).toContain('Mars/Olympus');
    expect((await app.inject('/')).body).toContain('Settings Test');
    const noDefault = await submit({ languages: 'tr' });
    expect(noDefault.statusCode).toBe(400);
    expect(noDefault.body).toContain('languages');
  });

  it('keeps stored XSS in the site name and social links inert, on public and desk pages', async () => {
    const res = await submit({ siteName: '<script>alert(1)</script>"><img src=x onerror=alert(2)>', socialName0: '<b onmouseover=alert(3)>Face</b>', socialUrl0: 'https://facebook.com/x"onmouseover="alert(4)' });
    expect(res.statusCode).toBe(303);
    for (const html of [(await app.inject('/')).body, (await app.inject('/2019/02/15/')).body, (await admin.get('/admin/settings')).body, (await admin.get('/admin/articles')).body]) {
      expect(html).not.toMatch(/<script>alert/);
      expect(html).not.toMatch(/<img src=x onerror/);
      expect(html).not.toMatch(/<b onmouseover/);
      expect(html).not.toMatch(/"onmouseover="alert/);
    }
    expect((await app.inject('/')).body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('switches the feeds between full content and summary (feedContent), refuses another value, and resets', async () => {
    const { saveArticle } = await import('../../store/articles.js');
    const { ensureSource } = await import('../../store/sources.js');
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await saveArticle(store.db, { sourceId, guid: 'feed-content', title: 'Feed content', summary: 'Short', contentHtml: '<p>Long body</p>', publishedAt: new Date('2019-02-15T08:00:00Z') }, config.site.timeZone);
    const item = async () => (JSON.parse((await app.inject('/feed.json')).body) as { items: Record<string, unknown>[] }).items[0]!;
    expect(await item()).toMatchObject({ content_html: '<p>Long body</p>', summary: 'Short' });
    expect((await admin.get('/admin/settings')).body).toContain('<option value="full" selected>');
    expect((await submit({ feedContent: 'summary' })).statusCode).toBe(303);
    expect(await item()).toMatchObject({ content_text: 'Short', summary: 'Short' });
    expect((await item()).content_html).toBeUndefined();
    const bad = await submit({ feedContent: 'everything' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('feedContent');
    expect((await submit({}, ['feedContent'])).statusCode).toBe(303);
    expect(await item()).toMatchObject({ content_html: '<p>Long body</p>' });
  });

  it('is for admins only: an editor gets 403 and cannot post', async () => {
    await addTestUser(app, store, 'editor@news.example', 'editor', config.fixedNow!);
    const ed = new DeskClient(app);
    await ed.login('editor@news.example', 'correct horse battery staple');
    expect((await ed.get('/admin/settings')).statusCode).toBe(403);
    await ed.get('/admin/account');
    expect((await ed.post('/admin/settings', { siteName: 'Taken over' })).statusCode).toBe(403);
    expect((await app.inject('/')).body).not.toContain('Taken over');
  });
});
