/**
 * The shape every archive format ends in (NDJSON lines, WordPress items), and the step that makes
 * it what the store keeps: HTML through the same sanitizer as ingested content, summary and
 * language settled. Pure: runs on a worker thread (see preparer.ts).
 */
import type { ArticleInput, ArticleStatus } from '../../model/types.js';
import { searchDocument } from '../../search/document.js';
import { detectArticleLanguage } from '../process/language.js';
import { normalizeUrl } from '../process/url.js';
import { plainText, sanitizeArticleHtml } from '../../html/sanitize.js';

/** The source an archive names for an article (NDJSON `source`), before it is found or created. */
export interface ImportSource {
  title: string;
  url: string | null;
  siteUrl: string | null;
  language: string | null;
}

/** One article as the archive gives it: validated, not yet sanitized. */
export interface ImportedArticle {
  guid: string;
  url: string | null;
  title: string;
  /** Publication instant, ms since the epoch. */
  publishedAt: number;
  /** Raw HTML from the archive. */
  contentHtml: string | null;
  /** Plain text or HTML. */
  summary: string | null;
  author: string | null;
  language: string | null;
  imageUrl: string | null;
  categories: string[];
  status: ArticleStatus;
  /** null: the import's default source (the file's name, the WordPress site's title, or --source). */
  source: ImportSource | null;
}

/** One entry of an archive, with where it is (`line 12`, `item 3`): its article, or why it is skipped. */
export type ImportEntry = { at: string; article: ImportedArticle } | { at: string; skip: string; detail?: string };

/** An article ready for the store except for its source id, which the orchestrator resolves. */
export interface PreparedArticle extends Omit<ArticleInput, 'sourceId' | 'publishedAt'> {
  publishedAt: number;
  source: ImportSource | null;
}

/** A prepared entry: the article to save, or why it is skipped. */
export type PreparedEntry = { at: string; article: PreparedArticle } | { at: string; skip: string; detail?: string };

/** Field limits (characters); a longer value skips the entry, naming the field. */
export const LIMITS = {
  title: 1000,
  guid: 2000,
  url: 2000,
  author: 300,
  summary: 20_000,
  content: 2_000_000,
  language: 35,
  category: 200,
  categories: 100,
} as const;

/** The language of articles that name none: as declared (--lang, the WordPress channel), else detected among `languages`, else the site's default. */
export interface LanguageFallback {
  declared: string | null;
  languages?: readonly string[];
  defaultLanguage: string;
}

/** Returns the entry made ready to store: content sanitized, summary plain text, language settled. */
export function prepareEntry(entry: ImportEntry, fallback: LanguageFallback): PreparedEntry {
  if (!('article' in entry)) return entry;
  const a = entry.article;
  const url = normalizeUrl(a.url);
  const contentHtml = a.contentHtml ? sanitizeArticleHtml(a.contentHtml, url ?? undefined) || null : null;
  const summaryText = a.summary ? plainText(/[<&]/.test(a.summary) ? sanitizeArticleHtml(a.summary, url ?? undefined) : a.summary, 400) : '';
  const summary = summaryText || (contentHtml ? plainText(contentHtml, 300) : '') || null;
  const language = a.language ?? a.source?.language ?? fallback.declared
    ?? detectArticleLanguage({ title: a.title, summary, contentHtml }, fallback.languages) ?? fallback.defaultLanguage;
  return {
    at: entry.at,
    article: {
      guid: a.guid,
      url,
      canonicalUrl: url,
      title: a.title,
      summary,
      contentHtml,
      author: a.author,
      language,
      imageUrl: a.imageUrl,
      publishedAt: a.publishedAt,
      status: a.status,
      categories: a.categories,
      source: a.source,
      // Here on a worker thread, not on the thread that writes to the store.
      searchDocument: searchDocument({ title: a.title, summary, contentHtml, language }),
    },
  };
}
