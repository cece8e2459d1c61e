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
