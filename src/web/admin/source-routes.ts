/**
 * Editors' pages for sources: the list; a new source through a preview of what it would store; each
 * source's page — edit, pause and resume, Refresh now, rules, category mapping, remove, its fetch
 * history and error log. Handlers call the operations `jarida sources …` calls (ingest/sources.ts,
 * the store); the fetching ones load the pipeline only when they run.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeRules, formatRule } from '../../ingest/process/rules.js';
import { describeRefresh } from '../../ingest/refresh-report.js';
import { addSource, changeRules, describeNextFetch, previewSource, refreshSourceOnce, setSourceEnabled, type NewSourceInput } from '../../ingest/sources.js';
import { formatDuration, MAX_AGE_S, MAX_INTERVAL_S } from '../../model/duration.js';
import type { Source } from '../../model/types.js';
import { httpUrl } from '../../model/url.js';
import { categoryName, findSections, findSourceMapping, mapSource } from '../../store/categories.js';
import { findFetches } from '../../store/fetch-history.js';
import { deleteSource, findSourceById, findSources, updateSource } from '../../store/sources.js';
import { Urls } from '../urls.js';
import { ingestDepsFor } from './ingest-deps.js';
import { checked, DeskInputError, durationField, idParam, inputErrorMessage, languageField, lines, text } from './forms.js';
import type { Desk } from './plugin.js';

const EDITOR = { config: { deskRole: 'editor' } } as const;

/** What the source page's forms show: the source's own values, or what the editor sent back with an error. */
type Forms = Partial<Record<'edit' | 'rules' | 'map', Record<string, unknown>>>;

/** Registers the routes on the desk's scope. */
export function registerSourceRoutes(app: FastifyInstance, desk: Desk): void {
  const { store } = desk.web;
  const db = store.db;

  app.get('/sources', EDITOR, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const removed = q.removed && /^\d{1,15}$/.test(q.removed) ? { id: q.removed, articles: /^\d{1,15}$/.test(q.articles ?? '') ? q.articles : '0' } : null;
    return sourcesPage(desk, req, reply, { removed });
  });

  app.get('/sources/new', EDITOR, async (req, reply) => desk.page(req, reply, 'source-new', { title: 'Add a source', form: {} }));

  // Fetches and parses, stores nothing: the `inspect` output as a table, and the Add button.
  app.post('/sources/preview', EDITOR, async (req, reply) => {
    const form = newSourceForm(req.body);
    try {
      const { found, inspection } = await previewSource(await ingestDepsFor(desk.web, req.log), newSourceInput(req.body), desk.now());
      const preview = {
        found: { ...found, body: undefined, siteHref: httpUrl(found.siteUrl) },
        feedTitle: inspection.feed.title,
        items: inspection.items.map((i) => ({
          title: i.title, publishedAt: i.publishedAt, url: i.url ?? '', href: httpUrl(i.url), author: i.author ?? '',
          summary: excerpt(i.summary ?? '', 240), categories: (i.categories ?? []).join(', '),
        })),
        skipped: inspection.skipped,
      };
      return desk.page(req, reply, 'source-new', { title: 'Add a source', form, preview });
    } catch (err) {
      const message = inputErrorMessage(err);
      if (message === null) throw err;
      return desk.page(req, reply, 'source-new', { title: 'Add a source', form, error: message }, 400);
    }
  });

  app.post('/sources', EDITOR, async (req, reply) => {
    const form = newSourceForm(req.body);
    try {
      const input = newSourceInput(req.body);
      const { id, title, found } = await addSource(await ingestDepsFor(desk.web, req.log), input);
      await desk.audit(req, 'source.add', `source:${id}`, { title, kind: found.kind, url: found.url, language: input.lang ?? found.language, fullText: Boolean(input.fullText), intervalS: input.intervalS ?? null, canonicalHere: Boolean(input.canonicalHere) });
      return reply.redirect(`/admin/sources/${id}?done=added`, 303);
    } catch (err) {
      const message = inputErrorMessage(err);
      if (message === null) throw err;
      return desk.page(req, reply, 'source-new', { title: 'Add a source', form, error: message }, 400);
    }
  });

  app.get('/sources/:id', EDITOR, async (req, reply) => {
    const s = await sourceOf(req);
    if (!s) return notFound(desk, req, reply);
    const q = req.query as Record<string, string | undefined>;
    const filed = /^\d{1,15}$/.test(q.filed ?? '') ? Number(q.filed) : 0;
    const done = q.done === 'mapped' ? `Mapping saved: ${filed} stored article${filed === 1 ? '' : 's'} filed again.` : q.done && Object.hasOwn(DONE, q.done) ? DONE[q.done] : undefined;
    return sourcePage(desk, req, reply, s, { notice: done });
  });

  // What `sources edit` changes; only the fields that differ are written and audited.
  app.post('/sources/:id/edit', EDITOR, async (req, reply) => {
    const s = await sourceOf(req);
    if (!s) return notFound(desk, req, reply);
    const b = req.body;
    const sent = { name: text(b, 'name'), lang: text(b, 'lang'), interval: text(b, 'interval'), fullText: checked(b, 'fullText'), canonicalHere: checked(b, 'canonicalHere') };
    try {
      const language = languageField(b, 'lang') ?? null;
      const intervalS = durationField(b, 'interval', 'interval', MAX_INTERVAL_S);
      const wanted = { title: sent.name, language, intervalS: intervalS ?? s.intervalS, fullText: sent.fullText, canonicalHere: sent.canonicalHere };
      const was = { title: s.title, language: s.language, intervalS: s.intervalS, fullText: s.fullText, canonicalHere: s.canonicalHere };
      const changes = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => was[k as keyof typeof was] !== v));
      if (Object.keys(changes).length === 0) return sourcePage(desk, req, reply, s, { notice: 'Nothing changed.' });
      await updateSource(db, s.id, changes);
      await desk.audit(req, 'source.edit', `source:${s.id}`, { title: s.title, changed: Object.fromEntries(Object.keys(changes).map((k) => [k, { from: was[k as keyof typeof was], to: wanted[k as keyof typeof wanted] }])) });
      return reply.redirect(`/admin/sources/${s.id}?done=saved`, 303);
    } catch (err) {
      const message = inputErrorMessage(err);
      if (message === null) throw err;
      return sourcePage(desk, req, reply, s, { errors: { edit: message }, forms: { edit: sent } }, 400);
    }
  });

  for (const [path, enabled] of [['pause', false], ['resume', true]] as const) {
    app.post(`/sources/:id/${path}`, EDITOR, async (req, reply) => {
      const s = await sourceOf(req);
      if (!s) return notFound(desk, req, reply);
      const done = (await setSourceEnabled(db, s.id, enabled, desk.now()))!;
      await desk.audit(req, `source.${path}`, `source:${s.id}`, { title: s.title, ...(done.released ? { released: done.released } : {}) });
      if (done.heldBy) return sourcePage(desk, req, reply, (await findSourceById(db, s.id)) ?? s, { notice: `Resumed. It is being fetched now by ${done.heldBy.by} (claimed until ${done.heldBy.until}).` });
      return reply.redirect(`/admin/sources/${s.id}?done=${done.released ? 'released' : path === 'pause' ? 'paused' : 'resumed'}`, 303);
    });
  }

  // As `sources refresh`: under a claim of its own, refused while another process fetches the source.
  app.post('/sources/:id/refresh', EDITOR, async (req, reply) => {
    const s = await sourceOf(req);
    if (!s) return notFound(desk, req, reply);
    try {
      const done = await refreshSourceOnce(await ingestDepsFor(desk.web, req.log), s.id);
      const now = (await findSourceById(db, s.id)) ?? s;
      if ('heldBy' in done) {
        await desk.audit(req, 'source.refresh', `source:${s.id}`, { title: s.title, refused: `claimed by ${done.heldBy} until ${done.until}` });
        return sourcePage(desk, req, reply, now, { errors: { refresh: `Not now: source ${s.id} is being fetched by ${done.heldBy} (claimed until ${done.until}). Try again after.` } }, 409);
      }
      const line = describeRefresh(done.result);
      await desk.audit(req, 'source.refresh', `source:${s.id}`, { title: s.title, line });
      return sourcePage(desk, req, reply, now, done.result.status === 'error' ? { errors: { refresh: line } } : { notice: line });
    } catch (err) {
      const message = inputErrorMessage(err);
      if (message === null) throw err;
      return sourcePage(desk, req, reply, s, { errors: { refresh: message } }, 400);
    }
  });

  // The whole set of rules as the form shows it (one rule per line), checked by the CLI's parser.
  app.post('/sources/:id/rules', EDITOR, async (req, reply) => {
    const s = await sourceOf(req);
    if (!s) return notFound(desk, req, reply);
    const b = req.body;
    const sent = { keep: text(b, 'keep'), block: text(b, 'block'), maxAge: text(b, 'maxAge'), republish: text(b, 'republish') };
    try {
      const maxAgeS = durationField(b, 'maxAge', 'max age', MAX_AGE_S) ?? false;
      if (sent.republish !== 'summary' && sent.republish !== 'full') throw new DeskInputError('republish: summary or full');
      const changed = await changeRules(db, s.id, { clear: true, keep: lines(b, 'keep'), block: lines(b, 'block'), maxAgeS, republish: sent.republish });
      if (!changed) return notFound(desk, req, reply);
      await desk.audit(req, 'source.rules', `source:${s.id}`, { title: s.title, from: describeRules(changed.before), to: describeRules(changed.source.rules) });
      return reply.redirect(`/admin/sources/${s.id}?done=rules#rules`, 303);
    } catch (err) {
      const message = inputErrorMessage(err);
      if (message === null) throw err;
      return sourcePage(desk, req, reply, s, { errors: { rules: message }, forms: { rules: sent } }, 400);
    }
  });

  // As `sources map`: words onto a section, a word unmapped, the default section; stored articles filed again.
  app.post('/sources/:id/map', EDITOR, async (req, reply) => {
    const s = await sourceOf(req);
    if (!s) return notFound(desk, req, reply);
    const b = req.body;
    const action = text(b, 'action');
    const sent = { words: text(b, 'words'), section: text(b, 'section') };
    try {
      let change: Parameters<typeof mapSource>[2];
      let detail: Record<string, unknown>;
      if (action === 'map') {
        const words = lines(b, 'words');
        if (words.length === 0) throw new DeskInputError('words: give one or more of the source\'s words, one per line');
        if (!sent.section) throw new DeskInputError('section: choose the section those words go to');
        change = { words: words.map((w) => [w, sent.section] as [string, string]) };
        detail = { words, section: sent.section };
      } else if (action === 'unmap') {
        change = { words: [[text(b, 'word'), null]] };
        detail = { unmapped: text(b, 'word') };
      } else if (action === 'default') {
        const section = text(b, 'defaultSection') || null;
        change = { defaultSection: section };
        detail = { defaultSection: { from: (await findSourceMapping(db, s.id)).defaultSection, to: section } };
      } else {
        throw new DeskInputError(`action: unknown (${action.slice(0, 30)})`);
      }
      const moved = await mapSource(db, s.id, change);
      await desk.audit(req, 'source.map', `source:${s.id}`, { title: s.title, ...detail, filedAgain: moved });
      return reply.redirect(`/admin/sources/${s.id}?done=mapped&filed=${moved}#mapping`, 303);
    } catch (err) {
      const message = inputErrorMessage(err);
      if (message === null) throw err;
      return sourcePage(desk, req, reply, s, { errors: { map: message }, forms: { map: sent } }, 400);
    }
  });

  app.post('/sources/:id/remove', EDITOR, async (req, reply) => {
    const s = await sourceOf(req);
    if (!s) return notFound(desk, req, reply);
    const gone = await deleteSource(db, s.id);
    if (gone === null) return notFound(desk, req, reply);
    await desk.audit(req, 'source.remove', `source:${s.id}`, { title: s.title, kind: s.kind, url: s.url, articles: gone });
    return reply.redirect(`/admin/sources?removed=${s.id}&articles=${gone}`, 303);
  });

  async function sourceOf(req: FastifyRequest): Promise<Source | undefined> {
    const id = idParam(req.params);
    return id === undefined ? undefined : findSourceById(db, id);
  }
}

/** What a redirect after a change says on the source page (`?done=`). */
const DONE: Record<string, string> = {
  added: 'Added. It is due at once: Refresh now fetches it here and shows what it stored.',
  saved: 'Saved.',
  paused: 'Paused: it is not fetched until resumed; its articles stay.',
  resumed: 'Resumed: it is due at once.',
  released: 'Resumed: it is due at once. The claim of a process that is no longer running was released.',
  rules: 'Rules saved: they apply from the next fetch.',
};

/** Renders the list of sources, with what an action on the list has to say (a removal, an OPML import or its error). */
export async function sourcesPage(desk: Desk, req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown>, status = 200): Promise<FastifyReply> {
  const now = desk.now();
  const sources = (await findSources(desk.web.store.db)).map((s) => sourceView(desk, s, now));
  return desk.page(req, reply, 'sources', { title: 'Sources', sources, errors: {}, ...extra }, status);
}

/** Renders a source's page: its state, its forms (with what was sent back on an error), its fetch history and error log. */
async function sourcePage(desk: Desk, req: FastifyRequest, reply: FastifyReply, s: Source, extra: { notice?: string; errors?: Record<string, string>; forms?: Forms }, status = 200): Promise<FastifyReply> {
  const { db } = desk.web.store;
  const lang = desk.web.config.site.defaultLanguage;
  const [sections, mapping, fetches] = await Promise.all([findSections(db), findSourceMapping(db, s.id), findFetches(db, s.id)]);
  const forms: Forms = {
    edit: { name: s.title, lang: s.language ?? '', interval: s.intervalS === null ? '' : formatDuration(s.intervalS), fullText: s.fullText, canonicalHere: s.canonicalHere },
    rules: { keep: s.rules.keep.map(formatRule).join('\n'), block: s.rules.block.map(formatRule).join('\n'), maxAge: s.rules.maxAgeDays === null ? '' : formatDuration(s.rules.maxAgeDays * 86_400), republish: s.rules.republish },
    map: { words: '', section: '' },
    ...extra.forms,
  };
  const history = fetches.map((f) => ({ ...f, seconds: (f.durationMs / 1000).toFixed(2) }));
  return desk.page(req, reply, 'source', {
    title: s.title,
    source: { ...sourceView(desk, s, desk.now()), rulesLine: describeRules(s.rules), fetchable: s.kind !== 'manual' && Boolean(s.url) },
    forms,
    sections: sections.map((c) => ({ slug: c.slug, name: categoryName(c, lang) })),
    mapping: { words: mapping.words, defaultSection: mapping.defaultSection ?? '' },
    history,
    errorLog: history.filter((f) => f.outcome === 'error'),
    notice: extra.notice,
    errors: extra.errors ?? {},
  }, status);
}

/** A source as the list and its page show it: links only to http(s) addresses. */
function sourceView(desk: Desk, s: Source, now: Date) {
  const lang = desk.web.config.site.defaultLanguage;
  return {
    id: s.id, title: s.title, kind: s.kind, url: s.url ?? '', href: httpUrl(s.url), siteHref: httpUrl(s.siteUrl), siteUrl: s.siteUrl ?? '',
    language: s.language ?? '', enabled: s.enabled, fullText: s.fullText, canonicalHere: s.canonicalHere,
    lastFetchedAt: s.lastFetchedAt ?? '', lastStatus: s.lastStatus ?? '', lastSuccessAt: s.lastSuccessAt ?? '',
    nextFetch: s.enabled ? describeNextFetch(s, now) : 'paused', interval: formatDuration(s.intervalS),
    errorCount: s.errorCount, lastError: s.lastError ?? '', published: s.publishedCount, publicHref: new Urls(lang, lang).source(s.slug),
  };
}

/** The new-source form's fields as sent, to show again. */
function newSourceForm(body: unknown) {
  return { url: text(body, 'url'), name: text(body, 'name'), lang: text(body, 'lang'), interval: text(body, 'interval'), fullText: checked(body, 'fullText'), page: checked(body, 'page'), canonicalHere: checked(body, 'canonicalHere') };
}

/** The new-source form as `sources add` takes it; throws DeskInputError naming a bad field. */
function newSourceInput(body: unknown): NewSourceInput {
  const url = text(body, 'url');
  if (!url) throw new DeskInputError('URL: give the address of a feed, of a site that links one, or of an article page');
  return {
    url,
    name: text(body, 'name') || undefined,
    lang: languageField(body, 'lang'),
    intervalS: durationField(body, 'interval', 'interval', MAX_INTERVAL_S),
    fullText: checked(body, 'fullText'),
    page: checked(body, 'page'),
    canonicalHere: checked(body, 'canonicalHere'),
  };
}

function notFound(desk: Desk, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return desk.page(req, reply, 'message', { title: 'Not found', text: 'There is no such source.' }, 404);
}

function excerpt(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}
