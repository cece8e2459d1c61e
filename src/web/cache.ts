/**
 * The page cache: rendered pages kept in memory, least recently used first out when over the byte
 * budget, and cleared precisely. Every page names what it shows with tags (`home`, `article-42`,
 * `day-2019-02-15` …, the same words a CDN gets as Surrogate-Key); a change marks stale only the
 * pages whose tags it touches, plus the article pages whose previous/next links it moved (their
 * "span" holds the new article's time). A stale page is rendered again by the next request for it,
 * and served as it was to the requests that come while that render runs (stale-while-revalidate).
 *
 * The header's counts (the recent-days strip and the total) change with every new article and are on
 * every page, so a page is kept with a hole where they go: the counts are rendered once per language
 * and change, and pasted into each page when it is next served (http.ts). At midnight in the site's
 * time zone everything goes (every header shows today's date).
 */
import { addDays, dayStartInstant, localDay } from '../calendar/zone.js';
import type { Lang } from '../model/types.js';
import type { Change } from '../store/changes.js';
import { PageBody } from './http.js';
import { sourceTag } from '../store/articles.js';

/** Where the header's counts sit in a page's bytes, and in which language they are. */
export interface CountsHole {
  start: number;
  end: number;
  lang: Lang;
}

/** What a rendered page says about itself (page.ts fills it in). */
export interface PageMeta {
  /** What the page shows, as cache tags: see `tags`. */
  tags: readonly string[];
  /** An article page: the published instants (ms) of its older and newer neighbours; a new article between them changes its links. */
  span?: readonly [number, number];
  /** Where the header's counts are, when the theme's layout marks them (page.ts). */
  hole?: CountsHole;
  /** Headers of its own, over the page headers (the content API's CORS and Cache-Control: web/api/plugin.ts). */
  headers?: Readonly<Record<string, string>>;
}

/** A cached page. */
export interface CachedPage {
  readonly key: string;
  readonly contentType: string;
  readonly tags: readonly string[];
  readonly span?: readonly [number, number];
  hole?: CountsHole;
  readonly headers?: Readonly<Record<string, string>>;
  /** The bytes as last served, with validators and compressed forms. */
  body: PageBody;
  /** The counts generation the body's hole was filled at. */
  countsGen: number;
  /** Marked by a change: the next request renders it again; until that render is done it is still served. */
  stale: boolean;
  /** Asked for since it last came to the front of the eviction queue (a second chance, CLOCK-style). */
  used: boolean;
  /** Bytes counted against the budget. */
  size: number;
}

/** Cache tags, one vocabulary for the cache, the change signal and Surrogate-Key headers. */
export const tags = {
  home: 'home',
  feed: 'feed',
  search: 'search',
  /** The header counts, for pages whose layout does not mark where they are (they go with every count change). */
  counts: 'counts',
  article: (id: number) => `article-${id}`,
  day: (day: string) => `day-${day}`,
  month: (day: string) => `month-${day.slice(0, 7)}`,
  year: (day: string) => `year-${day.slice(0, 4)}`,
  /** A section's, tag's or source's pages (the store names them in its change signal: store/categories.ts, articles.ts). */
  section: (slug: string) => `section-${slug}`,
  tag: (slug: string) => `tag-${slug}`,
  source: sourceTag,
  /** An own page's URLs in every language (web/pages/site-page.ts). */
  page: (slug: string) => `page-${slug}`,
};

/** What changed, in the cache's terms. */
export interface Invalidation {
  /** Everything (a bulk change, a source renamed, a change from an unknown writer). */
  all?: boolean;
  /** Pages carrying any of these tags. */
  tags?: readonly string[];
  /** Instants (ms) where an article appeared, moved or went: article pages whose span holds one. */
  times?: readonly number[];
  /** The header counts changed. */
  counts?: boolean;
}

/**
 * Returns what a committed change makes stale: a new, changed or removed article clears the lists of
 * latest articles (home, feed, search), its own page and the pages naming it, its day, month and
 * year archives, the pages of its sections, tags and source (the change names them), the article pages whose neighbours it sits between, and the header counts.
 * A source renamed or removed, or an unknown change: everything.
 */
export function invalidationOf(change: Change): Invalidation {
  if (change.all || change.sources?.length) return { all: true };
  const days = change.days ?? [];
  const articles = change.articles ?? [];
  if (!days.length && !articles.length) return {};
  return {
    tags: [
      tags.home,
      tags.feed,
      tags.search,
      ...articles.map(tags.article),
      ...new Set(days.flatMap((d) => [tags.day(d), tags.month(d), tags.year(d)])),
      ...(change.tags ?? []),
    ],
    times: change.times,
    counts: days.length > 0,
  };
}

/** Hits, misses and size, for logs and tests. */
export interface PageCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  staleHits: number;
  misses: number;
  invalidations: number;
  countsGen: number;
}

/** How many recent invalidations are remembered for pages whose render was running meanwhile. */
const RECENT = 64;
/** Bytes counted per cached page beyond its body: key, tags, bookkeeping. */
const OVERHEAD = 512;

/**
 * An in-memory LRU of rendered pages, bounded by bytes, cleared by tags.
 * @example const cache = new PageCache({ maxBytes: 64 << 20, timeZone: 'Europe/Istanbul', now: () => new Date() });
 */
export class PageCache {
  readonly maxBytes: number;
  private timeZone: string;
  private readonly now: () => Date;
  /** Insertion order is recency: the first entry is the least recently used. */
  private readonly entries = new Map<string, CachedPage>();
  private readonly recent: { seq: number; inv: Invalidation }[] = [];
  private seq = 0;
  private bytes = 0;
  private hits = 0;
  private staleHits = 0;
  private misses = 0;
  private expiresAt: number;
  private gen = 0;
  private readonly countsByLang = new Map<Lang, { gen: number; html: Buffer }>();
  private readonly countsPending = new Map<Lang, { gen: number; html: Promise<Buffer> }>();
  /** Renders the header counts of a language; set by the app (app.ts). */
  renderCounts?: (lang: Lang) => Promise<string>;

  constructor(opts: { maxBytes: number; timeZone: string; now: () => Date }) {
    this.maxBytes = opts.maxBytes;
    this.timeZone = opts.timeZone;
    this.now = opts.now;
    this.expiresAt = this.nextMidnight();
  }

  /** Read before rendering a page and pass to store(): a change meanwhile makes the page stored stale. */
  get mark(): number {
    this.expireAtMidnight();
    return this.seq;
  }

  /** The header counts' generation: it moves with every change to the counts. */
  get countsGen(): number {
    return this.gen;
  }

  /** Returns the page under this key, now the most recently used; undefined when absent. */
  get(key: string): CachedPage | undefined {
    this.expireAtMidnight();
    const e = this.entries.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    if (e.stale) this.staleHits++;
    else this.hits++;
    e.used = true; // moved back at eviction time, not on every hit: a hit is one write
    return e;
  }

  /**
   * Stores a page rendered since `mark`, stale at once when a change since then touched it. Returns
   * the entry (also when it is over the budget alone and not kept).
   */
  store(key: string, page: { contentType: string; body: PageBody; meta: PageMeta; countsGen: number }, mark: number): CachedPage {
    const { meta } = page;
    const entry: CachedPage = {
      key,
      contentType: page.contentType,
      tags: meta.tags,
      span: meta.span,
      hole: meta.hole,
      ...(meta.headers ? { headers: meta.headers } : {}),
      body: page.body,
      countsGen: page.countsGen,
      stale: this.changedSince(mark, meta),
      used: false,
      size: 0,
    };
    entry.size = page.body.bytes.length + key.length + OVERHEAD;
    if (entry.size > this.maxBytes) return entry;
    this.remove(key);
    this.entries.set(key, entry);
    this.bytes += entry.size;
    this.evict();
    return entry;
  }

  /** A cached page's bytes changed (counts pasted in, a compressed form made): count them again. */
  resized(entry: CachedPage): void {
    const size = entry.body.bytes.length + entry.body.compressedBytes + entry.key.length + OVERHEAD;
    if (this.entries.get(entry.key) !== entry) {
      entry.size = size;
      return;
    }
    this.bytes += size - entry.size;
    entry.size = size;
    this.evict();
  }

  /**
   * Marks stale the pages a change touched. It looks at every page's tags rather than keeping an
   * index from tag to pages: changes come seconds apart, pages are asked for thousands of times a
   * second, and the index (a set per article shown) cost more memory than the pages' own tags.
   */
  invalidate(inv: Invalidation): void {
    this.expireAtMidnight();
    this.recent.push({ seq: ++this.seq, inv });
    if (this.recent.length > RECENT) this.recent.shift();
    if (inv.counts || inv.all) this.gen++;
    if (inv.all) {
      for (const e of this.entries.values()) e.stale = true;
      return;
    }
    const touched = inv.tags?.length ? new Set(inv.tags) : undefined;
    const times = inv.times?.length ? inv.times : undefined;
    if (!touched && !times) return;
    for (const e of this.entries.values()) {
      if (e.stale) continue;
      if ((touched && e.tags.some((t) => touched.has(t))) || (times && e.span && times.some((t) => inSpan(t, e.span!)))) e.stale = true;
    }
  }

  /** Forgets every page (a new day began: every header shows the date). */
  clear(): void {
    this.entries.clear();
    this.countsByLang.clear();
    this.bytes = 0;
    this.gen++;
    this.recent.push({ seq: ++this.seq, inv: { all: true } });
    if (this.recent.length > RECENT) this.recent.shift();
  }

  /**
   * Forgets every page and follows the site's time zone from now on (the site settings changed:
   * its name, header strip and dates are on every page; midnight moves with the zone).
   */
  reset(timeZone: string): void {
    this.clear();
    this.timeZone = timeZone;
    this.expiresAt = this.nextMidnight();
  }

  /**
   * Returns the header counts of a language for the current generation, rendered once per change
   * (concurrent callers share the render).
   */
  async counts(lang: Lang): Promise<Buffer> {
    const gen = this.gen;
    const have = this.countsByLang.get(lang);
    if (have && have.gen === gen) return have.html;
    const pending = this.countsPending.get(lang);
    if (pending && pending.gen === gen) return pending.html;
    if (!this.renderCounts) throw new Error('page cache: no renderer for the header counts');
    const html = this.renderCounts(lang).then((s) => Buffer.from(s));
    this.countsPending.set(lang, { gen, html });
    try {
      const bytes = await html;
      if (this.gen === gen) this.countsByLang.set(lang, { gen, html: bytes });
      return bytes;
    } finally {
      if (this.countsPending.get(lang)?.html === html) this.countsPending.delete(lang);
    }
  }

  stats(): PageCacheStats {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      hits: this.hits,
      staleHits: this.staleHits,
      misses: this.misses,
      invalidations: this.seq,
      countsGen: this.gen,
    };
  }

  /** Did an invalidation after `mark` touch a page with this meta? Unknown (too long ago) counts as yes. */
  private changedSince(mark: number, meta: PageMeta): boolean {
    if (mark === this.seq) return false;
    const first = this.recent[0];
    if (!first || first.seq > mark + 1) return true;
    for (const { seq, inv } of this.recent) {
      if (seq <= mark) continue;
      if (inv.all) return true;
      if (inv.tags?.some((t) => meta.tags.includes(t))) return true;
      if (meta.span && inv.times?.some((t) => inSpan(t, meta.span!))) return true;
      if (inv.counts && meta.tags.includes(tags.counts)) return true;
    }
    return false;
  }

  /** Drops the least recently used pages until within budget: the oldest first, unless asked for since it was queued. */
  private evict(): void {
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      if (e.used) {
        e.used = false;
        this.entries.delete(k);
        this.entries.set(k, e);
        continue;
      }
      this.remove(k);
    }
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.size;
  }

  private expireAtMidnight(): void {
    if (this.now().getTime() < this.expiresAt) return;
    this.clear();
    this.expiresAt = this.nextMidnight();
  }

  private nextMidnight(): number {
    return dayStartInstant(addDays(localDay(this.now(), this.timeZone), 1), this.timeZone).getTime();
  }
}

function inSpan(t: number, span: readonly [number, number]): boolean {
  return t >= span[0] && t <= span[1];
}

/**
 * Returns the cache key of a page request: path and query with its parameters sorted (`?b=1&a=2`
 * and `?a=2&b=1` are one page). The language is part of the path.
 * @example pageCacheKey('/2019/02/?page=2&utm=x') === '/2019/02/?page=2&utm=x'
 */
export function pageCacheKey(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const path = url.slice(0, q);
  if (q === url.length - 1) return path;
  const params = new URLSearchParams(url.slice(q + 1));
  params.sort();
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}
