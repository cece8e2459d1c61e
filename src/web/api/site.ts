/**
 * The site's small lists as JSON: `/api/v1/header` (today in both calendars, the recent-days strip,
 * the total: buildHeader's values, the HTML header's), `/api/v1/days` (articles per local day),
 * `/api/v1/sections` (sections and tags) and `/api/v1/sources` (public fields only).
 */
import { toHijri } from '../../calendar/hijri.js';
import { addDays, dayNumber, localDay } from '../../calendar/zone.js';
import type { Lang } from '../../model/types.js';
import { httpUrl } from '../../model/url.js';
import { categoryName, findCategories, findSections, type Category } from '../../store/categories.js';
import { findDayCounts, findPublishedTotal } from '../../store/day-counts.js';
import { findSources } from '../../store/sources.js';
import { Urls } from '../urls.js';
import { buildHeader, pageContext } from '../view.js';
import { dayRange } from './articles.js';
import { ApiError, type JsonSchema } from './common.js';
import { DAY, nullable, obj, queryOf, S, type ContentContext } from './route.js';

/** The `?lang=` of the answers that hold words of the interface: one of the site's languages. */
const INTERFACE_LANG: JsonSchema = { type: 'string', maxLength: 10, pattern: '^[a-z]{2}$', description: "The interface language (one of the site's; default: the site's default)" };

/** The header's query. */
export const HEADER_QUERY = queryOf({ lang: INTERFACE_LANG });

/** The header's answer. */
export const HEADER_RESPONSE = obj({
  lang: S.string,
  today: obj({
    text: S.string,
    day: S.day,
    hijri: obj({ year: S.int, month: S.int, day: S.int }),
  }),
  strip: { type: 'array', items: obj({ day: S.day, label: S.string, count: S.int, count_text: S.string, url: S.url }) },
  total: obj({ count: S.int, text: S.string }),
});

/**
 * Returns the header of the site's pages in the interface language `?lang=`, for the site's clock
 * (JARIDA_NOW fixes it): buildHeader's texts, with the counts as numbers beside them.
 */
export async function header(ctx: ContentContext): Promise<unknown> {
  const page = pageContext(ctx.site, interfaceLang(ctx), ctx.now);
  const h = await buildHeader(ctx.web.store, page, page.urls.home());
  const days = h.strip.map((d) => d.iso);
  const [counts, total] = await Promise.all([
    days.length ? findDayCounts(ctx.web.store.db, days[days.length - 1]!, days[0]!) : new Map<string, number>(),
    findPublishedTotal(ctx.web.store.db),
  ]);
  const hijri = toHijri(h.todayIso, ctx.site.hijriVariant, ctx.site.hijriAdjustment);
  return {
    lang: page.lang,
    today: { text: h.today, day: h.todayIso, hijri: { year: hijri.year, month: hijri.month, day: hijri.day } },
    strip: h.strip.map((d) => ({ day: d.iso, label: d.label, count: counts.get(d.iso) ?? 0, count_text: d.count, url: `${ctx.origin}${d.href}` })),
    total: { count: total, text: h.total },
  };
}

/** The longest range `/days` answers. */
export const DAYS_MAX = 366;

/** The day list's query. */
export const DAYS_QUERY = queryOf({
  from: DAY('First local day, YYYY-MM-DD (default: 29 days before `to`)'),
  to: DAY('Last local day, YYYY-MM-DD (default: today in the site\'s time zone)'),
});

/** The day list's answer. */
export const DAYS_RESPONSE = obj({
  from: S.day,
  to: S.day,
  total: S.int,
  days: { type: 'array', items: obj({ day: S.day, count: S.int, url: S.url }) },
});

/** Returns every local day from `from` to `to` (newest first) with its published articles; at most DAYS_MAX days. */
export async function days(ctx: ContentContext): Promise<unknown> {
  const range = dayRange(ctx.query.from, ctx.query.to);
  const to = range.toDay ?? (range.fromDay ? addDays(range.fromDay, 29) : localDay(ctx.now, ctx.site.timeZone));
  const from = range.fromDay ?? addDays(to, -29);
  if (from > to) throw new ApiError(400, `from (${from}) is after to (${to})`, 'from');
  const n = dayNumber(to) - dayNumber(from) + 1;
  if (n > DAYS_MAX) throw new ApiError(400, `the range from ${from} to ${to} is ${n} days; at most ${DAYS_MAX}`, 'from');
  const counts = await findDayCounts(ctx.web.store.db, from, to);
  const urls = new Urls(ctx.site.defaultLanguage, ctx.site.defaultLanguage);
  const list = Array.from({ length: n }, (_, i) => addDays(to, -i)).map((day) => ({ day, count: counts.get(day) ?? 0, url: `${ctx.origin}${urls.day(day)}` }));
  return { from, to, total: list.reduce((sum, d) => sum + d.count, 0), days: list };
}

/** The sections' query. */
export const SECTIONS_QUERY = queryOf({ lang: INTERFACE_LANG });

const CATEGORY: JsonSchema = obj({ slug: S.string, name: S.string, names: { type: 'object', additionalProperties: S.string }, count: S.int, url: S.url, articles_url: S.url });

/** The sections' answer. */
export const SECTIONS_RESPONSE = obj({ sections: { type: 'array', items: CATEGORY }, tags: { type: 'array', items: CATEGORY } });

/** The most tags `/sections` lists (the most used first). */
export const TAGS_MAX = 1000;

/** Returns the sections in menu order and the tags most used first, named in `?lang=`. */
export async function sections(ctx: ContentContext): Promise<unknown> {
  const lang = interfaceLang(ctx);
  const [secs, tags] = await Promise.all([findSections(ctx.web.store.db), findCategories(ctx.web.store.db, 'tag', TAGS_MAX)]);
  const urls = new Urls(lang, ctx.site.defaultLanguage);
  const item = (c: Category) => ({
    slug: c.slug,
    name: categoryName(c, lang),
    names: { ...c.names },
    count: c.count,
    url: `${ctx.origin}${c.kind === 'section' ? urls.section(c.slug) : urls.tag(c.slug)}`,
    articles_url: `${ctx.origin}/api/v1/articles?${c.kind}=${encodeURIComponent(c.slug)}`,
  });
  return { sections: secs.map(item), tags: tags.map(item) };
}

/** The sources' answer: no feed address, no fetch state. */
export const SOURCES_RESPONSE = obj({
  sources: { type: 'array', items: obj({ id: S.int, slug: S.string, title: S.string, site_url: nullable(S.url), language: nullable(S.string), count: S.int, url: S.url, articles_url: S.url }) },
});

/** Returns the sources with published articles, by title: their public fields only. */
export async function sources(ctx: ContentContext): Promise<unknown> {
  const urls = new Urls(ctx.site.defaultLanguage, ctx.site.defaultLanguage);
  const list = (await findSources(ctx.web.store.db)).filter((s) => s.publishedCount > 0).sort((a, b) => a.title.localeCompare(b.title) || a.id - b.id);
  return {
    sources: list.map((s) => ({
      id: s.id,
      slug: s.slug,
      title: s.title,
      site_url: httpUrl(s.siteUrl),
      language: s.language,
      count: s.publishedCount,
      url: `${ctx.origin}${urls.source(s.slug)}`,
      articles_url: `${ctx.origin}/api/v1/articles?source=${s.id}`,
    })),
  };
}

/** Returns the interface language `?lang=` asks for: one of the site's (400 naming `lang` otherwise). */
function interfaceLang(ctx: ContentContext): Lang {
  const l = ctx.query.lang;
  if (l === undefined) return ctx.site.defaultLanguage;
  const lang = ctx.site.languages.find((x) => x === l);
  if (!lang) throw new ApiError(400, `lang must be one of the site's languages (${ctx.site.languages.join(', ')}), got ${JSON.stringify(l)}`, 'lang');
  return lang;
}
