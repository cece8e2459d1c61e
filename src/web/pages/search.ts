/**
 * `/search?q=` and `/search.json?q=` — the archive searched: words, "phrases", -words, a day range
 * (`from`, `to`: YYYY-MM-DD) and a source (`source`: its id); `page` for more results.
 */
import { parseDay } from '../../calendar/zone.js';
import { formatNumber } from '../../calendar/format.js';
import { escapeHtml } from '../../html/text.js';
import { MAX_QUERY_TERMS, parseSearchQuery } from '../../search/query.js';
import type { SnippetPiece } from '../../search/snippet.js';
import { SEARCH_CANDIDATES } from '../../store/search.js';
import { badRequest } from '../errors.js';
import { fill, plural } from '../i18n/strings.js';
import { tags } from '../cache.js';
import type { PageView } from '../page.js';
import { checkPageInRange, parsePage } from '../params.js';
import { articleCard, type ArticleCard, type PageContext } from '../view.js';
import { pager } from './pager.js';
import type { FoundArticle, SearchRunner } from '../search-runner.js';

/** What the reader asked for, validated. */
export interface SearchParams {
  q: string;
  page: number;
  from?: string;
  to?: string;
  source?: number;
}

/** One search, ready for the HTML page or the JSON answer. */
interface SearchOutcome {
  params: SearchParams;
  /** Why there are no results to show, for the reader; null when the search ran. */
  message: string | null;
  /** Words beyond the limit were ignored. */
  note: string | null;
  results: FoundArticle[];
  total: number;
  capped: boolean;
  pages: number;
}

/** Returns the search page view (the form alone when there is no `q`). */
export async function searchPage(search: SearchRunner, ctx: PageContext, query: unknown): Promise<PageView> {
  const s = await runSearch(search, ctx, query);
  const { params } = s;
  const n = (v: number) => formatNumber(v, ctx.lang, ctx.cal);
  const countLabel = s.message || !params.q ? null
    : s.total === 0 ? fill(ctx.t.searchNone, { q: params.q.slice(0, 100) })
      : s.capped ? fill(ctx.t.searchResultsCapped, { n: n(SEARCH_CANDIDATES) })
        : plural(ctx.lang, ctx.t.searchResults, s.total, n(s.total));
  return {
    template: 'search',
    tags: [tags.search],
    title: params.q ? fill(ctx.t.searchTitle, { q: params.q.slice(0, 100) }) : ctx.t.search,
    noindex: true,
    description: countLabel ?? s.message ?? ctx.t.searchLabel,
    meta: { kind: 'search', path: ctx.urls.search({ q: params.q, page: params.page }) },
    data: {
      form: { action: ctx.urls.search(), q: params.q, from: params.from ?? '', to: params.to ?? '', source: params.source ?? '' },
      message: s.message,
      note: s.note,
      countLabel,
      results: s.results.map((r) => {
        // The two added to the card rather than spread into a new object (spreading took ~3% of a search page's main thread).
        const card = articleCard(r.article, ctx) as ArticleCard & { titlePieces: SnippetPiece[]; snippet: SnippetPiece[] };
        card.titlePieces = r.title;
        card.snippet = r.snippet;
        return card;
      }),
      pager: pager(ctx, params.page, s.pages, (p) => ctx.urls.search({ ...params, page: p })),
    },
  };
}

/**
 * Returns the search as JSON: the results with their URLs, day, source and snippet (plain and as
 * HTML with <mark>), the count and pages; `message` says why there are none when the query had no
 * searchable word.
 */
export async function searchJson(search: SearchRunner, ctx: PageContext, query: unknown): Promise<Record<string, unknown>> {
  const s = await runSearch(search, ctx, query);
  const site = ctx.site.siteUrl ?? '';
  return {
    query: s.params.q,
    filters: { from: s.params.from ?? null, to: s.params.to ?? null, source: s.params.source ?? null },
    page: s.params.page,
    pages: s.pages,
    total: s.total,
    more: s.capped,
    message: s.message,
    note: s.note,
    results: s.results.map(({ article: a, snippet }) => ({
      title: a.title,
      url: `${site}${ctx.urls.article(a)}`,
      published_at: a.publishedAt,
      day: a.localDay,
      source: a.sourceTitle,
      source_id: a.sourceId,
      language: a.language,
      snippet: snippet.map((p) => p.text).join(''),
      snippet_html: snippet.map((p) => (p.mark ? `<mark>${escapeHtml(p.text)}</mark>` : escapeHtml(p.text))).join(''),
    })),
  };
}

async function runSearch(search: SearchRunner, ctx: PageContext, query: unknown): Promise<SearchOutcome> {
  const params = parseSearchParams(query);
  const none = (message: string | null): SearchOutcome => ({ params, message, note: null, results: [], total: 0, capped: false, pages: 0 });
  if (!params.q.trim()) {
    checkPageInRange(params.page, 1);
    return none(params.q ? ctx.t.searchEmpty : null);
  }
  const parsed = parseSearchQuery(params.q, ctx.lang); // words analysed as the page's language (and their script)
  if (!parsed.ok) {
    checkPageInRange(params.page, 1);
    return none(parsed.reason === 'common' ? ctx.t.searchCommon : parsed.reason === 'only-excluded' ? ctx.t.searchOnlyExcluded : ctx.t.searchEmpty);
  }
  const size = ctx.site.pageSize;
  const found = await search.run({
    filter: { parts: parsed.parts, exclude: parsed.exclude, fromDay: params.from, toDay: params.to, sourceId: params.source },
    limit: size,
    offset: (params.page - 1) * size,
    highlight: parsed.highlight,
  });
  const pages = Math.ceil(found.total / size);
  checkPageInRange(params.page, pages);
  return {
    params,
    message: null,
    note: parsed.truncated ? fill(ctx.t.searchTruncated, { n: formatNumber(MAX_QUERY_TERMS, ctx.lang, ctx.cal) }) : null,
    results: found.results,
    total: found.total,
    capped: found.capped,
    pages,
  };
}

/** Returns the validated parameters; 400 naming the bad one. */
export function parseSearchParams(query: unknown): SearchParams {
  const raw = (query ?? {}) as Record<string, unknown>;
  const one = (name: string): string | undefined => {
    const v = raw[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw badRequest(`${name} must be given once`);
    return v;
  };
  const day = (name: string): string | undefined => {
    const v = one(name);
    if (v === undefined || v === '') return undefined;
    const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? parseDay(v) : null;
    if (!d) throw badRequest(`${name} must be a day YYYY-MM-DD, got ${JSON.stringify(v.slice(0, 40))}`);
    return d;
  };
  const from = day('from');
  const to = day('to');
  if (from && to && from > to) throw badRequest(`from (${from}) is after to (${to})`);
  const src = one('source');
  if (src !== undefined && src !== '' && !/^[1-9]\d{0,15}$/.test(src)) throw badRequest(`source must be a source id (a positive whole number), got ${JSON.stringify(src.slice(0, 40))}`);
  return {
    q: one('q') ?? '',
    page: parsePage(query),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(src ? { source: Number(src) } : {}),
  };
}
