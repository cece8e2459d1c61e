/**
 * The longest text each stored field keeps. Everything a source, an import or an operator sends
 * is cut to these at the point it enters the store, so no field can grow a page without bound.
 */
export const LIMITS = {
  /** Article and source titles. */
  title: 500,
  author: 300,
  /** One category word, and how many an article keeps. */
  category: 100,
  categories: 20,
  /** The plain-text summary. */
  summary: 2000,
  guid: 2000,
  /** A language tag (BCP 47 tags are short; 35 covers every registered form). */
  language: 35,
  /** An error message kept on a source. */
  error: 1000,
} as const;

/**
 * Returns `text` cut to at most `max` UTF-16 units without splitting a surrogate pair; null stays null.
 * @example bounded('a'.repeat(10), 3) === 'aaa'
 */
export function bounded<T extends string | null | undefined>(text: T, max: number): T {
  if (typeof text !== 'string' || text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate whose pair would be cut off
  return text.slice(0, end) as T;
}

/**
 * Returns a one-line label (a title, an author, a category): whitespace runs made one space,
 * trimmed, cut to `max`; null when nothing is left.
 * @example label('  Breaking\n news ', 500) === 'Breaking news'
 */
export function label(text: string | null | undefined, max: number): string | null {
  if (typeof text !== 'string') return null;
  // Cut a generous prefix first, so a 1 MB title is not scanned whole by the replace.
  const s = bounded(text, max * 4).replace(/\s+/g, ' ').trim();
  return s === '' ? null : bounded(s, max).trim() || null;
}
