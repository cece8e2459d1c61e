import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findSections, findSourceMapping } from '../../store/categories.js';
import type { Store } from '../../store/db.js';
import { findSources } from '../../store/sources.js';
import { openTestStore, skipStoreTests } from '../../store/testing.js';
import { OpmlError, parseOpml } from './opml.js';
import { describeOpmlImport, exportOpml, importOpml } from './subscriptions.js';

const fixture = readFileSync(new URL('./testdata/subscriptions.opml', import.meta.url), 'utf8');
const skip = await skipStoreTests();
let store: Store;

beforeEach(async () => {
  if (!skip) store = await openTestStore();
});
afterEach(() => store?.close());

describe.skipIf(skip)('OPML import and export', () => {
  it('adds every feed, its innermost folder as its default section, and says so as `sources import` prints it', async () => {
    const r = await importOpml(store.db, fixture);
    expect(r.added.map((a) => [a.title, a.url, a.section])).toEqual([
      ['Kıyı Postası', 'https://example.org/kiyi/feed.xml', 'haberler'],
      ['World & Co', 'https://example.com/world.rss', 'dunya'],
      ['أخبار الواحة', 'https://example.net/alwaha/feed', null],
    ]);
    expect(describeOpmlImport(r)).toBe('imported 3 of 3 feeds\nfolders → default sections: Haberler → haberler (1) · Dünya → dunya (1)');
    expect((await findSections(store.db)).map((c) => [c.slug, c.name])).toEqual([['haberler', 'Haberler'], ['dunya', 'Dünya']]);
    const world = (await findSources(store.db)).find((s) => s.title === 'World & Co')!;
    expect(await findSourceMapping(store.db, world.id)).toEqual({ words: [], defaultSection: 'dunya' });
    expect((await findSources(store.db)).find((s) => s.language === 'tr')).toMatchObject({ kind: 'feed', siteUrl: 'https://example.org/kiyi/', enabled: true });
  });

  it('skips, with the reason, a feed that is a source already or has no http(s) address', async () => {
    await importOpml(store.db, fixture);
    const again = fixture.replace('<outline text="An empty folder"/>', '<outline text="FTP" xmlUrl="ftp://files.example/feed"/>');
    const r = await importOpml(store.db, again);
    expect(r.added).toEqual([]);
    expect(describeOpmlImport(r)).toBe([
      'imported 0 of 4 feeds; skipped 4:',
      '  https://example.org/kiyi/feed.xml: already a source',
      '  https://example.com/world.rss: already a source',
      '  https://example.net/alwaha/feed: already a source',
      '  ftp://files.example/feed: not an http(s) URL',
    ].join('\n'));
    expect(await findSources(store.db)).toHaveLength(3);
  });

  it('refuses a file that is not OPML before storing anything', async () => {
    await expect(importOpml(store.db, '<rss version="2.0"><channel/></rss>')).rejects.toThrow(OpmlError);
    await expect(importOpml(store.db, '\u0000\u0001PNG')).rejects.toThrow(/^opml: /);
    expect(await findSources(store.db)).toEqual([]);
  });

  it('exports what it imported: the same feeds, each in the folder of its default section', async () => {
    await importOpml(store.db, fixture);
    const { xml, feeds } = await exportOpml(store.db, { title: 'Kıyı sources', lang: 'en' }, new Date('2019-02-15T09:00:00Z'));
    expect(feeds).toBe(3);
    expect(xml).toContain('<title>Kıyı sources</title>');
    expect(parseOpml(xml).map((f) => [f.title, f.xmlUrl, f.htmlUrl, f.language, f.folders])).toEqual([
      ['أخبار الواحة', 'https://example.net/alwaha/feed', 'https://example.net/alwaha/', 'ar', []],
      ['Kıyı Postası', 'https://example.org/kiyi/feed.xml', 'https://example.org/kiyi/', 'tr', ['Haberler']],
      ['World & Co', 'https://example.com/world.rss', null, null, ['Dünya']],
    ]);
  });
});
