import { describe, expect, it } from 'vitest';
import { firstKeyAt, KEYS_PER_SECOND } from './search-key.js';
import { PERIOD_LEVELS, PERIOD_TERM_MARK, firstKeyOfWeek, periodBlocks, periodTerm, periodTerms, weekOfKey } from './search-period.js';

/** The weeks a block's term stands for. */
function weeksOf(term: string): number[] {
  const [level, block] = term.slice(PERIOD_TERM_MARK.length).split('.').map(Number) as [number, number];
  return Array.from({ length: 4 ** level }, (_, i) => block * 4 ** level + i);
}

describe('weekOfKey', () => {
  it('counts whole weeks of seven days from 1970, by the key\'s second, before 1970 and 2000 too', () => {
    const week = (iso: string) => weekOfKey(firstKeyAt(Date.parse(iso)) + KEYS_PER_SECOND - 1);
    expect(week('1970-01-01T00:00:00Z')).toBe(0);
    expect(week('1970-01-07T23:59:59Z')).toBe(0);
    expect(week('1970-01-08T00:00:00Z')).toBe(1);
    expect(week('1969-12-31T23:59:59Z')).toBe(-1);
    expect(week('2019-02-15T09:00:00Z')).toBe(Math.floor(Date.parse('2019-02-15T09:00:00Z') / 604_800_000));
    expect(week('1999-12-31T23:59:59Z')).toBe(Math.floor(Date.parse('1999-12-31T23:59:59Z') / 604_800_000));
  });

  it('has each week begin at firstKeyOfWeek', () => {
    for (const w of [-3000, -1, 0, 1, 1564, 2563, 7000]) {
      expect(weekOfKey(firstKeyOfWeek(w))).toBe(w);
      expect(weekOfKey(firstKeyOfWeek(w) - 1)).toBe(w - 1);
      expect(weekOfKey(firstKeyOfWeek(w + 1) - 1)).toBe(w);
    }
  });
});

describe('periodTerms', () => {
  it('files a key under its week and the blocks of 4, 16, 64 and 256 weeks that hold it', () => {
    const key = firstKeyAt(Date.parse('2019-02-15T09:00:00Z')) + 12_345;
    const week = weekOfKey(key);
    const terms = periodTerms(key);
    expect(terms).toHaveLength(PERIOD_LEVELS);
    expect(terms[0]).toBe(periodTerm(0, week));
    for (const t of terms) expect(weeksOf(t)).toContain(week);
    // A week before 1970 is in the blocks that hold it, rounded down.
    for (const t of periodTerms(firstKeyAt(Date.parse('1969-12-30T00:00:00Z')))) expect(weeksOf(t)).toContain(-1);
  });
});

describe('periodBlocks', () => {
  it('covers exactly the weeks of a span, each once, in few blocks', () => {
    for (const [from, to] of [[2559, 2562], [2560, 2564], [0, 1], [-300, 17], [1234, 2563], [2048, 2048 + 1024], [-5, -1]] as const) {
      const blocks = periodBlocks(from, to);
      const weeks = blocks.flatMap(weeksOf);
      expect(weeks).toEqual(Array.from({ length: to - from }, (_, i) => from + i));
      // At most three of a level on each side of the largest blocks, and the top level's as many as the span holds.
      expect(blocks.length).toBeLessThanOrEqual(6 * (PERIOD_LEVELS - 1) + Math.ceil((to - from) / 4 ** (PERIOD_LEVELS - 1)));
    }
    expect(periodBlocks(2560, 2564)).toEqual([periodTerm(1, 640)]);
    expect(periodBlocks(2559, 2562)).toEqual([periodTerm(0, 2559), periodTerm(0, 2560), periodTerm(0, 2561)]);
    expect(periodBlocks(0, 512)).toEqual([periodTerm(4, 0), periodTerm(4, 1)]);
    expect(periodBlocks(7, 7)).toEqual([]);
  });
});
