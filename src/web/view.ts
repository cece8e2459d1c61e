/**
 * View models: what templates receive. Dates formatted in the site time zone and the page's
 * language; every article carries its own language and direction.
 */
import { addDays, localDay } from '../calendar/zone.js';
import { formatDateTime, formatNumber, formatShortDay, formatTodayLine, type CalendarSettings } from '../calendar/format.js';
import { DEFAULT_HIJRI_MONTH_NAMES } from '../calendar/format.js';
import type { SiteSettings } from '../config.js';
import type { Lang } from '../model/types.js';
import { endAtWord } from '../html/text.js';
import type { ArticleHeadline } from '../store/articles.js';
import { categoryName, findSections, type Category } from '../store/categories.js';
import { findPictures, type Picture } from './images.js';
import { findDayCounts, findPublishedTotal } from '../store/day-counts.js';
import type { Store } from '../store/db.js';
import { STRINGS, dirOf, fill, type Strings } from './i18n/strings.js';
import { readChrome, type ChromeCache } from './chrome-cache.js';
import { Urls } from './urls.js';

/** Everything a page handler needs to render one request. */
export interface PageContext {
  lang: Lang;
  t: Strings;
  urls: Urls;
  cal: CalendarSettings;
  site: SiteSettings;
  now: Date;
  /** The header's and footer's reads kept between changes (serve's; none elsewhere: read each time). */
  chrome?: ChromeCache;
}

const calendarOf = new WeakMap<SiteSettings, CalendarSettings>();

/** Returns the calendar settings of the site (month names: configured, else defaults); one object per site. */
export function calendarSettings(site: SiteSettings): CalendarSettings {
  let cal = calendarOf.get(site);
  if (!cal) calendarOf.set(site, (cal = buildCalendarSettings(site)));
  return cal;
}

function buildCalendarSettings(site: SiteSettings): CalendarSettings {
  return {
    timeZone: site.timeZone,
    hijriVariant: site.hijriVariant,
    hijriAdjustment: site.hijriAdjustment,
    hijriMonthNames: { ...DEFAULT_HIJRI_MONTH_NAMES, ...site.hijriMonthNames },
    arabicDigits: site.arabicDigits,
  };
}

/** A card in an article list. */
export interface ArticleCard {
  title: string;
  href: string;
  time: string;
  iso: string;
  source: string | null;
  /** The source's page on this site. */
  sourceHref: string | null;
  summary: string | null;
  lang: string;
  dir: 'rtl' | 'ltr';
  /** The article's image as stored here (web/images.ts), when it has one that is ready. */
  picture: Picture | null;
}

/** Returns the card of an article for a list. */
export function articleCard(a: ArticleHeadline, ctx: PageContext, picture: Picture | null = null): ArticleCard {
  const lang = a.language ?? ctx.site.defaultLanguage;
  return {
    title: a.title,
    href: ctx.urls.article(a),
    time: formatDateTime(new Date(a.publishedAt), ctx.lang, ctx.cal),
    iso: a.publishedAt,
    source: a.sourceTitle,
    sourceHref: a.sourceSlug ? ctx.urls.source(a.sourceSlug) : null,
    summary: cardSummary(a.summary),
    lang,
    dir: dirOf(lang),
    // A card shows the narrower set (the front page's lead takes the whole one: home.ts).
    picture: picture?.thumb ?? picture,
  };
}

/** A card shows at most this much of a summary (its CSS clamps it to four lines: ~160 characters at a card's width). */
const CARD_SUMMARY = 180;

/** Returns a summary cut for a card at a word, with an ellipsis; short ones as they are. */
function cardSummary(s: string | null): string | null {
  if (!s || s.length <= CARD_SUMMARY) return s;
  return endAtWord(s.slice(0, CARD_SUMMARY), CARD_SUMMARY / 2);
}

/** Returns the cards of a list, with the pictures of their images (one lookup for the list). */
export async function articleCards(store: Store, list: readonly ArticleHeadline[], ctx: PageContext): Promise<ArticleCard[]> {
  const urls = [...new Set(list.flatMap((a) => (a.imageUrl ? [a.imageUrl] : [])))];
  const pictures = urls.length ? await findPictures(store, urls) : new Map<string, Picture>();
  return list.map((a) => articleCard(a, ctx, (a.imageUrl && pictures.get(a.imageUrl)) || null));
}

/** The header of every page: today, the recent-days strip, the total, social links, languages. */
export interface HeaderView {
  today: string;
  todayIso: string;
  strip: { label: string; iso: string; count: string; href: string }[];
  total: string;
  social: readonly { name: string; url: string }[];
  languages: { lang: Lang; name: string; href: string; current: boolean }[];
  /** The section menu, in its configured order, named in the page's language. */
  sections: { name: string; href: string; current: boolean }[];
}

/** Returns the header; reads two small tables (day_counts, counters), never the articles. */
export async function buildHeader(store: Store, ctx: PageContext, path: string): Promise<HeaderView> {
  const day = headerDay(ctx);
  const [from, to] = [day.strip[day.strip.length - 1]?.iso, day.strip[0]?.iso];
  const counts = from && to ? await readChrome(ctx.chrome, `days ${from} ${to}`, () => findDayCounts(store.db, from, to)) : new Map<string, number>();
  const total = await readChrome(ctx.chrome, 'total', () => findPublishedTotal(store.db));
  const sections = await findSectionsOnce(store, ctx);
  const counted = countedStrip(day, counts, total, ctx);
  return {
    today: day.today,
    todayIso: day.todayIso,
    strip: counted.strip,
    total: counted.total,
    social: ctx.site.social,
    languages: ctx.site.languages.map((l) => ({
      lang: l,
      name: STRINGS[l].languageName,
      href: Urls.switchLang(path, ctx.urls, new Urls(l, ctx.site.defaultLanguage)),
      current: l === ctx.lang,
    })),
    sections: sections.map((c) => {
      const href = ctx.urls.section(c.slug);
      return { name: categoryName(c, ctx.lang), href, current: path === href || path.startsWith(href) };
    }),
  };
}

/** The strip with its counts and the total, as the header shows them (the strip's array is shared: read-only). */
interface CountedStrip {
  strip: HeaderView['strip'];
  total: string;
}

/**
 * Per counts read and header day (a language's day): formatted once. ctx.chrome keeps the counts and
 * the total until the next change and reads both again after it (without it, each page reads both).
 */
const countedStrips = new WeakMap<Map<string, number>, WeakMap<HeaderDay, CountedStrip>>();

/**
 * Returns the strip's days with their counts and the total, formatted: once per change of the counts
 * and day in each language, not on every page (Intl's number formatting and copying the strip's days
 * into new objects took ~8% of a cold article page's CPU in a profile).
 */
function countedStrip(day: HeaderDay, counts: Map<string, number>, total: number, ctx: PageContext): CountedStrip {
  let byDay = countedStrips.get(counts);
  if (!byDay) countedStrips.set(counts, (byDay = new WeakMap()));
  let c = byDay.get(day);
  if (!c) {
    c = {
      strip: day.strip.map((d) => ({ label: d.label, iso: d.iso, href: d.href, count: formatNumber(counts.get(d.iso) ?? 0, ctx.lang, ctx.cal) })),
      total: fill(ctx.t.total, { n: formatNumber(total, ctx.lang, ctx.cal) }),
    };
    byDay.set(day, c);
  }
  return c;
}

const sectionsOf = new WeakMap<PageContext, Promise<Category[]>>();

/** Returns the sections in menu order, read once per request (its context), or until the next change (ctx.chrome): the header and the front page both show them. */
export function findSectionsOnce(store: Store, ctx: PageContext): Promise<Category[]> {
  let p = sectionsOf.get(ctx);
  if (!p) sectionsOf.set(ctx, (p = readChrome(ctx.chrome, 'sections', () => findSections(store.db))));
  return p;
}

/** The header's parts that change only with the day: today's line and the strip's days (no counts). */
interface HeaderDay {
  today: string;
  todayIso: string;
  strip: { label: string; iso: string; href: string }[];
}

const headerDays = new WeakMap<SiteSettings, Map<string, HeaderDay>>();

/** Returns the day parts of the header for the page's language and local day, formatted once per day (Hijri and Intl formatting are the header's main cost). */
function headerDay(ctx: PageContext): HeaderDay {
  let byKey = headerDays.get(ctx.site);
  if (!byKey) headerDays.set(ctx.site, (byKey = new Map()));
  const today = localDay(ctx.now, ctx.site.timeZone);
  const key = `${ctx.lang} ${today}`;
  let day = byKey.get(key);
  if (!day) {
    const first = ctx.site.stripIncludeToday ? 0 : 1;
    const days = Array.from({ length: ctx.site.stripDays }, (_, i) => addDays(today, -(first + i)));
    day = {
      today: formatTodayLine(ctx.now, ctx.lang, ctx.cal),
      todayIso: today,
      strip: days.map((d) => ({ label: formatShortDay(d, ctx.lang, ctx.cal), iso: d, href: ctx.urls.day(d) })),
    };
    if (byKey.size >= 16) byKey.clear(); // a few languages × today (and yesterday, around midnight)
    byKey.set(key, day);
  }
  return day;
}

/** Returns a page context for a language; with `chrome`, the header's and footer's reads are kept between changes. */
export function pageContext(site: SiteSettings, lang: Lang, now: Date, chrome?: ChromeCache): PageContext {
  return { lang, t: STRINGS[lang], urls: new Urls(lang, site.defaultLanguage), cal: calendarSettings(site), site, now, ...(chrome ? { chrome } : {}) };
}
