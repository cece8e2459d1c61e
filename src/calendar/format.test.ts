import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HIJRI_MONTH_NAMES, formatDateTime, formatDayLong, formatMonthYear, formatNumber, formatShortDay,
  formatTodayLine, toLocalDigits, type CalendarSettings,
} from './format.js';

const s: CalendarSettings = {
  timeZone: 'Europe/Istanbul',
  hijriVariant: 'umalqura',
  hijriAdjustment: 0,
  hijriMonthNames: DEFAULT_HIJRI_MONTH_NAMES,
  arabicDigits: true,
};
const latin: CalendarSettings = { ...s, arabicDigits: false };
const now = new Date('2019-02-15T12:00:00+03:00');

describe('formatTodayLine', () => {
  it('writes the masthead line in en, tr and ar', () => {
    expect(formatTodayLine(now, 'en', s)).toBe('15 February 2019 - Friday - 10 Jumada al-Thani 1440');
    expect(formatTodayLine(now, 'tr', s)).toBe('15 Şubat 2019 - Cuma - 10 Cemaziyelahir 1440');
    expect(formatTodayLine(now, 'ar', s)).toBe('١٥ فبراير ٢٠١٩ - الجمعة - ١٠ جمادى الآخرة ١٤٤٠');
    expect(formatTodayLine(now, 'ar', latin)).toBe('15 فبراير 2019 - الجمعة - 10 جمادى الآخرة 1440');
  });

  it('takes the day in the site zone, not UTC', () => {
    const late = new Date('2019-02-14T22:30:00Z');
    expect(formatTodayLine(late, 'en', s)).toBe('15 February 2019 - Friday - 10 Jumada al-Thani 1440');
    expect(formatTodayLine(late, 'en', { ...s, timeZone: 'UTC' })).toBe('14 February 2019 - Thursday - 9 Jumada al-Thani 1440');
  });

  it('applies the Hijri variant, adjustment and custom month names', () => {
    expect(formatTodayLine(now, 'en', { ...s, hijriAdjustment: -1 })).toBe('15 February 2019 - Friday - 9 Jumada al-Thani 1440');
    expect(formatTodayLine(now, 'en', { ...s, hijriAdjustment: 2 })).toBe('15 February 2019 - Friday - 12 Jumada al-Thani 1440');
    expect(formatTodayLine(now, 'en', { ...s, hijriVariant: 'civil' })).toBe('15 February 2019 - Friday - 9 Jumada al-Thani 1440');
    const names = { ...DEFAULT_HIJRI_MONTH_NAMES, en: DEFAULT_HIJRI_MONTH_NAMES.en.map((n) => n.toUpperCase()) };
    expect(formatTodayLine(now, 'en', { ...s, hijriMonthNames: names })).toBe('15 February 2019 - Friday - 10 JUMADA AL-THANI 1440');
  });
});

describe('formatDayLong', () => {
  it('formats a given civil day', () => {
    expect(formatDayLong('2019-02-15', 'en', s)).toBe('15 February 2019 - Friday - 10 Jumada al-Thani 1440');
    expect(formatDayLong('2024-03-11', 'tr', s)).toBe('11 Mart 2024 - Pazartesi - 1 Ramazan 1445');
    expect(formatDayLong('2024-03-11', 'ar', s)).toBe('١١ مارس ٢٠٢٤ - الاثنين - ١ رمضان ١٤٤٥');
    expect(() => formatDayLong('2019-02-30', 'en', s)).toThrow(RangeError);
  });
});

describe('formatDateTime', () => {
  it('gives date and 24-hour time in the site zone', () => {
    const t = new Date('2017-06-30T14:33:00+03:00');
    expect(formatDateTime(t, 'en', s)).toBe('30 June 2017 14:33');
    expect(formatDateTime(t, 'tr', s)).toBe('30 Haziran 2017 14:33');
    expect(formatDateTime(t, 'ar', s)).toBe('٣٠ يونيو ٢٠١٧ ١٤:٣٣');
    expect(formatDateTime(t, 'ar', latin)).toBe('30 يونيو 2017 14:33');
    expect(formatDateTime(new Date('2017-06-30T21:05:00Z'), 'en', s)).toBe('1 July 2017 00:05');
    expect(formatDateTime(new Date('2017-06-30T06:07:00Z'), 'en', s)).toBe('30 June 2017 09:07');
  });
});

describe('short forms and numbers', () => {
  it('formats DD/MM/YYYY', () => {
    expect(formatShortDay('2019-02-14', 'en', s)).toBe('14/02/2019');
    expect(formatShortDay('2019-02-14', 'tr', s)).toBe('14/02/2019');
    expect(formatShortDay('2019-02-14', 'ar', s)).toBe('١٤/٠٢/٢٠١٩');
    expect(formatShortDay('2019-02-14', 'ar', latin)).toBe('14/02/2019');
  });

  it('formats month and year', () => {
    expect(formatMonthYear(2019, 2, 'en', s)).toBe('February 2019');
    expect(formatMonthYear(2019, 2, 'tr', s)).toBe('Şubat 2019');
    expect(formatMonthYear(2019, 2, 'ar', s)).toBe('فبراير ٢٠١٩');
    expect(formatMonthYear(2019, 12, 'tr', latin)).toBe('Aralık 2019');
    expect(() => formatMonthYear(2019, 13, 'en', s)).toThrow(RangeError);
  });

  it('groups digits per language', () => {
    expect(formatNumber(147805, 'en', s)).toBe('147,805');
    expect(formatNumber(147805, 'tr', s)).toBe('147.805');
    expect(formatNumber(147805, 'ar', s)).toBe('١٤٧٬٨٠٥');
    expect(formatNumber(147805, 'ar', latin)).toBe('147,805');
    expect(formatNumber(7, 'ar', s)).toBe('٧');
  });

  it('converts digits only on ar pages with arabicDigits', () => {
    expect(toLocalDigits('0123456789 - 2019', 'ar', s)).toBe('٠١٢٣٤٥٦٧٨٩ - ٢٠١٩');
    expect(toLocalDigits('2019', 'ar', latin)).toBe('2019');
    expect(toLocalDigits('2019', 'en', s)).toBe('2019');
    expect(toLocalDigits('2019', 'tr', s)).toBe('2019');
  });
});

describe('DEFAULT_HIJRI_MONTH_NAMES', () => {
  it('has 12 names per language', () => {
    for (const lang of ['en', 'tr', 'ar'] as const) expect(DEFAULT_HIJRI_MONTH_NAMES[lang]).toHaveLength(12);
    expect(DEFAULT_HIJRI_MONTH_NAMES.en[11]).toBe('Dhu al-Hijjah');
    expect(DEFAULT_HIJRI_MONTH_NAMES.tr[7]).toBe('Şaban');
    expect(DEFAULT_HIJRI_MONTH_NAMES.ar[4]).toBe('جمادى الأولى');
  });
});
