/**
 * The search benchmark's query mix, drawn from a sample of stored articles: words by how many
 * sampled articles hold them (rare, common, very common), two words of one article, two adjacent
 * title words as a "phrase" and unquoted (words that go together: `central bank`), the beginning of
 * a very common word (a prefix that begins many words), a word less another (`-word`), a day range
 * and a source filter; in each language the sample has, taken in turn. Pure and deterministic: the
 * same sample and seed give the same mix.
 */
import { parseSearchQuery } from '../src/search/query.js';
import { analyserOf, searchTerms, writtenWords } from '../src/search/normalize.js';
import { rng } from './content.js';

/** What the picker reads of one sampled article. */
export interface SampledArticle {
  id: number;
  title: string;
  /** Its plain text as searched (src/search/document.ts searchText). */
  text: string;
  language: string | null;
  localDay: string;
  sourceId: number;
}

export const QUERY_KINDS = ['rare', 'common', 'very common', 'two words', 'phrase', 'words together', 'prefix', 'exclude', 'day range', 'source'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

/** How many queries of each kind the mix holds (fewer when the sample has not enough). */
export const MIX_COUNTS: Record<QueryKind, number> = {
  rare: 15, common: 15, 'very common': 10, 'two words': 10, phrase: 10, 'words together': 6, prefix: 6, exclude: 6, 'day range': 2, source: 3,
};

/** Letters a prefix query keeps of a very common word. */
const PREFIX_LETTERS = 4;

/** Document-frequency bands, as shares of the sample: common from 1% to 10%, very common above. */
const COMMON_MIN = 0.01;
const COMMON_MAX = 0.1;
const LANG_ORDER = ['en', 'tr', 'ar'];
/** A title word a phrase may hold: 2+ letters, an apostrophe inside (Turkish suffixes: Ankara’da). */
const TYPED_WORD = /^[\p{L}\p{M}]{2,}(?:['’][\p{L}\p{M}]+)?$/u;

/** One query of the mix. */
export interface MixQuery {
  kind: QueryKind;
  /** The language of the article it was drawn from. */
  lang: string;
  /** What the reader typed. */
  q: string;
  /** `/search?q=…` and its filters. */
  path: string;
  /** Sampled articles holding the word (its term), for single words; null otherwise. */
  df: number | null;
}

/** The mix and what the reader of the report should know about it. */
export interface QueryMix {
  queries: MixQuery[];
  notes: string[];
}

interface Word {
  term: string;
  /** The first written form seen, lowercased as its language does. */
  written: string;
  lang: string;
  df: number;
}

/**
 * Returns the query mix of `sample` (the order of the sample does not matter), searched on the page
 * of `pageLang` (its words parsed as that page parses them: those it refuses as too common are left out).
 * @example pickQueryMix(articles, { seed: 16 }).queries[0] // { kind: 'very common', lang: 'en', q: 'officials', path: '/search?q=officials', df: 912 }
 */
export function pickQueryMix(sample: readonly SampledArticle[], o: { seed: number; pageLang?: string }): QueryMix {
  const pageLang = o.pageLang ?? 'en';
  const random = rng(o.seed);
  const articles = [...sample].sort((a, b) => a.id - b.id);
  const n = articles.length;
  const notes: string[] = [];
  const searchable = (q: string) => parseSearchQuery(q, pageLang).ok;
  const words = documentFrequencies(articles).filter((w) => searchable(w.written));
  const queries: MixQuery[] = [];
  const taken = new Set<string>();
  const add = (kind: QueryKind, lang: string, q: string, df: number | null, extra = '') => {
    taken.add(q);
    queries.push({ kind, lang, q, df, path: `/search?q=${encodeURIComponent(q)}${extra}` });
  };
  const pickWords = (kind: QueryKind, pool: Word[]) => {
    for (const w of inTurn(pool.filter((x) => !taken.has(x.written)), MIX_COUNTS[kind], (ws) => shuffle(ws, random))) add(kind, w.lang, w.written, w.df);
  };

  const veryCommon = words.filter((w) => w.df > n * COMMON_MAX);
  const common = words.filter((w) => w.df >= n * COMMON_MIN && w.df <= n * COMMON_MAX);
  /** How many queries of a kind the mix holds so far. */
  const countOf = (kind: QueryKind) => queries.filter((q) => q.kind === kind).length;
  pickWords('very common', veryCommon);
  pickWords('common', common);
  const once = words.filter((w) => w.df === 1);
  if (once.length >= MIX_COUNTS.rare) pickWords('rare', once);
  else {
    // A closed vocabulary (the bench's generated articles) has no word in one article only: the rarest
    // of each language instead, in turn.
    const rarest = inTurn(words.filter((w) => !taken.has(w.written)), MIX_COUNTS.rare, (ws) => [...ws].sort((a, b) => a.df - b.df));
    for (const w of rarest) add('rare', w.lang, w.written, w.df);
    const dfs = rarest.map((w) => w.df);
    if (rarest.length) notes.push(`${once.length} word(s) in exactly one sampled article: "rare" holds the ${rarest.length} rarest of each language instead (in ${Math.min(...dfs)}–${Math.max(...dfs)} of ${n}).`);
  }

  const byLang = groupBy(articles, (a) => a.language ?? 'other');
  const known = new Set(words.map((w) => w.written));
  for (let tries = 0; countOf('two words') < MIX_COUNTS['two words'] && tries < 50 * MIX_COUNTS['two words']; tries++) {
    const [lang, list] = byLang[tries % byLang.length]!;
    const a = pick(random, list);
    const own = [...new Set(letterWords(`${a.title}\n${a.text}`, lang))].filter((w) => known.has(w));
    if (own.length < 2) continue;
    const first = pick(random, own);
    const second = pick(random, own.filter((w) => w !== first));
    const q = `${first} ${second}`;
    if (!taken.has(q) && searchable(q)) add('two words', lang, q, null);
  }
  // Two adjacent title words, quoted (a phrase) and not (words that go together: every word of the
  // query is common, and they are found together far more often than apart).
  for (const [kind, quote] of [['phrase', '"'], ['words together', '']] as const) {
    for (let tries = 0; countOf(kind) < MIX_COUNTS[kind] && tries < 50 * MIX_COUNTS[kind]; tries++) {
      const [lang, list] = byLang[tries % byLang.length]!;
      const a = pick(random, list);
      // Words as typed, whitespace apart (`ankara’da merkez`, not the analysed `da merkez`).
      const title = a.title.split(/\s+/).map((w) => lower(w.replace(/^[^\p{L}]+|[^\p{L}\p{M}]+$/gu, ''), lang));
      if (title.length < 2) continue;
      const i = Math.floor(random() * (title.length - 1));
      if (!TYPED_WORD.test(title[i]!) || !TYPED_WORD.test(title[i + 1]!)) continue;
      const q = `${quote}${title[i]} ${title[i + 1]}${quote}`;
      if (!taken.has(q) && searchable(q)) add(kind, lang, q, null);
    }
  }
  // The first letters of very common words: a prefix that begins many words.
  const long = veryCommon.filter((w) => [...w.written].length > PREFIX_LETTERS + 1);
  for (const w of inTurn(long, 4 * MIX_COUNTS.prefix, (ws) => shuffle(ws, random))) {
    if (countOf('prefix') >= MIX_COUNTS.prefix) break;
    const q = [...w.written].slice(0, PREFIX_LETTERS).join('');
    if (!taken.has(q) && searchable(q)) add('prefix', w.lang, q, null);
  }
  // A common word less a very common one of the same language.
  for (const w of inTurn(common, 4 * MIX_COUNTS.exclude, (ws) => shuffle(ws, random))) {
    if (countOf('exclude') >= MIX_COUNTS.exclude) break;
    const others = veryCommon.filter((x) => x.lang === w.lang && x.term !== w.term);
    if (others.length === 0) continue;
    const q = `${w.written} -${pick(random, others).written}`;
    if (!taken.has(q) && searchable(q)) add('exclude', w.lang, q, null);
  }

  // Filters on a word many articles hold: the filter, not the word, decides the work.
  const broad = words.filter((w) => w.df >= n * COMMON_MIN).sort((a, b) => b.df - a.df);
  const days = [...new Set(articles.map((a) => a.localDay))].sort().reverse();
  for (let i = 0; i < MIX_COUNTS['day range'] && i < days.length && broad.length; i++) {
    const w = broad[i % broad.length]!;
    add('day range', w.lang, w.written, w.df, `&from=${days[i]}&to=${days[i]}`);
  }
  // A broad word of each language in turn, each in a source drawn at random (its language's or another's).
  for (let i = 0; i < MIX_COUNTS.source; i++) {
    const ofLang = broad.filter((w) => w.lang === LANG_ORDER[i % LANG_ORDER.length]);
    const w = ofLang[(2 + Math.floor(i / LANG_ORDER.length)) % Math.max(1, ofLang.length)];
    if (w) add('source', w.lang, w.written, w.df, `&source=${pick(random, articles).sourceId}`);
  }
  for (const kind of QUERY_KINDS) {
    const got = countOf(kind);
    if (got < MIX_COUNTS[kind]) notes.push(`${kind}: ${got} of ${MIX_COUNTS[kind]} (the sample of ${n} has no more).`);
  }
  return { queries, notes };
}

/** Returns every word of the sample as a term with its document frequency, in the order first seen. */
function documentFrequencies(articles: readonly SampledArticle[]): Word[] {
  const words = new Map<string, Word>();
  for (const a of articles) {
    const lang = a.language ?? 'other';
    const analyser = analyserOf(a.language) ?? 'other';
    const seen = new Set<string>();
    for (const written of letterWords(`${a.title}\n${a.text}`, lang)) {
      const term = searchTerms(written, analyser).join(' ');
      if (!term || seen.has(term)) continue;
      seen.add(term);
      const w = words.get(term);
      if (w) w.df++;
      else words.set(term, { term, written, lang, df: 1 });
    }
  }
  return [...words.values()];
}

/** Returns the words of a text of 3+ letters (no digits), lowercased as `lang` does. */
function letterWords(text: string, lang: string): string[] {
  return writtenWords(text).filter((w) => isLetterWord(w, 3)).map((w) => lower(w, lang));
}

function isLetterWord(w: string, min: number): boolean {
  return /^[\p{L}\p{M}]+$/u.test(w) && [...w].length >= min;
}

function lower(w: string, lang: string): string {
  return lang === 'tr' ? w.toLocaleLowerCase('tr') : w.toLowerCase();
}

/** Returns up to `count` of `pool`, ordered by `order` within each language and taken one language after another (en, tr, ar, then others). */
function inTurn(pool: readonly Word[], count: number, order: (ws: Word[]) => Word[]): Word[] {
  const groups = groupBy(pool, (w) => w.lang).map(([, ws]) => order(ws));
  const out: Word[] = [];
  for (let i = 0; out.length < count && groups.some((g) => i < g.length); i++) {
    for (const g of groups) if (i < g.length && out.length < count) out.push(g[i]!);
  }
  return out;
}

/** Returns [key, items] pairs, the bench's languages first in LANG_ORDER, then others by name. */
function groupBy<T>(xs: readonly T[], key: (x: T) => string): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  const rank = (k: string) => (LANG_ORDER.includes(k) ? LANG_ORDER.indexOf(k) : LANG_ORDER.length);
  return [...m].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

function shuffle<T>(xs: readonly T[], random: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function pick<T>(random: () => number, xs: readonly T[]): T {
  return xs[Math.floor(random() * xs.length)]!;
}
