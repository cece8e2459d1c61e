/**
 * An own page (About, Contact, Imprint) as the operator gives it — `jarida pages add` from a file,
 * the desk's page form — checked, rendered (markdown or HTML, then the sanitizer), and stored.
 */
import type { Kysely } from 'kysely';
import type { SiteSettings } from '../config.js';
import { MAX_PAGE_TITLE, PAGE_FORMATS, pageSlugProblem, type PageFormat } from '../model/site-page.js';
import type { Lang } from '../model/types.js';
import type { Database } from '../store/schema.js';
import { saveSitePage, type NewSitePage } from '../store/site-pages.js';
import { renderPageBody } from '../html/markdown.js';

/** A body larger than this is refused (a page, not an archive). */
export const MAX_BODY_BYTES = 1 << 20;

/** A field of a page that is not right: `field` names it (the CLI writes `--field`), `problem` says what is wrong. */
export class PageInputError extends Error {
  readonly code = 'JARIDA_PAGE_INPUT';
  constructor(
    readonly field: 'slug' | 'lang' | 'title' | 'format' | 'position' | 'body',
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

/** One language version of a page as given: every field text, checked here. */
export interface SitePageInput {
  slug: string;
  /** One of the site's languages; none: the default language. */
  lang?: string;
  title: string;
  body: string;
  format: string;
  /** A whole number; none: the page's own position, else after the last. */
  position?: string;
}

/** Returns the slug, or throws PageInputError saying why it cannot name a page. */
export function checkPageSlug(slug: string): string {
  const problem = pageSlugProblem(slug);
  if (problem) throw new PageInputError('slug', `${JSON.stringify(slug).slice(0, 90)} ${problem}`);
  return slug;
}

/** Returns the language (the default one when none is given), or throws PageInputError when the site does not have it. */
export function checkPageLang(site: Pick<SiteSettings, 'languages' | 'defaultLanguage'>, lang: string | undefined): Lang {
  if (lang === undefined) return site.defaultLanguage;
  const l = site.languages.find((x) => x === lang);
  if (!l) throw new PageInputError('lang', `${JSON.stringify(lang).slice(0, 40)} is not one of the site's languages (${site.languages.join(', ')})`);
  return l;
}

/** Returns the format, or throws PageInputError naming the two there are. */
export function checkPageFormat(format: string): PageFormat {
  const f = PAGE_FORMATS.find((x) => x === format);
  if (!f) throw new PageInputError('format', `${JSON.stringify(format).slice(0, 40)} must be ${PAGE_FORMATS.join(' or ')}`);
  return f;
}

/** Returns the footer position (undefined when none is given), or throws PageInputError. */
export function checkPagePosition(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d{1,6}$/.test(raw)) throw new PageInputError('position', `${JSON.stringify(raw).slice(0, 40)} must be a whole number (-999999 to 999999)`);
  return Number(raw);
}

/** Returns the title trimmed, or throws PageInputError when it is empty or too long. */
export function checkPageTitle(title: string): string {
  const t = title.trim();
  if (!t) throw new PageInputError('title', 'must not be empty');
  if (t.length > MAX_PAGE_TITLE) throw new PageInputError('title', `is longer than ${MAX_PAGE_TITLE} characters`);
  return t;
}

/**
 * Returns the page version to store: every field checked (PageInputError names the first bad one),
 * the body rendered and sanitized.
 * @example sitePageOf(config.site, { slug: 'about', title: 'About us', body: '# Who we are', format: 'markdown' }).html
 */
export function sitePageOf(site: Pick<SiteSettings, 'languages' | 'defaultLanguage'>, input: SitePageInput): NewSitePage {
  const slug = checkPageSlug(input.slug);
  const lang = checkPageLang(site, input.lang);
  const title = checkPageTitle(input.title);
  const format = checkPageFormat(input.format);
  const position = checkPagePosition(input.position);
  if (Buffer.byteLength(input.body) > MAX_BODY_BYTES) throw new PageInputError('body', `is over ${MAX_BODY_BYTES / (1 << 20)} MB`);
  if (input.body.includes('\u0000')) throw new PageInputError('body', 'is not text (it holds NUL bytes)');
  if (!input.body.trim()) throw new PageInputError('body', 'is empty');
  return { slug, lang, title, body: input.body, format, html: renderPageBody(input.body, format), position };
}

/** Checks, renders and stores the page's version in one language (replacing the one there is); returns it and whether it is new. */
export async function saveOwnPage(db: Kysely<Database>, site: Pick<SiteSettings, 'languages' | 'defaultLanguage'>, input: SitePageInput, now: Date): Promise<{ page: NewSitePage; created: boolean; position: number }> {
  const page = sitePageOf(site, input);
  const r = await saveSitePage(db, page, now);
  return { page, ...r };
}
