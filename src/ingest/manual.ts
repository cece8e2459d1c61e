/** Manual entry: an article typed in by the operator (`jarida article add`), sanitized like any other. */
import type { SiteSettings } from '../config.js';
import type { Lang } from '../model/types.js';
import { saveArticle, type SaveResult } from '../store/articles.js';
import type { Store } from '../store/db.js';
import { ensureSource } from '../store/sources.js';
import { escapeHtml } from '../html/text.js';
import { detectArticleLanguage } from './process/language.js';
import { plainText, sanitizeArticleHtml } from '../html/sanitize.js';

/** What the operator gives for one article. */
export interface ManualArticle {
  title: string;
  publishedAt: Date;
  body?: string | null;
  summary?: string | null;
  source?: string | null;
  url?: string | null;
  lang?: string | null;
  author?: string | null;
  guid?: string;
  /** Sections (by slug or a name in any language) and tags, as a feed's categories are. */
  categories?: string[];
}

/** Returns the HTML for a body given as HTML, or as plain text with blank lines between paragraphs. */
export function bodyToHtml(body: string): string {
  if (/<\/?(p|div|br|h[2-6]|ul|ol|blockquote|figure|img|table)\b/i.test(body)) return body;
  return body
    .split(/\r?\n\s*\r?\n/)
    .map((para) => para.trim())
    .filter(Boolean)
    .map((para) => `<p>${escapeHtml(para).replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
}

/** Stores a manual article under its source (created on first use); returns what the store did. No `lang`: detected from the text among the site's languages, else the site's default. */
export async function addManualArticle(store: Store, site: SiteSettings, a: ManualArticle): Promise<SaveResult> {
  const sourceTitle = a.source?.trim() || site.siteName;
  const sourceId = await ensureSource(store.db, { kind: 'manual', title: sourceTitle });
  const html = a.body ? sanitizeArticleHtml(bodyToHtml(a.body), a.url ?? undefined) : null;
  const summary = a.summary?.trim() || (html ? plainText(html, 280) : null);
  return saveArticle(
    store.db,
    {
      sourceId,
      guid: a.guid ?? a.url ?? `manual:${a.publishedAt.toISOString()}:${a.title}`,
      url: a.url ?? null,
      canonicalUrl: a.url ?? null,
      title: a.title.trim(),
      summary,
      contentHtml: html,
      author: a.author ?? null,
      language: (a.lang as Lang | undefined) ?? detectArticleLanguage({ title: a.title, summary, contentHtml: html }, site.languages) ?? site.defaultLanguage,
      publishedAt: a.publishedAt,
      categories: a.categories,
    },
    site.timeZone,
  );
}
