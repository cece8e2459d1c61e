/**
 * Which sitemap files the site has, what each is named and holds: one per local month with
 * articles (split in numbered parts of whole days over the per-file limit, counted in entries: one
 * per article and enabled language), sections, tags, sources, own pages and the news sitemap; and each file's
 * exact lastmod (the newest published/updated instant it lists).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { countSitemapLists, findListsLastmod, findNewsArticles, findSitemapDays, findSitemapPages, findSliceLastmod, laterOf, type SitemapDay, type SitemapListKind } from '../../store/sitemap.js';
import { urlEntryBound } from './xml.js';

/** The sitemaps.org limits of one file, and how much of a file is kept in the page cache. */
export interface SitemapLimits {
  /** URLs (`<url>` entries, one per language version) per file (sitemaps.org: 50,000). Tests lower it to see months split. */
  maxUrls: number;
  /** Uncompressed bytes per file (sitemaps.org: 52,428,800). */
  maxBytes: number;
  /** A file up to this size is made whole and kept in the page cache; a larger one is streamed, never whole in memory. */
  cacheBytes: number;
  /** Articles read per query. */
  batch: number;
}

/** The protocol's limits; files up to 8 MB cached (routes.ts sitemapLimits lowers that to a share of the page cache). */
export const SITEMAP_LIMITS: SitemapLimits = Object.freeze({ maxUrls: 50_000, maxBytes: 52_428_800, cacheBytes: 8 << 20, batch: 1000 });

/** Google News lists articles of the last two days, at most 1,000 per sitemap. */
export const NEWS_WINDOW_MS = 48 * 3600_000;
export const NEWS_MAX_URLS = 1000;

/**
 * The bytes an article's path may take, planned for: `/tr/2026/12/05/` and a slug as slugify makes
 * it (at most 89 characters), each character two UTF-8 bytes percent-encoded (Turkish, Arabic and
 * other alphabets). A longer path (a CJK slug, one set by hand) could overrun maxBytes: the writer
 * then ends the file before the limit and logs it (files.ts).
 */
export const ARTICLE_PATH_BOUND = 15 + 89 * 6;
/** The same for a section, tag, source or own page's path (`/tr/section/<slug>/`, slugs of up to 100 characters). */
export const LIST_PATH_BOUND = 13 + 100 * 6;

/** One sitemap file. */
export type SitemapRef =
  | { kind: 'articles'; month: string; part: number }
  | { kind: SitemapListKind; part: number }
  | { kind: 'pages' }
  | { kind: 'news' };

const LIST_FILE: Record<SitemapListKind, string> = { section: 'sections', tag: 'tags', source: 'sources' };

/**
 * Returns a file's name under /sitemaps/: a second part and on get `-N`.
 * @example sitemapFileName({ kind: 'articles', month: '2026-12', part: 2 }) === 'articles-2026-12-2.xml'
 */
export function sitemapFileName(ref: SitemapRef): string {
  const part = 'part' in ref && ref.part > 1 ? `-${ref.part}` : '';
  if (ref.kind === 'articles') return `articles-${ref.month}${part}.xml`;
  if (ref.kind === 'pages' || ref.kind === 'news') return `${ref.kind}.xml`;
  return `${LIST_FILE[ref.kind]}${part}.xml`;
}

/** Returns the file a name under /sitemaps/ means, or null (a 404). `-1` is not a name: the first part has none. */
export function parseSitemapFileName(name: string): SitemapRef | null {
  const m = /^(?:articles-(\d{4})-(0[1-9]|1[0-2])|(sections|tags|sources)|(pages|news))(?:-([2-9]|[1-9]\d{1,5}))?\.xml$/.exec(name);
  if (!m) return null;
  const part = m[5] ? Number(m[5]) : 1;
  if (m[1]) return { kind: 'articles', month: `${m[1]}-${m[2]}`, part };
  if (m[3]) return { kind: m[3] === 'sections' ? 'section' : m[3] === 'tags' ? 'tag' : 'source', part };
  return part === 1 ? { kind: m[4] as 'pages' | 'news' } : null;
}

/**
 * Returns how many `<url>` entries one file holds: the limit, or fewer when that many could exceed
 * maxBytes. With several languages every entry carries them all and x-default as alternates.
 */
export function urlsPerFile(limits: SitemapLimits, origin: string, languages: number, pathBound: number): number {
  const alternates = languages > 1 ? languages + 1 : 0;
  const room = limits.maxBytes - 500; // the declaration and the urlset's tags
  return Math.max(1, Math.min(limits.maxUrls, Math.floor(room / urlEntryBound(origin, pathBound, alternates))));
}

/**
 * Returns how many articles (or sections, tags, sources) one file holds: each is listed once per
 * enabled language, so urlsPerFile / languages of them (at least one). The index (indexedFiles) and
 * the files (files.ts sitemapFile) split with this function and monthParts, so they agree on every part.
 * @example itemsPerFile({ ...SITEMAP_LIMITS, maxUrls: 6 }, 'https://n.example', 3, ARTICLE_PATH_BOUND) === 2
 */
export function itemsPerFile(limits: SitemapLimits, origin: string, languages: number, pathBound: number): number {
  return Math.max(1, Math.floor(urlsPerFile(limits, origin, languages, pathBound) / Math.max(1, languages)));
}

/** A run of one day's articles in a file: skip that many (oldest first), take that many. */
export interface DaySlice {
  day: SitemapDay;
  skip: number;
  take: number;
}

/**
 * Returns a month's files, each as the day runs it holds (oldest first): whole days, as many as fit
 * `perFile` articles, so a file's lastmod is its days' (day_counts' seeks, no read of its articles);
 * a day of more than `perFile` articles alone is cut by count into files of its own.
 * @example monthParts([{ day: '2026-12-01', count: 3, lastmod }, { day: '2026-12-02', count: 2, lastmod }], 4) // [[12-01 whole], [12-02 whole]]
 */
export function monthParts(days: readonly SitemapDay[], perFile: number): DaySlice[][] {
  const parts: DaySlice[][] = [];
  let part: DaySlice[] = [];
  let held = 0;
  const close = () => {
    if (part.length) parts.push(part);
    part = [];
    held = 0;
  };
  for (const day of days) {
    if (day.count > perFile) {
      close();
      for (let skip = 0; skip < day.count; skip += perFile) parts.push([{ day, skip, take: Math.min(perFile, day.count - skip) }]);
      continue;
    }
    if (held + day.count > perFile) close();
    part.push({ day, skip: 0, take: day.count });
    held += day.count;
  }
  close();
  return parts;
}

/** Returns a file's lastmod: whole days' from day_counts' seeks, partial days' from their slice. */
async function slicesLastmod(db: Kysely<Database>, slices: readonly DaySlice[]): Promise<string | null> {
  let lastmod: string | null = null;
  for (const s of slices) {
    const whole = s.skip === 0 && s.take === s.day.count;
    lastmod = laterOf(lastmod, whole ? s.day.lastmod : await findSliceLastmod(db, s.day.day, s.skip, s.take));
  }
  return lastmod;
}

/** A file the index lists. */
export interface IndexedFile {
  ref: SitemapRef;
  lastmod: string | null;
}

/**
 * Returns every file of the sitemap index with its lastmod: the news sitemap (when it has
 * articles), own pages, sections, tags, sources, then the months newest first. Costs two index
 * seeks per day with articles, one per section/tag/source, and a query per part that splits a day.
 */
export async function indexedFiles(db: Kysely<Database>, opts: { limits: SitemapLimits; origin: string; languages: number; now: Date }): Promise<IndexedFile[]> {
  const files: IndexedFile[] = [];
  const news = await newsLastmod(db, opts.now);
  if (news) files.push({ ref: { kind: 'news' }, lastmod: news });
  const pages = await findSitemapPages(db);
  if (pages.length) files.push({ ref: { kind: 'pages' }, lastmod: pages.reduce<string | null>((m, p) => laterOf(m, p.lastmod), null) });
  const perList = itemsPerFile(opts.limits, opts.origin, opts.languages, LIST_PATH_BOUND);
  for (const kind of ['section', 'tag', 'source'] as const) {
    const n = await countSitemapLists(db, kind);
    for (let part = 1; (part - 1) * perList < n; part++) {
      files.push({ ref: { kind, part }, lastmod: await findListsLastmod(db, kind, (part - 1) * perList, perList) });
    }
  }
  const perFile = itemsPerFile(opts.limits, opts.origin, opts.languages, ARTICLE_PATH_BOUND);
  const months = groupByMonth(await findSitemapDays(db));
  for (const [month, days] of [...months].reverse()) {
    const parts = monthParts(days, perFile);
    for (let i = 0; i < parts.length; i++) files.push({ ref: { kind: 'articles', month, part: i + 1 }, lastmod: await slicesLastmod(db, parts[i]!) });
  }
  return files;
}

/** Returns the days grouped by local month ('YYYY-MM'), oldest first. */
export function groupByMonth(days: readonly SitemapDay[]): Map<string, SitemapDay[]> {
  const months = new Map<string, SitemapDay[]>();
  for (const d of days) {
    const m = d.day.slice(0, 7);
    let list = months.get(m);
    if (!list) months.set(m, (list = []));
    list.push(d);
  }
  return months;
}

/** Returns the window of the news sitemap at `now`: published from 48 hours before to now, inclusive. */
export function newsWindow(now: Date): { since: string; until: string } {
  return { since: new Date(now.getTime() - NEWS_WINDOW_MS).toISOString(), until: now.toISOString() };
}

async function newsLastmod(db: Kysely<Database>, now: Date): Promise<string | null> {
  const { since, until } = newsWindow(now);
  const articles = await findNewsArticles(db, since, until, NEWS_MAX_URLS);
  return articles.reduce<string | null>((m, a) => laterOf(m, laterOf(a.publishedAt, a.updatedAt)), null);
}
