/** Durations on the command line: `90s`, `15m`, `2h`, `7d` — always with the unit. */
import { InvalidArgumentError } from 'commander';
import { checkDuration, formatDuration, MAX_AGE_S, MAX_INTERVAL_S } from '../model/duration.js';

export { formatDuration };

/** Returns the duration in seconds (1s to 30d); throws InvalidArgumentError naming the expected form. */
export function parseDuration(v: string): number {
  return durationWithin(v, MAX_INTERVAL_S);
}

/** Returns an age in seconds (1s to 100 years), e.g. a maximum item age of `7d` or `365d`. */
export function parseAge(v: string): number {
  return durationWithin(v, MAX_AGE_S);
}

function durationWithin(v: string, maxS: number): number {
  const d = checkDuration(v, maxS);
  if ('problem' in d) throw new InvalidArgumentError(d.problem);
  return d.seconds;
}
