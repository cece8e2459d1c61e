/**
 * When to fetch a source next: often for sources that post often, seldom for quiet ones, within the
 * configured bounds; exponential backoff after errors; the publisher's Retry-After, ttl and skipHours
 * honoured. Pure.
 */

const WEEK_S = 7 * 86_400;
const MAX_BACKOFF_S = 86_400;
const MAX_RETRY_AFTER_S = 7 * 86_400;

export interface IntervalBounds {
  minIntervalS: number;
  maxIntervalS: number;
  defaultIntervalS: number;
}

/** What the last fetch of a source told about it. */
export interface FetchOutcome {
  now: Date;
  sourceId: number;
  /** Publication dates of the items in the feed (empty for a 304 or an error). */
  itemDates: Date[];
  ttlMinutes: number | null;
  skipHours: number[];
  /** Consecutive errors including this fetch (0 after a success). */
  errorCount: number;
  retryAfterSeconds: number | null;
  previousIntervalS: number | null;
}

/** Returns the posting-frequency interval: half the mean gap between items of the last week, bounded. */
export function intervalFromPosts(itemDates: Date[], now: Date, previousS: number | null, b: IntervalBounds): number {
  const dated = itemDates.filter((d) => !Number.isNaN(d.getTime()));
  if (dated.length === 0) return previousS ?? b.defaultIntervalS;
  const recent = dated.filter((d) => now.getTime() - d.getTime() <= WEEK_S * 1000).length;
  if (recent === 0) return b.maxIntervalS;
  return clamp(Math.round(WEEK_S / recent / 2), b.minIntervalS, b.maxIntervalS);
}

/** Returns when to fetch next and the interval to remember. */
export function nextFetchAt(o: FetchOutcome, b: IntervalBounds): { at: Date; intervalS: number } {
  let intervalS: number;
  let delayS: number;
  if (o.errorCount > 0) {
    intervalS = o.previousIntervalS ?? b.defaultIntervalS;
    delayS = Math.min(intervalS * 2 ** Math.min(o.errorCount - 1, 16), Math.max(MAX_BACKOFF_S, intervalS));
  } else {
    intervalS = intervalFromPosts(o.itemDates, o.now, o.previousIntervalS, b);
    if (o.ttlMinutes) intervalS = Math.max(intervalS, Math.min(o.ttlMinutes * 60, b.maxIntervalS));
    delayS = intervalS;
  }
  if (o.retryAfterSeconds) delayS = Math.max(delayS, Math.min(o.retryAfterSeconds, MAX_RETRY_AFTER_S));
  // A steady offset per source spreads sources added together over a minute.
  let at = new Date(o.now.getTime() + (delayS + (o.sourceId * 37) % 60) * 1000);
  const skip = new Set(o.skipHours.filter((h) => Number.isInteger(h) && h >= 0 && h < 24));
  for (let i = 0; i < 24 && skip.has(at.getUTCHours()); i++) {
    at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), at.getUTCHours() + 1));
  }
  return { at, intervalS };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
