import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../src/search/query.js';
import { MIX_COUNTS, pickQueryMix, type SampledArticle } from './search-mix.js';

/** A letter-only name for i: a, b, … z, ba, bb … */
const name = (i: number): string => (i < 26 ? String.fromCharCode(97 + i) : name(Math.floor(i / 26)) + String.fromCharCode(97 + (i % 26)));

const ARABIC_LETTERS = 'بتثجحخدذرزسشصضطظعغفقكلمنهوي';

const EN = ['minister', 'budget', 'metro', 'election', 'harbour', 'festival', 'vaccine', 'pension', 'stadium', 'reform'];
const TR = ['bakanlık', 'bütçe', 'İstanbul’da', 'seçim', 'liman', 'şenlik', 'aşı', 'emekli', 'stadyum', 'reform'];
const AR = ['الوزير', 'الموازنة', 'المترو', 'الانتخابات', 'الميناء', 'المهرجان', 'اللقاح', 'المعاش', 'الملعب', 'الإصلاح'];

/** 300 articles: a tenth of each language's words in every article (very common), one word of ten by turn (common), one word of their own (rare). */
function sample(): SampledArticle[] {
  return Array.from({ length: 300 }, (_, i) => {
    const lang = (['en', 'tr', 'ar'] as const)[i % 3];
    const pool = lang === 'en' ? EN : lang === 'tr' ? TR : AR;
    const own = lang === 'ar' ? `كلمة${[...name(i)].map((c) => ARABIC_LETTERS[c.charCodeAt(0) - 97]).join('')}` : `zq${name(i)}x`;
    return {
      id: 1000 + i,
      title: `${pool[0]} ${pool[1 + (i % 9)]} ${own}`,
      text: `The ${pool[0]} and ${pool[(i * 7) % 10]} word${i % 2 ? ' 2019' : ''}.`,
      language: lang,
      localDay: `2019-02-${String(1 + (i % 14)).padStart(2, '0')}`,
      sourceId: 1 + (i % 8),
    };
  });
}

describe('the search benchmark query mix', () => {
  it('is the same for the same sample and seed, whatever the sample order, and changes with the seed', () => {
    const a = pickQueryMix(sample(), { seed: 16 });
    expect(pickQueryMix(sample().reverse(), { seed: 16 })).toEqual(a);
    expect(pickQueryMix(sample(), { seed: 17 }).queries.map((q) => q.q)).not.toEqual(a.queries.map((q) => q.q));
  });

  it('picks each kind by its document frequency in the sample, in the three languages in turn', () => {
    const { queries } = pickQueryMix(sample(), { seed: 16 });
    const of = (kind: string) => queries.filter((q) => q.kind === kind);
    expect(of('rare')).toHaveLength(MIX_COUNTS.rare);
    for (const q of of('rare')) expect(q.df).toBe(1);
    expect(of('rare').slice(0, 3).map((q) => q.lang)).toEqual(['en', 'tr', 'ar']);
    for (const q of of('common')) expect(q.df! >= 3 && q.df! <= 30).toBe(true);
    for (const q of of('very common')) expect(q.df!).toBeGreaterThan(30);
    expect(of('very common').map((q) => q.q)).toContain('minister');
    // Stop words ("the", "and") match nearly everything and are refused by the search page: never in the mix.
    for (const q of queries) expect(parseSearchQuery(q.q, 'en').ok, q.q).toBe(true);
    expect(queries.map((q) => q.q)).not.toContain('the');
    // No digits, no duplicates.
    expect(queries.some((q) => /\d/.test(q.q))).toBe(false);
    expect(new Set(queries.map((q) => q.path)).size).toBe(queries.length);
  });

  it('makes two-word queries of one article, adjacent title words quoted and not, prefixes of very common words, a word less another, a recent day range and a source', () => {
    const s = sample();
    const { queries } = pickQueryMix(s, { seed: 16 });
    const two = queries.filter((q) => q.kind === 'two words');
    expect(two).toHaveLength(10);
    for (const q of two) {
      const [x, y] = q.q.split(' ');
      expect(s.some((a) => `${a.title} ${a.text}`.toLocaleLowerCase('tr').includes(x!) && `${a.title} ${a.text}`.toLocaleLowerCase('tr').includes(y!))).toBe(true);
    }
    const phrases = queries.filter((q) => q.kind === 'phrase');
    expect(phrases).toHaveLength(10);
    for (const q of phrases) {
      expect(q.q).toMatch(/^"\S+ \S+"$/);
      expect(s.some((a) => a.title.toLocaleLowerCase(a.language === 'tr' ? 'tr' : 'en').includes(q.q.slice(1, -1)))).toBe(true);
      expect(q.path).toBe(`/search?q=${encodeURIComponent(q.q)}`);
      expect(q.q.split(/[" ]/)).not.toContain('da'); // words as typed: istanbul’da, not its analysed pieces
    }
    const together = queries.filter((q) => q.kind === 'words together');
    expect(together).toHaveLength(MIX_COUNTS['words together']);
    for (const q of together) {
      expect(q.q).toMatch(/^[^" ]+ [^" ]+$/);
      expect(s.some((a) => a.title.toLocaleLowerCase(a.language === 'tr' ? 'tr' : 'en').includes(q.q))).toBe(true);
    }
    const prefixes = queries.filter((q) => q.kind === 'prefix');
    expect(prefixes).toHaveLength(MIX_COUNTS.prefix);
    expect(new Set(prefixes.map((q) => q.lang))).toEqual(new Set(['en', 'tr', 'ar']));
    for (const q of prefixes) {
      expect([...q.q]).toHaveLength(4);
      // The beginning of a word most sampled articles of its language hold (minister → mini), not the word.
      const holding = s.filter((a) => a.language === q.lang && (`${a.title} ${a.text}`).toLocaleLowerCase('tr').split(/\s+/).some((w) => w.startsWith(q.q) && w !== q.q));
      expect(holding.length).toBeGreaterThan(30);
    }
    const excluding = queries.filter((q) => q.kind === 'exclude');
    expect(excluding).toHaveLength(MIX_COUNTS.exclude);
    for (const q of excluding) {
      expect(q.q).toMatch(/^\S+ -\S+$/);
      const parsed = parseSearchQuery(q.q, 'en');
      expect(parsed.ok && parsed.parts.length === 1 && parsed.exclude.length === 1, q.q).toBe(true);
    }
    const days = queries.filter((q) => q.kind === 'day range');
    expect(days.map((q) => q.path.replace(/^.*?&/, ''))).toEqual(['from=2019-02-14&to=2019-02-14', 'from=2019-02-13&to=2019-02-13']);
    const sources = queries.filter((q) => q.kind === 'source');
    expect(sources).toHaveLength(MIX_COUNTS.source);
    for (const q of sources) expect(q.path).toMatch(/^\/search\?q=[^&]+&source=[1-8]$/);
    expect(sources.map((q) => q.lang)).toEqual(['en', 'tr', 'ar']); // a word of each language
  });

  it('says when the sample has no word in one article only, and takes the rarest instead', () => {
    const s = sample().map((a) => ({ ...a, title: a.title.replace(/ \S+$/, '') })); // no own word
    const { queries, notes } = pickQueryMix(s, { seed: 16 });
    expect(queries.filter((q) => q.kind === 'rare').every((q) => q.df! > 1)).toBe(true);
    expect(notes.join(' ')).toMatch(/0 word\(s\) in exactly one sampled article/);
  });
});
