import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { sampleJpeg } from '../../media/testdata/images.js';
import { findAuditEntries } from '../../store/audit.js';
import { saveArticle } from '../../store/articles.js';
import { findPublishedTotal } from '../../store/day-counts.js';
import type { Store } from '../../store/db.js';
import { findDeskArticle, publishDueArticles } from '../../store/desk-articles.js';
import { ensureSource } from '../../store/sources.js';
import { openTestStore, skipStoreTests } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { addTestUser, DeskClient, TEST_PASSWORD } from './testing.js';

const skip = await skipStoreTests();
let store: Store;
let app: FastifyInstance;
let clock = new Date('2019-02-15T09:00:00Z'); // 12:00 in Istanbul
const mediaDir = mkdtempSync(join(tmpdir(), 'jarida-desk-media-'));
const config = parseConfig({ siteName: 'Desk Articles', databaseUrl: 'sqlite::memory:', demo: false, media: { dir: mediaDir }, timeZone: 'Europe/Istanbul' }, {});
const users: Record<string, DeskClient> = {};
let aggregated: number;

beforeAll(async () => {
  store = await openTestStore();
  app = await buildApp({ store, config, now: () => clock });
  for (const role of ['contributor', 'author', 'editor', 'admin']) {
    await addTestUser(app, store, `${role}@news.example`, role, clock);
    users[role] = new DeskClient(app);
    await users[role].login(`${role}@news.example`, TEST_PASSWORD);
  }
  const feed = await ensureSource(store.db, { kind: 'feed', url: 'https://wire.example/feed.xml', title: 'Wire' });
  aggregated = (await saveArticle(store.db, { sourceId: feed, guid: 'w1', url: 'https://wire.example/1', canonicalUrl: 'https://wire.example/1', title: 'Wire story with a typo', contentHtml: '<p>Wire body.</p>', publishedAt: new Date('2019-02-15T07:00:00Z') }, config.site.timeZone)).id;
});
afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(mediaDir, { recursive: true, force: true });
});

const write = async (c: DeskClient, form: Record<string, string | string[] | { filename: string; type: string; bytes: Buffer }>, url = '/admin/articles') => {
  await c.get(url === '/admin/articles' ? '/admin/articles/new' : url);
  return c.postMultipart(url, form);
};
const idOf = (location: unknown) => Number(/\/admin\/articles\/(\d+)/.exec(String(location))![1]);

describe.skipIf(skip)('the desk: articles', () => {
  it('lets a contributor write a draft but not publish it (403)', async () => {
    const c = users.contributor!;
    const draft = await write(c, { title: 'A contributor draft', body: 'First paragraph.\n\nSecond.', intent: 'save' });
    expect(draft.statusCode).toBe(303);
    const id = idOf(draft.headers.location);
    expect((await findDeskArticle(store.db, id))!.status).toBe('draft');
    const pub = await write(c, { title: 'A contributor draft', body: 'x', intent: 'publish' }, `/admin/articles/${id}`);
    expect(pub.statusCode).toBe(403);
    expect((await findDeskArticle(store.db, id))!.status).toBe('draft');
    // Refused before anything is stored: not even the image that came with it.
    const countStoredMedia = async () => Number((await store.db.selectFrom('media').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const media = await countStoredMedia();
    expect((await write(c, { title: 'New and published', intent: 'publish', image: { filename: 'a.jpg', type: 'image/jpeg', bytes: await sampleJpeg(400, 300) } })).statusCode).toBe(403);
    expect(await countStoredMedia()).toBe(media);
    // Not an aggregated article either.
    // Another's article is not even shown to a contributor (as absent as a missing one), let alone changed.
    expect((await c.get(`/admin/articles/${aggregated}`)).statusCode).toBe(404);
    expect((await write(c, { title: 'Mine now', intent: 'save' }, `/admin/articles/${aggregated}`)).statusCode).toBe(404);
    expect((await c.get('/admin/articles')).body).not.toContain('Wire story');
  });

  it('publishes an author\'s article with an uploaded image; the public pages show it with its picture', async () => {
    const total = await findPublishedTotal(store.db);
    const res = await write(users.author!, {
      title: 'Harbour reopens after the storm', body: 'The **harbour** reopened on Friday.\n\n## Boats\n\nFishing boats went out at dawn.', language: 'en', intent: 'publish',
      published: '2019-02-15T11:30', tags: 'harbour, storm', image: { filename: 'harbour.jpg', type: 'image/jpeg', bytes: await sampleJpeg(1200, 675) },
    });
    expect(res.statusCode).toBe(303);
    const a = (await findDeskArticle(store.db, idOf(res.headers.location)))!;
    expect(a.status).toBe('published');
    expect(a.imageUrl).toMatch(/^https:\/\/uploads\.invalid\/[0-9a-f]+-\d+\.jpg$/);
    expect(a.contentHtml).toContain('<strong>harbour</strong>');
    expect(await findPublishedTotal(store.db)).toBe(total + 1);
    const page = await app.inject(`/2019/02/15/${a.slug}/`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Harbour reopens after the storm');
    expect(page.body).toMatch(/<picture>.*srcset="\/media\/[0-9a-f]+-\d+\.webp/s);
    expect(page.body).toContain('href="/tag/storm/"');
    // Another author may not change it; an editor may.
    await addTestUser(app, store, 'author2@news.example', 'author', clock);
    const other = new DeskClient(app);
    await other.login('author2@news.example', TEST_PASSWORD);
    expect((await write(other, { title: 'Hijacked', intent: 'save' }, `/admin/articles/${a.id}`)).statusCode).toBe(404);
    expect((await findDeskArticle(store.db, a.id))!.title).toBe('Harbour reopens after the storm');
    // A file that is not an image is refused with the pipeline's words, the form kept.
    const bad = await write(users.author!, { title: 'With a fake image', intent: 'save', image: { filename: 'x.jpg', type: 'image/jpeg', bytes: Buffer.from('<html>not an image</html>') } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('image: not an image');
    expect(bad.body).toContain('value="With a fake image"');
  });

  it('schedules an article: not on the site nor counted before its minute, both from it', async () => {
    const total = await findPublishedTotal(store.db);
    const res = await write(users.editor!, { title: 'Scheduled for the afternoon', body: 'Later.', intent: 'publish', published: '2019-02-15T14:00' });
    const id = idOf(res.headers.location);
    const a = (await findDeskArticle(store.db, id))!;
    expect(a.status).toBe('scheduled');
    expect((await app.inject(`/2019/02/15/${a.slug}/`)).statusCode).toBe(404);
    expect((await app.inject('/')).body).not.toContain('Scheduled for the afternoon');
    clock = new Date('2019-02-15T10:59:00Z');
    expect(await publishDueArticles(store.db, clock, config.site.timeZone)).toEqual([]);
    expect(await findPublishedTotal(store.db)).toBe(total);
    clock = new Date('2019-02-15T11:00:00Z'); // 14:00 in Istanbul
    expect(await publishDueArticles(store.db, clock, config.site.timeZone)).toEqual([id]);
    expect(await findPublishedTotal(store.db)).toBe(total + 1);
    expect((await app.inject(`/2019/02/15/${a.slug}/`)).statusCode).toBe(200);
    clock = new Date('2019-02-15T09:00:00Z');
  });

  it('fixes an aggregated article\'s title, keeps the old one as a revision, restores it, and hides it', async () => {
    const ed = users.editor!;
    const form = await ed.get(`/admin/articles/${aggregated}`);
    expect(form.body).toContain('value="Wire story with a typo"');
    // The body sent back as the form showed it (the feed's HTML, lines as a browser sends them) stays that HTML.
    const shown = /<textarea name="body"[^>]*>([^<]*)<\/textarea>/.exec(form.body)![1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    expect(shown).toBe('<p>Wire body.</p>');
    const fixed = await write(ed, { title: 'Wire story without a typo', body: shown.replace(/\n/g, '\r\n'), intent: 'save' }, `/admin/articles/${aggregated}`);
    expect(fixed.statusCode).toBe(303);
    const a = (await findDeskArticle(store.db, aggregated))!;
    expect(a.title).toBe('Wire story without a typo');
    expect(a.status).toBe('published');
    expect(a.editedAt).not.toBeNull();
    expect(a.contentHtml).toBe('<p>Wire body.</p>');
    expect(a.bodySource).toBeNull();
    const page = await ed.get(`/admin/articles/${aggregated}`);
    expect(page.body).toContain('its feed no longer overwrites it');
    const rev = /href="\/admin\/articles\/\d+\/revisions\/(\d+)"/.exec(page.body)![1];
    const compare = await ed.get(`/admin/articles/${aggregated}/revisions/${rev}`);
    expect(compare.body).toContain('Wire story with a typo');
    expect(compare.body).toContain('Wire story without a typo');
    expect((await ed.post(`/admin/articles/${aggregated}/revisions/${rev}/restore`, {})).statusCode).toBe(303);
    expect((await findDeskArticle(store.db, aggregated))!.title).toBe('Wire story with a typo');
    // Hide: gone from the site; show again.
    expect((await ed.post(`/admin/articles/${aggregated}/status`, { status: 'hidden' })).statusCode).toBe(303);
    expect((await app.inject(`/2019/02/15/${a.slug}/`)).statusCode).toBe(404);
    expect((await users.author!.post(`/admin/articles/${aggregated}/status`, { status: 'published' })).statusCode).toBe(404);
    await ed.get(`/admin/articles/${aggregated}`);
    expect((await ed.post(`/admin/articles/${aggregated}/status`, { status: 'published' })).statusCode).toBe(303);
    expect((await app.inject(`/2019/02/15/${a.slug}/`)).statusCode).toBe(200);
  });

  it('names the canonical link per article: as its source says, this site\'s copy, or the original', async () => {
    const ed = users.editor!;
    const a = (await findDeskArticle(store.db, aggregated))!;
    const canonical = async () => /<link rel="canonical" href="([^"]+)">/.exec((await app.inject(`/2019/02/15/${a.slug}/`)).body)?.[1];
    const form = { title: a.title, body: a.contentHtml ?? '', url: 'https://wire.example/1', intent: 'save' };
    expect((await write(ed, { ...form, canonical: '' }, `/admin/articles/${aggregated}`)).statusCode).toBe(303);
    expect(await canonical()).toBe('https://wire.example/1');
    expect((await write(ed, { ...form, canonical: 'here' }, `/admin/articles/${aggregated}`)).statusCode).toBe(303);
    expect((await findDeskArticle(store.db, aggregated))!.canonicalHere).toBe(true);
    expect(await canonical()).toBe(`http://localhost/2019/02/15/${a.slug}/`);
    expect((await ed.get(`/admin/articles/${aggregated}`)).body).toContain('<option value="here" selected>');
    expect((await write(ed, { ...form, canonical: '' }, `/admin/articles/${aggregated}`)).statusCode).toBe(303);
    expect((await findDeskArticle(store.db, aggregated))!.canonicalHere).toBeNull();
    expect(await canonical()).toBe('https://wire.example/1');
  });

  it('keeps stored XSS in title, body and summary inert on public and desk pages', async () => {
    const res = await write(users.editor!, {
      title: '<img src=x onerror=alert(1)> "quoted" </script><script>alert(2)</script>',
      body: 'Hello <img src=x onerror=alert(3)> [click](javascript:alert(4)) <svg onload=alert(5)>\n\n<script>alert(6)</script>',
      summary: '<b onmouseover=alert(7)>summary</b>',
      intent: 'publish',
    });
    const id = idOf(res.headers.location);
    const a = (await findDeskArticle(store.db, id))!;
    for (const html of [(await app.inject(`/2019/02/15/${a.slug}/`)).body, (await app.inject('/')).body, (await users.editor!.get(`/admin/articles/${id}`)).body, (await users.editor!.get('/admin/articles')).body]) {
      expect(html).not.toMatch(/<img[^>]*onerror/i);
      expect(html).not.toMatch(/<script>alert/i);
      expect(html).not.toMatch(/<svg[^>]*onload/i);
      expect(html).not.toMatch(/href="javascript:/i);
      expect(html).not.toMatch(/<b onmouseover/i);
    }
  });

  it('previews the form without saving it', async () => {
    const before = (await findAuditEntries(store.db, { action: 'article.create' }, 500)).entries.length;
    const res = await write(users.author!, { title: 'Preview me', body: 'Some *text*.', intent: 'preview' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<em>text</em>');
    expect(res.body).toContain('not saved yet');
    expect((await findAuditEntries(store.db, { action: 'article.create' }, 500)).entries.length).toBe(before);
  });

  it('lists articles with filters and a cursor, and answers bad filters with 400', async () => {
    const ed = users.editor!;
    const drafts = await ed.get('/admin/articles?status=draft');
    expect(drafts.body).toContain('A contributor draft');
    expect(drafts.body).not.toContain('Harbour reopens');
    expect((await ed.get('/admin/articles?q=harbour')).body).toContain('Harbour reopens');
    for (const bad of ['status=gone', 'day=2019-02-30', 'source=abc', 'after=garbage', 'section=-1']) expect((await ed.get(`/admin/articles?${bad}`)).statusCode, bad).toBe(400);
    for (let i = 0; i < 55; i++) await saveArticle(store.db, { sourceId: 1, guid: `bulk${i}`, title: `Bulk ${i}`, publishedAt: new Date(Date.UTC(2019, 1, 1, 0, i)) }, config.site.timeZone);
    const first = await ed.get('/admin/articles');
    const next = /href="(\/admin\/articles\?[^"]*after=[^"]+)"/.exec(first.body)![1]!.replace(/&amp;/g, '&');
    const second = await ed.get(next);
    const titles = (html: string) => [...html.matchAll(/<a href="\/admin\/articles\/(\d+)"/g)].map((m) => m[1]);
    expect(titles(second.body).length).toBeGreaterThan(0);
    expect(titles(first.body).filter((x) => titles(second.body).includes(x))).toEqual([]);
  });

  it('records each article action with its user in the audit log', async () => {
    const log = (await findAuditEntries(store.db, { action: 'article.' }, 500)).entries;
    const by = (action: string) => log.filter((e) => e.action === action).map((e) => e.userEmail);
    expect(by('article.create')).toContain('author@news.example');
    expect(by('article.create')).toContain('contributor@news.example');
    expect(by('article.update')).toContain('editor@news.example');
    expect(by('article.restore')).toEqual(['editor@news.example']);
    expect(by('article.hide')).toEqual(['editor@news.example']);
    expect(by('article.unhide')).toEqual(['editor@news.example']);
  });
});
