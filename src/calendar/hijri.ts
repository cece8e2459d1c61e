/**
 * Hijri dates of civil days: Umm al-Qura from our own table (ICU outside it), civil and tabular
 * from ICU. Pure; caches Intl formatters and recent ICU answers.
 */
import { dayFromNumber, dayNumber, type Day } from './zone.js';
import { UMM_AL_QURA_FIRST_YEAR, UMM_AL_QURA_MONTH_STARTS } from './ummalqura-data.js';

/** Which Hijri calendar to show: official Umm al-Qura, or the arithmetic (tabular) ones. */
export type HijriVariant = 'umalqura' | 'civil' | 'tabular';

/** A Hijri date; month 1 = Muharram … 12 = Dhu al-Hijjah. */
export interface HijriDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

const RJD_OF_EPOCH = 40_588; // RJD of 1970-01-01
const ICU_CALENDAR: Record<HijriVariant, string> = {
  umalqura: 'islamic-umalqura',
  civil: 'islamic-civil',
  tabular: 'islamic-tbla',
};
const MAX_MEMO = 4096;

/** Month starts as days since 1970-01-01; the last entry is the day after the table ends. */
const STARTS = Int32Array.from(UMM_AL_QURA_MONTH_STARTS, (rjd) => rjd - RJD_OF_EPOCH);
const TABLE_FIRST = STARTS[0] ?? 0;
const TABLE_END = STARTS[STARTS.length - 1] ?? 0;

/**
 * Returns the first and last civil day covered by the shipped Umm al-Qura table (ICU beyond).
 * @example ummAlQuraTableSpan() // { first: '1924-08-01', last: '2077-11-16' }
 */
export function ummAlQuraTableSpan(): { first: Day; last: Day } {
  return { first: dayFromNumber(TABLE_FIRST), last: dayFromNumber(TABLE_END - 1) };
}

/**
 * Returns the Hijri date of civil `day`; `adjustment` (−2…+2) gives the date of `day` + adjustment.
 * @example toHijri('2019-02-15', 'umalqura') // { year: 1440, month: 6, day: 10 }
 */
export function toHijri(day: Day, variant: HijriVariant, adjustment = 0): HijriDate {
  if (!Number.isInteger(adjustment) || adjustment < -2 || adjustment > 2) {
    throw new RangeError(`hijri: adjustment must be a whole number from -2 to 2, got ${adjustment}`);
  }
  const n = dayNumber(day) + adjustment;
  if (variant === 'umalqura' && n >= TABLE_FIRST && n < TABLE_END) return fromTable(n);
  if (!Object.hasOwn(ICU_CALENDAR, variant)) throw new RangeError(`hijri: unknown variant '${String(variant)}'`);
  return fromIcu(n, variant);
}

function fromTable(n: number): HijriDate {
  // Largest i with STARTS[i] <= n; the table is sorted and n is inside it.
  let lo = 0;
  let hi = STARTS.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((STARTS[mid] ?? 0) <= n) lo = mid;
    else hi = mid - 1;
  }
  return {
    year: UMM_AL_QURA_FIRST_YEAR + Math.floor(lo / 12),
    month: (lo % 12) + 1,
    day: n - (STARTS[lo] ?? 0) + 1,
  };
}

const formatters = new Map<HijriVariant, Intl.DateTimeFormat>();
const memo = new Map<string, HijriDate>();

function fromIcu(n: number, variant: HijriVariant): HijriDate {
  const key = `${variant}:${n}`;
  const hit = memo.get(key);
  if (hit) return { ...hit };
  let fmt = formatters.get(variant);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-u-nu-latn', {
      calendar: ICU_CALENDAR[variant], timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric',
    });
    formatters.set(variant, fmt);
  }
  const date: HijriDate = { year: 0, month: 0, day: 0 };
  for (const p of fmt.formatToParts(n * 86_400_000)) {
    if (p.type === 'year') date.year = Number(p.value);
    else if (p.type === 'month') date.month = Number(p.value);
    else if (p.type === 'day') date.day = Number(p.value);
  }
  if (memo.size >= MAX_MEMO) memo.clear();
  memo.set(key, date);
  return { ...date };
}
