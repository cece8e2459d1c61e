import { describe, expect, it } from 'vitest';
import { checkDuration, formatDuration, MAX_AGE_S, MAX_INTERVAL_S, parseDurationText } from './duration.js';
import { isLanguageTag } from './types.js';

describe('durations', () => {
  it('reads a number with its unit, and nothing else', () => {
    expect(parseDurationText('90s')).toBe(90);
    expect(parseDurationText('15m')).toBe(900);
    expect(parseDurationText(' 12H ')).toBe(43_200);
    expect(parseDurationText('7d')).toBe(604_800);
    expect(parseDurationText('1.5h')).toBe(5400);
    for (const bad of ['3', '3.5', '', 'm', '7 days', '-1d', '1w']) expect(parseDurationText(bad), bad).toBeNull();
  });

  it('writes seconds in the largest whole unit', () => {
    expect(formatDuration(259_200)).toBe('3d');
    expect(formatDuration(43_200)).toBe('12h');
    expect(formatDuration(2700)).toBe('45m');
    expect(formatDuration(5400)).toBe('90m');
    expect(formatDuration(90)).toBe('90s');
    expect(formatDuration((7 * 60) / 86_400 * 86_400)).toBe('7m'); // a day fraction stored and multiplied back
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(null)).toBe('-');
  });

  it('checks a duration within bounds, saying what is wrong', () => {
    expect(checkDuration('15m', MAX_INTERVAL_S)).toEqual({ seconds: 900 });
    expect(checkDuration('3', MAX_AGE_S)).toEqual({ problem: 'needs a unit: s, m, h or d, e.g. 15m, 12h or 7d.' });
    expect(checkDuration('soon', MAX_AGE_S)).toEqual({ problem: 'must be a duration such as 90s, 15m, 12h or 7d.' });
    expect(checkDuration('31d', MAX_INTERVAL_S)).toEqual({ problem: 'must be between 1s and 30d.' });
    expect(checkDuration('0.2s', MAX_INTERVAL_S)).toEqual({ problem: 'must be between 1s and 30d.' });
  });
});

describe('language tags', () => {
  it('takes a code and its subtags, nothing else', () => {
    for (const ok of ['en', 'tr', 'ar', 'pt-BR', 'zh-Hant']) expect(isLanguageTag(ok), ok).toBe(true);
    for (const bad of ['', 'English', 'EN', 'e', 'en_US', 'en-', '<b>']) expect(isLanguageTag(bad), bad).toBe(false);
  });
});
