/** The sources page's OPML file: import a feed reader's list through the form, export the sources, read it back. */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { parseOpml } from '../../ingest/opml/opml.js';
import { findAuditEntries } from '../../store/audit.js';
import { findSections } from '../../store/categories.js';
import type { Store } from '../../store/db.js';
import { findSources } from '../../store/sources.js';
import { openTestStore, skipStoreTests } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { addTestUser, DeskClient, loggedIn, TEST_PASSWORD } from './testing.js';

const skip = await skipStoreTests();
const clock = new Date('2019-02-15T12:00:00Z');
const fixture = readFileSync(new URL('../../ingest/opml/testdata/subscriptions.opml', import.meta.url));
let store: Store;
let app: FastifyInstance;
let editor: DeskClient;

beforeAll(async () => {
  if (skip) return;
  store = await openTestStore();
  app = await buildApp({ store, config: parseConfig({ siteName: 'Kıyı', databaseUrl: 'sqlite::memory:', demo: false }, {}), now: () => clock });
  editor = await loggedIn(app, store, 'editor@news.example', 'editor', clock);
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

const opml = (bytes: Buffer, filename = 'subscriptions.opml') => ({ opml: { filename, type: 'text/x-opml', bytes } });

describe.skipIf(skip)('the desk: OPML import and export', () => {
  it('imports a feed reader\'s OPML file through the form, with the summary `sources import` prints', async () => {
    const page = await editor.get('/admin/sources');
    expect(page.body).toContain('<a href="/admin/sources.opml" download>Export OPML</a>');
    expect(page.body).toContain('action="/admin/sources/import#import" enctype="multipart/form-data"');
    const r = await editor.postMultipart('/admin/sources/import', opml(fixture));
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('private, no-store');
    expect(r.body).toContain('<p>imported 3 of 3 feeds<br>folders → default sections: Haberler → haberler (1) · Dünya → dunya (1)</p>');
    const sources = await findSources(store.db);
    expect(sources.map((s) => s.title)).toEqual(['Kıyı Postası', 'World & Co', 'أخبار الواحة']);
    expect(r.body).toContain(`<a href="/admin/sources/${sources[1]!.id}">World &amp; Co</a>`);
    expect((await findSections(store.db)).map((c) => c.slug)).toEqual(['haberler', 'dunya']);
    expect((await findAuditEntries(store.db, { action: 'source.import' }, 10)).entries).toMatchObject([{ userEmail: 'editor@news.example', detail: { feeds: 3, added: 3, skipped: 0, sections: ['haberler', 'dunya'] } }]);

    const again = await editor.postMultipart('/admin/sources/import', opml(fixture));
    expect(again.body).toContain('imported 0 of 3 feeds; skipped 3:<br>  https://example.org/kiyi/feed.xml: already a source<br>');
    expect(await findSources(store.db)).toHaveLength(3);
  });

  it('names what is wrong with a file that is not OPML, or no file, on the form: one line, never a 500', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    for (const [form, message] of [
      [opml(png, 'photo.png'), 'opml: '],
      [opml(Buffer.from('<rss version="2.0"><channel><title>A feed</title></channel></rss>'), 'feed.xml'), 'opml: no &lt;opml&gt; root element'],
      [opml(Buffer.from('<opml version="2.0"><body><outline text="cut'), 'cut.opml'), 'opml: not well-formed XML'],
      [{ other: 'no file' }, 'OPML file: choose the .opml file a feed reader exported'],
    ] as const) {
      const r = await editor.postMultipart('/admin/sources/import', form);
      expect(r.statusCode, message).toBe(400);
      const shown = /<p class="error" role="alert">([^<]*)<\/p>/.exec(r.body)?.[1];
      expect(shown, r.body.slice(0, 300)).toBeDefined();
      expect(shown!.startsWith(message), shown).toBe(true);
      expect(shown).not.toContain('\n');
    }
    expect(await findSources(store.db)).toHaveLength(3);
  });

  it('exports the file `sources export` writes, which reads back as the same feeds and folders', async () => {
    const r = await editor.get('/admin/sources.opml');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/x-opml; charset=utf-8');
    expect(r.headers['content-disposition']).toBe('attachment; filename="sources-2019-02-15.opml"');
    expect(r.headers['cache-control']).toBe('private, no-store');
    expect(r.body).toContain('<title>Kıyı sources</title>');
    expect(parseOpml(r.body).map((f) => [f.title, f.xmlUrl, f.htmlUrl, f.language, f.folders]).sort()).toEqual(
      parseOpml(fixture.toString('utf8')).map((f) => [f.title, f.xmlUrl, f.htmlUrl, f.language, f.folders.slice(-1)]).sort(),
    );
    expect((await findAuditEntries(store.db, { action: 'source.export' }, 10)).entries).toMatchObject([{ detail: { feeds: 3 } }]);
  });

  it('is for editors: an author gets 403 for both, a form without its CSRF token changes nothing', async () => {
    await addTestUser(app, store, 'author@news.example', 'author', clock);
    const author = new DeskClient(app);
    await author.login('author@news.example', TEST_PASSWORD);
    expect((await author.get('/admin/sources.opml')).statusCode).toBe(403);
    expect((await author.postMultipart('/admin/sources/import', opml(fixture))).statusCode).toBe(403);
    const stale = new DeskClient(app);
    stale.cookies = new Map(editor.cookies);
    stale.csrf = 'not-a-token';
    expect((await stale.postMultipart('/admin/sources/import', opml(Buffer.from(fixture.toString('utf8').replace(/example\.org/g, 'example.edu'))))).statusCode).toBe(403);
    expect(await findSources(store.db)).toHaveLength(3);
  });
});
