/** The language of an article that names none, read from its text (feeds, imports and the desk alike). */
import { detectLanguage } from '../../search/language.js';
import { plainText } from '../../html/sanitize.js';

/**
 * Returns the language of the article's title, summary and the start of its body among
 * `candidates` (default: en, tr, ar), or null when the detector is unsure.
 * @example detectArticleLanguage({ title: 'İstanbul’da kış', summary: null, contentHtml: '<p>Kar yağdı.</p>' }, ['en', 'tr']) === 'tr'
 */
export function detectArticleLanguage(a: { title: string; summary: string | null; contentHtml: string | null }, candidates?: readonly string[]): string | null {
  return detectLanguage(`${a.title}\n${a.summary ?? ''}\n${a.contentHtml ? plainText(a.contentHtml, 1000) : ''}`, candidates);
}
