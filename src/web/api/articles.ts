/**
 * `/api/v1/articles` (the list: filters, cursor) and `/api/v1/articles/:id` (one article in full):
 * published articles only, what the site shows, with absolute URLs.
 */
import { parseDay } from '../../calendar/zone.js';
import { LANGS } from '../../model/types.js';
import { httpUrl } from '../../model/url.js';
import { findApiArticles, ApiCursorError, type ApiArticleFilter, type ApiArticleRow } from '../../store/api-articles.js';
import { findArticlesByIds } from '../../store/articles.js';
import { findCategoriesOfArticle, findCategoryBySlug } from '../../store/categories.js';
import { findSourceById, findSourceBySlug } from '../../store/sources.js';
import { bodyImageUrls, findPictures, rewriteBodyImages, type Picture } from '../images.js';
import { Urls } from '../urls.js';
import { ApiError, type JsonSchema } from './common.js';
import { DAY, LANG_TAG, nullable, obj, queryOf, S, SLUG, WHOLE, type ContentContext } from './route.js';

/** The most articles one page gives, and how many when `limit` is not given. */
export const ARTICLES_MAX = 100;
export const ARTICLES_DEFAULT = 20;

/** The longest text query taken (the site's search box takes the same words). */
export const Q_MAX = 200;

/** The list's query parameters. */
export const ARTICLES_QUERY = queryOf({
  from: DAY('First local day (site time zone), YYYY-MM-DD'),
  to: DAY('Last local day, YYYY-MM-DD (not before `from`)'),
  section: SLUG('A section slug (see /api/v1/sections)'),
  tag: SLUG('A tag slug'),
  source: SLUG('A source: its id or its slug (see /api/v1/sources)'),
  lang: LANG_TAG('The articles\' language tag; the site\'s default language also takes articles without one'),
  q: { type: 'string', maxLength: Q_MAX, pattern: '^[^\\u0000-\\u001f\\u007f]*$', description: 'Words, "phrases", -excluded words (as the site\'s search). With q too the order is newest published first (the search index keys)' },
  limit: WHOLE(`Articles per page, 1–${ARTICLES_MAX} (default ${ARTICLES_DEFAULT})`, 3),
  cursor: { type: 'string', maxLength: 300, pattern: '^[A-Za-z0-9_-]+$', description: 'The `next` of the page before, as given' },
});

const IMAGE: JsonSchema = obj({
  original: S.url,
  src: nullable(S.url),
  width: nullable(S.int),
  height: nullable(S.int),
  variants: { type: 'array', items: obj({ url: S.url, width: S.int, type: S.string }) },
});

const SOURCE_REF: JsonSchema = obj({ id: S.int, slug: nullable(S.string), title: S.string, url: nullable(S.url) });

const ITEM_PROPERTIES: Record<string, JsonSchema> = {
  id: S.int,
  title: S.string,
  summary: nullable(S.string),
  language: S.string,
  published_at: S.instant,
  updated_at: S.instant,
  day: S.day,
  url: S.url,
  api_url: S.url,
  source: SOURCE_REF,
  sections: { type: 'array', items: S.string },
  tags: { type: 'array', items: S.string },
  image: nullable(IMAGE),
};

/** The schema of a list item. */
export const ARTICLE_ITEM = obj(ITEM_PROPERTIES);

/** The schema of the list's answer. */
export const ARTICLES_RESPONSE = obj({
  articles: { type: 'array', items: ARTICLE_ITEM },
  next: nullable(S.string),
  partial: S.bool,
  order: { enum: ['published'] },
  text: nullable({ enum: ['empty', 'common', 'only-excluded'] }),
});

/** The schema of one article in full. */
export const ARTICLE_RESPONSE = obj({
  ...ITEM_PROPERTIES,
  author: nullable(S.string),
  body_html: nullable(S.string),
  original_url: nullable(S.url),
  canonical_url: S.url,
});

/** Returns a page of the list, as the query asks. */
export async function listArticles(ctx: ContentContext): Promise<unknown> {
  const { query: q } = ctx;
  const filter: ApiArticleFilter = { ...dayRange(q.from, q.to), categoryIds: [] };
  for (const kind of ['section', 'tag'] as const) {
    const slug = q[kind];
    if (slug === undefined) continue;
    const c = await findCategoryBySlug(ctx.web.store.db, slug, kind);
    if (!c) throw new ApiError(404, `no ${kind} ${JSON.stringify(slug)} (see /api/v1/sections)`, kind);
    filter.categoryIds = [...filter.categoryIds!, c.id];
  }
  if (q.source !== undefined) {
    const s = /^[0-9]+$/.test(q.source) ? await findSourceById(ctx.web.store.db, Number(q.source)) : await findSourceBySlug(ctx.web.store.db, q.source);
    if (!s) throw new ApiError(404, `no source ${JSON.stringify(q.source)} (see /api/v1/sources)`, 'source');
    filter.sourceId = s.id;
  }
  if (q.lang !== undefined) {
    const tag = q.lang.toLowerCase();
    filter.language = { tag, orUnset: tag === ctx.site.defaultLanguage };
  }
  if (q.q !== undefined && q.q.trim()) {
    filter.text = q.q;
    filter.textLang = (LANGS as readonly string[]).includes(filter.language?.tag ?? '') ? filter.language!.tag : ctx.site.defaultLanguage;
  }
  const limit = q.limit === undefined ? ARTICLES_DEFAULT : Number(q.limit);
  if (limit < 1 || limit > ARTICLES_MAX) throw new ApiError(400, `limit must be 1 to ${ARTICLES_MAX}, got ${limit}`, 'limit');
  let page;
  try {
    page = await findApiArticles(ctx.web.store.db, filter, { limit, after: q.cursor });
  } catch (err) {
    if (err instanceof ApiCursorError) throw new ApiError(400, err.message, 'cursor');
    throw err;
  }
  const pictures = await findPictures(ctx.web.store, page.rows.map((r) => httpUrl(r.imageUrl)));
  return {
    articles: page.rows.map((r) => articleItem(ctx, r, pictures)),
    next: page.next,
    partial: page.partial ?? false,
    order: 'published',
    text: page.text ?? null,
  };
}

/** Returns the day range of `from` and `to` (either may be absent); 400 naming the bad one. */
export function dayRange(from: string | undefined, to: string | undefined): Pick<ApiArticleFilter, 'fromDay' | 'toDay'> {
  const fromDay = from === undefined ? undefined : checkDay(from, 'from');
  const toDay = to === undefined ? undefined : checkDay(to, 'to');
  if (fromDay && toDay && fromDay > toDay) throw new ApiError(400, `from (${fromDay}) is after to (${toDay})`, 'from');
  return { ...(fromDay ? { fromDay } : {}), ...(toDay ? { toDay } : {}) };
}

/** Returns the day, or throws a 400 naming the parameter when it is no calendar day. */
export function checkDay(s: string, field: string): string {
  const d = parseDay(s);
  if (!d) throw new ApiError(400, `${field} must be a day YYYY-MM-DD, got ${JSON.stringify(s)}`, field);
  return d;
}

/** Returns one published article in full; 404 for any other id. */
export async function getArticle(ctx: ContentContext): Promise<unknown> {
  const id = Number(ctx.params.id);
  const [a] = Number.isSafeInteger(id) ? await findArticlesByIds(ctx.web.store.db, [id]) : [];
  if (!a || a.status !== 'published') throw new ApiError(404, `no article ${ctx.params.id}`, 'id');
  const categories = await findCategoriesOfArticle(ctx.web.store.db, a.id);
  const pictures = await findPictures(ctx.web.store, [httpUrl(a.imageUrl), ...bodyImageUrls(a.contentHtml)]);
  const row: ApiArticleRow = { ...a, sourceTitle: a.sourceTitle ?? '', categories: categories.map((c) => ({ slug: c.slug, kind: c.kind })) };
  const item = articleItem(ctx, row, pictures);
  const original = httpUrl(a.url) ?? httpUrl(a.canonicalUrl);
  return {
    ...item,
    author: a.author,
    body_html: absoluteMedia(rewriteBodyImages(a.contentHtml, pictures), ctx.origin),
    original_url: original,
    canonical_url: a.sourceCanonicalHere || !original ? item.url : (httpUrl(a.canonicalUrl) ?? original),
  };
}

/** Returns the JSON of a list item. */
function articleItem(ctx: ContentContext, r: ApiArticleRow, pictures: ReadonlyMap<string, Picture>) {
  const urls = new Urls(ctx.site.defaultLanguage, ctx.site.defaultLanguage);
  const image = httpUrl(r.imageUrl);
  return {
    id: r.id,
    title: r.title,
    summary: r.summary,
    language: r.language ?? ctx.site.defaultLanguage,
    published_at: r.publishedAt,
    updated_at: r.updatedAt,
    day: r.localDay,
    url: `${ctx.origin}${urls.article(r)}`,
    api_url: `${ctx.origin}/api/v1/articles/${r.id}`,
    source: { id: r.sourceId, slug: r.sourceSlug, title: r.sourceTitle, url: r.sourceSlug ? `${ctx.origin}${urls.source(r.sourceSlug)}` : null },
    sections: r.categories.filter((c) => c.kind === 'section').map((c) => c.slug),
    tags: r.categories.filter((c) => c.kind === 'tag').map((c) => c.slug),
    image: image ? imageOf(image, pictures.get(image), ctx.origin) : null,
  };
}

/** An image: its original address, and the site's copies (every width and format) when stored. */
function imageOf(original: string, p: Picture | undefined, origin: string) {
  const variants = (set: string, type: string) => set.split(', ').filter(Boolean).map((entry) => {
    const [path, w] = entry.split(' ');
    return { url: `${origin}${path}`, width: Number(w!.replace(/w$/, '')), type };
  });
  return {
    original,
    src: p ? `${origin}${p.src}` : null,
    width: p?.width ?? null,
    height: p?.height ?? null,
    variants: p ? [...variants(p.srcset, p.type), ...variants(p.webpSrcset, 'image/webp')] : [],
  };
}

/** Returns the body with the site's image copies (`/media/…` in src and srcset) as absolute URLs. */
function absoluteMedia(html: string | null, origin: string): string | null {
  return html && html.replace(/(\s(?:src|srcset)=")([^"]*)"/g, (_m, pre: string, value: string) => `${pre}${value.replace(/(^|,\s*)\/media\//g, `$1${origin}/media/`)}"`);
}
