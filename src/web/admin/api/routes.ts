/**
 * Every endpoint of the admin API, one entry each: method, path, least role, schemas and a handler
 * that calls the same operations as the desk's forms. The plugin registers them; openapi.ts describes them.
 */
import { maySeeArticle, roleAtLeast } from '../../../model/staff.js';
import { addSection, findCategories, findSections, moveSection, removeCategory, renameCategory } from '../../../store/categories.js';
import { articleHtmlFromMarkdown } from '../../../html/markdown.js';
import { plainText } from '../../../html/sanitize.js';
import { LANGS, ARTICLE_STATUSES, type ArticleStatus } from '../../../model/types.js';
import { httpUrl } from '../../../model/url.js';
import { parseDay } from '../../../calendar/zone.js';
import { findRevisions } from '../../../store/article-revisions.js';
import { DeskStoreError, findDeskArticle, type DeskArticle } from '../../../store/desk-articles.js';
import { DESK_PAGE_MAX, findDeskArticles, type DeskFilter } from '../../../store/desk-list.js';
import { ConfigError, SHARE_NETWORKS, siteSettingsInput, type SitePatch } from '../../../config.js';
import { findSiteOverrides } from '../../../store/site-settings.js';
import { changeStatusAs, deleteAs, NotAllowed, restoreAs, saveArticleAs, type ArticleDraft } from '../article-ops.js';
import { ApiError, asCaller, ID_PARAM, str, type ApiContext, type ApiRoute, type JsonSchema } from './route.js';
import { SOURCE_ROUTES } from './sources.js';

const slugParam: JsonSchema = { type: 'object', required: ['slug'], properties: { slug: str(100, { pattern: '^[a-z0-9][a-z0-9-]*$' }) } };

const categorySchema: JsonSchema = {
  type: 'object',
  required: ['id', 'slug', 'kind', 'position', 'name', 'names', 'count'],
  properties: {
    id: { type: 'integer' },
    slug: { type: 'string' },
    kind: { type: 'string', enum: ['section', 'tag'] },
    position: { type: 'integer' },
    name: { type: 'string' },
    names: { type: 'object', properties: { en: { type: 'string' }, tr: { type: 'string' }, ar: { type: 'string' } } },
    count: { type: 'integer' },
  },
};
const names = { name: str(100), en: str(100), tr: str(100), ar: str(100) };

const INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';
const articleFields = {
  title: str(500, { minLength: 1 }),
  body: str(500_000, { description: 'Markdown; sanitized as every stored article is' }),
  summary: { type: ['string', 'null'], maxLength: 2000 },
  language: { enum: [...LANGS, null] },
  categories: { type: 'array', maxItems: 20, items: str(100, { minLength: 1 }), description: 'section slugs or names, and tags' },
  author: { type: ['string', 'null'], maxLength: 300 },
  publishedAt: str(40, { pattern: INSTANT, description: 'ISO-8601 instant with offset; a later one than now schedules a published article' }),
  status: { enum: ['draft', 'published', 'hidden'] },
  imageUrl: { type: ['string', 'null'], maxLength: 2000, description: 'http(s)' },
  url: { type: ['string', 'null'], maxLength: 2000, description: 'the original, for attribution (http(s))' },
  sourceId: { type: 'integer', minimum: 1 },
  canonicalHere: { type: ['boolean', 'null'], description: "true: this site's copy is canonical; false: the original (url); null: as its source says" },
};
const articleSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, slug: { type: 'string' }, title: { type: 'string' }, status: { enum: [...ARTICLE_STATUSES] }, publishedAt: { type: 'string' }, localDay: { type: 'string' },
    summary: { type: ['string', 'null'] }, contentHtml: { type: ['string', 'null'] }, bodySource: { type: ['string', 'null'] }, language: { type: ['string', 'null'] }, imageUrl: { type: ['string', 'null'] },
    categories: { type: 'array', items: { type: 'string' } }, author: { type: ['string', 'null'] }, url: { type: ['string', 'null'] }, sourceId: { type: 'integer' }, sourceTitle: { type: ['string', 'null'] }, canonicalHere: { type: ['boolean', 'null'] },
    userId: { type: ['integer', 'null'] }, editedAt: { type: ['string', 'null'] }, updatedAt: { type: 'string' },
  },
};

function articleOut(a: DeskArticle) {
  return {
    id: a.id, slug: a.slug, title: a.title, status: a.status, publishedAt: a.publishedAt, localDay: a.localDay, summary: a.summary, contentHtml: a.contentHtml, bodySource: a.bodySource,
    language: a.language, imageUrl: a.imageUrl, categories: a.categories, author: a.author, url: a.url, sourceId: a.sourceId, sourceTitle: a.sourceTitle, canonicalHere: a.canonicalHere ?? null, userId: a.userId, editedAt: a.editedAt, updatedAt: a.updatedAt,
  };
}

/** The article operations' deps for this request. */
const opsOf = (ctx: ApiContext) => ({ store: ctx.web.store, site: ctx.web.config.site, now: ctx.now });

async function articleOrThrow(ctx: ApiContext): Promise<DeskArticle> {
  const a = await findDeskArticle(ctx.web.store.db, Number(ctx.params.id));
  // Another's article is as absent as a missing one to contributors and authors.
  if (!a || !maySeeArticle(ctx.user, a)) throw new ApiError(404, `no article ${ctx.params.id}`);
  return a;
}

/** Runs an article operation: NotAllowed → 403, the store's refusals → 400/409. */
async function asStaff<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof NotAllowed) throw new ApiError(403, err.message);
    if (err instanceof DeskStoreError) throw new ApiError(err.code === 'conflict' ? 409 : err.code === 'not-found' ? 404 : 400, err.message);
    throw err;
  }
}

/** Returns the draft a JSON body describes over the article it changes (absent fields keep their value). */
function draftOf(body: Record<string, unknown>, a: DeskArticle | undefined, now: Date): ArticleDraft {
  const url = (field: string): string | null | undefined => {
    const v = body[field];
    if (v === undefined || v === null || v === '') return v === undefined ? undefined : null;
    const ok = httpUrl(String(v));
    if (!ok) throw new ApiError(400, `${field}: an absolute http(s) URL`, field);
    return ok;
  };
  const publishedAt = typeof body.publishedAt === 'string' ? new Date(body.publishedAt) : a ? new Date(a.publishedAt) : now;
  // Date() rolls 30 February over into March: the day as written must exist.
  if (Number.isNaN(publishedAt.getTime()) || (typeof body.publishedAt === 'string' && !parseDay(body.publishedAt.slice(0, 10)))) throw new ApiError(400, 'publishedAt: not a valid instant', 'publishedAt');
  const bodySource = typeof body.body === 'string' ? body.body : (a?.bodySource ?? a?.contentHtml ?? '');
  const contentHtml = typeof body.body === 'string' ? (body.body.trim() ? articleHtmlFromMarkdown(body.body, url('url') ?? a?.url ?? undefined) : null) : (a?.contentHtml ?? null);
  const title = typeof body.title === 'string' ? body.title.trim().replace(/\s+/g, ' ') : a?.title ?? '';
  if (!title) throw new ApiError(400, 'title: must not be empty', 'title');
  const summary = body.summary !== undefined ? ((body.summary as string | null)?.trim() || null) : typeof body.body === 'string' ? (contentHtml ? plainText(contentHtml, 280) : null) : (a?.summary ?? null);
  return {
    title,
    bodySource,
    contentHtml,
    summary,
    imageUrl: url('imageUrl'),
    language: body.language !== undefined ? (body.language as string | null) : (a?.language ?? null),
    categories: Array.isArray(body.categories) ? (body.categories as string[]) : (a?.categories ?? []),
    author: body.author !== undefined ? (body.author as string | null) : (a?.author ?? null),
    publishedAt,
    status: (body.status as ArticleStatus | undefined) ?? a?.status ?? 'draft',
    url: body.url !== undefined ? (url('url') ?? null) : (a?.url ?? null),
    ...(typeof body.sourceId === 'number' ? { sourceId: body.sourceId } : {}),
    ...(body.canonicalHere !== undefined ? { canonicalHere: body.canonicalHere as boolean | null } : {}),
  };
}

const ARTICLE_ROUTES: ApiRoute[] = [
  {
    method: 'GET', url: '/articles', tag: 'articles', role: 'contributor', summary: 'Articles of every status, newest first, filtered; `next` is the cursor of the next page',
    query: {
      type: 'object', additionalProperties: false,
      properties: {
        q: str(500), sourceId: { type: 'integer', minimum: 1 }, categoryId: { type: 'integer', minimum: 1 }, day: str(10, { pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
        status: { enum: [...ARTICLE_STATUSES] }, userId: { type: 'integer', minimum: 1 }, after: str(200), limit: { type: 'integer', minimum: 1, maximum: DESK_PAGE_MAX },
      },
    },
    response: { type: 'object', properties: { articles: { type: 'array', items: articleSchema }, next: { type: ['string', 'null'] }, partial: { type: 'boolean' } } },
    handler: async ({ web, query, user }) => {
      const q = query as { q?: string; sourceId?: number; categoryId?: number; day?: string; status?: ArticleStatus; userId?: number; after?: string; limit?: number };
      // Contributors and authors list their own articles only.
      if (!roleAtLeast(user.role, 'editor')) q.userId = user.id;
      const filter: DeskFilter = { ...(q.q ? { text: q.q } : {}), ...(q.sourceId ? { sourceId: q.sourceId } : {}), ...(q.categoryId ? { categoryId: q.categoryId } : {}), ...(q.day ? { day: q.day } : {}), ...(q.status ? { status: q.status } : {}), ...(q.userId ? { userId: q.userId } : {}) };
      try {
        const list = await findDeskArticles(web.store.db, filter, { limit: q.limit ?? 50, ...(q.after ? { after: q.after } : {}) });
        // partial: the text search read its bound of matches without filling the page; `next` searches on.
        return { body: { articles: list.rows, next: list.next, ...(list.partial ? { partial: true } : {}) } };
      } catch (err) {
        if (err instanceof DeskStoreError && err.code === 'bad-cursor') throw new ApiError(400, 'after: not a cursor of this list', 'after');
        throw err;
      }
    },
  },
  {
    method: 'GET', url: '/articles/:id', tag: 'articles', role: 'contributor', summary: 'One article, any status, with its body',
    params: ID_PARAM, response: articleSchema,
    handler: async (ctx) => ({ body: articleOut(await articleOrThrow(ctx)) }),
  },
  {
    method: 'POST', url: '/articles', tag: 'articles', role: 'contributor', summary: 'Write an article (contributors: drafts only)', ok: 201,
    body: { type: 'object', required: ['title'], additionalProperties: false, properties: articleFields },
    response: articleSchema,
    handler: async (ctx) => {
      const draft = draftOf(ctx.body, undefined, ctx.now);
      const saved = await asStaff(() => saveArticleAs(opsOf(ctx), ctx.user, undefined, draft));
      await ctx.audit('article.create', `article:${saved.id}`, { title: draft.title, status: saved.status });
      return { status: 201, body: articleOut((await findDeskArticle(ctx.web.store.db, saved.id))!) };
    },
  },
  {
    method: 'PATCH', url: '/articles/:id', tag: 'articles', role: 'contributor', summary: 'Change an article (the version it replaces is kept as a revision; a fetch of its feed no longer overwrites it)',
    params: ID_PARAM,
    body: { type: 'object', additionalProperties: false, minProperties: 1, properties: articleFields },
    response: articleSchema,
    handler: async (ctx) => {
      const a = await articleOrThrow(ctx);
      const draft = draftOf(ctx.body, a, ctx.now);
      const saved = await asStaff(() => saveArticleAs(opsOf(ctx), ctx.user, a, draft));
      await ctx.audit('article.update', `article:${a.id}`, { title: draft.title, status: saved.status, ...(a.title !== draft.title ? { from: a.title } : {}), revision: saved.revisionId });
      return { body: articleOut((await findDeskArticle(ctx.web.store.db, a.id))!) };
    },
  },
  {
    method: 'DELETE', url: '/articles/:id', tag: 'articles', role: 'contributor', summary: 'Delete an article (editors: any; authors: their own; contributors: their own drafts)',
    params: ID_PARAM, response: { type: 'object', properties: { deleted: { type: 'integer' } } },
    handler: async (ctx) => {
      const a = await articleOrThrow(ctx);
      await asStaff(() => deleteAs(opsOf(ctx), ctx.user, a));
      await ctx.audit('article.delete', `article:${a.id}`, { title: a.title, source: a.sourceTitle, url: a.url });
      return { body: { deleted: a.id } };
    },
  },
  {
    method: 'POST', url: '/articles/:id/status', tag: 'articles', role: 'author', summary: 'Hide, show again, or unpublish an article',
    params: ID_PARAM,
    body: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { enum: ['hidden', 'published', 'draft'] } } },
    response: articleSchema,
    handler: async (ctx) => {
      const a = await articleOrThrow(ctx);
      const to = ctx.body.status as 'hidden' | 'published' | 'draft';
      const changed = await asStaff(() => changeStatusAs(opsOf(ctx), ctx.user, a, to));
      await ctx.audit(to === 'hidden' ? 'article.hide' : to === 'published' ? 'article.unhide' : 'article.unpublish', `article:${a.id}`, { title: a.title, from: changed?.from, to: changed?.to });
      return { body: articleOut((await findDeskArticle(ctx.web.store.db, a.id))!) };
    },
  },
  {
    method: 'GET', url: '/articles/:id/revisions', tag: 'articles', role: 'contributor', summary: "An article's earlier versions, newest first",
    params: ID_PARAM, response: { type: 'object', properties: { revisions: { type: 'array', items: { type: 'object' } } } },
    handler: async (ctx) => ({ body: { revisions: await findRevisions(ctx.web.store.db, (await articleOrThrow(ctx)).id) } }),
  },
  {
    method: 'POST', url: '/articles/:id/revisions/:rev/restore', tag: 'articles', role: 'contributor', summary: 'Make an earlier version current again (the current one is kept as a revision)',
    params: { type: 'object', required: ['id', 'rev'], properties: { id: { type: 'integer', minimum: 1 }, rev: { type: 'integer', minimum: 1 } } },
    response: articleSchema,
    handler: async (ctx) => {
      const a = await articleOrThrow(ctx);
      const done = await asStaff(() => restoreAs(opsOf(ctx), ctx.user, a, Number(ctx.params.rev)));
      if (!done) throw new ApiError(404, `article ${a.id} has no revision ${ctx.params.rev}`);
      await ctx.audit('article.restore', `article:${a.id}`, { revision: Number(ctx.params.rev), title: done.title, kept: done.saved.revisionId });
      return { body: articleOut((await findDeskArticle(ctx.web.store.db, a.id))!) };
    },
  },
];

const nullable = (schema: JsonSchema) => ({ anyOf: [schema, { type: 'null' }] });
const settingsSchema: JsonSchema = {
  type: 'object',
  properties: {
    siteName: { type: 'string' }, timeZone: { type: 'string' }, languages: { type: 'array', items: { enum: [...LANGS] } },
    social: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, url: { type: 'string' } } } },
    strip: { type: 'object', properties: { days: { type: 'integer' }, includeToday: { type: 'boolean' } } },
    hijri: { type: 'object', properties: { variant: { enum: ['umalqura', 'civil', 'tabular'] }, adjustment: { type: 'integer' }, monthNames: { type: 'object' } } },
    pageSize: { type: 'integer' },
    feedContent: { enum: ['full', 'summary'] },
    description: { type: 'string' }, share: { type: 'array', items: { enum: [...SHARE_NETWORKS] } },
  },
};

const SETTINGS_ROUTES: ApiRoute[] = [
  {
    method: 'GET', url: '/settings', tag: 'settings', role: 'admin', summary: 'The site settings in effect, and the ones set here (over the config file)',
    response: { type: 'object', properties: { settings: settingsSchema, overrides: { type: 'object' } } },
    handler: async ({ web }) => ({ body: { settings: siteSettingsInput(web.config.site), overrides: await findSiteOverrides(web.store.db) } }),
  },
  {
    method: 'PATCH', url: '/settings', tag: 'settings', role: 'admin', summary: "Change settings (the config file's rules; null: back to the file's value); every process applies it without a restart",
    // The values' own rules are the config file's (one message per bad field); the shape is checked here.
    body: {
      type: 'object', additionalProperties: false, minProperties: 1,
      properties: {
        siteName: nullable({ type: 'string' }), timeZone: nullable({ type: 'string' }), languages: nullable({ type: 'array', items: { type: 'string' } }),
        social: nullable({ type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, url: { type: 'string' } } } }),
        strip: nullable({ type: 'object', additionalProperties: false, properties: { days: nullable({ type: 'integer' }), includeToday: nullable({ type: 'boolean' }) } }),
        hijri: nullable({ type: 'object', additionalProperties: false, properties: { variant: nullable({ type: 'string' }), adjustment: nullable({ type: 'integer' }), monthNames: nullable({ type: 'object' }) } }),
        pageSize: nullable({ type: 'integer' }),
        feedContent: nullable({ type: 'string' }),
        description: nullable({ type: 'string' }), share: nullable({ type: 'array', items: { type: 'string' } }),
      },
    },
    response: { type: 'object', properties: { settings: settingsSchema, changes: { type: 'array', items: { type: 'object' } } } },
    handler: async ({ web, body, audit }) => {
      try {
        const result = await web.settings.update(body as SitePatch);
        await audit('settings.update', 'settings', { changes: result.changes, recounted: result.recounted });
        return { body: { settings: siteSettingsInput(result.site), changes: result.changes } };
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        const first = err.problems[0];
        throw new ApiError(400, err.problems.map((p) => `${p.field}: ${p.message}`).join('; '), first?.field);
      }
    },
  },
];

/** Every endpoint of the admin API. */
export const API_ROUTES: ApiRoute[] = [
  ...ARTICLE_ROUTES,
  ...SOURCE_ROUTES,
  ...SETTINGS_ROUTES,
  {
    method: 'GET', url: '/me', tag: 'account', role: 'contributor', summary: "The token's owner and scope",
    response: { type: 'object', properties: { id: { type: 'integer' }, email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } } },
    handler: async ({ user }) => ({ body: { id: user.id, email: user.email, name: user.name, role: user.role } }),
  },
  {
    method: 'GET', url: '/sections', tag: 'sections', role: 'contributor', summary: 'The sections in menu order, and the most used tags',
    query: { type: 'object', additionalProperties: false, properties: { tags: { type: 'integer', minimum: 0, maximum: 1000 } } },
    response: { type: 'object', properties: { sections: { type: 'array', items: categorySchema }, tags: { type: 'array', items: categorySchema } } },
    handler: async ({ web, query }) => ({ body: { sections: await findSections(web.store.db), tags: query.tags ? await findCategories(web.store.db, 'tag', Number(query.tags)) : [] } }),
  },
  {
    method: 'POST', url: '/sections', tag: 'sections', role: 'editor', summary: 'Add a section (or make the tag of that slug one)', ok: 201,
    body: { type: 'object', required: ['slug'], additionalProperties: false, properties: { slug: str(100, { pattern: '^[a-z0-9][a-z0-9-]*$' }), ...names, position: { type: 'integer', minimum: 1, maximum: 1000 } } },
    response: categorySchema,
    handler: async ({ web, body, audit }) => {
      const { slug, position, ...n } = body as { slug: string; position?: number } & Record<string, string>;
      const made = await asCaller('slug', () => addSection(web.store.db, slug, n, position));
      await audit('section.add', `section:${made.slug}`, { slug: made.slug, names: made.names, name: made.name });
      return { status: 201, body: made };
    },
  },
  {
    method: 'PATCH', url: '/sections/:slug', tag: 'sections', role: 'editor', summary: 'Rename a section or tag, change its slug, or move it in the menu',
    params: slugParam,
    body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { slug: str(100, { pattern: '^[a-z0-9][a-z0-9-]*$' }), ...names, position: { type: 'integer', minimum: 1, maximum: 1000 } } },
    response: categorySchema,
    handler: async ({ web, params, body, audit }) => {
      const { position, ...change } = body as { position?: number } & Record<string, string>;
      const renamed = Object.keys(change).length ? await asCaller('slug', () => renameCategory(web.store.db, params.slug!, change)) : true;
      if (!renamed) throw new ApiError(404, `no section or tag ${params.slug}`);
      const slug = change.slug ?? params.slug!;
      if (position !== undefined && !(await moveSection(web.store.db, slug, position))) throw new ApiError(400, `${slug} is a tag: only sections have a place in the menu`, 'position');
      await audit('section.edit', `section:${slug}`, { from: params.slug, ...body });
      const all = [...(await findSections(web.store.db)), ...(await findCategories(web.store.db, 'tag'))];
      return { body: all.find((c) => c.slug === slug) };
    },
  },
  {
    method: 'DELETE', url: '/sections/:slug', tag: 'sections', role: 'editor', summary: 'Remove a section or tag (its articles stay)',
    params: slugParam,
    response: { type: 'object', properties: { removed: { type: 'string' } } },
    handler: async ({ web, params, audit }) => {
      if (!(await removeCategory(web.store.db, params.slug!))) throw new ApiError(404, `no section or tag ${params.slug}`);
      await audit('section.remove', `section:${params.slug}`, {});
      return { body: { removed: params.slug } };
    },
  },
];
