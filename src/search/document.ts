/**
 * The searchable form of an article: its title's and its text's terms, space-separated, as both
 * stores index them (SQLite FTS5 columns, PostgreSQL tsvectors built with the `simple` config).
 */
import { htmlToText } from '../ingest/parse/text.js';
import { searchTerms } from './normalize.js';

/** Characters of an article's text indexed; the rest of a very long article is not searched. */
const MAX_BODY_CHARS = 100_000;

/** What a search index keeps of one article. */
export interface SearchDocument {
  title: string;
  body: string;
}

/**
 * Returns the title and body terms of an article (body: its HTML content as text, else its summary).
 * @example searchDocument({ title: 'İstanbul elections', summary: null, contentHtml: '<p>Votes</p>' })
 *   // { title: 'istanbul elect', body: 'vote' }
 */
export function searchDocument(a: { title: string; summary: string | null; contentHtml: string | null }): SearchDocument {
  return { title: searchTerms(a.title).join(' '), body: searchTerms(searchText(a)).join(' ') };
}

/** Returns an article's plain text as searched (and shown in snippets): its content as text, else its summary. */
export function searchText(a: { summary: string | null; contentHtml: string | null }): string {
  const html = a.contentHtml || a.summary || '';
  return htmlToText(html.length > MAX_BODY_CHARS * 2 ? html.slice(0, MAX_BODY_CHARS * 2) : html).slice(0, MAX_BODY_CHARS);
}
