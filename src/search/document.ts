/**
 * The searchable form of an article: its title's and its text's terms, space-separated, as both
 * stores index them (SQLite FTS5 columns, PostgreSQL tsvectors built with the `simple` config),
 * analysed in the article's language (detected from the text when it has none).
 */
import { htmlToText } from '../html/text.js';
import { detectLanguage } from './language.js';
import { analyserOf, searchTermsText } from './normalize.js';

/** Characters of an article's text indexed; the rest of a very long article is not searched. */
const MAX_BODY_CHARS = 100_000;

/** What a search index keeps of one article. */
export interface SearchDocument {
  title: string;
  body: string;
}

/** An article as the index reads it. */
export interface SearchableArticle {
  title: string;
  summary: string | null;
  contentHtml: string | null;
  /** Its language tag; null or absent: detected from the text (English, Turkish or Arabic), else folded only. */
  language?: string | null;
}

/**
 * Returns the title and body terms of an article (body: its HTML content as text, else its summary).
 * @example searchDocument({ title: 'İstanbul elections', summary: null, contentHtml: '<p>Votes</p>', language: 'en' })
 *   // { title: 'istanbul elect', body: 'vote' }
 */
export function searchDocument(a: SearchableArticle): SearchDocument {
  const text = searchText(a);
  const analyser = analyserOf(a.language) ?? analyserOf(detectLanguage(`${a.title}\n${text}`)) ?? 'other';
  return { title: searchTermsText(a.title, analyser), body: searchTermsText(text, analyser) };
}

/** Returns an article's plain text as searched (and shown in snippets): its content as text, else its summary. */
export function searchText(a: { summary: string | null; contentHtml: string | null }): string {
  const html = a.contentHtml || a.summary || '';
  return htmlToText(html.length > MAX_BODY_CHARS * 2 ? html.slice(0, MAX_BODY_CHARS * 2) : html).slice(0, MAX_BODY_CHARS);
}
