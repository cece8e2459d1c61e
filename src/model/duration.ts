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
