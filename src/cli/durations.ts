/** Durations on the command line: `90s`, `15m`, `2h`, `7d` — always with the unit. */
import { InvalidArgumentError } from 'commander';
import { formatDuration, parseDurationText } from '../model/duration.js';

export { formatDuration };

/** Returns the duration in seconds (1s to 30d); throws InvalidArgumentError naming the expected form. */
export function parseDuration(v: string): number {
  return durationWithin(v, 30 * 86_400);
}

/** Returns an age in seconds (1s to 100 years), e.g. a maximum item age of `7d` or `365d`. */
export function parseAge(v: string): number {
  return durationWithin(v, 36_500 * 86_400);
}

function durationWithin(v: string, maxS: number): number {
  const n = parseDurationText(v);
  if (n === null) {
    throw new InvalidArgumentError(/^\s*\d+(\.\d+)?\s*$/.test(v)
      ? 'needs a unit: s, m, h or d, e.g. 15m, 12h or 7d.'
      : 'must be a duration such as 90s, 15m, 12h or 7d.');
  }
  if (n < 1 || n > maxS) throw new InvalidArgumentError(`must be between 1s and ${formatDuration(maxS)}.`);
  return Math.round(n);
}
