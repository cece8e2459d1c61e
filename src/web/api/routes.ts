/**
 * The public content API's endpoints, one entry each: Fastify registers them (plugin.ts) and the
 * OpenAPI description is made from the same entries, so the two cannot disagree.
 */
import { tags } from '../cache.js';
import { ARTICLE_RESPONSE, ARTICLES_QUERY, ARTICLES_RESPONSE, getArticle, listArticles } from './articles.js';
import { ID_PATH, queryOf, type ContentRoute } from './route.js';
import { days, DAYS_QUERY, DAYS_RESPONSE, header, HEADER_QUERY, HEADER_RESPONSE, sections, SECTIONS_QUERY, SECTIONS_RESPONSE, sources, SOURCES_RESPONSE } from './site.js';

// Every change to an article (new, edited, removed, its image stored) clears `search`, the lists and
// counts change only with one, and a change of sections or sources clears everything: what the
// lists, days, header and sections show goes with `search` (and with the day, at midnight).
const lists = () => [tags.search];

/** Every endpoint under /api/v1 but the description itself. */
export const CONTENT_ROUTES: readonly ContentRoute[] = [
  {
    method: 'GET', url: '/articles', tag: 'articles', summary: 'Published articles, newest first, a page at a time (cursor)',
    query: ARTICLES_QUERY, response: ARTICLES_RESPONSE, handler: listArticles, cacheTags: lists,
    refusals: { 404: 'The section, tag or source named does not exist (`field` names the parameter)' },
  },
  { method: 'GET', url: '/articles/:id', tag: 'articles', summary: 'One published article in full', params: ID_PATH, query: queryOf({}), response: ARTICLE_RESPONSE, handler: getArticle,
    cacheTags: (ctx) => [tags.article(Number(ctx.params.id))] },
  { method: 'GET', url: '/days', tag: 'calendar', summary: 'Published articles per local day, newest day first (at most 366 days)', query: DAYS_QUERY, response: DAYS_RESPONSE, handler: days, cacheTags: lists },
  { method: 'GET', url: '/header', tag: 'calendar', summary: "The pages' header: today in both calendars, the recent days with their counts, the total", query: HEADER_QUERY, response: HEADER_RESPONSE, handler: header, cacheTags: lists },
  { method: 'GET', url: '/sections', tag: 'site', summary: 'The sections in menu order, and the tags most used first', query: SECTIONS_QUERY, response: SECTIONS_RESPONSE, handler: sections, cacheTags: lists },
  { method: 'GET', url: '/sources', tag: 'site', summary: 'The sources with published articles', query: queryOf({}), response: SOURCES_RESPONSE, handler: sources },
];
