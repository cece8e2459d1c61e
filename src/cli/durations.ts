/** Durations on the command line: `900s`, `15m`, `2h`, `1d`, or a bare number of minutes. */
import { InvalidArgumentError } from 'commander';

/** Returns the duration in seconds (1s to 30d); throws InvalidArgumentError naming the expected form. */
export function parseDuration(v: string): number {
  return durationWithin(v, 30 * 86_400, '30d');
}

/** Returns an age in seconds (1s to 100 years), e.g. a maximum item age of `7d` or `365d`. */
export function parseAge(v: string): number {
  return durationWithin(v, 36_500 * 86_400, '36500d');
}

function durationWithin(v: string, maxS: number, maxText: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError('must be a duration such as 15m, 2h or 1d.');
  const n = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 'm').toLowerCase() as 's' | 'm' | 'h' | 'd'];
  if (n < 1 || n > maxS) throw new InvalidArgumentError(`must be between 1s and ${maxText}.`);
  return Math.round(n);
}

/** Returns seconds as the CLI writes them (e.g. 900 → "15m"). */
export function formatDuration(s: number | null): string {
  if (s === null) return '-';
  if (s % 86_400 === 0) return `${s / 86_400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}
