/**
 * The desk's sections page as an editor uses it: the menu every public page carries follows each
 * add, rename, move and remove; a tag becomes a section; bad input is named on the form.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { addManualArticle } from '../../ingest/manual.js';
import { findAuditEntries } from '../../store/audit.js';
import { findCategoryBySlug, findSections } from '../../store/categories.js';
import type { Store } from '../../store/db.js';
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
  for (const [title, categories] of [['Markets fall', ['Ekonomi', 'Borsa']], ['Rates rise', ['Ekonomi']], ['Cup final', ['Spor']]] as const) {
    await addManualArticle(store, config.site, { title, publishedAt: new Date('2019-02-14T10:00:00Z'), body: `${title}.`, source: 'Desk', categories: [...categories] });
  }
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

/** The public menu of a page: [href, name] in order. */
async function menu(path = '/'): Promise<[string, string][]> {
  const html = (await app.inject({ url: path })).body;
  const nav = /<nav class="sections"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
  return [...nav.matchAll(/<a href="([^"]+)"[^>]*>([^<]*)<\/a>/g)].map((m) => [m[1]!, m[2]!]);
}
const audited = async (action: string) => (await findAuditEntries(store.db, { action }, 100)).entries;
const add = (fields: Record<string, string>) => editor.post('/admin/sections', { slug: '', name: '', en: '', tr: '', ar: '', position: '', ...fields });

describe.skipIf(skip)('the desk: sections', () => {
  it('adds sections, at the end or at a place, and the public menu shows them in order', async () => {
    expect(await menu()).toEqual([]);
    expect((await editor.get('/admin/sections')).body).toContain('No sections yet');
    expect((await add({ slug: 'world', name: 'World', tr: 'Dünya', ar: 'العالم' })).statusCode).toBe(303);
    expect((await add({ slug: 'culture', name: 'Culture' })).statusCode).toBe(303);
    expect((await add({ slug: 'sport', name: 'Sport', position: '1' })).headers.location).toBe('/admin/sections?done=added');
    expect(await menu()).toEqual([['/section/sport/', 'Sport'], ['/section/world/', 'World'], ['/section/culture/', 'Culture']]);
    expect(await menu('/tr/')).toContainEqual(['/tr/section/world/', 'Dünya']);
    const page = (await editor.get('/admin/sections?done=added')).body;
    expect(page).toContain('Section added');
    expect(page).toContain('<span>ar: <bdi lang="ar">العالم</bdi></span>');
    expect((await audited('section.add')).map((e) => e.detail)).toMatchObject([{ slug: 'sport', position: 1 }, { slug: 'culture' }, { slug: 'world', names: { tr: 'Dünya', ar: 'العالم' } }]);
  });

  it('names bad input on the form and keeps what was typed', async () => {
    for (const [fields, message] of [
      [{ slug: 'Bad Slug', name: 'X' }, 'sections: &#34;Bad Slug&#34; is not a slug'],
      [{ slug: 'nameless' }, 'sections: a new section needs a name'],
      [{ slug: 'world', name: 'Again' }, 'sections: world exists already'],
      [{ slug: 'science', name: 'Science', position: 'first' }, 'position: &#34;first&#34; must be a place in the menu'],
    ] as const) {
      const res = await add(fields);
      expect(res.statusCode, message).toBe(400);
      expect(res.body).toContain(`<p class="error" role="alert">${message}`);
      expect(res.body).toContain(`name="slug" value="${fields.slug}"`);
    }
    expect((await findSections(store.db)).map((s) => s.slug)).toEqual(['sport', 'world', 'culture']);
  });

  it('renames a section (names and slug); its URL moves and the menu follows', async () => {
    const form = (await editor.get('/admin/sections/world')).body;
    expect(form).toContain('value="Dünya"');
    const res = await editor.post('/admin/sections/world/rename', { slug: 'world-news', name: 'World', en: 'World News', tr: 'Dünya', ar: '' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/sections/world-news?done=renamed');
    expect(await menu()).toContainEqual(['/section/world-news/', 'World News']);
    expect(await menu('/ar/')).toContainEqual(['/ar/section/world-news/', 'World']); // its Arabic name cleared
    expect((await audited('section.rename'))[0]!.detail).toEqual({ kind: 'section', changed: { slug: { from: 'world', to: 'world-news' }, en: { from: '', to: 'World News' }, ar: { from: 'العالم', to: '' } } });
    const bad = await editor.post('/admin/sections/world-news/rename', { slug: 'sport', name: 'World', en: '', tr: '', ar: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('sections: sport exists already');
    expect((await editor.post('/admin/sections/world-news/rename', { slug: 'world-news', name: '', en: 'World News', tr: 'Dünya', ar: '' })).body).toContain('sections: a name must not be empty');
    expect((await editor.get('/admin/sections/world')).statusCode).toBe(404);
  });

  it('moves a section up, down and to a place', async () => {
    expect((await editor.post('/admin/sections/culture/move', { action: 'up' })).statusCode).toBe(303);
    expect((await menu()).map(([, n]) => n)).toEqual(['Sport', 'Culture', 'World News']);
    await editor.post('/admin/sections/sport/move', { action: 'down' });
    expect((await menu()).map(([, n]) => n)).toEqual(['Culture', 'Sport', 'World News']);
    await editor.post('/admin/sections/world-news/move', { action: 'place', position: '1' });
    expect((await menu()).map(([, n]) => n)).toEqual(['World News', 'Culture', 'Sport']);
    const bad = await editor.post('/admin/sections/sport/move', { action: 'place', position: '0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('position: &#34;0&#34; must be a place in the menu');
    expect((await audited('section.move')).map((e) => e.detail)).toEqual([{ from: 3, to: 1 }, { from: 1, to: 2 }, { from: 3, to: 2 }]);
  });

  it('lists the most used tags and makes one a section, with its articles', async () => {
    const page = (await editor.get('/admin/sections')).body;
    const tags = page.slice(page.indexOf('Most used tags'));
    expect(tags.indexOf('>ekonomi<')).toBeLessThan(tags.indexOf('>borsa<')); // 2 articles before 1
    expect(tags).toContain('<input type="hidden" name="slug" value="ekonomi"><button type="submit">Make it a section</button>');
    expect((await add({ slug: 'ekonomi' })).statusCode).toBe(303);
    expect(await findCategoryBySlug(store.db, 'ekonomi')).toMatchObject({ kind: 'section', name: 'Ekonomi', count: 2 });
    expect((await menu()).at(-1)).toEqual(['/section/ekonomi/', 'Ekonomi']);
    expect((await audited('section.add'))[0]!.detail).toMatchObject({ slug: 'ekonomi', fromTag: 2 });
  });

  it('removes a section after a confirm; its articles stay', async () => {
    const page = (await editor.get('/admin/sections')).body;
    expect(page).toContain('<form method="post" action="/admin/sections/ekonomi/remove" class="inline" data-confirm="Remove the section Ekonomi? Its 2 articles stay, under their other sections and tags.">');
    const res = await editor.post('/admin/sections/ekonomi/remove', {});
    expect(res.headers.location).toBe('/admin/sections?done=removed');
    expect((await menu()).map(([, n]) => n)).toEqual(['World News', 'Culture', 'Sport']);
    expect((await app.inject({ url: '/' })).body).toContain('Markets fall');
    expect((await audited('section.remove'))[0]!.detail).toEqual({ kind: 'section', slug: 'ekonomi', name: 'Ekonomi', articles: 2 });
    expect((await editor.post('/admin/sections/ekonomi/remove', {})).statusCode).toBe(404);
  });
});
