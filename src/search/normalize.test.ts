import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyserOf, foldText, searchTerms, searchTermsText, termFirstUnit, scanWords, termOf, termsOfWord } from './normalize.js';

describe('search normalization', () => {
  it('folds Turkish case and letters the way Turkish readers type them', () => {
    for (const w of ['İstanbul', 'ISTANBUL', 'istanbul', 'Istanbul', 'ıstanbul', 'İSTANBUL']) expect(searchTerms(w)).toEqual(['istanbul']);
    expect(searchTerms('Kadıköy ŞEHİR Çağrı Ölçü Üsküdar')).toEqual(searchTerms('kadikoy sehir cagri olcu uskudar'));
    // The apostrophe before a Turkish suffix separates it.
    expect(searchTerms('Ankara’da İzmir\'e')).toEqual(['ankara', 'da', 'izmir', 'e']);
  });

  it('normalizes Arabic: tashkeel, tatweel, alef and hamza forms, taa marbuta, alef maqsura, digits, the article', () => {
    const plain = searchTerms('كتاب');
    for (const w of ['الكتاب', 'الْكِتَابُ', 'كِتَاب', 'كتـــاب', 'والكتاب', 'بالكتاب', 'للكتاب']) expect(searchTerms(w), w).toEqual(plain);
    expect(searchTerms('أحمد إسلام آمال ٱلله')).toEqual(searchTerms('احمد اسلام امال الله'));
    expect(searchTerms('مدرسة')).toEqual(searchTerms('مدرسه'));
    expect(searchTerms('مستشفى')).toEqual(searchTerms('مستشفي'));
    expect(searchTerms('مسؤول رئيس')).toEqual(searchTerms('مسوول رييس'));
    expect(searchTerms('٢٠٢٤ ۱۴۰۳')).toEqual(['2024', '1403']);
    // Presentation forms (lam-alef ligature) read as the letters.
    expect(searchTerms('ﻻ')).toEqual(['لا']);
    // Too short to lose "ال": the word stays.
    expect(termOf('الم')).toBe('الم');
  });

  it('stems English words (Porter)', () => {
    expect(searchTerms('Elections elected electing')).toEqual(['elect', 'elect', 'elect']);
    expect(searchTerms('happy happiness')).toEqual(['happi', 'happi']);
    expect(termOf('is')).toBe('is');
  });

  it('analyses each language as that language: English stems, Turkish only folds, Arabic script always as Arabic', () => {
    expect(searchTerms('Elections elected', 'en')).toEqual(['elect', 'elect']);
    expect(searchTerms('Elections', 'tr')).toEqual(['elections']);
    // The bug of issue 12: kış folded to kis, Porter made it ki (a Turkish stop word).
    expect(searchTerms('İstanbul’da kış', 'tr')).toEqual(['istanbul', 'da', 'kis']);
    expect(searchTerms('kış KIŞ kis', 'en')).toEqual(['kis', 'kis', 'kis']); // a stem under 3 letters keeps the word
    expect(searchTerms('seçimler', 'tr')).toEqual(['secimler']);
    expect(searchTerms('الكتاب', 'tr')).toEqual(searchTerms('الكتاب', 'ar'));
    expect(searchTerms('Bahnhöfe', 'other')).toEqual(['bahnhofe']);
    expect([analyserOf('en-GB'), analyserOf('tr_TR'), analyserOf('AR'), analyserOf('de'), analyserOf(null), analyserOf('')]).toEqual(['en', 'tr', 'ar', 'other', null, null]);
  });

  it('keeps only letters and digits: markup, punctuation, emoji and controls separate words', () => {
    expect(searchTerms('<b>bank</b> & "rates" 😀 \u0000x \u202eok')).toEqual(['b', 'bank', 'b', 'rate', 'x', 'ok']);
    expect(searchTerms('')).toEqual([]);
    expect(foldText('Straße')).toBe('strasse');
  });

  it('finds words again in the original text with their terms', () => {
    const text = 'Der İstanbul’da, الْكِتَابُ!';
    const words: string[] = [];
    scanWords(text, (start, end) => words.push(text.slice(start, end)));
    expect(words).toEqual(['Der', 'İstanbul', 'da', 'الْكِتَابُ']);
    expect(words.map((w) => termsOfWord(w, 'en').join(''))).toEqual(['der', 'istanbul', 'da', 'كتاب']);
  });

  it('gives as text exactly the terms searchTerms gives, joined (every analyser; marks, ß, emoji, lone surrogates)', () => {
    const texts = [
      readFileSync(join(import.meta.dirname, 'testdata', 'turkish-words.txt'), 'utf8'),
      readFileSync(join(import.meta.dirname, 'testdata', 'arabic-words.txt'), 'utf8'),
      'Elections in İstanbul’da: Straße, ﬁnance, ２０１９, x²,  — the running runners ran. ', 'a\u0301b ◌́ solo',
      'emoji 🎉 inside w🎉rd, 𝐁𝐨𝐥𝐝 letters and a lone \ud83c surrogate \udf89 here', '', '   ', 'ـــ', 'ß',
    ];
    for (const text of texts) {
      for (const a of ['en', 'tr', 'ar', 'other'] as const) {
        expect(searchTermsText(text, a), `${a}: ${text.slice(0, 30)}`).toBe(searchTerms(text, a).join(' '));
        expect(searchTermsText(text, a)).toBe(searchTerms(text, a).join(' ')); // from the cache
      }
    }
  });
  it("says the code unit a word's term begins with from its first unit alone, or 1 (every BMP unit; English and Turkish terms)", () => {
    // Arabic tails too: a letter before one may make an article (و + الكتاب, ل + لكتاب) or not (م + الكتاب).
    const tails = ['', 'ational', 'ying', 'ies', 'الكتاب', 'لكتاب', 'كتاب'];
    const words = [
      ...readFileSync(join(import.meta.dirname, 'testdata', 'turkish-words.txt'), 'utf8').split(/[^\p{L}\p{N}\p{M}]+/u),
      ...readFileSync(join(import.meta.dirname, 'testdata', 'arabic-words.txt'), 'utf8').split(/[^\p{L}\p{N}\p{M}]+/u),
      'İstanbul', 'Straße', 'ﬁnance', 'Σοφία', 'yearly', 'Yttrium', '٣٤٥', 'والكتاب', 'للبيت', '²nd',
    ].filter(Boolean);
    for (let c = 0; c < 0x10000; c++) if (termFirstUnit(c) !== 1) for (const t of tails) words.push(String.fromCharCode(c) + t);
    let told = 0;
    for (const w of words) {
      const first = termFirstUnit(w.charCodeAt(0));
      if (first === 1) continue;
      told++;
      // What a snippet matches: the word's terms joined (¼ → 1, 4 → 14).
      for (const a of ['en', 'tr'] as const) expect(termsOfWord(w, a).join('').charCodeAt(0), `${a}: ${w}`).toBe(first);
    }
    expect(told).toBeGreaterThan(100_000); // letters and digits of every script
    expect(termFirstUnit('İ'.charCodeAt(0))).toBe(0x69);
    expect(termFirstUnit('ﬁ'.charCodeAt(0))).toBe(0x66);
    expect(termFirstUnit('ا'.charCodeAt(0))).toBe(1); // the article may go
    for (const c of 'أإآٱوبكفلک') expect(termFirstUnit(c.charCodeAt(0)), c).toBe(1); // so may و, ب, ك, ف before it, or لل
    expect(termFirstUnit('م'.charCodeAt(0))).toBe('م'.charCodeAt(0)); // مالكتاب: no article
    expect(termFirstUnit('ة'.charCodeAt(0))).toBe('ه'.charCodeAt(0));
    expect(termFirstUnit(0xd83c)).toBe(1);
    expect(termFirstUnit(' '.charCodeAt(0))).toBe(1);
  });
});
