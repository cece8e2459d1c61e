/** The pure parts of the subscriptions' upkeep: the fallback poll, the backoff, the callback path. (The rest: websub.test.ts, on loopback.) */
import { describe, expect, it } from 'vitest';
import { callbackPath, pollLater, retryAt } from './subscribe.js';

const NOW = new Date('2026-12-06T08:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

describe('pollLater', () => {
  it('leaves the plan alone unless pushed; pushed, polls no sooner than the longest interval, never stops', () => {
    const next = { at: at(30), intervalS: 1800 };
    expect(pollLater(next, false, NOW, { maxIntervalS: 86_400 })).toBe(next);
    expect(pollLater(next, true, NOW, { maxIntervalS: 86_400 })).toEqual({ at: at(1440), intervalS: 1800 });
    const far = { at: at(3000), intervalS: 1800 }; // a backoff or skipHours beyond it stands
    expect(pollLater(far, true, NOW, { maxIntervalS: 86_400 })).toBe(far);
  });
});

describe('retryAt', () => {
  it('waits 5 minutes, doubling, at most a day', () => {
    expect([1, 2, 3, 4, 9, 10, 500].map((n) => (retryAt(NOW, n).getTime() - NOW.getTime()) / 60_000)).toEqual([5, 10, 20, 40, 1280, 1440, 1440]);
  });
});

describe('callbackPath', () => {
  it('is the token under /websub/callback/', () => {
    expect(callbackPath('abc_-1')).toBe('/websub/callback/abc_-1');
  });
});
