/** The language of an article that names none, read from its text (feeds, imports and the desk alike). */
import { detectLanguage } from '../../search/language.js';
import { plainText } from '../../html/sanitize.js';

/**
 * Characters of the body's text read after the title and summary. The detector's time grows with
 * the text it reads (ELD stops at 1,000 characters itself): ~270 µs an article with 1,000 of the
 * body, ~150 with 400. On the 88 articles of the demo and of the Reader View corpus with a declared
 * language, 400 and 300 gave the same answers as 1,000, with and without a summary; 200 missed two
 * (language.test.ts keeps them all right).
 */
export const BODY_SAMPLE_CHARS = 400;

/**
 * Returns the language of the article's title, summary and the start of its body among
 * `candidates` (default: en, tr, ar), or null when the detector is unsure.
 * @example detectArticleLanguage({ title: 'İstanbul’da kış', summary: null, contentHtml: '<p>Kar yağdı.</p>' }, ['en', 'tr']) === 'tr'
 */
export function detectArticleLanguage(a: { title: string; summary: string | null; contentHtml: string | null }, candidates?: readonly string[]): string | null {
  return detectLanguage(`${a.title}\n${a.summary ?? ''}\n${a.contentHtml ? plainText(a.contentHtml, BODY_SAMPLE_CHARS) : ''}`, candidates);
}
