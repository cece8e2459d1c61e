/**
 * The site's outgoing feeds in one shape: which feed a URL names (FeedScope), where its three formats
 * live (feedPaths), and the feed itself with absolute links (buildFeed), which rss.ts, atom.ts and
 * json.ts each write out. Every text is stripped of what XML 1.0 forbids here, once, for all three.
 */
import { httpUrl } from '../../model/url.js';
import type { Store } from '../../store/db.js';
import { categoryName, findCategoryBySlug } from '../../store/categories.js';
import { findFeedArticles, type FeedArticle, type FeedFilter } from '../../store/feed-articles.js';
import { findSourceBySlug } from '../../store/sources.js';
import { xmlText } from '../../html/xml.js';
import { tags } from '../cache.js';
import { fill } from '../i18n/strings.js';
import { MEDIA_PREFIX } from '../../media/serve.js';
import { findReadyMediaByUrls, type MediaRecord } from '../../store/media.js';
import { Urls } from '../urls.js';
import type { PageContext } from '../view.js';

/** Which articles a feed lists: the whole site, one article language, a section, a tag or a source. */
export type FeedScope =
  | { kind: 'site' }
  | { kind: 'language'; code: string }
  | { kind: 'section' | 'tag' | 'source'; slug: string };

/** The three formats, by the extension of their URL. */
export type FeedFormat = 'rss' | 'atom' | 'json';
export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];
export const FEED_EXTENSION: Record<FeedFormat, string> = { rss: 'xml', atom: 'atom', json: 'json' };
export const FEED_MEDIA_TYPE: Record<FeedFormat, string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};

/** Setting `feedContent`: the article's body in the feed, or its summary alone. */
export type FeedContent = 'full' | 'summary';

/**
 * A language code as a feed URL may name it (and as Atom's xml:lang accepts it): letters, then
 * subtags. `en`, `ar`, `pt-BR`.
 */
export const LANGUAGE_CODE = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

/**
 * Returns the site-relative path of a feed in a format, under a page language's prefix.
 * @example feedPath('/tr', { kind: 'section', slug: 'world' }, 'atom') === '/tr/section/world/feed.atom'
 */
export function feedPath(prefix: string, scope: FeedScope, format: FeedFormat): string {
  const file = `feed.${FEED_EXTENSION[format]}`;
  if (scope.kind === 'site') return `${prefix}/${file}`;
  if (scope.kind === 'language') return `${prefix}/language/${encodeURIComponent(scope.code)}/${file}`;
  return `${prefix}/${scope.kind}/${encodeURIComponent(scope.slug)}/${file}`;
}

/** An image of an entry: the local copy when Jarida stored it (its type and size known), else the original address. */
export interface FeedImage {
  url: string;
  type: string | null;
  width: number | null;
  height: number | null;
  /** Bytes of the file, when Jarida stored it. */
  length: number | null;
}

/** One entry, the same for the three formats; texts already made XML-safe. */
export interface FeedEntry {
  /** Stable: the article's permalink in the site's default language (the same in every page language's feed). */
  id: string;
  link: string;
  title: string;
  summary: string | null;
  /** The stored (sanitized at ingest) body, when the site's feeds carry full content. */
  contentHtml: string | null;
  published: Date;
  /** The desk's last edit when later than publication, else the publication. */
  updated: Date;
  /** The article's language when it is a well-formed tag. */
  language: string | null;
  author: string | null;
  categories: string[];
  source: { name: string; url: string } | null;
  image: FeedImage | null;
}

/** A feed, ready for any of the three formats. */
export interface FeedDoc {
  title: string;
  /** The page the feed follows (absolute): the home, a section's, tag's or source's page. */
  home: string;
  /** The feed's own URL in each format (absolute). */
  self: Record<FeedFormat, string>;
  /** The page language (the feed's titles and its `language`). */
  lang: string;
  /** The newest entry's updated instant: an unchanged feed renders the same bytes. */
  updated: Date;
  /** The WebSub hub the feed names, or null. */
  hub: string | null;
  author: string;
  entries: FeedEntry[];
  /** Cache tags of what it shows (cache.ts `tags`). */
  tags: string[];
}

/**
 * Returns the feed a scope names in a page language, with absolute links under `origin`; undefined
 * for a section, tag or source that does not exist.
 * @example await buildFeed(store, ctx, { kind: 'site' }, { origin: 'https://news.example', content: 'full', hub: null })
 */
export async function buildFeed(
  store: Store,
  ctx: PageContext,
  scope: FeedScope,
  opts: { origin: string; content: FeedContent; hub: string | null },
): Promise<FeedDoc | undefined> {
  const found = await findScope(store, ctx, scope);
  if (!found) return undefined;
  const articles = await findFeedArticles(store.db, found.filter, ctx.site.pageSize);
  const wanted = [...new Set(articles.flatMap((a) => (a.imageUrl ? [a.imageUrl] : [])))];
  const stored = new Map((wanted.length ? await findReadyMediaByUrls(store.db, wanted) : []).map((m) => [m.url, m]));
  const abs = (path: string) => `${opts.origin}${path}`;
  // Ids in the default language's URLs: one article, one id, whichever page language's feed carries it.
  const permalinks = new Urls(ctx.site.defaultLanguage, ctx.site.defaultLanguage);
  const entries = articles.map((a) => entry(a, {
    link: abs(ctx.urls.article(a)),
    id: abs(permalinks.article(a)),
    content: opts.content,
    image: imageOf(a.imageUrl, stored, opts.origin),
  }));
  const newest = entries.reduce((max, e) => Math.max(max, e.updated.getTime()), 0);
  return {
    title: xmlText(`${ctx.site.siteName} - ${found.title}`),
    home: abs(found.home),
    self: { rss: abs(feedPath(ctx.urls.prefix, scope, 'rss')), atom: abs(feedPath(ctx.urls.prefix, scope, 'atom')), json: abs(feedPath(ctx.urls.prefix, scope, 'json')) },
    lang: ctx.lang,
    updated: new Date(newest || ctx.now.getTime()),
    hub: opts.hub,
    author: xmlText(ctx.site.siteName),
    entries,
    tags: [...found.tags, ...articles.map((a) => tags.article(a.id))],
  };
}

/** The store filter, title, page and cache tags of a scope; undefined when its section, tag or source does not exist. */
async function findScope(store: Store, ctx: PageContext, scope: FeedScope): Promise<{ filter: FeedFilter; title: string; home: string; tags: string[] } | undefined> {
  switch (scope.kind) {
    case 'site':
      return { filter: { kind: 'site' }, title: ctx.t.latest, home: ctx.urls.home(), tags: [tags.feed] };
    case 'language': {
      if (!LANGUAGE_CODE.test(scope.code)) return undefined;
      // Any article change clears `feed`: a language's feed goes with it.
      return { filter: { kind: 'language', language: scope.code }, title: `${ctx.t.latest} (${languageName(scope.code, ctx.lang)})`, home: ctx.urls.home(), tags: [tags.feed] };
    }
    case 'section':
    case 'tag': {
      const c = await findCategoryBySlug(store.db, scope.slug, scope.kind);
      if (!c) return undefined;
      const name = categoryName(c, ctx.lang);
      return scope.kind === 'section'
        ? { filter: { kind: 'category', categoryId: c.id }, title: name, home: ctx.urls.section(c.slug), tags: [tags.section(c.slug)] }
        : { filter: { kind: 'category', categoryId: c.id }, title: fill(ctx.t.tagTitle, { name }), home: ctx.urls.tag(c.slug), tags: [tags.tag(c.slug)] };
    }
    case 'source': {
      const s = await findSourceBySlug(store.db, scope.slug);
      if (!s) return undefined;
      return { filter: { kind: 'source', sourceId: s.id }, title: fill(ctx.t.sourceTitle, { name: s.title }), home: ctx.urls.source(s.slug), tags: [tags.source(s.id)] };
    }
  }
}

/**
 * Returns a language's name in the page language (`Arabic`, `Arapça`, `العربية`), the code itself when unknown.
 * @example languageName('ar', 'en') === 'Arabic'
 */
export function languageName(code: string, inLang: string): string {
  try {
    return new Intl.DisplayNames([inLang], { type: 'language', fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function entry(a: FeedArticle, o: { link: string; id: string; content: FeedContent; image: FeedImage | null }): FeedEntry {
  const sourceUrl = httpUrl(a.sourceSiteUrl) ?? httpUrl(a.url);
  const published = new Date(a.publishedAt);
  const edited = a.editedAt ? new Date(a.editedAt) : null;
  return {
    id: o.id,
    link: o.link,
    title: xmlText(a.title),
    summary: a.summary ? xmlText(a.summary) : null,
    contentHtml: o.content === 'full' && a.contentHtml ? xmlText(a.contentHtml) : null,
    published,
    updated: edited && edited > published ? edited : published,
    language: a.language && LANGUAGE_CODE.test(a.language) ? a.language : null,
    author: a.author ? xmlText(a.author) || null : null,
    categories: a.categories.map(xmlText).filter((c) => c.trim() !== ''),
    // (httpUrl's output is a parsed URL's href: nothing XML forbids is left in it.)
    source: a.sourceTitle && sourceUrl ? { name: xmlText(a.sourceTitle), url: sourceUrl } : null,
    image: o.image,
  };
}

/**
 * The local copy as pages show it (web/images.ts pictureOf: the JPEG or PNG variant nearest 640 px
 * wide) with its size and bytes, when Jarida stored the image; else the original http(s) address,
 * nothing known about it.
 */
function imageOf(url: string | null, stored: ReadonlyMap<string, MediaRecord>, origin: string): FeedImage | null {
  if (!url) return null;
  const m = stored.get(url);
  const fallback = m?.hash ? m.variants.filter((v) => v.f === 'jpg' || v.f === 'png') : [];
  if (m?.hash && fallback.length) {
    const v = fallback.reduce((best, x) => (Math.abs(x.w - 640) < Math.abs(best.w - 640) ? x : best));
    return { url: `${origin}${MEDIA_PREFIX}${m.hash}-${v.w}.${v.f}`, type: v.f === 'png' ? 'image/png' : 'image/jpeg', width: v.w, height: v.h, length: v.b };
  }
  const original = httpUrl(url);
  return original ? { url: original, type: null, width: null, height: null, length: null } : null;
}
