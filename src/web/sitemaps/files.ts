/**
 * Each sitemap file as a stream of XML chunks: the rows read in keyset batches (store/sitemap.ts)
 * and written as they come, so a file of 50,000 URLs never sits whole in memory here. Every
 * enabled language version of an article, section, tag, source or own page is its own `<url>`,
 * each naming all of them and x-default as alternates (Google: one `<url>` per URL, each listing
 * every version including itself); the news sitemap lists an article once, at the default language.
 */
import type { Kysely } from 'kysely';
import { LANGS, type Lang } from '../../model/types.js';
import type { Database } from '../../store/schema.js';
import { findNewsArticles, findSitemapArticles, findSitemapDays, findSitemapLists, findSitemapPages, laterOf, type SitemapArticle } from '../../store/sitemap.js';
import { tags } from '../cache.js';
import { Urls } from '../urls.js';
import { ARTICLE_PATH_BOUND, itemsPerFile, monthParts, LIST_PATH_BOUND, NEWS_MAX_URLS, newsWindow, type SitemapLimits, type SitemapRef } from './plan.js';
import { newsEntry, URLSET_CLOSE, urlEntry, urlsetOpen, type Alternate } from './xml.js';

/** What a file is made from: the site's origin and languages, its name (news), the clock. */
export interface SitemapSite {
  origin: string;
  siteName: string;
  defaultLanguage: Lang;
  /** The enabled page languages: each version is an entry and an hreflang alternate (none when only one). */
  languages: readonly Lang[];
  now: Date;
  limits: SitemapLimits;
  /** Where a file over its byte limit is reported. */
  log?: { error(fields: object, msg: string): void };
}

/** A file ready to send: its cache tags and its XML in chunks. */
export interface SitemapFile {
  tags: string[];
  chunks: AsyncIterable<string>;
  /** False: never kept in the page cache (the news sitemap: the clock, not a change, moves its window). */
  pageCache?: boolean;
}

/** Chunks of about this many characters go to the reply. */
const CHUNK = 64 * 1024;

/**
 * Returns a sitemap file of the site, or null when it does not exist (a month without articles, a
 * part past the last). Nothing is read beyond what decides that until the chunks are asked for.
 * @example const f = await sitemapFile(db, { kind: 'articles', month: '2026-12', part: 1 }, site); for await (const c of f!.chunks) reply.raw.write(c);
 */
export async function sitemapFile(db: Kysely<Database>, ref: SitemapRef, site: SitemapSite): Promise<SitemapFile | null> {
  const alt = versionsOf(site);
  switch (ref.kind) {
    case 'articles': {
      const days = await findSitemapDays(db, `${ref.month}-01`, `${ref.month}-31`);
      const perFile = itemsPerFile(site.limits, site.origin, site.languages.length, ARTICLE_PATH_BOUND);
      const part = monthParts(days, perFile)[ref.part - 1];
      if (!part) return null;
      const slices = part;
      async function* entries() {
        for (const s of slices) {
          for await (const a of sliceArticles(db, s.day.day, s.skip, s.take, site.limits.batch)) {
            yield* alt.entries((u) => u.article(a), laterOf(a.publishedAt, a.updatedAt));
          }
        }
      }
      return { tags: [tags.month(`${ref.month}-01`)], chunks: urlset(entries(), site, sitemapName(ref)) };
    }
    case 'section':
    case 'tag':
    case 'source': {
      const perFile = itemsPerFile(site.limits, site.origin, site.languages.length, LIST_PATH_BOUND);
      const first = await findSitemapLists(db, ref.kind, Math.min(perFile, site.limits.batch), { skip: (ref.part - 1) * perFile });
      if (!first.length) return null;
      const kind = ref.kind;
      const path = (u: Urls, slug: string) => (kind === 'section' ? u.section(slug) : kind === 'tag' ? u.tag(slug) : u.source(slug));
      async function* entries() {
        let batch = first;
        let left = perFile;
        while (batch.length && left > 0) {
          for (const l of batch.slice(0, left)) yield* alt.entries((u) => path(u, l.slug), l.lastmod);
          left -= batch.length;
          if (left <= 0 || batch.length < site.limits.batch) break;
          batch = await findSitemapLists(db, kind, Math.min(left, site.limits.batch), { afterId: batch[batch.length - 1]!.id });
        }
      }
      // Any article may move a list's lastmod: every article change carries the `home` tag.
      return { tags: [tags.home], chunks: urlset(entries(), site, sitemapName(ref)) };
    }
    case 'pages': {
      const pages = await findSitemapPages(db);
      if (!pages.length) return null;
      async function* entries() {
        for (const p of pages) yield* alt.entries((u) => u.page(p.slug), p.lastmod);
      }
      // A page's change clears every cached page (store/site-pages.ts); the tags say what it shows.
      return { tags: pages.map((p) => tags.page(p.slug)), chunks: urlset(entries(), site, 'pages') };
    }
    case 'news': {
      const { since, until } = newsWindow(site.now);
      const articles = await findNewsArticles(db, since, until, NEWS_MAX_URLS);
      async function* entries() {
        for (const a of articles) {
          yield newsEntry(site.origin + alt.main.article(a), { publication: site.siteName, language: newsLanguage(a.language, site.defaultLanguage), publishedAt: a.publishedAt, title: a.title });
        }
      }
      // `home` alone: every article change carries it (web/cache.ts invalidationOf), and a tag per article
      // made headers of 8 KB each (a CDN takes 16 KB of tags in all).
      return { tags: [tags.home], chunks: urlset(entries(), site, 'news', { news: true }), pageCache: false };
    }
  }
}

function sitemapName(ref: SitemapRef): string {
  return 'month' in ref ? `${ref.kind} ${ref.month} part ${ref.part}` : `${ref.kind}${'part' in ref ? ` part ${ref.part}` : ''}`;
}

/**
 * Returns `take` of a day's published articles after skipping `skip`, oldest first, read `batch` at
 * a time: the first batch by offset inside the day, the rest by keyset (published_at, id).
 */
async function* sliceArticles(db: Kysely<Database>, day: string, skip: number, take: number, batch: number): AsyncGenerator<SitemapArticle> {
  let left = take;
  let last: SitemapArticle | null = null;
  while (left > 0) {
    const rows: SitemapArticle[] = await findSitemapArticles(db, day, last, Math.min(batch, left), last ? 0 : skip);
    for (const a of rows) yield a;
    left -= rows.length;
    if (rows.length < Math.min(batch, left + rows.length)) return; // fewer than asked: the day has no more
    last = rows[rows.length - 1]!;
  }
}

/**
 * Returns the XML of a urlset around `entries`, in chunks of about 64 KB. Stops before an entry
 * that would take the file past maxBytes (a path longer than planned for), logging what was left out.
 */
async function* urlset(entries: AsyncIterable<string>, site: SitemapSite, name: string, opts: { news?: boolean } = {}): AsyncGenerator<string> {
  let chunk = urlsetOpen(opts);
  let bytes = Buffer.byteLength(chunk) + URLSET_CLOSE.length;
  let dropped = 0;
  for await (const e of entries) {
    const n = Buffer.byteLength(e);
    if (dropped || bytes + n > site.limits.maxBytes) {
      dropped++;
      continue;
    }
    bytes += n;
    chunk += e;
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (dropped) site.log?.error({ sitemap: name, dropped, maxBytes: site.limits.maxBytes }, 'sitemap: file over the byte limit, URLs left out (paths longer than planned for)');
  yield chunk + URLSET_CLOSE;
}

/**
 * Returns the site's URLs in the default language (`main`) and `entries`: the `<url>` of every
 * enabled language version of a path (in LANGS order), each with the same alternates — every
 * version, itself included, and x-default (the default language's). A one-language site gets one
 * entry without alternates.
 */
function versionsOf(site: SitemapSite) {
  const main = new Urls(site.defaultLanguage, site.defaultLanguage);
  const enabled = LANGS.filter((l) => site.languages.includes(l)); // the default among them (config.ts checks)
  const versions = enabled.length > 1 ? enabled.map((l) => new Urls(l, site.defaultLanguage)) : [main];
  return {
    main,
    entries(path: (u: Urls) => string, lastmod: string | null): string[] {
      if (versions.length === 1) return [urlEntry(site.origin + path(main), lastmod)];
      const alternates: Alternate[] = versions.map((u) => ({ hreflang: u.lang, href: site.origin + path(u) }));
      alternates.push({ hreflang: 'x-default', href: site.origin + path(main) });
      return alternates.slice(0, -1).map((a) => urlEntry(a.href, lastmod, alternates));
    },
  };
}

/**
 * Returns the language code Google News wants (ISO 639, `zh-cn`/`zh-tw` for Chinese) from an
 * article's language tag; the site's default language when it has none we can read.
 * @example newsLanguage('en-GB', 'tr') === 'en'
 */
export function newsLanguage(tag: string | null, fallback: Lang): string {
  const t = tag?.trim().toLowerCase().replace('_', '-') ?? '';
  if (t === 'zh-cn' || t === 'zh-tw') return t;
  if (/^zh-(hans|sg)/.test(t)) return 'zh-cn';
  if (/^zh-(hant|hk|mo)/.test(t)) return 'zh-tw';
  const primary = /^([a-z]{2,3})(?:-|$)/.exec(t)?.[1];
  return primary ?? fallback;
}
