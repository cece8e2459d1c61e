import { describe, expect, it } from 'vitest';
import { MAX_QUERY_TERMS, matchesHighlight, parseSearchQuery } from './query.js';

describe('search queries', () => {
  it('reads words, "phrases" and -words', () => {
    const q = parseSearchQuery('"Central Bank" -rates İstanbul go');
    expect(q).toMatchObject({
      ok: true,
      parts: [{ terms: ['central', 'bank'], prefix: false }, { terms: ['istanbul'], prefix: true }, { terms: ['go'], prefix: false }],
      exclude: [{ terms: ['rate'], prefix: true }],
      truncated: false,
    });
  });

  it('turns operator characters into separators: nothing reaches the store as syntax', () => {
    const q = parseSearchQuery('title:bank* AND (NEAR) ^x OR 1=1; -- \'');
    if (!q.ok) throw new Error('expected words');
    for (const p of q.parts) for (const t of p.terms) expect(t).toMatch(/^[\p{L}\p{N}]+$/u);
    expect(q.parts.map((p) => p.terms.join(' '))).toEqual(['titl', 'bank', 'near', 'x', '1', '1']);
  });

  it('says why there is nothing to search for', () => {
    expect(parseSearchQuery('')).toEqual({ ok: false, reason: 'empty' });
    expect(parseSearchQuery('😀 ... !!!')).toEqual({ ok: false, reason: 'empty' });
    expect(parseSearchQuery('the of and')).toEqual({ ok: false, reason: 'common' });
    expect(parseSearchQuery('ve bir için')).toEqual({ ok: false, reason: 'common' });
    expect(parseSearchQuery('في من على')).toEqual({ ok: false, reason: 'common' });
    expect(parseSearchQuery('-bank -rates')).toEqual({ ok: false, reason: 'only-excluded' });
    // Stop words inside a phrase are kept.
    expect(parseSearchQuery('"to be"')).toMatchObject({ ok: true, parts: [{ terms: ['to', 'be'] }] });
  });

  it('analyses words as the page and their script say: Turkish on /tr/, English and Turkish elsewhere, Arabic script as Arabic', () => {
    // The English page: a Latin word is English (stemmed) or Turkish (folded), either matches.
    // `elections` begins with the stem, so the prefix match finds it: one term to look up.
    expect(parseSearchQuery('elections', 'en')).toMatchObject({ ok: true, parts: [{ terms: ['elect'], prefix: true }] });
    expect(parseSearchQuery('elections', 'en')).not.toHaveProperty('parts.0.also');
    expect(parseSearchQuery('elections', 'en')).toMatchObject({ highlight: new Set(['elect', 'elections']) });
    // A Turkish word the English stemmer changes beyond a prefix is looked up both ways.
    expect(parseSearchQuery('haberleri', 'en')).toMatchObject({ ok: true, parts: [{ terms: ['haberleri'] }] });
    expect(parseSearchQuery('happy', 'en')).toMatchObject({ ok: true, parts: [{ terms: ['happi'], prefix: true, also: [['happy']] }] });
    expect(parseSearchQuery('seçimler', 'tr')).toMatchObject({ ok: true, parts: [{ terms: ['secimler'], prefix: true }] });
    expect(parseSearchQuery('seçimler', 'tr')).not.toHaveProperty('parts.0.also');
    for (const q of ['kış', 'kis', 'KIŞ']) {
      for (const page of ['en', 'tr', 'ar']) expect(parseSearchQuery(q, page), `${q} on ${page}`).toMatchObject({ ok: true, parts: [{ terms: ['kis'], prefix: true }] });
    }
    expect(parseSearchQuery('المكتبة', 'en')).toMatchObject({ ok: true, parts: [{ terms: ['مكتبه'] }] });
    expect(parseSearchQuery('"central banks"', 'en')).toMatchObject({ ok: true, parts: [{ terms: ['central', 'bank'], prefix: false, also: [['central', 'banks']] }] });
  });

  it('drops each language\'s stop words only where that language is searched', () => {
    // On /tr/ a Latin word is Turkish only: English stop words are words there (at: horse, on: ten).
    expect(parseSearchQuery('at on', 'tr')).toMatchObject({ ok: true, parts: [{ terms: ['at'] }, { terms: ['on'] }] });
    expect(parseSearchQuery('the of', 'en')).toEqual({ ok: false, reason: 'common' });
    // On the English page Turkish is searched too, so its stop words are dropped there as well.
    expect(parseSearchQuery('ve bir', 'en')).toEqual({ ok: false, reason: 'common' });
    expect(parseSearchQuery('ve bir', 'tr')).toEqual({ ok: false, reason: 'common' });
    // su (water) is no stop word, though şu (that) folds to it.
    expect(parseSearchQuery('su', 'tr')).toMatchObject({ ok: true });
  });

  it('reads at most MAX_QUERY_TERMS words and says so', () => {
    const q = parseSearchQuery(Array.from({ length: 50 }, (_, i) => `w${i}`).join(' '));
    expect(q).toMatchObject({ ok: true, truncated: true });
    if (q.ok) expect(q.parts).toHaveLength(MAX_QUERY_TERMS);
    expect(parseSearchQuery('x'.repeat(10_000))).toMatchObject({ ok: true, truncated: true });
  });

  it('highlights words as the store matched them: exactly, or by prefix from 3 letters', () => {
    const h = new Set(['ankara', 'go']);
    expect(matchesHighlight('ankaradaki', h)).toBe(true);
    expect(matchesHighlight('good', h)).toBe(false);
    expect(matchesHighlight('go', h)).toBe(true);
  });
});
