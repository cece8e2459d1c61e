/** The site's own pages (About, Contact, Imprint): one row per slug and language, linked in the footer. */
import type { Kysely, Selectable } from 'kysely';
import type { FooterPageLink, PageFormat, SitePage } from '../model/site-page.js';
import type { Lang } from '../model/types.js';
import { signalChange } from './changes.js';
import { prepared } from './prepared.js';
import type { Database, SitePagesTable } from './schema.js';

/** A page version to store; `position` omitted: the slug's own (another language's), else after the last. */
export type NewSitePage = Omit<SitePage, 'position' | 'createdAt' | 'updatedAt'> & { position?: number };

function toPage(r: Selectable<SitePagesTable>): SitePage {
  return {
    slug: r.slug,
    lang: r.lang as Lang,
    title: r.title,
    body: r.body,
    format: r.format as PageFormat,
    html: r.html,
    position: Number(r.position),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Returns the page's version in that language, or undefined. */
export async function findSitePage(db: Kysely<Database>, slug: string, lang: Lang): Promise<SitePage | undefined> {
  const r = await db.selectFrom('site_pages').selectAll().where('slug', '=', slug).where('lang', '=', lang).executeTakeFirst();
  return r && toPage(r);
}

/**
 * Returns the version a reader of `lang` sees: that language's, else the default language's, else
 * undefined. One query.
 */
export async function findSitePageFor(db: Kysely<Database>, slug: string, lang: Lang, defaultLang: Lang): Promise<SitePage | undefined> {
  const rows = await db.selectFrom('site_pages').selectAll().where('slug', '=', slug).where('lang', 'in', [lang, defaultLang]).execute();
  const r = rows.find((x) => x.lang === lang) ?? rows.find((x) => x.lang === defaultLang);
  return r && toPage(r);
}

/** Returns every page version, by position, slug and language, without the bodies (for listings). */
export async function findSitePages(db: Kysely<Database>): Promise<Omit<SitePage, 'body' | 'html'>[]> {
  const rows = await db
    .selectFrom('site_pages')
    .select(['slug', 'lang', 'title', 'format', 'position', 'created_at', 'updated_at'])
    .orderBy('position')
    .orderBy('slug')
    .orderBy('lang')
    .execute();
  return rows.map((r) => ({
    slug: r.slug,
    lang: r.lang as Lang,
    title: r.title,
    format: r.format as PageFormat,
    position: Number(r.position),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/**
 * Returns the footer's links for a page language: each slug once, in its `lang` version or else
 * the default language's, in position order. One small indexed query (it runs on every render).
 */
export async function findFooterPages(db: Kysely<Database>, lang: Lang, defaultLang: Lang): Promise<FooterPageLink[]> {
  const rows = lang === defaultLang ? await footerRows(db, lang) : await footerRowsOr(db, lang, defaultLang);
  const bySlug = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!bySlug.has(r.slug) || r.lang === lang) bySlug.set(r.slug, r);
  return [...bySlug.values()]
    .sort((a, b) => Number(a.position) - Number(b.position) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
    .map((r) => ({ slug: r.slug, lang: r.lang as Lang, title: r.title }));
}

const footerRows = prepared((db, lang: string) => db.selectFrom('site_pages').select(['slug', 'lang', 'title', 'position']).where('lang', '=', lang));
const footerRowsOr = prepared((db, lang: string, defaultLang: string) =>
  db.selectFrom('site_pages').select(['slug', 'lang', 'title', 'position']).where('lang', 'in', [lang, defaultLang]));

/**
 * Adds the page version, or replaces the one of that slug and language (keeping its position and
 * creation time unless told); returns whether it was created. Cached pages clear: the footer is on
 * every page.
 * @example await saveSitePage(db, { slug: 'about', lang: 'en', title: 'About us', body, format: 'markdown', html });
 */
export async function saveSitePage(db: Kysely<Database>, p: NewSitePage, now = new Date()): Promise<{ created: boolean; position: number }> {
  return db.transaction().execute(async (trx) => {
    const same = await trx.selectFrom('site_pages').select('position').where('slug', '=', p.slug).where('lang', '=', p.lang).executeTakeFirst();
    let position = p.position ?? (same ? Number(same.position) : undefined);
    if (position === undefined) {
      const sibling = await trx.selectFrom('site_pages').select('position').where('slug', '=', p.slug).orderBy('lang').executeTakeFirst();
      const last = await trx.selectFrom('site_pages').select((eb) => eb.fn.max('position').as('max')).executeTakeFirst();
      position = sibling ? Number(sibling.position) : last?.max == null ? 1 : Number(last.max) + 1;
    }
    const at = now.toISOString();
    const values = { title: p.title, body: p.body, format: p.format, html: p.html, position, updated_at: at };
    await trx
      .insertInto('site_pages')
      .values({ slug: p.slug, lang: p.lang, ...values, created_at: at })
      .onConflict((oc) => oc.columns(['slug', 'lang']).doUpdateSet(values))
      .execute();
    await signalChange(trx, { all: true });
    return { created: !same, position };
  });
}

/** Removes the page's version in `lang`, or every version when no language is given; returns how many went. */
export async function deleteSitePage(db: Kysely<Database>, slug: string, lang?: Lang): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let q = trx.deleteFrom('site_pages').where('slug', '=', slug);
    if (lang) q = q.where('lang', '=', lang);
    const r = await q.executeTakeFirst();
    const gone = Number(r.numDeletedRows);
    if (gone > 0) await signalChange(trx, { all: true });
    return gone;
  });
}
