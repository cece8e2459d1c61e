/**
 * From a parsed item to what the store keeps: rules applied, dates settled, URLs normalized,
 * HTML sanitized, text fields plain. Pure: the orchestrator decides what to fetch and save.
 */
import type { FeedItem } from '../../model/feed.js';
import type { SourceRules } from '../../model/rules.js';
import { bounded, label, LIMITS } from '../../model/limits.js';
import type { ArticleInput } from '../../model/types.js';
import { httpUrl } from '../../model/url.js';
import { plainText, sanitizeArticleHtml } from '../../html/sanitize.js';
import { detectArticleLanguage } from './language.js';
import { ruleVerdict } from './rules.js';
import { normalizeUrl } from './url.js';

/** A summary shorter than this (in characters of text) with no content counts as "only a summary". */
export const SHORT_SUMMARY_CHARS = 400;
/** Dates further ahead than this are taken as wrong and replaced by the fetch time. */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

/** What the source contributes to each of its items. */
export interface ItemContext {
  sourceId: number;
  /** The source's language, for items that do not name theirs. */
  language: string | null;
  /** The languages an item naming none (nor its source) may be detected as (default: en, tr, ar). */
  languages?: readonly string[];
  rules: SourceRules;
  /** The fetch time: the publication time of items without a usable date. */
  now: Date;
  /** The feed URL, for items without a link of their own. */
  feedUrl?: string | null;
}

/** An item ready to store, or the reason it is not stored. */
export type PreparedItem = { ok: true; input: ArticleInput } | { ok: false; guid: string; reason: string };

/** Returns true when the item carries no content, only a short summary (or nothing). */
export function needsFullText(item: FeedItem): boolean {
  if (item.content && plainText(item.content, 10_000).length >= SHORT_SUMMARY_CHARS) return false;
  return !item.summary || plainText(item.summary, 10_000).length < SHORT_SUMMARY_CHARS;
}

/** Returns the article to store for a parsed item, or why it is skipped. */
export function prepareItem(item: FeedItem, ctx: ItemContext): PreparedItem {
  const dated = item.published ?? item.updated;
  const usable = dated && !Number.isNaN(dated.getTime()) && dated.getTime() <= ctx.now.getTime() + FUTURE_TOLERANCE_MS && dated.getFullYear() >= 1990;
  const published = usable ? dated : ctx.now;
  const verdict = ruleVerdict(item, ctx.rules, published, ctx.now);
  if (verdict) return { ok: false, guid: item.guid, reason: verdict };

  const url = normalizeUrl(item.url, ctx.feedUrl ?? undefined);
  const contentHtml = ctx.rules.republish === 'summary' ? null : item.content ? sanitizeArticleHtml(item.content, url ?? undefined) : null;
  const summaryHtml = !item.summary ? null : /[<&]/.test(item.summary) ? sanitizeArticleHtml(item.summary, url ?? undefined) : item.summary;
  const summary = summaryHtml ? plainText(summaryHtml, 400) || null : contentHtml ? plainText(contentHtml, 300) || null : null;
  const title = label(item.title, LIMITS.title) ?? (summary ? plainText(summary, 80) : null);
  if (!title) return { ok: false, guid: item.guid, reason: 'no title and no text' };
  return {
    ok: true,
    input: {
      sourceId: ctx.sourceId,
      guid: bounded(item.guid, LIMITS.guid),
      url: url ?? null,
      canonicalUrl: url,
      title,
      summary,
      // Republishing a summary only: the summary's HTML stands as the body, the reader follows the link.
      contentHtml: contentHtml ?? (ctx.rules.republish === 'summary' ? summaryHtml : null),
      author: bounded(item.author, LIMITS.author) ?? null,
      language: item.language ?? ctx.language ?? detectArticleLanguage({ title, summary, contentHtml }, ctx.languages),
      imageUrl: httpUrl(item.imageUrl, url),
      publishedAt: published,
      publishedAtIsFallback: !usable,
      categories: item.categories.slice(0, LIMITS.categories).map((c) => bounded(c, LIMITS.category)),
    },
  };
}
