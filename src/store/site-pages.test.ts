import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchChanges, type Change, type StopWatching } from './changes.js';
import type { Store } from './db.js';
import { deleteSitePage, findFooterPages, findSitePage, findSitePageFor, findSitePages, saveSitePage, type NewSitePage } from './site-pages.js';
import { openTestStore, skipStoreTests, testStoreKind } from './testing.js';

const page = (p: Partial<NewSitePage> & Pick<NewSitePage, 'slug' | 'lang' | 'title'>): NewSitePage => ({
  body: `# ${p.title}`,
  format: 'markdown',
  html: `<h2>${p.title}</h2>`,
  ...p,
});

/** Resolves once `pred` holds, polling; fails after `ms`. */
async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(await skipStoreTests())(`own pages on the ${testStoreKind()} store`, () => {
  let store: Store;
  let stop: StopWatching;
  let changes: Change[];

  beforeEach(async () => {
    store = await openTestStore();
    changes = [];
    stop = watchChanges(store, (c) => changes.push(c), { pollMs: 20 });
    await stop.ready;
  });
  afterEach(async () => {
    await stop();
    await store.close();
  });

  it('adds a version per language and replaces one in place, keeping its position and creation time', async () => {
    const t0 = new Date('2019-02-15T09:00:00Z');
    expect(await saveSitePage(store.db, page({ slug: 'about', lang: 'en', title: 'About us' }), t0)).toEqual({ created: true, position: 1 });
    // A new language version takes the slug's position; a new slug goes after the last.
    expect(await saveSitePage(store.db, page({ slug: 'about', lang: 'tr', title: 'Hakkımızda' }), t0)).toEqual({ created: true, position: 1 });
    expect(await saveSitePage(store.db, page({ slug: 'contact', lang: 'en', title: 'Contact' }), t0)).toEqual({ created: true, position: 2 });

    const t1 = new Date('2019-02-16T09:00:00Z');
    expect(await saveSitePage(store.db, page({ slug: 'about', lang: 'en', title: 'About Jarida', body: 'new', html: '<p>new</p>' }), t1)).toEqual({ created: false, position: 1 });
    const about = await findSitePage(store.db, 'about', 'en');
    expect(about).toEqual({
      slug: 'about', lang: 'en', title: 'About Jarida', body: 'new', format: 'markdown', html: '<p>new</p>', position: 1,
      createdAt: t0.toISOString(), updatedAt: t1.toISOString(),
    });
    expect(await findSitePage(store.db, 'about', 'ar')).toBeUndefined();
    expect(await findSitePage(store.db, 'nothing', 'en')).toBeUndefined();

    // Told a position, a replaced version moves.
    expect((await saveSitePage(store.db, page({ slug: 'contact', lang: 'en', title: 'Contact', position: -5 }))).position).toBe(-5);
    expect((await findSitePages(store.db)).map((p) => `${p.slug}/${p.lang}/${p.position}`)).toEqual(['contact/en/-5', 'about/en/1', 'about/tr/1']);
  });

  it('finds the version for a language, falling back to the default language, else none', async () => {
    await saveSitePage(store.db, page({ slug: 'about', lang: 'en', title: 'About us' }));
    await saveSitePage(store.db, page({ slug: 'about', lang: 'tr', title: 'Hakkımızda' }));
    await saveSitePage(store.db, page({ slug: 'kunye', lang: 'tr', title: 'Künye' }));
    expect((await findSitePageFor(store.db, 'about', 'tr', 'en'))?.title).toBe('Hakkımızda');
    expect((await findSitePageFor(store.db, 'about', 'ar', 'en'))?.title).toBe('About us');
    expect((await findSitePageFor(store.db, 'about', 'en', 'en'))?.title).toBe('About us');
    // Only in Turkish: shown in Turkish, not in the other languages.
    expect((await findSitePageFor(store.db, 'kunye', 'tr', 'en'))?.title).toBe('Künye');
    expect(await findSitePageFor(store.db, 'kunye', 'ar', 'en')).toBeUndefined();
    expect(await findSitePageFor(store.db, 'kunye', 'en', 'en')).toBeUndefined();
  });

  it('lists the footer of a language in position order, each slug once, in its language or else the default', async () => {
    await saveSitePage(store.db, page({ slug: 'imprint', lang: 'en', title: 'Imprint', position: 3 }));
    await saveSitePage(store.db, page({ slug: 'about', lang: 'en', title: 'About us', position: 1 }));
    await saveSitePage(store.db, page({ slug: 'about', lang: 'tr', title: 'Hakkımızda', position: 1 }));
    await saveSitePage(store.db, page({ slug: 'contact', lang: 'ar', title: 'اتصل بنا', position: 2 }));
    await saveSitePage(store.db, page({ slug: 'kunye', lang: 'tr', title: 'Künye', position: 2 }));
    expect(await findFooterPages(store.db, 'en', 'en')).toEqual([
      { slug: 'about', lang: 'en', title: 'About us' },
      { slug: 'imprint', lang: 'en', title: 'Imprint' },
    ]);
    expect(await findFooterPages(store.db, 'tr', 'en')).toEqual([
      { slug: 'about', lang: 'tr', title: 'Hakkımızda' },
      { slug: 'kunye', lang: 'tr', title: 'Künye' },
      { slug: 'imprint', lang: 'en', title: 'Imprint' },
    ]);
    expect(await findFooterPages(store.db, 'ar', 'en')).toEqual([
      { slug: 'about', lang: 'en', title: 'About us' },
      { slug: 'contact', lang: 'ar', title: 'اتصل بنا' },
      { slug: 'imprint', lang: 'en', title: 'Imprint' },
    ]);
    // Another default language.
    expect((await findFooterPages(store.db, 'tr', 'tr')).map((p) => p.slug)).toEqual(['about', 'kunye']);
  });

  it('removes one language version or all of them', async () => {
    for (const lang of ['en', 'tr', 'ar'] as const) await saveSitePage(store.db, page({ slug: 'about', lang, title: `About ${lang}` }));
    expect(await deleteSitePage(store.db, 'about', 'tr')).toBe(1);
    expect(await deleteSitePage(store.db, 'about', 'tr')).toBe(0);
    expect((await findSitePages(store.db)).map((p) => p.lang)).toEqual(['ar', 'en']);
    expect(await deleteSitePage(store.db, 'about')).toBe(2);
    expect(await findSitePages(store.db)).toEqual([]);
    expect(await deleteSitePage(store.db, 'about')).toBe(0);
  });

  it('refuses a second row for one slug and language', async () => {
    const row = { slug: 'about', lang: 'en', title: 'A', body: 'b', format: 'markdown', html: 'h', position: 1, created_at: 'x', updated_at: 'x' };
    await store.db.insertInto('site_pages').values(row).execute();
    await expect(store.db.insertInto('site_pages').values(row).execute()).rejects.toThrow(/unique|duplicate/i);
    await store.db.insertInto('site_pages').values({ ...row, lang: 'tr' }).execute();
  });

  it('signals "everything changed" for every write, and nothing for a removal that removed nothing', async () => {
    await saveSitePage(store.db, page({ slug: 'about', lang: 'en', title: 'About us' }));
    await until(() => changes.length === 1);
    expect(changes[0]).toMatchObject({ all: true });
    await saveSitePage(store.db, page({ slug: 'about', lang: 'en', title: 'About Jarida' }));
    await until(() => changes.length === 2);
    expect(await deleteSitePage(store.db, 'nothing')).toBe(0);
    await deleteSitePage(store.db, 'about');
    await until(() => changes.length === 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(changes).toHaveLength(3);
    expect(changes.every((c) => c.all)).toBe(true);
  });
});
