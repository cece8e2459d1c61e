/**
 * The URLs the page benchmark measures, picked from its store: home, the first article of the
 * busiest recent day, that day's archive, a search for a common word, the feed; and the many
 * distinct pages that fill the page cache before the warm run.
 */
import { findArticlesByDay, findLatestArticles } from '../src/store/articles.js';
import { findDayCounts, findPublishedTotal } from '../src/store/day-counts.js';
import { openStore } from '../src/store/db.js';
import { findSourceById } from '../src/store/sources.js';
import type { Article } from '../src/model/types.js';
import { BENCH_NOW, BENCH_TZ } from './fill.js';

/** The measured pages, in report order: the site's pages, then its outward interfaces (feeds, sitemaps, the content API). */
export const PAGE_NAMES = [
  'home', 'section', 'source', 'article', 'day', 'search', 'feed',
  'feed-atom', 'feed-json', 'section-feed', 'sitemap-index', 'sitemap-month', 'news-sitemap', 'api-articles', 'api-section', 'api-header',
] as const;
/** What `npm run bench` measures without --pages: the pages readers open (the interfaces on demand, they add minutes). */
export const DEFAULT_PAGES: readonly PageName[] = ['home', 'section', 'source', 'article', 'day', 'search', 'feed'];
export type PageName = (typeof PAGE_NAMES)[number];

/** A word in the titles of about one English article in fifteen (bench/content.ts). */
const SEARCH_WORD = 'minister';
/** Recent days among which the busiest is the measured day archive. */
const RECENT_DAYS = 30;
/** Day archives, home pages and articles offered to fill the cache, biggest pages first (more than a 64 MB cache holds). */
const FILL_DAYS = 400;
const FILL_HOME_PAGES = 3000;
const FILL_ARTICLES = 6000;

/** What pickTargets found. */
export interface Targets {
  total: number;
  pages: { name: PageName; path: string }[];
  /** Distinct pages to fill the cache with, newest first. */
  fillPaths: string[];
  note: string;
}

/** Returns the targets in `path`'s store for the pages asked. */
export async function pickTargets(path: string, names: readonly PageName[]): Promise<Targets> {
  const store = openStore(`sqlite:${path}`);
  try {
    const total = await findPublishedTotal(store.db);
    const today = dayOf(BENCH_NOW);
    const counts = await findDayCounts(store.db, dayOf(BENCH_NOW - RECENT_DAYS * 86_400_000), dayOf(BENCH_NOW - 86_400_000));
    const [day, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [today, 0];
    const [article] = await findArticlesByDay(store.db, day, 1);
    if (!article) throw new Error(`bench: no article on ${day} in ${path} (${total} articles)`);
    const all: Record<PageName, string> = {
      home: '/',
      section: '/section/world/',
      source: `/source/${(await findSourceById(store.db, article.sourceId))!.slug}/`,
      article: articlePath(article),
      day: `/${day.replaceAll('-', '/')}/`,
      search: `/search?q=${SEARCH_WORD}`,
      feed: '/feed.xml',
      'feed-atom': '/feed.atom',
      'feed-json': '/feed.json',
      'section-feed': '/section/world/feed.xml',
      'sitemap-index': '/sitemap.xml',
      // The month of the measured day: one of the biggest sitemap files (every article of a month, with its alternates).
      'sitemap-month': `/sitemaps/articles-${day.slice(0, 7)}.xml`,
      'news-sitemap': '/sitemaps/news.xml',
      'api-articles': '/api/v1/articles?limit=20',
      'api-section': '/api/v1/articles?section=world&limit=20',
      'api-header': '/api/v1/header',
    };
    const latest = await findLatestArticles(store.db, FILL_ARTICLES);
    const days = Array.from({ length: FILL_DAYS }, (_, i) => `/${dayOf(BENCH_NOW - (i + 1) * 86_400_000).replaceAll('-', '/')}/`);
    const homePages = Array.from({ length: Math.min(FILL_HOME_PAGES, Math.floor(total / 40)) }, (_, i) => `/?page=${i + 2}`);
    return {
      total,
      pages: names.map((name) => ({ name, path: all[name] })),
      fillPaths: [...days, ...homePages, ...sectionPages(total), ...latest.map(articlePath)],
      note: `${total.toLocaleString('en-US')} articles; day archive ${day} (${count} articles, the busiest of the ${RECENT_DAYS} days before ${today}); article #${article.id} (${article.language}), the first of that day; search "${SEARCH_WORD}"`,
    };
  } finally {
    await store.close();
  }
}

/** The sections' first pages (the bench's six: bench/content.ts BENCH_SECTIONS) and their next ones. */
function sectionPages(total: number): string[] {
  const slugs = ['world', 'economy', 'politics', 'sport', 'culture', 'science'];
  const pages = Math.min(200, Math.floor(total / 6 / 20));
  return slugs.flatMap((s) => Array.from({ length: pages }, (_, i) => `/section/${s}/${i ? `?page=${i + 1}` : ''}`));
}

/** Returns an article's URL path. */
function articlePath(a: Article): string {
  return `/${a.localDay.replaceAll('-', '/')}/${encodeURIComponent(a.slug)}/`;
}

/** Returns the YYYY-MM-DD day of an instant in the bench site's time zone. */
function dayOf(ms: number): string {
  return new Date(ms).toLocaleDateString('en-CA', { timeZone: BENCH_TZ });
}
