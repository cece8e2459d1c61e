import { describe, expect, it } from 'vitest';
import { bounded, label } from './limits.js';

describe('bounded and label', () => {
  it('cut to the limit without splitting a surrogate pair', () => {
    expect(bounded('abcdef', 3)).toBe('abc');
    expect(bounded('ab😀cd', 3)).toBe('ab'); // 😀 is two UTF-16 units
    expect(bounded('ab😀cd', 4)).toBe('ab😀');
    expect(bounded(null, 3)).toBeNull();
  });

  it('make one line of a label, and null of an empty one', () => {
    expect(label('  Breaking\n\t news  ', 500)).toBe('Breaking news');
    expect(label(' \n ', 500)).toBeNull();
    expect(label(undefined, 500)).toBeNull();
    const huge = `${' '.repeat(10)}${'word '.repeat(400_000)}`;
    const out = label(huge, 500)!;
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out.startsWith('word word')).toBe(true);
    expect(out.endsWith(' ')).toBe(false);
  });
});
