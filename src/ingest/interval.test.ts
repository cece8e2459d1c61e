import { describe, expect, it } from 'vitest';
import { intervalFromPosts, nextFetchAt } from './interval.js';

const B = { minIntervalS: 300, maxIntervalS: 86_400, defaultIntervalS: 1800 };
const NOW = new Date('2019-02-15T09:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const base = { now: NOW, sourceId: 0, itemDates: [], ttlMinutes: null, skipHours: [], errorCount: 0, retryAfterSeconds: null, previousIntervalS: null };

describe('fetch interval', () => {
  it('adapts to the posting frequency within bounds', () => {
    const busy = Array.from({ length: 3000 }, (_, i) => hoursAgo(i * 0.05));
    expect(intervalFromPosts(busy, NOW, null, B)).toBe(300);
    const daily = Array.from({ length: 7 }, (_, i) => hoursAgo(i * 24 + 1));
    expect(intervalFromPosts(daily, NOW, null, B)).toBe(43_200);
    expect(intervalFromPosts([hoursAgo(24 * 30)], NOW, null, B)).toBe(86_400);
    expect(intervalFromPosts([], NOW, 600, B)).toBe(600);
    expect(intervalFromPosts([], NOW, null, B)).toBe(1800);
  });

  it('backs off exponentially after errors, up to a day', () => {
    const delays = [1, 2, 3, 4, 10].map((errorCount) => (nextFetchAt({ ...base, errorCount, previousIntervalS: 1800 }, B).at.getTime() - NOW.getTime()) / 1000);
    expect(delays).toEqual([1800, 3600, 7200, 14_400, 86_400]);
  });

  it('honours Retry-After, ttl and skipHours', () => {
    expect(nextFetchAt({ ...base, errorCount: 1, previousIntervalS: 300, retryAfterSeconds: 7200 }, B).at.toISOString()).toBe('2019-02-15T11:00:00.000Z');
    expect(nextFetchAt({ ...base, itemDates: Array.from({ length: 100 }, (_, i) => hoursAgo(i * 0.2)), ttlMinutes: 180 }, B).intervalS).toBe(10_800);
    const skipped = nextFetchAt({ ...base, previousIntervalS: 1800, skipHours: [9, 10, 11] }, B);
    expect(skipped.at.toISOString()).toBe('2019-02-15T12:00:00.000Z');
  });
});
