import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHijri, ummAlQuraTableSpan, type HijriDate, type HijriVariant } from './hijri.js';
import { UMM_AL_QURA_FIRST_YEAR, UMM_AL_QURA_MONTH_STARTS } from './ummalqura-data.js';
import { addDays, dayFromNumber, dayNumber } from './zone.js';
import { CORPORA_URL } from '../paths.js';

const CORPUS = new URL('hijri-ummalqura/', CORPORA_URL);
const CORPUS_FILES = ['month_starts.csv', 'kfupm_comparison_calendar.json', 'ummalqura_calendar_website.json',
  'ummalqura_newspaper_issues.json'];
const corpusPresent = CORPUS_FILES.every((f) => existsSync(new URL(f, CORPUS)));
const corpusRequired = process.env.JARIDA_REQUIRE_CORPORA === '1';
const RJD_OF_EPOCH = 40_588;

function icu(day: string, calendar: string): HijriDate {
  const fmt = new Intl.DateTimeFormat('en-u-nu-latn', {
    calendar, timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric',
  });
  const p = Object.fromEntries(fmt.formatToParts(dayNumber(day) * 86_400_000).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day) };
}

const pad = (n: number) => String(n).padStart(2, '0');

describe('Umm al-Qura against the independent corpus (shared/corpora/hijri-ummalqura)', () => {
  if (!corpusPresent && corpusRequired) {
    it('has the corpus (JARIDA_REQUIRE_CORPORA=1)', () => {
      expect.fail(`corpus missing at ${CORPUS.pathname}`);
    });
  }

  it.skipIf(!corpusPresent)('maps every day between consecutive month starts in month_starts.csv', () => {
    const rows = readFileSync(new URL('month_starts.csv', CORPUS), 'utf8').trim().split('\n').slice(1)
      .map((line) => line.split(','))
      .map(([y, m, g, rjd]) => ({ y: Number(y), m: Number(m), g: g ?? '', rjd: Number(rjd) }));
    const start = new Map(rows.map((r) => [r.y * 12 + r.m - 1, r]));
    let days = 0;
    let months = 0;
    const years = new Set<number>();
    for (const r of rows) {
      expect(dayNumber(r.g), `${r.g} vs rjd ${r.rjd}`).toBe(r.rjd - RJD_OF_EPOCH);
      expect(toHijri(r.g, 'umalqura'), r.g).toEqual({ year: r.y, month: r.m, day: 1 });
      const next = start.get(r.y * 12 + r.m);
      if (!next) continue;
      const length = next.rjd - r.rjd;
      for (let i = 0; i < length; i++) {
        const day = addDays(r.g, i);
        const got = toHijri(day, 'umalqura');
        if (got.year !== r.y || got.month !== r.m || got.day !== i + 1) {
          expect(got, day).toEqual({ year: r.y, month: r.m, day: i + 1 });
        }
        days++;
      }
      months++;
      years.add(r.y);
    }
    // Shares, not counts, so any corpus of this format is measured: nearly every month start is
    // followed by the next one (whole years), and the days checked are whole months of 29–30.
    console.info(`hijri corpus: ${rows.length} month starts, ${months} months and ${days} days checked, years ${Math.min(...years)}–${Math.max(...years)}`);
    expect(months / rows.length).toBeGreaterThanOrEqual(0.9);
    expect(days / months).toBeGreaterThanOrEqual(29);
    expect(days / months).toBeLessThanOrEqual(30);
    expect(Math.min(...years)).toBeGreaterThanOrEqual(UMM_AL_QURA_FIRST_YEAR);
  });

  it.skipIf(!corpusPresent)('converts every dated record in the three JSON files', () => {
    let records = 0;
    for (const file of CORPUS_FILES.slice(1)) {
      const data = JSON.parse(readFileSync(new URL(file, CORPUS), 'utf8')) as [string, [number[], number[]]][];
      for (const [label, [[hy, hm, hd], [gy, gm, gd]]] of data) {
        const day = `${String(gy).padStart(4, '0')}-${pad(gm ?? 0)}-${pad(gd ?? 0)}`;
        expect(toHijri(day, 'umalqura'), `${file} ${label} ${day}`).toEqual({ year: hy, month: hm, day: hd });
        records++;
      }
    }
    console.info(`hijri corpus: ${records} dated records converted`);
    expect(records).toBeGreaterThan(0);
  });
});

describe('the shipped Umm al-Qura table', () => {
  it('covers 1 Muharram 1343 to the last day of 1500 AH, months of 28–31 days', () => {
    expect(UMM_AL_QURA_FIRST_YEAR).toBe(1343);
    expect(UMM_AL_QURA_MONTH_STARTS).toHaveLength((1501 - 1343) * 12 + 1);
    expect(ummAlQuraTableSpan()).toEqual({ first: '1924-08-01', last: '2077-11-16' });
    const lengths = UMM_AL_QURA_MONTH_STARTS.slice(1).map((s, i) => s - (UMM_AL_QURA_MONTH_STARTS[i] ?? 0));
    expect(lengths.every((l) => l >= 28 && l <= 31)).toBe(true);
    expect(lengths.filter((l) => l === 29 || l === 30).length).toBe(lengths.length - 10);
  });

  it('agrees with ICU islamic-umalqura on every month start 1420–1450 AH, where ICU is right', () => {
    for (let y = 1420; y <= 1450; y++) {
      for (let m = 1; m <= 12; m++) {
        const rjd = UMM_AL_QURA_MONTH_STARTS[(y - UMM_AL_QURA_FIRST_YEAR) * 12 + m - 1] ?? 0;
        expect(icu(dayFromNumber(rjd - RJD_OF_EPOCH), 'islamic-umalqura'), `${y}-${m}`).toEqual({ year: y, month: m, day: 1 });
      }
    }
  });

  it('falls back to ICU outside the table', () => {
    for (const day of ['1900-01-01', '1924-07-31', '2077-11-17', '2100-06-30']) {
      expect(toHijri(day, 'umalqura'), day).toEqual(icu(day, 'islamic-umalqura'));
    }
    expect(toHijri('1924-08-01', 'umalqura')).toEqual({ year: 1343, month: 1, day: 1 });
    expect(toHijri('2077-11-16', 'umalqura')).toEqual({ year: 1500, month: 12, day: 30 });
  });

  it('knows well-known dates', () => {
    expect(toHijri('2019-02-15', 'umalqura')).toEqual({ year: 1440, month: 6, day: 10 });
    expect(toHijri('2024-03-11', 'umalqura')).toEqual({ year: 1445, month: 9, day: 1 }); // 1 Ramadan 1445
    expect(toHijri('2023-07-19', 'umalqura')).toEqual({ year: 1445, month: 1, day: 1 });
  });
});

describe('adjustment', () => {
  it('gives the unadjusted date of day + adjustment', () => {
    for (const variant of ['umalqura', 'civil', 'tabular'] as HijriVariant[]) {
      for (const day of ['2019-02-15', '2024-03-10', '1924-08-01', '2077-11-16', '1950-05-05']) {
        for (const adj of [-2, -1, 1, 2]) {
          expect(toHijri(day, variant, adj), `${variant} ${day} ${adj}`).toEqual(toHijri(addDays(day, adj), variant));
        }
      }
    }
    expect(toHijri('2019-02-15', 'umalqura', 1)).toEqual({ year: 1440, month: 6, day: 11 });
    expect(toHijri('2019-02-15', 'umalqura', -1)).toEqual({ year: 1440, month: 6, day: 9 });
    expect(toHijri('2019-02-15', 'umalqura', 2)).toEqual({ year: 1440, month: 6, day: 12 });
    expect(toHijri('2019-02-15', 'umalqura', -2)).toEqual({ year: 1440, month: 6, day: 8 });
    expect(toHijri('2024-03-11', 'umalqura', -1)).toEqual({ year: 1445, month: 8, day: 29 }); // Shaban 1445 had 29 days
  });

  it('rejects adjustments outside −2…+2 and fractions', () => {
    for (const adj of [3, -3, 0.5, NaN]) expect(() => toHijri('2019-02-15', 'umalqura', adj)).toThrow(RangeError);
    expect(() => toHijri('2019-02-30', 'umalqura')).toThrow(RangeError);
  });
});

/** Tabular Islamic calendar (Calendrical Calculations), `epoch` = day number of 1 Muharram 1 AH. */
function arithmeticHijri(n: number, epoch: number): HijriDate {
  const fixed = (y: number, m: number, d: number) =>
    epoch - 1 + (y - 1) * 354 + Math.floor((3 + 11 * y) / 30) + 29 * (m - 1) + Math.floor(m / 2) + d;
  const year = Math.floor((30 * (n - epoch) + 10_646) / 10_631);
  const month = Math.floor((11 * (n - fixed(year, 1, 1)) + 330) / 325);
  return { year, month, day: n - fixed(year, month, 1) + 1 };
}

describe('civil and tabular variants', () => {
  it('give the ICU islamic-civil and islamic-tbla dates', () => {
    expect(toHijri('2019-02-15', 'civil')).toEqual({ year: 1440, month: 6, day: 9 });
    expect(toHijri('2019-02-15', 'tabular')).toEqual({ year: 1440, month: 6, day: 10 });
    expect(toHijri('0622-07-19', 'civil')).toEqual({ year: 1, month: 1, day: 1 }); // Friday epoch
    expect(toHijri('0622-07-18', 'tabular')).toEqual({ year: 1, month: 1, day: 1 }); // Thursday epoch
    for (const day of ['1924-08-01', '2000-01-01', '2077-11-17', '2100-06-30']) {
      expect(toHijri(day, 'civil'), day).toEqual(icu(day, 'islamic-civil'));
      expect(toHijri(day, 'tabular'), day).toEqual(icu(day, 'islamic-tbla'));
    }
  });

  it('follow the 30-year arithmetic cycle every day 1900–2100', () => {
    const civilEpoch = dayNumber('0622-07-19');
    for (let n = dayNumber('1900-01-01'); n <= dayNumber('2100-12-31'); n += 1) {
      const day = dayFromNumber(n);
      const civil = arithmeticHijri(n, civilEpoch);
      const got = toHijri(day, 'civil');
      if (got.year !== civil.year || got.month !== civil.month || got.day !== civil.day) expect(got, day).toEqual(civil);
      if (n % 7 === 0) expect(toHijri(day, 'tabular'), day).toEqual(arithmeticHijri(n, civilEpoch - 1));
    }
  });
});
