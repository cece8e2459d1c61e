/** The site's own pages (About, Contact, Imprint): one row per slug and language. No I/O here. */
import { LANGS, type Lang } from './types.js';

/** How the operator wrote a page's body. */
export type PageFormat = 'markdown' | 'html';
export const PAGE_FORMATS: readonly PageFormat[] = ['markdown', 'html'];

/** One language version of an own page, as the store returns it. */
export interface SitePage {
  slug: string;
  lang: Lang;
  title: string;
  /** The body as the operator wrote it. */
  body: string;
  format: PageFormat;
  /** The body rendered and sanitized: what pages show. */
  html: string;
  /** Footer order, lowest first. */
  position: number;
  createdAt: string;
  updatedAt: string;
}

/** What the footer links to: a page's slug, and the title and language of the version shown. */
export interface FooterPageLink {
  slug: string;
  lang: Lang;
  title: string;
}

/** Longest slug a page may have (the same bound as article slugs). */
export const MAX_PAGE_SLUG = 80;
/** Longest title a page may have. */
export const MAX_PAGE_TITLE = 300;

/**
 * First path segments the site's routes use, now or as planned (sections, tags, sources, media):
 * a page there would never be reached, or would shadow them.
 */
export const RESERVED_PAGE_SLUGS: ReadonlySet<string> = new Set([
  'search', 'feed', 'feed.xml', 'search.json', 'section', 'sections', 'tag', 'tags', 'source', 'sources',
  'media', 'page', 'pages', 'healthz', 'api', 'admin', 'desk', 'static', 'assets', 'theme', 'sitemap', 'sitemap.xml',
  'robots.txt', 'favicon.ico', ...LANGS,
]);

/**
 * Returns why a slug cannot name a page, or null when it can: lowercase letters, digits and single
 * hyphens, not digits only (`/2019/` is a year archive), not a reserved first segment.
 * @example pageSlugProblem('about') === null; pageSlugProblem('2019') === 'is digits only, the URL of a year archive'
 */
export function pageSlugProblem(slug: string): string | null {
  if (slug === '') return 'is empty';
  if (slug.length > MAX_PAGE_SLUG) return `is longer than ${MAX_PAGE_SLUG} characters`;
  if ((LANGS as readonly string[]).includes(slug)) return `is a language's prefix (/${slug}/)`;
  if (RESERVED_PAGE_SLUGS.has(slug)) return "is reserved for the site's own URLs";
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) return 'must be lowercase letters a-z, digits and single hyphens between them';
  if (/^\d+$/.test(slug)) return 'is digits only, the URL of a year archive';
  return null;
}

/** Returns true when a URL segment could be a page's slug (the router asks before looking it up). */
export function isPageSlug(segment: string): boolean {
  return pageSlugProblem(segment) === null;
}
