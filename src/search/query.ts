/**
 * What a reader typed in the search box, as terms the store can match: words (all must match),
 * "quoted phrases" and -excluded words. Anything else — operator characters, brackets, emoji —
 * is only a separator, so no input can reach the database as query syntax.
 *
 * Each word is analysed as the index analysed the articles it is meant to find: Arabic-script words
 * as Arabic; Latin words on a Turkish page as Turkish; on any other page both as English (Porter
 * stem) and as Turkish (folded), either matching — so `kış` typed on the English page still finds
 * a Turkish article. Stop words are those of each analysis' own language.
 */
import { foldText, searchTerms, termOf, writtenWords, type Analyser } from './normalize.js';

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
  /** The same words as other analyses make them (a word or a phrase each); any of them matches too. */
  also?: string[][];
}

/** A parsed query: what to match, or why there is nothing to search for. */
export type SearchQuery =
  | { ok: true; parts: QueryPart[]; exclude: QueryPart[]; truncated: boolean; highlight: Set<string> }
  | { ok: false; reason: 'empty' | 'common' | 'only-excluded' };

// Very common words of each language (as its analysis makes them): they match nearly every article
// in that language and say nothing; dropped from word searches, kept inside phrases. `şu` is left
// out of Turkish: folded it is `su` (water).
const STOP_WORDS: Record<'en' | 'tr' | 'ar', Set<string>> = {
  en: stopSet('en', 'a an and are as at be but by for from has have he her his i in is it its of on or our she that the their them they this to was we were will with you'),
  tr: stopSet('tr', 've veya ile bir bu o da de mi mı için gibi ama ki ne çok daha en olan olarak sonra kadar her ise hem ya göre diye ancak bile ayrıca'),
  ar: stopSet('ar', 'في من على إلى الى عن مع أن ان إن هذا هذه التي الذي ذلك كان قد لا ما أو او ثم بعد قبل كل بين'),
};

function stopSet(analyser: Analyser, words: string): Set<string> {
  return new Set(words.split(' ').map((w) => termOf(foldText(w), analyser)));
}

/** The analyses a written word is searched with on a page in `lang`. */
function analysesOf(word: string, lang: string): ('en' | 'tr' | 'ar')[] {
  if (/[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]/.test(word)) return ['ar'];
  return lang.toLowerCase().startsWith('tr') ? ['tr'] : ['en', 'tr'];
}

/** One word or phrase of the query: its variants (one per distinct analysis) and whether any is a stop word. */
function analyse(text: string, lang: string): { variants: string[][]; common: boolean } {
  const words = writtenWords(text);
  const analyses = [...new Set(words.flatMap((w) => analysesOf(w, lang)))];
  const variants: string[][] = [];
  let common = false;
  for (const a of analyses) {
    // In a phrase mixing scripts, a word the analysis does not apply to keeps its own.
    const terms = words.flatMap((w) => {
      const own = analysesOf(w, lang);
      return searchTerms(w, own.includes(a) ? a : own[0]!);
    });
    if (terms.length === 0) continue;
    if (terms.length === 1 && STOP_WORDS[a].has(terms[0]!)) common = true;
    if (!variants.some((v) => v.join(' ') === terms.join(' '))) variants.push(terms);
  }
  return { variants, common };
}

/**
 * Returns the query's parts, or why it has none: empty (no letters or digits), common (only very
 * common words), only-excluded (nothing but -words). `lang`: the page's language.
 * @example parseSearchQuery('"central bank" -rates istanbul', 'en')
 */
export function parseSearchQuery(input: string, lang = 'en'): SearchQuery {
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
    const written = phrase ? [m[2]!] : writtenWords(m[4]!); // "don't-stop" → two words
    for (const w of written) {
      const { variants, common: isCommon } = analyse(w, lang);
      if (variants.length === 0) continue;
      if (words >= MAX_QUERY_TERMS) {
        truncated = true;
        break;
      }
      if (!phrase && isCommon) {
        common++;
        continue;
      }
      const [terms, ...others] = variants as [string[], ...string[][]];
      words += terms.length;
      const prefix = !phrase && terms.length === 1 && terms[0]!.length >= 3;
      // A variant the prefix match finds anyway (Turkish `elections` beside the English stem `elect`)
      // is not looked up again: one term instead of two for most words.
      const also = prefix ? others.filter((v) => !(v.length === 1 && v[0]!.startsWith(terms[0]!))) : others;
      const part: QueryPart = { terms, prefix, ...(also.length ? { also } : {}) };
      if (negative) exclude.push(part);
      else {
        parts.push(part);
        for (const v of variants) for (const t of v) highlight.add(t);
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
