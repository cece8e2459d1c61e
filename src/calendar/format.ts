/**
 * Dates and numbers as pages show them, in English, Turkish and Arabic: Gregorian names from Intl,
 * Hijri names from the site settings, digits per language and setting. Pure; Intl formatters and
 * the name tables built from them are cached per locale and options.
 */
import { toHijri, type HijriVariant } from './hijri.js';
import { localDay, localParts, parseDay, weekdayOfDay, type Day } from './zone.js';

import type { Lang } from '../model/types.js';

export type { Lang };

/** The site's calendar settings, read once from config and passed down. */
export interface CalendarSettings {
  /** IANA zone that decides the civil day and clock times, e.g. 'Europe/Istanbul'. */
  timeZone: string;
  hijriVariant: HijriVariant;
  /** Whole days, −2…+2, added before converting to Hijri (local moon sighting). */
  hijriAdjustment: number;
  /** 12 month names per language, Muharram first. */
  hijriMonthNames: Record<Lang, readonly string[]>;
  /** true: Arabic-Indic digits (٠١٢…) on ar pages; false: Latin digits there too. */
  arabicDigits: boolean;
}

/** Default Hijri month names per language, Muharram first. */
export const DEFAULT_HIJRI_MONTH_NAMES: Record<Lang, readonly string[]> = Object.freeze({
  en: Object.freeze([
    'Muharram', 'Safar', 'Rabi al-Awwal', 'Rabi al-Thani', 'Jumada al-Awwal', 'Jumada al-Thani',
    'Rajab', 'Shaban', 'Ramadan', 'Shawwal', 'Dhu al-Qadah', 'Dhu al-Hijjah',
  ]),
  tr: Object.freeze([
    'Muharrem', 'Safer', 'Rebiülevvel', 'Rebiülahir', 'Cemaziyelevvel', 'Cemaziyelahir',
    'Recep', 'Şaban', 'Ramazan', 'Şevval', 'Zilkade', 'Zilhicce',
  ]),
  ar: Object.freeze([
    'محرم', 'صفر', 'ربيع الأول', 'ربيع الآخر', 'جمادى الأولى', 'جمادى الآخرة',
    'رجب', 'شعبان', 'رمضان', 'شوال', 'ذو القعدة', 'ذو الحجة',
  ]),
});

/**
 * Returns the masthead line for the site-local day of `now`: Gregorian date - weekday - Hijri date.
 * @example formatTodayLine(new Date('2019-02-15T12:00:00+03:00'), 'en', s) === '15 February 2019 - Friday - 10 Jumada al-Thani 1440'
 */
export function formatTodayLine(now: Date, lang: Lang, s: CalendarSettings): string {
  return formatDayLong(localDay(now, s.timeZone), lang, s);
}

/**
 * Returns the long line for a civil day: Gregorian date - weekday - Hijri date.
 * @example formatDayLong('2019-02-15', 'tr', s) === '15 Şubat 2019 - Cuma - 10 Cemaziyelahir 1440'
 */
export function formatDayLong(day: Day, lang: Lang, s: CalendarSettings): string {
  const { y, m, d } = splitDay(day);
  const names = gregorianNames(lang);
  const h = toHijri(day, s.hijriVariant, s.hijriAdjustment);
  const hijriMonth = s.hijriMonthNames[lang]?.[h.month - 1] ?? DEFAULT_HIJRI_MONTH_NAMES[lang][h.month - 1];
  const line = `${d} ${names.months[m - 1]} ${y} - ${names.weekdays[weekdayOfDay(day)]} - ${h.day} ${hijriMonth} ${h.year}`;
  return toLocalDigits(line, lang, s);
}

/**
 * Returns the date and 24-hour time of `instant` in the site zone.
 * @example formatDateTime(new Date('2017-06-30T14:33:00+03:00'), 'en', s) === '30 June 2017 14:33'
 */
export function formatDateTime(instant: Date, lang: Lang, s: CalendarSettings): string {
  const p = localParts(instant, s.timeZone);
  const text = `${p.day} ${gregorianNames(lang).months[p.month - 1]} ${p.year} ${pad2(p.hour)}:${pad2(p.minute)}`;
  return toLocalDigits(text, lang, s);
}

/**
 * Returns a civil day as DD/MM/YYYY.
 * @example formatShortDay('2019-02-14', 'en', s) === '14/02/2019'
 */
export function formatShortDay(day: Day, lang: Lang, s: CalendarSettings): string {
  splitDay(day);
  return toLocalDigits(`${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`, lang, s);
}

/**
 * Returns a Gregorian month and year, e.g. for a month archive heading.
 * @example formatMonthYear(2019, 2, 'tr', s) === 'Şubat 2019'
 */
export function formatMonthYear(year: number, month: number, lang: Lang, s: CalendarSettings): string {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`format: month must be 1-12, got ${month}`);
  if (!Number.isInteger(year)) throw new RangeError(`format: year must be whole, got ${year}`);
  return toLocalDigits(`${gregorianNames(lang).months[month - 1]} ${year}`, lang, s);
}

/**
 * Returns `n` with the language's digit grouping (and Arabic-Indic digits on ar pages when set).
 * @example formatNumber(147805, 'tr', s) === '147.805'
 */
export function formatNumber(n: number, lang: Lang, s: CalendarSettings): string {
  const locale = lang === 'ar' ? (s.arabicDigits ? 'ar-u-nu-arab' : 'ar-u-nu-latn') : `${lang}-u-nu-latn`;
  let fmt = numberFormats.get(locale);
  if (!fmt) {
    fmt = new Intl.NumberFormat(locale);
    numberFormats.set(locale, fmt);
  }
  return fmt.format(n);
}

/**
 * Returns `text` with Latin digits made Arabic-Indic on ar pages when `s.arabicDigits`; else unchanged.
 * @example toLocalDigits('15 / 1440', 'ar', { ...s, arabicDigits: true }) === '١٥ / ١٤٤٠'
 */
export function toLocalDigits(text: string, lang: Lang, s: CalendarSettings): string {
  if (lang !== 'ar' || !s.arabicDigits) return text;
  return text.replace(/[0-9]/g, (c) => ARABIC_INDIC[c.charCodeAt(0) - 48] ?? c);
}

const ARABIC_INDIC = ['٠', '١', '٢', '٣', '٤', '٥', '٦', '٧', '٨', '٩'];
const LOCALE: Record<Lang, string> = { en: 'en', tr: 'tr', ar: 'ar' };
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();
const namesByLang = new Map<Lang, { months: readonly string[]; weekdays: readonly string[] }>();

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let fmt = dateFormats.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(key, fmt);
  }
  return fmt;
}

/** Gregorian month names (as used beside a day number) and weekday names, Sunday first. */
function gregorianNames(lang: Lang): { months: readonly string[]; weekdays: readonly string[] } {
  let names = namesByLang.get(lang);
  if (!names) {
    const monthFmt = dateFormat(LOCALE[lang], { timeZone: 'UTC', day: 'numeric', month: 'long' });
    const weekdayFmt = dateFormat(LOCALE[lang], { timeZone: 'UTC', weekday: 'long' });
    const months = Array.from({ length: 12 }, (_, i) =>
      monthFmt.formatToParts(Date.UTC(2001, i, 15)).find((p) => p.type === 'month')?.value ?? String(i + 1));
    // 2001-01-07 was a Sunday.
    const weekdays = Array.from({ length: 7 }, (_, i) => weekdayFmt.format(Date.UTC(2001, 0, 7 + i)));
    names = { months, weekdays };
    namesByLang.set(lang, names);
  }
  return names;
}

function splitDay(day: Day): { y: number; m: number; d: number } {
  if (parseDay(day) === null) throw new RangeError(`format: not a YYYY-MM-DD day: '${day}'`);
  return { y: Number(day.slice(0, 4)), m: Number(day.slice(5, 7)), d: Number(day.slice(8, 10)) };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
