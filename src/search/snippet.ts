/**
 * Snippets: the stretch of an article's text where the query's words are densest, cut at word
 * boundaries, as plain-text pieces marked or not (the template escapes them and wraps <mark>).
 * A word is marked when its English or its Turkish term is one searched for, as a query on any
 * page may carry either (see query.ts).
 */
import { matchesHighlight } from './query.js';
import { scanWordBounds, termFirstUnit, termsOfWord } from './normalize.js';

/** A piece of snippet text; `mark`: it is one of the words searched for. */
export interface SnippetPiece {
  text: string;
  mark: boolean;
}

/** Characters of a text looked at: a snippet of a very long article comes from its first ones. */
const SNIPPET_SCAN_CHARS = 20_000;

/** The words' starts and ends (two per word) of the text being cut, kept for the next: grown, never shrunk (≤ 160 KB). */
let bounds = new Int32Array(4096);

/** A written word without terms (a lone mark): not a word to count. */
const NO_WORD = '';

/**
 * Returns about `width` words of `text` around the densest run of matching words, with marks;
 * the start of the text when nothing matches. Ellipses show where text was cut.
 * One pass over the words; a written form's match is worked out once per call (words repeat).
 * @example makeSnippet('The central bank raised rates.', new Set(['bank']))
 *   // [{ text: 'The central ', mark: false }, { text: 'bank', mark: true }, { text: ' raised rates.', mark: false }]
 */
export function makeSnippet(text: string, highlight: Set<string>, width = 30): SnippetPiece[] {
  return snippetOf(text, highlight, firstUnitsOf(highlight), new Map(), width);
}

/**
 * Returns makeSnippet for the texts of one query's results: a written form's match is worked out
 * once for all of them (a page of 20 results shares most of its words: a third of the time).
 * @example const snippet = snippetMaker(new Set(['bank'])); snippet(a.title, 1000); snippet(text)
 */
export function snippetMaker(highlight: Set<string>): (text: string, width?: number) => SnippetPiece[] {
  const seen = new Map<string, string | null>();
  const firsts = firstUnitsOf(highlight);
  return (text, width = 30) => snippetOf(text, highlight, firsts, seen, width);
}

/**
 * The code units the terms searched for begin with, one bit each (8 KB: a page of results made a
 * 64 KB table before): a word whose term begins otherwise matches none (normalize.ts termFirstUnit).
 */
function firstUnitsOf(highlight: Set<string>): Uint8Array {
  const firsts = new Uint8Array(0x2000);
  for (const h of highlight) {
    const u = h.charCodeAt(0);
    firsts[u >> 3]! |= 1 << (u & 7);
  }
  return firsts;
}

/**
 * makeSnippet; `firsts`: firstUnitsOf(highlight); `seen`: written form → its English term when it
 * matches, null when it does not, NO_WORD when it is no word. Most words are told apart by their
 * first letter alone, without being cut out of the text and looked up (half a snippet's time).
 */
function snippetOf(text: string, highlight: Set<string>, firsts: Uint8Array, seen: Map<string, string | null>, width: number): SnippetPiece[] {
  const cut = text.length > SNIPPET_SCAN_CHARS ? text.slice(0, SNIPPET_SCAN_CHARS) : text;
  // Where each word starts and ends: at most one word per two code units of the text scanned.
  if (bounds.length < cut.length + 2) bounds = new Int32Array(Math.max(cut.length + 2, 2 * bounds.length));
  const b = bounds;
  const words = scanWordBounds(cut, b);
  // The words counted (a lone mark is none: its bounds are dropped, the rest moved down over it).
  let count = 0;
  /** Indexes (into the words) of the matching words, and their terms. */
  const hits: number[] = [];
  const hitTerms: string[] = [];
  for (let w = 0; w < words; w++) {
    const start = b[2 * w]!;
    const end = b[2 * w + 1]!;
    const first = termFirstUnit(cut.charCodeAt(start));
    if (first === 1 || ((firsts[first >> 3]! >> (first & 7)) & 1) === 1) {
      const written = cut.slice(start, end);
      let match = seen.get(written);
      if (match === undefined) seen.set(written, (match = matchOf(written, highlight)));
      if (match === NO_WORD) continue;
      if (match !== null) {
        hits.push(count);
        hitTerms.push(match);
      }
    }
    b[2 * count] = start;
    b[2 * count + 1] = end;
    count++;
  }
  if (count === 0) return text ? [{ text: text.slice(0, 200), mark: false }] : [];
  // The window of `width` words with the most hits, distinct terms counting more than repeats;
  // windows worth trying start at a hit (or the text's start).
  let best = 0;
  let bestScore = -1;
  for (let h = -1; h < hits.length; h++) {
    const from = h < 0 ? 0 : hits[h]!;
    if (h >= 0 && from === 0) continue; // the text's start, tried already
    const terms = new Set<string>();
    let score = 0;
    for (let k = Math.max(h, 0); k < hits.length && hits[k]! < from + width; k++) {
      if (hits[k]! < from) continue;
      score += terms.has(hitTerms[k]!) ? 1 : 10;
      terms.add(hitTerms[k]!);
    }
    if (score > bestScore) [best, bestScore] = [from, score];
  }
  // A little context before the first hit.
  const from = Math.max(0, best - (best > 0 ? 4 : 0));
  const to = Math.min(count, from + width);
  const startChar = from === 0 ? 0 : b[2 * from]!;
  const endChar = to === count ? text.length : b[2 * (to - 1) + 1]!;
  const pieces: SnippetPiece[] = [];
  let pos = startChar;
  const plain = (s: string) => {
    if (!s) return;
    const last = pieces[pieces.length - 1];
    if (last && !last.mark) last.text += s;
    else pieces.push({ text: s, mark: false });
  };
  if (from > 0) plain('… ');
  for (const k of hits) {
    if (k < from || k >= to) continue;
    plain(text.slice(pos, b[2 * k]));
    pieces.push({ text: text.slice(b[2 * k]!, b[2 * k + 1]), mark: true });
    pos = b[2 * k + 1]!;
  }
  plain(text.slice(pos, endChar).trimEnd());
  if (to < count) plain(' …');
  return pieces;
}

/** Returns a written word's English term when it or its Turkish term matches, null when neither does, NO_WORD when it has no terms. */
function matchOf(written: string, highlight: Set<string>): string | null {
  const en = termsOfWord(written, 'en');
  if (en.length === 0) return NO_WORD;
  const term = en.length === 1 ? en[0]! : en.join('');
  if (matchesHighlight(term, highlight)) return term;
  const tr = termsOfWord(written, 'tr');
  return matchesHighlight(tr.length === 1 ? tr[0]! : tr.join(''), highlight) ? term : null;
}
