import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/db.js';
import { findSitePage } from '../store/site-pages.js';
import { openTestStore } from '../store/testing.js';
import { PageInputError, saveOwnPage, sitePageOf } from './site-pages.js';

const site = { languages: ['en', 'tr'] as const, defaultLanguage: 'en' as const };
const good = { slug: 'about', title: ' About us ', body: '# Who we are\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1))', format: 'markdown' };

describe('an own page as given', () => {
  it('checks each field and names the first that is wrong', () => {
    const bad: [Partial<typeof good> & { lang?: string; position?: string }, string][] = [
      [{ slug: 'About' }, 'slug "About" must be lowercase letters a-z, digits and single hyphens between them'],
      [{ slug: 'admin' }, `slug "admin" is reserved for the site's own URLs`],
      [{ lang: 'ar' }, `lang "ar" is not one of the site's languages (en, tr)`],
      [{ title: '  ' }, 'title must not be empty'],
      [{ format: 'rtf' }, 'format "rtf" must be markdown or html'],
      [{ position: 'first' }, 'position "first" must be a whole number (-999999 to 999999)'],
      [{ body: ' \n ' }, 'body is empty'],
      [{ body: 'x'.repeat((1 << 20) + 1) }, 'body is over 1 MB'],
    ];
    for (const [change, message] of bad) {
      let err: unknown;
      try {
        sitePageOf({ ...site, languages: [...site.languages] }, { ...good, ...change });
      } catch (e) {
        err = e;
      }
      expect(err, message).toBeInstanceOf(PageInputError);
      expect((err as Error).message).toBe(message);
    }
  });

  it('renders markdown and HTML through the sanitizer: no handler, no javascript: link', () => {
    const md = sitePageOf({ ...site, languages: [...site.languages] }, good);
    expect(md).toMatchObject({ slug: 'about', lang: 'en', title: 'About us', format: 'markdown' });
    expect(md.html).toContain('<h2>Who we are</h2>');
    // An allowed tag in markdown is kept without its handler (html/markdown.ts); the javascript: link stays text.
    expect(md.html).toContain('<img src="x" loading="lazy" />');
    expect(md.html).not.toMatch(/onerror|href="javascript/i);
    const html = sitePageOf({ ...site, languages: [...site.languages] }, { ...good, format: 'html', body: '<p>Hi<img src="https://x.example/a.png" onerror="alert(1)"><a href="javascript:alert(1)">x</a><script>alert(1)</script></p>' });
    expect(html.html).not.toMatch(/onerror|javascript:|<script/i);
    expect(html.body).toContain('onerror'); // the body is kept as written
  });
});

describe('saving an own page', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  it('stores the version of a language, and replaces it', async () => {
    const s = { ...site, languages: [...site.languages] };
    const at = new Date('2019-02-15T09:00:00Z');
    expect(await saveOwnPage(store.db, s, { ...good, lang: 'tr', position: '3' }, at)).toMatchObject({ created: true, position: 3 });
    expect(await saveOwnPage(store.db, s, { ...good, lang: 'tr', title: 'Hakkımızda' }, at)).toMatchObject({ created: false, position: 3 });
    expect(await findSitePage(store.db, 'about', 'tr')).toMatchObject({ title: 'Hakkımızda', updatedAt: at.toISOString() });
  });
});
