/**
 * Feed dates as they are really written: RFC 822/1123/2822 and RFC 3339/ISO 8601, plus the broken
 * variants (no seconds, two-digit years, named or military zones, `GMT+3`, `+03:00` in RFC 822,
 * asctime, day-first numerics, Turkish/Arabic/European month names, Arabic-Indic digits).
 */

const MONTHS = new Map<string, number>();
const MONTH_NAMES: readonly string[] = [
  // one line per month: English, Turkish, German, French, Spanish, Italian, Portuguese, Dutch, Arabic
  'jan january ocak oca januar jänner jän janvier janv enero ene gennaio gen janeiro januari يناير كانون_الثاني',
  'feb february şubat subat şub sub februar février fevrier févr fevr febrero febbraio fevereiro fev februari فبراير شباط',
  'mar march mart märz maerz mär mrz mars marzo março marco maart مارس آذار اذار',
  'apr april nisan nis avril avr abril abr aprile أبريل ابريل إبريل نيسان',
  'may mayıs mayis mai mayo maggio mag maio mei مايو أيار ايار',
  'jun june haziran haz juni juin junio giugno giu junho يونيو يونيه حزيران',
  'jul july temmuz tem juli juillet juil julio luglio lug julho يوليو يوليه تموز',
  'aug august ağustos agustos ağu agu août aout agosto ago augustus أغسطس اغسطس آب',
  'sep sept september eylül eylul eyl septembre septiembre setiembre settembre set setembro سبتمبر أيلول ايلول',
  'oct october ekim eki oktober okt octobre octubre ottobre ott outubro out أكتوبر اكتوبر تشرين_الأول تشرين_الاول',
  'nov november kasım kasim kas novembre noviembre novembro نوفمبر تشرين_الثاني',
  'dec december aralık aralik ara dezember dez décembre decembre déc dec diciembre dic dicembre dezembro ديسمبر كانون_الأول كانون_الاول',
];
MONTH_NAMES.forEach((line, i) => {
  for (const name of line.split(' ')) MONTHS.set(name, i);
});

const ZONES: Readonly<Record<string, number>> = {
  z: 0, ut: 0, utc: 0, gmt: 0, wet: 0, bst: 60, ist: 330, cet: 60, met: 60, cest: 120, mest: 120,
  west: 60, eet: 120, eest: 180, msk: 180, trt: 180, ast: -240, adt: -180, est: -300, edt: -240,
  cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420, akst: -540, akdt: -480,
  hst: -600, pkt: 300, wib: 420, sgt: 480, hkt: 480, awst: 480, jst: 540, kst: 540, acst: 570,
  aest: 600, aedt: 660, nzst: 720, nzdt: 780,
};

// RFC 822 military zones (A–I, K–M east; N–Y west); J is not a zone.
function militaryZone(letter: string): number | undefined {
  const c = letter.charCodeAt(0);
  if (c >= 97 && c <= 105) return (c - 96) * 60; // a..i → +1..+9
  if (c >= 107 && c <= 109) return (c - 97) * 60; // k..m → +10..+12
  if (c >= 110 && c <= 121) return -(c - 109) * 60; // n..y → -1..-12
  return undefined;
}

const ISO_RE =
  /^(\d{4})-?(\d{2})(?:-?(\d{2}))?(?:[T\s]\s*(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Returns the instant a feed date string stands for, or null when it cannot be read. Dates without
 * a zone are UTC; future dates are returned as they are (the caller decides).
 * @example parseDate('Wed, 02 Oct 02 13:00 EST') // 2002-10-02T18:00:00.000Z
 */
export function parseDate(s: string): Date | null {
  let t = s.trim();
  if (t === '') return null;
  if (/[\u0660-\u0669\u06f0-\u06f9]/.test(t)) t = t.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => String((d.charCodeAt(0) & 0xf) % 10));
  const iso = ISO_RE.exec(t);
  if (iso !== null) return fromIso(iso);
  const rfc = RFC822_RE.exec(t);
  if (rfc !== null) {
    const month = MONTHS.get(rfc[2]!.toLowerCase());
    if (month !== undefined) {
      const zone = rfc[7];
      const offset = zone === undefined ? 0 : ZONES[zone.toLowerCase()] ?? (/^[+-]/.test(zone) ? zoneOffset(zone) : undefined);
      if (offset !== undefined) {
        const y = rfc[3]!.length === 4 ? Number(rfc[3]) : twoDigitYear(Number(rfc[3]));
        return build(y, month, Number(rfc[1]), Number(rfc[4]), Number(rfc[5]), num(rfc[6]), 0, offset);
      }
    }
  }
  return fromWords(t);
}

// The common case, read without the general tokenizer: 'Wed, 02 Oct 2002 13:00:00 GMT'.
const RFC822_RE = /^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4}|\d{2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?$/;

function fromIso(m: RegExpExecArray): Date | null {
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = frac === undefined ? 0 : Math.round(Number(`0.${frac}`) * 1000);
  return build(Number(y), Number(mo) - 1, d === undefined ? 1 : Number(d), num(h), num(mi), num(sec), ms, zoneOffset(zone));
}

function num(s: string | undefined): number {
  return s === undefined ? 0 : Number(s);
}

function zoneOffset(zone: string | undefined): number {
  if (zone === undefined) return 0;
  const named = ZONES[zone.toLowerCase()];
  if (named !== undefined) return named;
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
  if (m === null) return 0;
  const minutes = Number(m[2]) * 60 + num(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

const TOKEN_RE =
  /(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?|([+-])(\d{1,2})(?::?(\d{2}))?(?!\d)|(\d+)|([\p{L}_]+)|[^\s\p{L}\d]/gu;

// The tokenizer's reading of a word-style date: which numbers, which month, which zone.
function fromWords(input: string): Date | null {
  // multi-word Levantine Arabic month names become one token
  const t = input.replace(/(كانون|تشرين)\s+(الأول|الاول|الثاني)/g, '$1_$2');
  let month = -1;
  let hour = -1;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let pm: boolean | null = null;
  let offset: number | null = null; // numeric offset, wins over names
  let named: number | null = null;
  let afterZoneName = false;
  const nums: { value: number; digits: number; sep: string }[] = [];
  let prevSep = '';
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(t); m !== null; m = TOKEN_RE.exec(t)) {
    const [whole, th, tm, ts, tf, sign, oh, om, n, word] = m;
    if (th !== undefined && hour === -1) {
      hour = Number(th);
      minute = Number(tm);
      second = num(ts);
      millis = tf === undefined ? 0 : Math.round(Number(`0.${tf}`) * 1000);
    } else if (sign !== undefined && (hour !== -1 || afterZoneName) && offset === null) {
      const minutes = Number(oh) * 60 + num(om);
      offset = sign === '-' ? -minutes : minutes;
    } else if (sign !== undefined) {
      nums.push({ value: Number(oh) * (om === undefined ? 1 : 100) + num(om), digits: oh!.length + (om?.length ?? 0), sep: sign });
    } else if (n !== undefined) {
      nums.push({ value: Number(n), digits: n.length, sep: prevSep });
    } else if (word !== undefined) {
      const w = word.toLowerCase();
      afterZoneName = false;
      const mo = MONTHS.get(w) ?? MONTHS.get(w.replace(/\.$/, ''));
      if (mo !== undefined && month === -1) month = mo;
      else if (w === 'am' || w === 'pm') pm = w === 'pm';
      else if (hour !== -1 || w.length > 1) {
        const z = ZONES[w] ?? (w.length === 1 && hour !== -1 ? militaryZone(w) : undefined);
        if (z !== undefined) {
          named ??= z;
          afterZoneName = true;
        }
      }
    }
    prevSep = th === undefined && n === undefined && word === undefined ? whole : '';
  }
  if (pm !== null && hour !== -1 && hour <= 12) hour = (hour % 12) + (pm ? 12 : 0);
  if (hour === -1) hour = 0;
  const ymd = pickYmd(nums, month);
  if (ymd === null) return null;
  return build(ymd[0], ymd[1], ymd[2], hour, minute, second, millis, offset ?? named ?? 0);
}

// Chooses year, month (0-based) and day among the numbers of a word-style date.
function pickYmd(nums: readonly { value: number; digits: number; sep: string }[], month: number): [number, number, number] | null {
  if (month !== -1) {
    const yearIdx = nums.findIndex((x) => x.digits === 4);
    if (yearIdx !== -1) {
      const day = nums.find((_, i) => i !== yearIdx);
      return day === undefined ? [nums[yearIdx]!.value, month, 1] : [nums[yearIdx]!.value, month, day.value];
    }
    if (nums.length < 2) return null;
    // "02 Oct 02": day first, two-digit year after (RFC 822)
    return [twoDigitYear(nums[1]!.value), month, nums[0]!.value];
  }
  if (nums.length < 3) return null;
  const [a, b, c] = nums as [typeof nums[0], typeof nums[0], typeof nums[0]];
  if (a.digits === 4) return [a.value, b.value - 1, c.value]; // 2002/10/02
  const year = c.digits === 4 ? c.value : twoDigitYear(c.value);
  // 02.10.2002 is day-first; 10/02/2002 is US month-first unless the first number cannot be a month
  if (b.sep === '.' || a.value > 12) return [year, b.value - 1, a.value];
  return [year, a.value - 1, b.value];
}

function twoDigitYear(y: number): number {
  if (y >= 100) return y;
  return y < 50 ? 2000 + y : 1900 + y;
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offsetMinutes: number): Date | null {
  if (y < 1000 || y > 9999 || mo < 0 || mo > 11 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  const utc = Date.UTC(y, mo, d, h, mi, Math.min(s, 59), ms);
  if (new Date(Date.UTC(y, mo, d)).getUTCDate() !== d) return null; // 31 April, 30 February
  return new Date(utc - offsetMinutes * 60_000);
}
