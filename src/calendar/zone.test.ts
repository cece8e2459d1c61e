import { describe, expect, it } from 'vitest';
import {
  addDays, dayFromNumber, dayNumber, dayStartInstant, isValidTimeZone, localDay, localParts, parseDay, weekdayOfDay,
} from './zone.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Uncached reference: straight from Intl, one formatter per call. */
function referenceParts(t: number, timeZone: string) {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', weekday: 'short',
    year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  });
  const p = Object.fromEntries(fmt.formatToParts(t).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year), month: Number(p.month), day: Number(p.day),
    hour: Number(p.hour), minute: Number(p.minute), weekday: WEEKDAYS.indexOf(p.weekday ?? ''),
  };
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = [
  'UTC', 'Europe/Istanbul', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Asia/Kathmandu',
  'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Sao_Paulo', 'Asia/Tehran', 'Pacific/Kiritimati',
];

describe('localParts', () => {
  it('reads the wall clock across a day boundary', () => {
    expect(localParts(new Date('2019-02-14T22:30:00Z'), 'Europe/Istanbul'))
      .toEqual({ year: 2019, month: 2, day: 15, hour: 1, minute: 30, weekday: 5 });
  });

  it('agrees with Intl at random instants 1850–2100 in many zones', () => {
    const rand = mulberry32(42);
    const from = Date.UTC(1850, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 3000; i++) {
      const t = Math.floor(from + rand() * (to - from));
      const tz = ZONES[i % ZONES.length] ?? 'UTC';
      expect(localParts(new Date(t), tz), `${new Date(t).toISOString()} ${tz}`).toEqual(referenceParts(t, tz));
    }
  });

  it('agrees with Intl minute by minute around DST changes', () => {
    const cases: [string, string][] = [
      ['America/New_York', '2024-03-10T06:00:00Z'], ['America/New_York', '2024-11-03T05:00:00Z'],
      ['Europe/Istanbul', '2016-03-27T00:00:00Z'], ['Australia/Lord_Howe', '2024-10-05T15:00:00Z'],
      ['America/Sao_Paulo', '2018-11-04T02:00:00Z'], ['America/Sao_Paulo', '2019-02-17T01:00:00Z'],
    ];
    for (const [tz, iso] of cases) {
      const base = Date.parse(iso);
      for (let m = -90; m <= 90; m++) {
        const t = base + m * 60_000;
        expect(localParts(new Date(t), tz), `${new Date(t).toISOString()} ${tz}`).toEqual(referenceParts(t, tz));
      }
    }
  });

  it('rejects unknown zones and invalid dates', () => {
    expect(() => localParts(new Date(0), 'Mars/Olympus')).toThrow(RangeError);
    expect(() => localParts(new Date(NaN), 'UTC')).toThrow(RangeError);
  });
});

describe('localDay', () => {
  it('is the civil day in the zone', () => {
    const t = new Date('2019-02-14T22:30:00Z');
    expect(localDay(t, 'Europe/Istanbul')).toBe('2019-02-15');
    expect(localDay(t, 'UTC')).toBe('2019-02-14');
    expect(localDay(t, 'America/New_York')).toBe('2019-02-14');
    expect(localDay(new Date('2019-02-14T20:59:59.999Z'), 'Europe/Istanbul')).toBe('2019-02-14');
    expect(localDay(new Date('2019-02-14T21:00:00Z'), 'Europe/Istanbul')).toBe('2019-02-15');
  });
});

describe('isValidTimeZone', () => {
  it('knows IANA names only', () => {
    expect(isValidTimeZone('Europe/Istanbul')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Asia/Riyadh')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('Europe/Istanbul ')).toBe(false);
  });
});

describe('parseDay', () => {
  it('accepts real dates only', () => {
    expect(parseDay('2019-02-14')).toBe('2019-02-14');
    expect(parseDay('2020-02-29')).toBe('2020-02-29');
    expect(parseDay('2000-02-29')).toBe('2000-02-29');
    for (const bad of ['2019-13-45', '2019-02-30', '2019-02-29', '1900-02-29', '2019-04-31', '2019-00-10',
      '2019-01-00', '2019-1-5', '19-01-05', '2019-01-05T00:00', ' 2019-01-05', '', 'yesterday']) {
      expect(parseDay(bad), bad).toBeNull();
    }
  });
});

describe('day arithmetic', () => {
  it('adds days across months, leap days and years', () => {
    expect(addDays('2019-02-28', 1)).toBe('2019-03-01');
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(addDays('2019-12-31', 1)).toBe('2020-01-01');
    expect(addDays('2019-01-01', -1)).toBe('2018-12-31');
    expect(addDays('2019-02-15', 0)).toBe('2019-02-15');
    expect(addDays('2000-01-01', 366)).toBe('2001-01-01');
    expect(() => addDays('2019-02-30', 1)).toThrow(RangeError);
  });

  it('numbers days from 1970-01-01 consistently with Date.UTC', () => {
    for (let n = -200_000; n <= 200_000; n += 997) {
      const day = dayFromNumber(n);
      expect(day).toBe(new Date(n * 86_400_000).toISOString().slice(0, 10));
      expect(dayNumber(day)).toBe(n);
    }
  });

  it('gives weekdays, Sunday = 0', () => {
    expect(weekdayOfDay('2019-02-15')).toBe(5);
    expect(weekdayOfDay('1970-01-01')).toBe(4);
    expect(weekdayOfDay('1969-12-28')).toBe(0);
    expect(weekdayOfDay('2024-03-10')).toBe(0);
  });
});

describe('dayStartInstant', () => {
  it('is local midnight on either side of DST', () => {
    expect(dayStartInstant('2024-03-10', 'America/New_York').toISOString()).toBe('2024-03-10T05:00:00.000Z');
    expect(dayStartInstant('2024-03-11', 'America/New_York').toISOString()).toBe('2024-03-11T04:00:00.000Z');
    expect(dayStartInstant('2024-11-03', 'America/New_York').toISOString()).toBe('2024-11-03T04:00:00.000Z');
    expect(dayStartInstant('2024-11-04', 'America/New_York').toISOString()).toBe('2024-11-04T05:00:00.000Z');
    expect(dayStartInstant('2019-02-15', 'Europe/Istanbul').toISOString()).toBe('2019-02-14T21:00:00.000Z');
    expect(dayStartInstant('2019-02-15', 'UTC').toISOString()).toBe('2019-02-15T00:00:00.000Z');
    expect(dayStartInstant('2024-01-01', 'Pacific/Kiritimati').toISOString()).toBe('2023-12-31T10:00:00.000Z');
  });

  it('starts after the gap when DST swallows midnight', () => {
    // Brazil 2018: 00:00 → 01:00 on 4 November, so the day begins at 01:00 −02:00.
    expect(dayStartInstant('2018-11-04', 'America/Sao_Paulo').toISOString()).toBe('2018-11-04T03:00:00.000Z');
  });

  it('takes the first midnight that is shown as the new day when clocks go back at midnight', () => {
    // Brazil 2019: 00:00 −02:00 on 17 February went back to 23:00 −03:00 on the 16th.
    expect(dayStartInstant('2019-02-17', 'America/Sao_Paulo').toISOString()).toBe('2019-02-17T03:00:00.000Z');
  });

  it('is the first instant whose local day is the day, for every day of 2024 in DST zones', () => {
    for (const tz of ['America/New_York', 'Europe/Istanbul', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Tehran']) {
      for (let day = '2024-01-01'; day < '2025-01-01'; day = addDays(day, 1)) {
        const start = dayStartInstant(day, tz);
        expect(localDay(start, tz), `${day} ${tz}`).toBe(day);
        expect(localDay(new Date(start.getTime() - 1000), tz), `${day} ${tz}`).toBe(addDays(day, -1));
      }
    }
  });
});

describe('localInstant', () => {
  it('reads a wall-clock time in the zone, both ways round with localParts', async () => {
    const { localInstant } = await import('./zone.js');
    expect(localInstant('2019-02-15T14:33', 'Europe/Istanbul')?.toISOString()).toBe('2019-02-15T11:33:00.000Z');
    expect(localInstant('2024-07-01T00:00', 'America/New_York')?.toISOString()).toBe('2024-07-01T04:00:00.000Z');
    expect(localInstant('2024-01-01T00:00', 'Asia/Kolkata')?.toISOString()).toBe('2023-12-31T18:30:00.000Z');
    // A gap (02:30 does not exist on 2024-03-10 in New York): after the jump.
    expect(localInstant('2024-03-10T02:30', 'America/New_York')?.toISOString()).toBe('2024-03-10T07:30:00.000Z');
    // A repeated hour (01:30 twice on 2024-11-03): the first.
    expect(localInstant('2024-11-03T01:30', 'America/New_York')?.toISOString()).toBe('2024-11-03T05:30:00.000Z');
    for (const bad of ['2019-02-30T10:00', '2019-02-15T24:00', '2019-02-15 10:00', 'x', '2019-02-15T10:60']) expect(localInstant(bad, 'Europe/Istanbul')).toBeNull();
  });
});
