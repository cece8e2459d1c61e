import { describe, expect, it } from 'vitest';
import { scanWords, termsOfWord } from './normalize.js';
import { matchesHighlight } from './query.js';
import { makeSnippet, snippetMaker } from './snippet.js';

const render = (pieces: { text: string; mark: boolean }[]) => pieces.map((p) => (p.mark ? `[${p.text}]` : p.text)).join('');

describe('snippets', () => {
  it('marks the words searched for, in their written form', () => {
    expect(render(makeSnippet('The İSTANBUL metro and Ankara’daki trains.', new Set(['istanbul', 'ankara'])))).toBe('The [İSTANBUL] metro and [Ankara]’daki trains.');
  });

  it('cuts the text around the densest run of different matching words', () => {
    const filler = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
    const text = `bank ${filler} central bank rates ${filler} end`;
    const out = render(makeSnippet(text, new Set(['central', 'bank']), 10));
    expect(out.startsWith('… ')).toBe(true);
    expect(out).toContain('[central] [bank] rates');
    expect(out.endsWith(' …')).toBe(true);
  });

  it('starts at the beginning when nothing matches, and handles empty text', () => {
    expect(render(makeSnippet('One two three four', new Set(['zebra']), 2))).toBe('One two …');
    expect(makeSnippet('', new Set(['x']))).toEqual([]);
    expect(render(makeSnippet('😀 🎉', new Set(['x'])))).toBe('😀 🎉');
  });

  it('makes the same snippets for a page of texts with one maker (shared word matches) as one at a time', () => {
    const highlight = new Set(['bank', 'istanbul', 'مكتبه']);
    const texts = ['Central bank of İSTANBUL.', 'No match here at all, bank-less.', 'Banks and banking: bank.', 'افتتاح الْمَكْتَبَةِ اليوم', '', 'İstanbul’da bank'];
    const snippet = snippetMaker(highlight);
    for (const t of texts) {
      expect(snippet(t), t).toEqual(makeSnippet(t, highlight));
      expect(snippet(t, 2), t).toEqual(makeSnippet(t, highlight, 2));
    }
    expect(render(snippet('Banks and banking: bank.'))).toBe('[Banks] and [banking]: [bank].');
  });

  it('matches Arabic with tashkeel against the normalized term', () => {
    expect(render(makeSnippet('افتتاح الْمَكْتَبَةِ اليوم', new Set(['مكتبه'])))).toBe('افتتاح [الْمَكْتَبَةِ] اليوم');
  });
  it('cuts texts of any length, one after another (long ones: their first 20,000 characters)', () => {
    const words = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `w${from + i}`).join(' ');
    const long = `${words(3000)} bank ${words(5000, 3000)}`; // ~40,000 characters: the hit within the first 20,000
    expect(render(makeSnippet(long, new Set(['bank']), 6))).toBe('… w2996 w2997 w2998 w2999 [bank] w3000 …');
    expect(render(makeSnippet(`${words(5000)} bank`, new Set(['bank']), 3))).toBe('w0 w1 w2 …'); // past what is scanned
    expect(render(makeSnippet('a bank b', new Set(['bank']), 3))).toBe('a [bank] b');
    const snippet = snippetMaker(new Set(['bank']));
    expect(render(snippet(long, 6))).toBe('… w2996 w2997 w2998 w2999 [bank] w3000 …');
    expect(render(snippet('x y bank', 3))).toBe('x y [bank]');
  });

  it('marks every word that matches and no other, whatever letter the terms begin with (the first-letter skip loses none)', () => {
    const words = ['İstanbul', 'ıslak', 'Islak', 'Çiçek', 'çiçekler', 'şehir', 'Über', 'über', 'الكتاب', 'كتاب', 'والكتاب', 'المكتبة', '¼', 'ǅemal',
      'ﬁnance', 'finances', 'Ⅻ', 'ΣΟΦΙΑ', 'σοφία', 'ﬀ', 'Straße', 'strasse', 'Ankara’daki', 'bank', 'banking', 'Bank', 'x2', '2024', 'é', 'e\u0301t\u00e9', 'ـ', '😀'];
    const matches = (w: string, h: Set<string>) => {
      const en = termsOfWord(w, 'en');
      const tr = termsOfWord(w, 'tr');
      return en.length > 0 && (matchesHighlight(en.join(''), h) || matchesHighlight(tr.join(''), h));
    };
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 400; n++) {
      const text = Array.from({ length: 5 + Math.floor(next() * 40) }, () => words[Math.floor(next() * words.length)]).join(next() < 0.5 ? ' ' : ', ');
      const highlight = new Set<string>();
      for (let k = 0; k < 1 + Math.floor(next() * 3); k++) {
        const w = words[Math.floor(next() * words.length)]!;
        for (const lang of ['en', 'tr'] as const) highlight.add(termsOfWord(w, lang).join(''));
      }
      highlight.delete('');
      const pieces = makeSnippet(text, highlight, 1000);
      expect(pieces.map((p) => p.text).join(''), text).toBe(text); // the whole text: 1000 words wide
      for (const p of pieces) {
        if (p.mark) expect(matches(p.text, highlight), `${p.text} in ${text} for ${[...highlight]}`).toBe(true);
        else scanWords(p.text, (a, b) => expect(matches(p.text.slice(a, b), highlight), `${p.text.slice(a, b)} in ${text} for ${[...highlight]}`).toBe(false));
      }
    }
  });
});
