/**
 * The admin API's sources (editors): list, one with its rules, mapping and fetch history, preview,
 * add, edit, pause and resume, rules, mapping, refresh now, remove, and the OPML file both ways. Each
 * handler calls the operations the desk's source pages and `jarida sources …` call, and audits under
 * the desk's action names.
 */
import { describeOpmlImport, exportOpml, importOpml } from '../../../ingest/opml/subscriptions.js';
import { describeRules, formatRule, parseRule, RuleError } from '../../../ingest/process/rules.js';
import { describeRefresh } from '../../../ingest/refresh-report.js';
import { addSource, changeRules, describeNextFetch, previewSource, refreshSourceOnce, setSourceEnabled, type NewSourceInput } from '../../../ingest/sources.js';
import { checkDuration, formatDuration, MAX_AGE_S, MAX_INTERVAL_S } from '../../../model/duration.js';
import type { SourceRules } from '../../../model/rules.js';
import { isLanguageTag, LANGS, type Source } from '../../../model/types.js';
import { findSections, findSourceMapping, mapSource, wordSlug } from '../../../store/categories.js';
import { FETCHES_KEPT, findFetches } from '../../../store/fetch-history.js';
import { deleteSource, findSourceById, findSources, updateSource } from '../../../store/sources.js';
import { ingestDepsFor } from '../ingest-deps.js';
import { ApiError, asCaller, ID_PARAM, str, type ApiContext, type ApiRoute, type JsonSchema } from './route.js';

const nullableStr = (max: number, description?: string): JsonSchema => ({ type: ['string', 'null'], maxLength: max, ...(description ? { description } : {}) });
const INTERVAL = 'a duration with its unit, as `sources add --interval` takes it: 90s, 15m, 2h, 7d (1s to 30d); adapted to how often the source posts';

const rulesSchema: JsonSchema = {
  type: 'object',
  properties: {
    keep: { type: 'array', items: { type: 'string' }, description: 'rules as the CLI writes them (field:text, field:/regex/flags); when any, an item must match one' },
    block: { type: 'array', items: { type: 'string' } },
    maxAge: { type: ['string', 'null'], description: 'items older than this are dropped (7d)' },
    republish: { enum: ['summary', 'full'] },
  },
};
const sourceSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, kind: { enum: ['feed', 'page', 'manual'] }, title: { type: 'string' }, url: { type: ['string', 'null'] }, siteUrl: { type: ['string', 'null'] },
    language: { type: ['string', 'null'] }, enabled: { type: 'boolean' }, fullText: { type: 'boolean' }, canonicalHere: { type: 'boolean' },
    interval: { type: ['string', 'null'], description: 'the current fetch interval (15m)' }, rules: rulesSchema, rulesLine: { type: 'string' },
    nextFetch: { type: 'string', description: 'an instant, `now`, `paused`, or who is fetching it now and until when' },
    nextFetchAt: { type: ['string', 'null'] }, lastFetchedAt: { type: ['string', 'null'] }, lastStatus: { type: ['integer', 'null'] }, lastSuccessAt: { type: ['string', 'null'] },
    errorCount: { type: 'integer' }, lastError: { type: ['string', 'null'] }, claimedBy: { type: ['string', 'null'] }, claimedUntil: { type: ['string', 'null'] },
    publishedCount: { type: 'integer' }, slug: { type: 'string' }, createdAt: { type: 'string' },
  },
};
const mappingSchema: JsonSchema = {
  type: 'object',
  properties: { words: { type: 'array', items: { type: 'object', properties: { word: { type: 'string' }, section: { type: 'string' } } } }, defaultSection: { type: ['string', 'null'] } },
};
const fetchSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, at: { type: 'string' }, outcome: { enum: ['ok', 'not-modified', 'error'] }, httpStatus: { type: ['integer', 'null'] }, items: { type: 'integer' },
    created: { type: 'integer' }, updated: { type: 'integer' }, skipped: { type: 'integer' }, durationMs: { type: 'integer' }, error: { type: ['string', 'null'] },
  },
};
const detailSchema: JsonSchema = {
  ...sourceSchema,
  properties: { ...(sourceSchema.properties as object), mapping: mappingSchema, fetches: { type: 'array', items: fetchSchema, description: `the last ${FETCHES_KEPT} fetches, newest first` } },
};
const newSourceBody: JsonSchema = {
  type: 'object', required: ['url'], additionalProperties: false,
  properties: {
    url: str(4000, { minLength: 1, description: 'a feed (RSS, Atom, RDF, JSON Feed), a site whose home page links its feed, or an article page (http or https)' }),
    name: str(500, { minLength: 1, description: "default: the feed's title" }),
    language: str(35, { description: `a language code such as ${LANGS.join(', ')}; default: the feed's` }),
    interval: str(20, { description: INTERVAL }),
    fullText: { type: 'boolean', description: 'fetch every article page for its main content' },
    page: { type: 'boolean', description: 'take the URL as a single article page even if it links feeds' },
    canonicalHere: { type: 'boolean', description: 'the copy here is canonical (the source says so)' },
  },
};

/** A source as the API shows it: its rules written as the CLI and the rules endpoint take them. */
function sourceOut(s: Source, now: Date) {
  return {
    id: s.id, kind: s.kind, title: s.title, url: s.url, siteUrl: s.siteUrl, language: s.language, enabled: s.enabled, fullText: s.fullText, canonicalHere: s.canonicalHere,
    interval: s.intervalS === null ? null : formatDuration(s.intervalS), rules: rulesOut(s.rules), rulesLine: describeRules(s.rules),
    nextFetch: s.enabled ? describeNextFetch(s, now) : 'paused', nextFetchAt: s.nextFetchAt, lastFetchedAt: s.lastFetchedAt, lastStatus: s.lastStatus, lastSuccessAt: s.lastSuccessAt,
    errorCount: s.errorCount, lastError: s.lastError, claimedBy: s.claimedBy, claimedUntil: s.claimedUntil, publishedCount: s.publishedCount, slug: s.slug, createdAt: s.createdAt,
  };
}

function rulesOut(r: SourceRules) {
  return { keep: r.keep.map(formatRule), block: r.block.map(formatRule), maxAge: r.maxAgeDays === null ? null : formatDuration(r.maxAgeDays * 86_400), republish: r.republish };
}

/** Returns a source with its mapping and its last fetches (GET /sources/:id, and what each write answers). */
async function detailOf(ctx: ApiContext, id: number) {
  const { db } = ctx.web.store;
  const s = await findSourceById(db, id);
  if (!s) throw new ApiError(404, `no source ${id}`);
  const [mapping, fetches] = await Promise.all([findSourceMapping(db, id), findFetches(db, id)]);
  return { ...sourceOut(s, ctx.now), mapping, fetches: fetches.map(({ sourceId: _, ...f }) => f) };
}

async function sourceOrThrow(ctx: ApiContext): Promise<Source> {
  const s = await findSourceById(ctx.web.store.db, Number(ctx.params.id));
  if (!s) throw new ApiError(404, `no source ${ctx.params.id}`);
  return s;
}

/** Returns the seconds of a duration field; throws a 400 naming it, in the desk's words. */
function seconds(value: string, field: string, maxS: number): number {
  const d = checkDuration(value, maxS);
  if ('problem' in d) throw new ApiError(400, `${field}: ${JSON.stringify(value.slice(0, 40))} ${d.problem}`, field);
  return d.seconds;
}

/** Returns a language field (null when empty); throws a 400 when it is not a language code. */
function language(value: string | null): string | null {
  const v = value?.trim() ?? '';
  if (!v) return null;
  if (!isLanguageTag(v)) throw new ApiError(400, `language: ${JSON.stringify(v.slice(0, 40))} must be a language code such as ${LANGS.join(', ')}`, 'language');
  return v;
}

function newSourceInput(body: Record<string, unknown>): NewSourceInput {
  const b = body as { url: string; name?: string; language?: string; interval?: string; fullText?: boolean; page?: boolean; canonicalHere?: boolean };
  return {
    url: b.url.trim(),
    name: b.name?.trim() || undefined,
    lang: (b.language !== undefined ? language(b.language) : null) ?? undefined,
    intervalS: b.interval !== undefined ? seconds(b.interval, 'interval', MAX_INTERVAL_S) : undefined,
    fullText: b.fullText ?? false,
    page: b.page ?? false,
    canonicalHere: b.canonicalHere ?? false,
  };
}

const SOURCE_LIST_ROUTES: ApiRoute[] = [
  {
    method: 'GET', url: '/sources', tag: 'sources', role: 'editor', summary: 'Every source with its fetch state, oldest first',
    response: { type: 'object', properties: { sources: { type: 'array', items: sourceSchema } } },
    handler: async (ctx) => ({ body: { sources: (await findSources(ctx.web.store.db)).map((s) => sourceOut(s, ctx.now)) } }),
  },
  {
    method: 'GET', url: '/sources/:id', tag: 'sources', role: 'editor', summary: `One source with its rules, its category mapping and its last ${FETCHES_KEPT} fetches`,
    params: ID_PARAM, response: detailSchema,
    handler: async (ctx) => ({ body: await detailOf(ctx, Number(ctx.params.id)) }),
  },
  {
    method: 'POST', url: '/sources/preview', tag: 'sources', role: 'editor', summary: 'Find the source at a URL and show what it would store now; stores nothing',
    body: newSourceBody,
    response: {
      type: 'object',
      properties: {
        found: { type: 'object', properties: { kind: { enum: ['feed', 'page'] }, url: { type: 'string' }, title: { type: ['string', 'null'] }, siteUrl: { type: ['string', 'null'] }, language: { type: ['string', 'null'] }, items: { type: 'integer' } } },
        feedTitle: { type: ['string', 'null'] },
        items: { type: 'array', items: { type: 'object', properties: { title: { type: 'string' }, publishedAt: { type: 'string' }, url: { type: ['string', 'null'] }, author: { type: ['string', 'null'] }, summary: { type: ['string', 'null'] }, categories: { type: 'array', items: { type: 'string' } } } } },
        skipped: { type: 'array', items: { type: 'object', properties: { guid: { type: 'string' }, reason: { type: 'string' } } } },
      },
    },
    refusals: { '409': 'The URL is a source already' },
    handler: async (ctx) => {
      const input = newSourceInput(ctx.body);
      const { found, inspection } = await asCaller('url', async () => previewSource(await ingestDepsFor(ctx.web, ctx.log), input, ctx.now));
      return {
        body: {
          found: { kind: found.kind, url: found.url, title: found.title, siteUrl: found.siteUrl, language: found.language, items: found.items },
          feedTitle: inspection.feed.title ?? null,
          items: inspection.items.map((i) => ({ title: i.title, publishedAt: i.publishedAt, url: i.url ?? null, author: i.author ?? null, summary: i.summary ?? null, categories: i.categories ?? [] })),
          skipped: inspection.skipped,
        },
      };
    },
  },
  {
    method: 'POST', url: '/sources', tag: 'sources', role: 'editor', summary: 'Add the source at a URL, as previewed (due at once)', ok: 201,
    body: newSourceBody, response: detailSchema,
    refusals: { '409': 'The URL is a source already' },
    handler: async (ctx) => {
      const input = newSourceInput(ctx.body);
      const { id, title, found } = await asCaller('url', async () => addSource(await ingestDepsFor(ctx.web, ctx.log), input));
      await ctx.audit('source.add', `source:${id}`, { title, kind: found.kind, url: found.url, language: input.lang ?? found.language, fullText: Boolean(input.fullText), intervalS: input.intervalS ?? null, canonicalHere: Boolean(input.canonicalHere) });
      return { status: 201, body: await detailOf(ctx, id) };
    },
  },
];

const SOURCE_EDIT_ROUTES: ApiRoute[] = [
  {
    method: 'PATCH', url: '/sources/:id', tag: 'sources', role: 'editor', summary: 'Change what `sources add` set, or pause (enabled: false) and resume it (due at once); absent fields stay',
    params: ID_PARAM,
    body: {
      type: 'object', additionalProperties: false, minProperties: 1,
      properties: {
        name: str(500, { minLength: 1 }), language: nullableStr(35, 'a language code; null or empty: none'), interval: str(20, { description: INTERVAL }),
        fullText: { type: 'boolean' }, canonicalHere: { type: 'boolean' }, enabled: { type: 'boolean' },
      },
    },
    response: detailSchema,
    refusals: { '409': 'Another manual source has that name' },
    handler: async (ctx) => {
      const s = await sourceOrThrow(ctx);
      const b = ctx.body as { name?: string; language?: string | null; interval?: string; fullText?: boolean; canonicalHere?: boolean; enabled?: boolean };
      const was = { title: s.title, language: s.language, intervalS: s.intervalS, fullText: s.fullText, canonicalHere: s.canonicalHere };
      const wanted: Partial<typeof was> = {
        ...(b.name !== undefined ? { title: b.name.trim() } : {}),
        ...(b.language !== undefined ? { language: language(b.language) } : {}),
        ...(b.interval !== undefined ? { intervalS: seconds(b.interval, 'interval', MAX_INTERVAL_S) } : {}),
        ...(b.fullText !== undefined ? { fullText: b.fullText } : {}),
        ...(b.canonicalHere !== undefined ? { canonicalHere: b.canonicalHere } : {}),
      };
      const changed = Object.keys(wanted).filter((k) => was[k as keyof typeof was] !== wanted[k as keyof typeof was]) as (keyof typeof was)[];
      if (changed.length) {
        await asCaller('name', () => updateSource(ctx.web.store.db, s.id, Object.fromEntries(changed.map((k) => [k, wanted[k]]))));
        await ctx.audit('source.edit', `source:${s.id}`, { title: s.title, changed: Object.fromEntries(changed.map((k) => [k, { from: was[k], to: wanted[k] }])) });
      }
      if (b.enabled !== undefined && b.enabled !== s.enabled) {
        const done = (await setSourceEnabled(ctx.web.store.db, s.id, b.enabled, ctx.now))!;
        await ctx.audit(b.enabled ? 'source.resume' : 'source.pause', `source:${s.id}`, { title: s.title, ...(done.released ? { released: done.released } : {}) });
      }
      return { body: await detailOf(ctx, s.id) };
    },
  },
  {
    method: 'PUT', url: '/sources/:id/rules', tag: 'sources', role: 'editor', summary: "Replace a source's rules (an absent field: none, or republish full); every rule is checked before any is stored; they apply from the next fetch",
    params: ID_PARAM,
    body: {
      type: 'object', additionalProperties: false,
      properties: {
        keep: { type: 'array', maxItems: 200, items: str(1000, { minLength: 1 }), description: 'rules as `sources rules --keep` takes them: text, field:text, field:/regex/flags (fields: title, content, url, author, category, any)' },
        block: { type: 'array', maxItems: 200, items: str(1000, { minLength: 1 }) },
        maxAge: nullableStr(20, 'items older than this are dropped: 7d, 365d; null: no limit'),
        republish: { enum: ['summary', 'full'] },
      },
    },
    response: detailSchema,
    handler: async (ctx) => {
      const s = await sourceOrThrow(ctx);
      const b = ctx.body as { keep?: string[]; block?: string[]; maxAge?: string | null; republish?: SourceRules['republish'] };
      const keep = (b.keep ?? []).map((r) => r.trim());
      const block = (b.block ?? []).map((r) => r.trim());
      // The parser's own words, and which rule it was.
      for (const [list, rules] of [['keep', keep], ['block', block]] as const) {
        rules.forEach((r, i) => {
          try {
            parseRule(r);
          } catch (err) {
            if (err instanceof RuleError) throw new ApiError(400, err.message, `${list}.${i}`);
            throw err;
          }
        });
      }
      const maxAgeS = b.maxAge === undefined || b.maxAge === null || !b.maxAge.trim() ? false : seconds(b.maxAge, 'maxAge', MAX_AGE_S);
      const changed = await changeRules(ctx.web.store.db, s.id, { clear: true, keep, block, maxAgeS, republish: b.republish ?? 'full' });
      if (!changed) throw new ApiError(404, `no source ${s.id}`);
      await ctx.audit('source.rules', `source:${s.id}`, { title: s.title, from: describeRules(changed.before), to: describeRules(changed.source.rules) });
      return { body: await detailOf(ctx, s.id) };
    },
  },
  {
    method: 'PUT', url: '/sources/:id/mapping', tag: 'sources', role: 'editor', summary: "Replace a source's category mapping (its words onto sections; the default section of the rest, null: none); its stored articles are filed again",
    params: ID_PARAM,
    body: {
      type: 'object', additionalProperties: false,
      properties: {
        words: { type: 'array', maxItems: 500, items: { type: 'object', required: ['word', 'section'], additionalProperties: false, properties: { word: str(200, { minLength: 1 }), section: str(100, { minLength: 1, description: 'a section slug' }) } } },
        defaultSection: nullableStr(100, 'a section slug; null: none'),
      },
    },
    response: { ...detailSchema, properties: { ...(detailSchema.properties as object), filedAgain: { type: 'integer', description: 'stored articles whose sections changed' } } },
    handler: async (ctx) => {
      const s = await sourceOrThrow(ctx);
      const { db } = ctx.web.store;
      const b = ctx.body as { words?: { word: string; section: string }[]; defaultSection?: string | null };
      const sections = new Set((await findSections(db)).map((c) => c.slug));
      const words = b.words ?? [];
      words.forEach((w, i) => {
        if (!wordSlug(w.word)) throw new ApiError(400, `words.${i}.word: ${JSON.stringify(w.word.slice(0, 40))} has no letter or digit`, `words.${i}.word`);
        if (!sections.has(w.section)) throw new ApiError(400, `words.${i}.section: no section ${w.section} (GET /sections lists them)`, `words.${i}.section`);
      });
      const defaultSection = b.defaultSection?.trim() || null;
      if (defaultSection !== null && !sections.has(defaultSection)) throw new ApiError(400, `defaultSection: no section ${defaultSection} (GET /sections lists them)`, 'defaultSection');
      const before = await findSourceMapping(db, s.id);
      // The whole mapping in one change: every word it had unmapped first, then the new ones.
      const filedAgain = await mapSource(db, s.id, { words: [...before.words.map((w) => [w.word, null] as [string, null]), ...words.map((w) => [w.word, w.section] as [string, string])], defaultSection });
      const after = await findSourceMapping(db, s.id);
      await ctx.audit('source.map', `source:${s.id}`, { title: s.title, from: before, to: after, filedAgain });
      return { body: { ...(await detailOf(ctx, s.id)), filedAgain } };
    },
  },
  {
    method: 'POST', url: '/sources/:id/refresh', tag: 'sources', role: 'editor', summary: 'Fetch the source now, as a round of `ingest` would, under a claim of its own; `line` is what `sources refresh` prints (a failed fetch is `status: error`, recorded like any other)',
    params: ID_PARAM,
    response: { type: 'object', properties: { line: { type: 'string' }, result: { type: 'object' }, source: detailSchema } },
    refusals: { '409': 'Another process is fetching it now: `heldBy` and `until` say who and until when at most' },
    handler: async (ctx) => {
      const s = await sourceOrThrow(ctx);
      const done = await asCaller(undefined, async () => refreshSourceOnce(await ingestDepsFor(ctx.web, ctx.log), s.id));
      if ('heldBy' in done) {
        await ctx.audit('source.refresh', `source:${s.id}`, { title: s.title, refused: `claimed by ${done.heldBy} until ${done.until}` });
        throw new ApiError(409, `source ${s.id} is being fetched by ${done.heldBy} (claimed until ${done.until}); try again after`, undefined, { heldBy: done.heldBy, until: done.until });
      }
      const line = describeRefresh(done.result);
      await ctx.audit('source.refresh', `source:${s.id}`, { title: s.title, line });
      return { body: { line, result: done.result, source: await detailOf(ctx, s.id) } };
    },
  },
  {
    method: 'DELETE', url: '/sources/:id', tag: 'sources', role: 'editor', summary: 'Remove a source and all its articles (the day counts follow)',
    params: ID_PARAM, response: { type: 'object', properties: { removed: { type: 'integer' }, articles: { type: 'integer' } } },
    handler: async (ctx) => {
      const s = await sourceOrThrow(ctx);
      const gone = await deleteSource(ctx.web.store.db, s.id);
      if (gone === null) throw new ApiError(404, `no source ${s.id}`);
      await ctx.audit('source.remove', `source:${s.id}`, { title: s.title, kind: s.kind, url: s.url, articles: gone });
      return { body: { removed: s.id, articles: gone } };
    },
  },
];

const OPML_ROUTES: ApiRoute[] = [
  {
    method: 'GET', url: '/sources.opml', tag: 'sources', role: 'editor', summary: 'The feed sources as OPML 2.0, the file `jarida sources export` writes (a source\'s default section is its folder)',
    type: 'text/x-opml', response: { type: 'string' },
    handler: async (ctx) => {
      const { site } = ctx.web.config;
      const { xml, feeds } = await exportOpml(ctx.web.store.db, { title: `${site.siteName} sources`, lang: site.defaultLanguage }, ctx.now);
      await ctx.audit('source.export', 'sources', { feeds });
      return { headers: { 'content-type': 'text/x-opml; charset=utf-8', 'content-disposition': `attachment; filename="sources-${ctx.now.toISOString().slice(0, 10)}.opml"` }, body: xml };
    },
  },
  {
    method: 'POST', url: '/sources/import', tag: 'sources', role: 'editor', summary: 'Add every feed of an OPML file that is not a source yet, as `jarida sources import` does (no fetch now; each folder becomes their default section); `summary` is what it prints',
    body: { type: 'object', required: ['opml'], additionalProperties: false, properties: { opml: str(1_000_000, { minLength: 1, description: 'the OPML document as text' }) } },
    response: {
      type: 'object',
      properties: {
        feeds: { type: 'integer' },
        added: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' }, url: { type: 'string' }, section: { type: ['string', 'null'] } } } },
        skipped: { type: 'array', items: { type: 'object', properties: { url: { type: 'string' }, reason: { type: 'string' } } } },
        folders: { type: 'array', items: { type: 'object', properties: { folder: { type: 'string' }, section: { type: ['string', 'null'] }, sources: { type: 'integer' }, problem: { type: 'string' } } } },
        summary: { type: 'string' },
      },
    },
    handler: async (ctx) => {
      const done = await asCaller('opml', () => importOpml(ctx.web.store.db, ctx.body.opml as string));
      const summary = describeOpmlImport(done);
      await ctx.audit('source.import', 'sources', { feeds: done.feeds, added: done.added.length, skipped: done.skipped.length, sections: done.folders.filter((f) => f.section).map((f) => f.section), summary });
      return { body: { ...done, summary } };
    },
  },
];

/** The sources' endpoints, in the order the description lists them. */
export const SOURCE_ROUTES: ApiRoute[] = [...SOURCE_LIST_ROUTES, ...OPML_ROUTES, ...SOURCE_EDIT_ROUTES];
