/**
 * What a reader typed in the search box, as terms the store can match: words (all must match),
 * "quoted phrases" and -excluded words. Anything else — operator characters, brackets, emoji —
 * is only a separator, so no input can reach the database as query syntax.
 */
import { foldText, searchTerms, termOf } from './normalize.js';

/** Words beyond this many are ignored (and the page says so). */
export const MAX_QUERY_TERMS = 12;
/** Characters of a query read; the rest is ignored. */
export const MAX_QUERY_CHARS = 500;

/** One thing every result must contain: a word (as a term, or a prefix of one) or a phrase. */
export interface QueryPart {
  /** Terms in order; more than one: a phrase, matched as consecutive words. */
  terms: string[];
  /** A single word of 3+ letters also matches words it begins (Turkish suffixes: ankara → ankaradaki). */
  prefix: boolean;
}

/** A parsed query: what to match, or why there is nothing to search for. */
export type SearchQuery =
  | { ok: true; parts: QueryPart[]; exclude: QueryPart[]; truncated: boolean; highlight: Set<string> }
  | { ok: false; reason: 'empty' | 'common' | 'only-excluded' };

// Very common words in the site's languages (folded): they match nearly every article and say
// nothing; dropped from word searches, kept inside phrases.
const STOP_WORDS = new Set(
  [
    'a an and are as at be but by for from has have he her his i in is it its of on or our she that the their them they this to was we were will with you',
    've veya ile bir bu şu o da de mi mı için gibi ama ki ne çok daha en olan olarak sonra kadar',
    'في من على إلى الى عن مع أن ان إن هذا هذه التي الذي ذلك كان قد لا ما أو او ثم بعد قبل كل بين',
  ].flatMap((line) => line.split(' ')).map((w) => termOf(foldText(w))),
);

/**
 * Returns the query's parts, or why it has none: empty (no letters or digits), common (only very
 * common words), only-excluded (nothing but -words).
 * @example parseSearchQuery('"central bank" -rates istanbul')
 */
export function parseSearchQuery(input: string): SearchQuery {
  const text = input.slice(0, MAX_QUERY_CHARS);
  const parts: QueryPart[] = [];
  const exclude: QueryPart[] = [];
  const highlight = new Set<string>();
  let words = 0;
  let truncated = input.length > MAX_QUERY_CHARS;
  let common = 0;
  // "phrase", -"phrase", -word, word
  for (const m of text.matchAll(/(-?)"([^"]*)"?|(-?)([^\s"]+)/g)) {
    const negative = (m[1] ?? m[3]) === '-';
    const phrase = m[2] !== undefined;
    const terms = searchTerms(phrase ? m[2]! : m[4]!);
    if (terms.length === 0) continue;
    const groups = phrase ? [terms] : terms.map((t) => [t]); // "don't-stop" → two words
    for (const g of groups) {
      if (words >= MAX_QUERY_TERMS) {
        truncated = true;
        break;
      }
      if (!phrase && STOP_WORDS.has(g[0]!)) {
        common++;
        continue;
      }
      words += g.length;
      const part = { terms: g, prefix: !phrase && g[0]!.length >= 3 };
      if (negative) exclude.push(part);
      else {
        parts.push(part);
        for (const t of g) highlight.add(t);
      }
    }
  }
  if (parts.length === 0) {
    if (exclude.length) return { ok: false, reason: 'only-excluded' };
    return { ok: false, reason: common ? 'common' : 'empty' };
  }
  return { ok: true, parts, exclude, truncated, highlight };
}

/**
 * Returns true when a word's term matches one of the query's highlighted terms (exactly, or as a
 * prefix for words of 3+ letters), as the store matched it.
 */
export function matchesHighlight(term: string, highlight: Set<string>): boolean {
  if (highlight.has(term)) return true;
  for (const h of highlight) if (h.length >= 3 && term.startsWith(h)) return true;
  return false;
}
