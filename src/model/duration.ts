/** Durations as people write them: `90s`, `15m`, `12h`, `7d`. One formatter for every place a duration is shown. */

const UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * Returns the seconds a duration with its unit stands for (`1.5h` → 5400), or null when the text is
 * not one: a bare number has no unit and is refused, since `3` could mean seconds, minutes or days.
 * @example parseDurationText('15m') === 900
 */
export function parseDurationText(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([smhd])$/i.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNITS[m[2]!.toLowerCase() as keyof typeof UNITS];
}

/** Longest fetch interval a source may be given (`--interval`, the desk's interval field). */
export const MAX_INTERVAL_S = 30 * 86_400;
/** Longest maximum item age a source's rules may set (`--max-age`, the desk's rules form). */
export const MAX_AGE_S = 36_500 * 86_400;

/**
 * Returns the whole seconds of a duration with its unit between 1s and `maxS`, or the problem in
 * words (to follow the field's name: `--max-age 3: needs a unit …`).
 * @example checkDuration('15m', MAX_INTERVAL_S) // { seconds: 900 }
 */
export function checkDuration(text: string, maxS: number): { seconds: number } | { problem: string } {
  const n = parseDurationText(text);
  if (n === null) {
    return { problem: /^\s*\d+(\.\d+)?\s*$/.test(text) ? 'needs a unit: s, m, h or d, e.g. 15m, 12h or 7d.' : 'must be a duration such as 90s, 15m, 12h or 7d.' };
  }
  if (n < 1 || n > maxS) return { problem: `must be between 1s and ${formatDuration(maxS)}.` };
  return { seconds: Math.round(n) };
}

/**
 * Returns seconds in the largest unit that writes them whole (900 → `15m`, 259200 → `3d`, 5400 →
 * `90m`); fractions of a second are rounded. null → `-`.
 * @example formatDuration(43_200) === '12h'
 */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '-';
  const s = Math.round(seconds);
  if (s !== 0 && s % 86_400 === 0) return `${s / 86_400}d`;
  if (s !== 0 && s % 3600 === 0) return `${s / 3600}h`;
  if (s !== 0 && s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}
