/**
 * Site time zone: civil days ('YYYY-MM-DD'), wall-clock parts of an instant, and the instant a day
 * starts. Pure; the only state is a cache of Intl formatters and of zone offsets per UTC hour.
 */

/** A civil (calendar) day, 'YYYY-MM-DD', proleptic Gregorian. */
export type Day = string;

/** Wall-clock fields of an instant in a time zone. */
export interface LocalParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  /** 0–23 */
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const MS_DAY = 86_400_000;
const MS_HOUR = 3_600_000;
/** Offsets cached per zone before that zone's cache is emptied (≈ 1 year of hours). */
const MAX_CACHED_HOURS = 10_000;

interface ZoneState {
  fmt: Intl.DateTimeFormat;
  /** UTC hour number → offset (ms) in force for the whole hour. */
  offsets: Map<number, number>;
}

const zones = new Map<string, ZoneState>();
const validity = new Map<string, boolean>();

/**
 * Returns true when `tz` is an IANA time zone name this runtime knows.
 * @example isValidTimeZone('Europe/Istanbul') === true; isValidTimeZone('Mars/Olympus') === false
 */
export function isValidTimeZone(tz: string): boolean {
  let ok = validity.get(tz);
  if (ok === undefined) {
    try {
      zoneState(tz);
      ok = true;
    } catch {
      ok = false;
    }
    if (validity.size > 1000) validity.clear();
    validity.set(tz, ok);
  }
  return ok;
}

/**
 * Returns the wall-clock year, month, day, hour, minute and weekday of `instant` in `timeZone`.
 * @example localParts(new Date('2019-02-14T22:30:00Z'), 'Europe/Istanbul') // { year: 2019, month: 2, day: 15, hour: 1, minute: 30, weekday: 5 }
 */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const t = instant.getTime();
  if (!Number.isFinite(t)) throw new RangeError('zone: invalid Date');
  const local = t + offsetAt(zoneState(timeZone), t);
  const days = Math.floor(local / MS_DAY);
  const [year, month, day] = civilFromDays(days);
  const msOfDay = local - days * MS_DAY;
  return {
    year,
    month,
    day,
    hour: Math.floor(msOfDay / MS_HOUR),
    minute: Math.floor((msOfDay % MS_HOUR) / 60_000),
    weekday: mod(days + 4, 7),
  };
}

/**
 * Returns the civil day of `instant` in `timeZone`.
 * @example localDay(new Date('2019-02-14T22:30:00Z'), 'Europe/Istanbul') === '2019-02-15'
 */
export function localDay(instant: Date, timeZone: string): Day {
  const p = localParts(instant, timeZone);
  return formatDay(p.year, p.month, p.day);
}

/**
 * Returns the day `n` days after `day` (before, when `n` is negative).
 * @example addDays('2019-02-28', 1) === '2019-03-01'
 */
export function addDays(day: Day, n: number): Day {
  if (!Number.isInteger(n)) throw new RangeError(`zone: addDays needs a whole number of days, got ${n}`);
  return dayFromNumber(dayNumber(day) + n);
}

/**
 * Returns `s` when it is a real 'YYYY-MM-DD' calendar date, else null.
 * @example parseDay('2019-02-30') === null; parseDay('2020-02-29') === '2020-02-29'
 */
export function parseDay(s: string): Day | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return s;
}

/**
 * Returns the first instant of `day` in `timeZone`: local midnight, or the end of a DST gap that
 * swallowed midnight (e.g. America/Sao_Paulo 2018-11-04 starts at 01:00 local).
 * @example dayStartInstant('2024-03-10', 'America/New_York').toISOString() === '2024-03-10T05:00:00.000Z'
 */
export function dayStartInstant(day: Day, timeZone: string): Date {
  const target = dayNumber(day);
  const zone = zoneState(timeZone);
  const utcMidnight = target * MS_DAY;
  // The answer lies in [utcMidnight − 14 h, utcMidnight + 12 h]; probe the offsets in force there.
  let best = Infinity;
  for (const probe of [utcMidnight - 14 * MS_HOUR, utcMidnight, utcMidnight + 12 * MS_HOUR]) {
    const candidate = utcMidnight - offsetAt(zone, probe);
    if (candidate < best && offsetAt(zone, candidate) === utcMidnight - candidate) best = candidate;
  }
  if (best !== Infinity) return new Date(best);
  // Midnight does not exist that day: the day starts when the clocks jump (found to the second).
  let lo = Math.floor((utcMidnight - 15 * MS_HOUR) / 1000);
  let hi = Math.floor((utcMidnight + 12 * MS_HOUR) / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const t = mid * 1000;
    if (Math.floor((t + offsetAt(zone, t)) / MS_DAY) >= target) hi = mid;
    else lo = mid;
  }
  return new Date(hi * 1000);
}

/**
 * Returns the weekday of `day`, 0 = Sunday … 6 = Saturday.
 * @example weekdayOfDay('2019-02-15') === 5
 */
export function weekdayOfDay(day: Day): number {
  return mod(dayNumber(day) + 4, 7);
}

/**
 * Returns the number of days from 1970-01-01 to `day` (negative before); throws on a malformed day.
 * @example dayNumber('1970-01-02') === 1
 */
export function dayNumber(day: Day): number {
  if (parseDay(day) === null) throw new RangeError(`zone: not a YYYY-MM-DD day: '${day}'`);
  return daysFromCivil(Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10)));
}

/**
 * Returns the day `n` days after 1970-01-01; the inverse of dayNumber.
 * @example dayFromNumber(17942) === '2019-02-15'
 */
export function dayFromNumber(n: number): Day {
  if (!Number.isInteger(n)) throw new RangeError(`zone: day number must be whole, got ${n}`);
  const [y, m, d] = civilFromDays(n);
  return formatDay(y, m, d);
}

function formatDay(y: number, m: number, d: number): Day {
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

function zoneState(tz: string): ZoneState {
  let z = zones.get(tz);
  if (!z) {
    let fmt: Intl.DateTimeFormat;
    try {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: tz, hourCycle: 'h23', era: 'short',
        year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch (cause) {
      throw new RangeError(`zone: unknown time zone '${tz}'`, { cause });
    }
    z = { fmt, offsets: new Map() };
    zones.set(tz, z);
  }
  return z;
}

/** Offset (local − UTC, ms) in force at `t`; cached per UTC hour when constant across that hour. */
function offsetAt(zone: ZoneState, t: number): number {
  const hour = Math.floor(t / MS_HOUR);
  const cached = zone.offsets.get(hour);
  if (cached !== undefined) return cached;
  const start = hour * MS_HOUR;
  const first = exactOffset(zone.fmt, start);
  if (first !== exactOffset(zone.fmt, start + MS_HOUR - 1000)) return exactOffset(zone.fmt, t);
  if (zone.offsets.size >= MAX_CACHED_HOURS) zone.offsets.clear();
  zone.offsets.set(hour, first);
  return first;
}

/** Offset at `t` read from Intl to the second (tzdb offsets are whole seconds, LMT included). */
function exactOffset(fmt: Intl.DateTimeFormat, t: number): number {
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, bc = false;
  for (const p of fmt.formatToParts(t)) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
      case 'era': bc = p.value === 'BC'; break;
    }
  }
  if (bc) y = 1 - y;
  const wall = daysFromCivil(y, mo, d) * MS_DAY + h * MS_HOUR + mi * 60_000 + s * 1000;
  return wall - (t - mod(t, 1000));
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : 30 + ((m + (m >> 3)) & 1);
}

// Days ↔ civil date, after Howard Hinnant's chrono algorithms (proleptic Gregorian, any year).
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(n: number): [number, number, number] {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/**
 * Returns the instant a wall-clock time (`YYYY-MM-DDTHH:MM`) names in `timeZone`, or null when it is
 * not one. In a DST gap the clocks skip, the time after the jump; when an hour repeats, the first.
 * @example localInstant('2019-02-15T14:33', 'Europe/Istanbul')?.toISOString() === '2019-02-15T11:33:00.000Z'
 */
export function localInstant(text: string, timeZone: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(text);
  if (!m || parseDay(m[1]!) === null) return null;
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  if (hour > 23 || minute > 59) return null;
  const zone = zoneState(timeZone);
  const wall = dayNumber(m[1]!) * MS_DAY + hour * MS_HOUR + minute * 60_000;
  // Offsets in force within a day of it; the earliest instant that shows this wall time wins.
  const fits = [wall - 14 * MS_HOUR, wall, wall + 14 * MS_HOUR].map((p) => wall - offsetAt(zone, p)).filter((t) => t + offsetAt(zone, t) === wall);
  if (fits.length) return new Date(Math.min(...fits));
  // A gap: the wall time does not exist; take it with the offset from before the jump (one step later).
  return new Date(wall - offsetAt(zone, wall - 14 * MS_HOUR));
}
