/** Plain domain types shared by the store, the web and the CLI. No I/O here. */
import type { SourceRules } from './rules.js';

export type Lang = 'en' | 'tr' | 'ar';
export const LANGS: readonly Lang[] = ['en', 'tr', 'ar'];

/**
 * Returns true when the text is a language tag a source may name (`en`, `tr`, `pt-BR`): what the
 * CLI's `--lang` and the desk's language field accept.
 * @example isLanguageTag('pt-BR') === true; isLanguageTag('English') === false
 */
export function isLanguageTag(text: string): boolean {
  return /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(text);
}

/** A published, hidden or draft article as the store returns it. */
export interface Article {
  id: number;
  sourceId: number;
  guid: string;
  url: string | null;
  canonicalUrl: string | null;
  slug: string;
  title: string;
  summary: string | null;
  contentHtml: string | null;
  author: string | null;
  language: string | null;
  imageUrl: string | null;
  publishedAt: string; // UTC ISO-8601 instant
  localDay: string; // YYYY-MM-DD in the site time zone
  status: ArticleStatus;
  contentHash: string | null;
  createdAt: string;
  updatedAt: string;
  sourceTitle: string | null;
  /** Its source's page: `/source/<slug>/`. */
  sourceSlug: string | null;
  sourceSiteUrl: string | null;
  /** The source says the copy here is canonical (else the original URL is). */
  sourceCanonicalHere: boolean;
  /** The article's own say (desk): true this site's copy is canonical, false the original; null follows the source. */
  canonicalHere?: boolean | null;
  categories: string[];
}

/** scheduled: published_at is ahead; the article is published (and counted) from that minute on. */
export type ArticleStatus = 'published' | 'hidden' | 'draft' | 'scheduled';
/** Every status, in the desk's order. */
export const ARTICLE_STATUSES: readonly ArticleStatus[] = ['published', 'scheduled', 'draft', 'hidden'];

/** What a caller gives to create or update an article. */
export interface ArticleInput {
  sourceId: number;
  guid: string;
  url?: string | null;
  canonicalUrl?: string | null;
  title: string;
  summary?: string | null;
  contentHtml?: string | null;
  author?: string | null;
  language?: string | null;
  imageUrl?: string | null;
  publishedAt: Date;
  /** The source gave no usable date: publishedAt is the fetch time, and an update keeps the first one. */
  publishedAtIsFallback?: boolean;
  status?: ArticleStatus;
  slug?: string;
  categories?: string[];
  /**
   * The article's search terms (src/search/document.ts), when computed off the store's thread (bulk
   * import prepares them on its workers); else the store computes them. Must match title, content
   * and language (each language has its own analysis).
   */
  searchDocument?: { title: string; body: string };
}

export type SourceKind = 'feed' | 'page' | 'manual';

/** A source site articles come from, with its fetch state. */
export interface Source {
  id: number;
  kind: SourceKind;
  url: string | null;
  title: string;
  siteUrl: string | null;
  language: string | null;
  enabled: boolean;
  fullText: boolean;
  canonicalHere: boolean;
  rules: SourceRules;
  etag: string | null;
  lastModified: string | null;
  nextFetchAt: string | null;
  intervalS: number | null;
  errorCount: number;
  lastError: string | null;
  lastStatus: number | null;
  lastFetchedAt: string | null;
  lastSuccessAt: string | null;
  ttlMinutes: number | null;
  skipHours: number[];
  createdAt: string;
  /** A fetch in progress holds the source until this instant, in the name of claimedBy (`host pid N`). */
  claimedUntil: string | null;
  claimedBy: string | null;
  /** Its page: `/source/<slug>/`. */
  slug: string;
  /** Its published articles. */
  publishedCount: number;
  /** The section of its articles whose words map to none. */
  defaultSectionId: number | null;
}

/** Number of published articles on one local day. */
export interface DayCount {
  day: string;
  count: number;
}
