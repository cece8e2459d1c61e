/**
 * Search normalization: one function turns a word into the term both the index and a query use,
 * so SQLite and PostgreSQL match alike and the query side can never disagree with the index side.
 *
 * - Case folding that works for Turkish: İ, I, ı and i all fold to `i`, and Turkish letters lose
 *   their marks (ş→s, ğ→g, ç→c, ö→o, ü→u), as readers type them on any keyboard.
 * - Arabic: tashkeel and tatweel removed, alef forms (أ إ آ ٱ) → ا, hamza carriers ؤ→و ئ→ي,
 *   taa marbuta ة→ه, alef maqsura ى→ي, Arabic-Indic digits → 0–9, and the article ال (with و ب ك ف ل
 *   before it) dropped from words long enough to keep a stem.
 * - Then the analysis of the text's language (`Analyser`): English words in Latin letters get the
 *   Porter stemmer (elections → elect; a stem shorter than 3 letters keeps the word: kis, bus);
 *   Turkish and other languages keep the folded word (prefix matching finds suffixed forms);
 *   Arabic-script words get the Arabic rules above whatever the text's language.
 *
 * The index analyses an article with its language; a query is analysed with the page's (see
 * query.ts). ANALYSER_VERSION changes whenever a term changes, so stores re-index on upgrade.
 */
import { stemmer } from 'stemmer';

/**
 * The version of the analysis: stores whose index was built with another one are re-indexed at
 * start-up (src/store/search.ts ensureSearchIndexCurrent). 1: Porter on every Latin word.
 */
export const ANALYSER_VERSION = 2;

/** How a text's words become terms: by its language; `other`: folded only. */
export type Analyser = 'en' | 'tr' | 'ar' | 'other';

/**
 * Returns the analyser of a language tag (its primary subtag: en-GB → en), null when there is none.
 * @example analyserOf('tr-TR') === 'tr'; analyserOf('de') === 'other'; analyserOf(null) === null
 */
export function analyserOf(lang: string | null | undefined): Analyser | null {
  if (!lang) return null;
  const primary = lang.toLowerCase().split(/[-_]/)[0];
  return primary === 'en' || primary === 'tr' || primary === 'ar' ? primary : 'other';
}

/** Arabic combining marks NFD leaves (tashkeel, maddah, hamza above/below, superscript alef, Quranic marks). */
const MARKS = /[\p{M}\u0640]/gu;
const WORD = /[\p{L}\p{N}]+/gu;
const LATIN = /^[a-z]+$/;
const ARABIC_LETTER = /[\u0621-\u064a]/;
const ARABIC_ARTICLE = /^(?:[وبكف]?ال|لل)(?=[\u0621-\u064a]{2})/;

/** Characters mapped one to one after marks are gone. */
const MAP: Readonly<Record<string, string>> = {
  'ı': 'i', 'ٱ': 'ا', 'ة': 'ه', 'ى': 'ي', 'ی': 'ي', 'ک': 'ك', 'ß': 'ss', 'ø': 'o', 'đ': 'd', 'ł': 'l', 'æ': 'ae', 'œ': 'oe',
};
const MAP_RE = new RegExp(`[${Object.keys(MAP).join('')}\u0660-\u0669\u06f0-\u06f9]`, 'g');

function mapChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code >= 0x0660 && code <= 0x0669) return String(code - 0x0660);
  if (code >= 0x06f0 && code <= 0x06f9) return String(code - 0x06f0);
  return MAP[c]!;
}

/**
 * Returns the text folded for search, words kept apart as in the text (no stemming): marks removed,
 * case folded, letters mapped. Used by `searchTerms` and by snippets to find words again.
 * @example foldText('İSTANBUL’da') === 'istanbul’da'
 */
export function foldText(text: string): string {
  // ı and İ first: İ would lower-case to i + combining dot, I to i (not ı) — both fine once marks go.
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(MAP_RE, mapChar);
}

/**
 * Returns the search term of one folded word in a text of the analyser's language: Arabic-script
 * words lose the article, English words in Latin letters are stemmed, the rest stays as folded.
 * @example termOf('elections', 'en') === 'elect'; termOf('elections', 'tr') === 'elections'; termOf('الكتاب', 'tr') === 'كتاب'
 */
export function termOf(folded: string, analyser: Analyser = 'en'): string {
  if (ARABIC_LETTER.test(folded)) return folded.replace(ARABIC_ARTICLE, '');
  if (analyser === 'en' && folded.length > 2 && LATIN.test(folded)) {
    // A stem of one or two letters says little and meets other languages' words (kis → ki, bus → bu).
    const stem = stemmer(folded);
    return stem.length >= 3 ? stem : folded;
  }
  return folded;
}

/** A character of a written word: letters, digits and the marks and tatweel inside it. */
const WORD_CHAR = /[\p{L}\p{N}\p{M}\u0640]/u;

/** 1 for each UTF-16 code unit (outside surrogates) that is a word character: a table lookup is ~10× a Unicode regex. */
const WORD_UNITS = (() => {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) if ((c < 0xd800 || c > 0xdfff) && WORD_CHAR.test(String.fromCharCode(c))) t[c] = 1;
  return t;
})();

/** Calls `word(start, end)` for every written word of the text, in order. */
export function scanWords(text: string, word: (start: number, end: number) => void): void {
  const bounds = new Int32Array(text.length + 2);
  const count = scanWordBounds(text, bounds);
  for (let k = 0; k < count; k++) word(bounds[2 * k]!, bounds[2 * k + 1]!);
}

/**
 * Writes where each written word of the text starts and ends into `bounds` (two entries a word, in
 * order) and returns how many words there are. `bounds` must hold `text.length + 2` entries (a word
 * takes at least one code unit and one after it). Without a call per word: snippets (~300 words an
 * article, twenty articles a search page) scan ~15% faster so.
 */
export function scanWordBounds(text: string, bounds: Int32Array): number {
  let count = 0;
  let start = -1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let isWord: boolean;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      // A character beyond the BMP (emoji, rare CJK): ask the regex.
      isWord = WORD_CHAR.test(text.slice(i, i + 2));
      width = 2;
    } else isWord = WORD_UNITS[c] === 1;
    if (isWord) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      bounds[count++] = start;
      bounds[count++] = i;
      start = -1;
    }
    i += width - 1;
  }
  if (start >= 0) {
    bounds[count++] = start;
    bounds[count++] = n;
  }
  return count >> 1;
}

/** termFirstUnit's answers, filled on first use: 0 not yet worked out, 1 none to give, else the code unit. */
const FIRST_UNITS = new Uint16Array(0x10000);
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]/u;
/** The folded letters an Arabic article (ARABIC_ARTICLE) may begin with: a word beginning otherwise keeps its first letter. */
const ARTICLE_FIRST = /^[وبكفال]/;

/**
 * Returns the UTF-16 code unit the term of a written word beginning with code unit `c` begins with
 * (its terms joined, as snippets match a word: ¼ → 1, 4), whatever the analyser; 1 when that cannot
 * be said from `c` alone: a surrogate, a character folding to none or to a mark, an Arabic letter an
 * article may begin with (و ب ك ف ا ل and the alef forms: the article ال may be dropped), and code
 * units that are no word's start. (Every Arabic letter was 1: half an Arabic text's words were cut
 * out and looked up for nothing.) Folding and stemming keep a word's first letter otherwise (Porter
 * changes only endings), so a word whose first unit gives another letter than every term searched for
 * begins with cannot match one (snippets skip it without working out its terms: snippet.ts).
 * @example termFirstUnit('İ'.charCodeAt(0)) === 0x69 // i
 */
export function termFirstUnit(c: number): number {
  let u = FIRST_UNITS[c]!;
  if (u === 0) {
    const folded = c >= 0xd800 && c <= 0xdfff ? '' : foldText(String.fromCharCode(c));
    u = WORD_UNITS[c] === 1 && LETTER_OR_DIGIT.test(folded) && !ARTICLE_FIRST.test(folded[0]!) ? folded.charCodeAt(0) : 1;
    FIRST_UNITS[c] = u;
  }
  return u;
}

/**
 * Returns the search terms of a text in the analyser's language, in order (repeats kept: they weigh
 * in ranking).
 * @example searchTerms('Elections in İstanbul’da') // ['elect', 'in', 'istanbul', 'da']
 */
export function searchTerms(text: string, analyser: Analyser = 'en'): string[] {
  const out: string[] = [];
  scanWords(text, (start, end) => {
    const terms = termsOfWord(text.slice(start, end), analyser);
    if (terms.length === 1) out.push(terms[0]!);
    else out.push(...terms);
  });
  return out;
}

/**
 * Returns the search terms of a text, space-separated: `searchTerms(text, analyser).join(' ')`, at
 * about half its cost (what the index stores of every article: ~300 words each). Each written form's
 * terms are cached already joined, and the words are scanned inline.
 * @example searchTermsText('Elections in İstanbul’da') === 'elect in istanbul da'
 */
export function searchTermsText(text: string, analyser: Analyser = 'en'): string {
  const cache = analyser === 'en' ? JOINED_CACHES.en : JOINED_CACHES.folded;
  let out = '';
  let start = -1;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 0x20;
    // A character beyond the BMP (emoji, rare CJK): the general scan asks the regex.
    if (c >= 0xd800 && c <= 0xdbff) return searchTerms(text, analyser).join(' ');
    if (WORD_UNITS[c] === 1) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    const word = text.slice(start, i);
    start = -1;
    let terms = cache.get(word);
    if (terms === undefined) {
      terms = termsOfWord(word, analyser).join(' ');
      if (cache.size >= WORD_CACHE_SIZE) cache.clear();
      cache.set(word, terms);
    }
    if (terms !== '') out = out === '' ? terms : `${out} ${terms}`;
  }
  return out;
}

const JOINED_CACHES = { en: new Map<string, string>(), folded: new Map<string, string>() };

/** Returns the written words of a text, in order. */
export function writtenWords(text: string): string[] {
  const out: string[] = [];
  scanWords(text, (start, end) => out.push(text.slice(start, end)));
  return out;
}

// Words repeat (a news archive has a vocabulary of some 10^5 words): each written form is folded
// and stemmed once per analysis — English, or folded only (tr, ar and other make the same terms).
// Bounded: emptied when full.
const WORD_CACHES = { en: new Map<string, readonly string[]>(), folded: new Map<string, readonly string[]>() };
const WORD_CACHE_SIZE = 100_000;

/** Returns the terms of one written word (usually one; a lone mark none; ß-like folds may split none). */
export function termsOfWord(word: string, analyser: Analyser): readonly string[] {
  const cache = analyser === 'en' ? WORD_CACHES.en : WORD_CACHES.folded;
  let terms = cache.get(word);
  if (terms === undefined) {
    terms = (foldText(word).match(WORD) ?? []).map((f) => termOf(f, analyser));
    if (cache.size >= WORD_CACHE_SIZE) cache.clear();
    cache.set(word, terms);
  }
  return terms;
}
