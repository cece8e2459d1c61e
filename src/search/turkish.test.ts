import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { foldText, searchTerms } from './normalize.js';
import { parseSearchQuery } from './query.js';

/** The fixture's lemmas, each with its suffixed forms. */
const lemmas = readFileSync(new URL('testdata/turkish-words.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => ({ lemma: l.split(':')[0]!, forms: l.split(':')[1]!.trim().split(/\s+/) }));

describe('Turkish words, analysed as Turkish', () => {
  it('treats none of 300+ common words (nouns, verbs, adjectives with suffixes) as a stop word, on the Turkish page nor on the English one', () => {
    expect(lemmas.flatMap((l) => l.forms).length).toBeGreaterThanOrEqual(300);
    for (const { forms } of lemmas) {
      for (const form of forms) {
        for (const page of ['tr', 'en']) {
          const q = parseSearchQuery(form, page);
          expect(q.ok, `${form} on /${page}/`).toBe(true);
          // Typed without Turkish letters, as on a foreign keyboard.
          expect(parseSearchQuery(form.replace(/ı/g, 'i').normalize('NFD').replace(/\p{M}/gu, ''), page).ok, `${form} unmarked on /${page}/`).toBe(true);
        }
      }
    }
  });

  it('keeps each word as folded (no English stemming) and gives none the term of an unrelated word', () => {
    const owner = new Map<string, string>();
    for (const { lemma, forms } of lemmas) {
      for (const form of forms) {
        const terms = searchTerms(form, 'tr');
        expect(terms, form).toEqual([foldText(form)]);
        const other = owner.get(terms[0]!);
        expect(other === undefined || other === lemma, `${form} (${lemma}) has the term of ${other}: ${terms[0]}`).toBe(true);
        owner.set(terms[0]!, lemma);
      }
    }
  });

  it('searches each word on the English page as Turkish too, so Turkish articles are found', () => {
    for (const { forms } of lemmas) {
      for (const form of forms) {
        const q = parseSearchQuery(form, 'en');
        if (!q.ok) throw new Error(`${form}: ${q.reason}`);
        const part = q.parts[0]!;
        const turkish = searchTerms(form, 'tr').join(' ');
        // Looked up as a variant of its own, or found by the English term's prefix match anyway.
        const found = [part.terms, ...(part.also ?? [])].some((v) => v.join(' ') === turkish) || (part.prefix && turkish.startsWith(part.terms[0]!));
        expect(found, form).toBe(true);
      }
    }
  });
});
