/**
 * Snippets: the stretch of an article's text where the query's words are densest, cut at word
 * boundaries, as plain-text pieces marked or not (the template escapes them and wraps <mark>).
 * A word is marked when its English or its Turkish term is one searched for, as a query on any
 * page may carry either (see query.ts).
 */
import { matchesHighlight } from './query.js';
import { wordsOf } from './normalize.js';

/** A piece of snippet text; `mark`: it is one of the words searched for. */
export interface SnippetPiece {
  text: string;
  mark: boolean;
}

/**
 * Returns about `width` words of `text` around the densest run of matching words, with marks;
 * the start of the text when nothing matches. Ellipses show where text was cut.
 * @example makeSnippet('The central bank raised rates.', new Set(['bank']))
 *   // [{ text: 'The central ', mark: false }, { text: 'bank', mark: true }, { text: ' raised rates.', mark: false }]
 */
export function makeSnippet(text: string, highlight: Set<string>, width = 30): SnippetPiece[] {
  const cut = text.length > 20_000 ? text.slice(0, 20_000) : text;
  const words = wordsOf(cut, 'en');
  if (words.length === 0) return text ? [{ text: text.slice(0, 200), mark: false }] : [];
  const folded = wordsOf(cut, 'tr'); // the same words (word boundaries do not depend on the analysis)
  const hit = words.map((w, i) => matchesHighlight(w.term, highlight) || matchesHighlight(folded[i]!.term, highlight));
  // The window of `width` words with the most hits, distinct terms counting more than repeats.
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < words.length; i++) {
    if (i > 0 && !hit[i]) continue; // windows worth trying start at a hit (or the text's start)
    const seen = new Set<string>();
    let score = 0;
    for (let k = i; k < Math.min(words.length, i + width); k++) {
      if (!hit[k]) continue;
      score += seen.has(words[k]!.term) ? 1 : 10;
      seen.add(words[k]!.term);
    }
    if (score > bestScore) [best, bestScore] = [i, score];
  }
  // A little context before the first hit.
  const from = Math.max(0, best - (best > 0 ? 4 : 0));
  const to = Math.min(words.length, from + width);
  const startChar = from === 0 ? 0 : words[from]!.start;
  const endChar = to === words.length ? text.length : words[to - 1]!.end;
  const pieces: SnippetPiece[] = [];
  let pos = startChar;
  const plain = (s: string) => {
    if (!s) return;
    const last = pieces[pieces.length - 1];
    if (last && !last.mark) last.text += s;
    else pieces.push({ text: s, mark: false });
  };
  if (from > 0) plain('… ');
  for (let k = from; k < to; k++) {
    if (!hit[k]) continue;
    const w = words[k]!;
    plain(text.slice(pos, w.start));
    pieces.push({ text: text.slice(w.start, w.end), mark: true });
    pos = w.end;
  }
  plain(text.slice(pos, endChar).trimEnd());
  if (to < words.length) plain(' …');
  return pieces;
}
