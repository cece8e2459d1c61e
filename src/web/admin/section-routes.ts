/**
 * Editors' pages for the menu: the sections in order with their counts; add, rename (names per
 * language and the slug), move, remove; and the most used tags, any of which becomes a section of
 * its slug. Handlers call the store functions `jarida sections …` calls.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addSection, categoryName, findCategories, findCategoryBySlug, findSections, moveSection, removeCategory, renameCategory, type Category, type SectionNames } from '../../store/categories.js';
import { Urls } from '../urls.js';
import { DeskInputError, inputErrorMessage, text } from './forms.js';
import type { Desk } from './plugin.js';

const EDITOR = { config: { deskRole: 'editor' } } as const;
/** Tags listed under the sections, most used first (`sections list --tags`). */
const TAGS_SHOWN = 100;

const DONE: Record<string, string> = {
  added: 'Section added: it is in the menu of every page.',
  renamed: 'Saved.',
  moved: 'Moved.',
  removed: 'Removed; its articles stay, under their other sections and tags.',
};

/** Registers the routes on the desk's scope. */
export function registerSectionRoutes(app: FastifyInstance, desk: Desk): void {
  const { db } = desk.web.store;

  app.get('/sections', EDITOR, async (req, reply) => sectionsPage(desk, req, reply, { notice: doneOf(req) }));

  // `sections add`: a new section, or the tag of that slug made one (its articles stay filed).
  app.post('/sections', EDITOR, async (req, reply) => {
    const b = req.body;
    const sent = { slug: text(b, 'slug'), name: text(b, 'name'), en: text(b, 'en'), tr: text(b, 'tr'), ar: text(b, 'ar'), position: text(b, 'position') };
    try {
      const position = positionOf(sent.position);
      const names: SectionNames = Object.fromEntries(Object.entries({ name: sent.name, en: sent.en, tr: sent.tr, ar: sent.ar }).filter(([, v]) => v !== ''));
      const tag = await findCategoryBySlug(db, sent.slug, 'tag');
      const made = await addSection(db, sent.slug, names, position);
      await desk.audit(req, 'section.add', `section:${made.slug}`, { slug: made.slug, name: made.name, names: made.names, position: made.position, ...(tag ? { fromTag: tag.count } : {}) });
      return reply.redirect('/admin/sections?done=added', 303);
    } catch (err) {
      const message = inputErrorMessage(err);
      if (message === null) throw err;
      return sectionsPage(desk, req, reply, { error: message, form: sent }, 400);
    }
  });

  app.get('/sections/:slug', EDITOR, async (req, reply) => {
    const c = await categoryOf(req);
    if (!c) return notFound(desk, req, reply);
    return sectionPage(desk, req, reply, c, { notice: doneOf(req) });
  });

  // `sections rename`: only what differs is changed; a new slug moves its pages.
  app.post('/sections/:slug/rename', EDITOR, async (req, reply) => {
    const c = await categoryOf(req);
    if (!c) return notFound(desk, req, reply);
    const b = req.body;
    const sent = { slug: text(b, 'slug'), name: text(b, 'name'), en: text(b, 'en'), tr: text(b, 'tr'), ar: text(b, 'ar') };
    const was = { slug: c.slug, name: c.name, en: c.names.en ?? '', tr: c.names.tr ?? '', ar: c.names.ar ?? '' };
    const change = Object.fromEntries(Object.entries(sent).filter(([k, v]) => was[k as keyof typeof was] !== v)) as SectionNames & { slug?: string };
    if (Object.keys(change).length === 0) return sectionPage(desk, req, reply, c, { notice: 'Nothing changed.' });
    try {
      if (!(await renameCategory(db, c.slug, change))) return notFound(desk, req, reply);
      await desk.audit(req, 'section.rename', `${c.kind}:${change.slug ?? c.slug}`, { kind: c.kind, changed: Object.fromEntries(Object.keys(change).map((k) => [k, { from: was[k as keyof typeof was], to: sent[k as keyof typeof sent] }])) });
      return reply.redirect(`/admin/sections/${encodeURIComponent(change.slug ?? c.slug)}?done=renamed`, 303);
    } catch (err) {
      const message = inputErrorMessage(err);
      if (message === null) throw err;
      return sectionPage(desk, req, reply, c, { error: message, form: sent }, 400);
    }
  });

  // `sections move`: one place up or down, or to a place (1 = first).
  app.post('/sections/:slug/move', EDITOR, async (req, reply) => {
    const c = await categoryOf(req);
    if (!c || c.kind !== 'section') return notFound(desk, req, reply);
    const menu = await findSections(db);
    const from = menu.findIndex((x) => x.id === c.id) + 1;
    const action = text(req.body, 'action');
    try {
      const to = action === 'up' ? Math.max(1, from - 1) : action === 'down' ? Math.min(menu.length, from + 1) : positionOf(text(req.body, 'position'));
      if (to === undefined) throw new DeskInputError('position: give a place in the menu: 1 for first, 2 …');
      const place = Math.min(menu.length, to);
      if (place !== from) {
        await moveSection(db, c.slug, place);
        await desk.audit(req, 'section.move', `section:${c.slug}`, { from, to: place });
      }
      return reply.redirect(action === 'up' || action === 'down' ? '/admin/sections?done=moved' : `/admin/sections/${encodeURIComponent(c.slug)}?done=moved`, 303);
    } catch (err) {
      const message = inputErrorMessage(err);
      if (message === null) throw err;
      return sectionPage(desk, req, reply, c, { error: message }, 400);
    }
  });

  // `sections remove`: its articles stay, under their other sections and tags.
  app.post('/sections/:slug/remove', EDITOR, async (req, reply) => {
    const c = await categoryOf(req);
    if (!c) return notFound(desk, req, reply);
    if (!(await removeCategory(db, c.slug))) return notFound(desk, req, reply);
    await desk.audit(req, 'section.remove', `${c.kind}:${c.slug}`, { kind: c.kind, slug: c.slug, name: c.name, articles: c.count });
    return reply.redirect('/admin/sections?done=removed', 303);
  });

  async function categoryOf(req: FastifyRequest): Promise<Category | undefined> {
    const slug = (req.params as { slug?: string }).slug ?? '';
    return slug.length > 0 && slug.length <= 200 ? findCategoryBySlug(db, slug) : undefined;
  }
}

async function sectionsPage(desk: Desk, req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown>, status = 200): Promise<FastifyReply> {
  const { db } = desk.web.store;
  const [sections, tags] = await Promise.all([findSections(db), findCategories(db, 'tag', TAGS_SHOWN)]);
  return desk.page(req, reply, 'sections', { title: 'Sections', sections: sections.map((c, i) => view(desk, c, i, sections.length)), tags: tags.map((c) => view(desk, c)), languages: desk.web.config.site.languages, form: {}, ...extra }, status);
}

async function sectionPage(desk: Desk, req: FastifyRequest, reply: FastifyReply, c: Category, extra: Record<string, unknown>, status = 200): Promise<FastifyReply> {
  const sections = await findSections(desk.web.store.db);
  const place = sections.findIndex((x) => x.id === c.id) + 1;
  const form = { slug: c.slug, name: c.name, en: c.names.en ?? '', tr: c.names.tr ?? '', ar: c.names.ar ?? '' };
  return desk.page(req, reply, 'section', { title: c.name, section: { ...view(desk, c), place, of: sections.length }, form, ...extra }, status);
}

/** A section or tag as the pages show it: its names, count, public page and desk page. */
function view(desk: Desk, c: Category, index = 0, of = 0) {
  const lang = desk.web.config.site.defaultLanguage;
  const urls = new Urls(lang, lang);
  return {
    slug: c.slug, kind: c.kind, name: categoryName(c, lang), names: c.names, count: c.count, position: c.position,
    first: index === 0, last: index === of - 1,
    href: `/admin/sections/${encodeURIComponent(c.slug)}`,
    publicHref: c.kind === 'section' ? urls.section(c.slug) : urls.tag(c.slug),
  };
}

/** Returns a menu place (1 = first) from a field, undefined when blank; throws DeskInputError otherwise. */
function positionOf(raw: string): number | undefined {
  if (raw === '') return undefined;
  if (!/^[1-9]\d{0,5}$/.test(raw)) throw new DeskInputError(`position: ${JSON.stringify(raw.slice(0, 20))} must be a place in the menu: 1 for first, 2 …`);
  return Number(raw);
}

function doneOf(req: FastifyRequest): string | undefined {
  const done = (req.query as Record<string, string | undefined>).done;
  return done && Object.hasOwn(DONE, done) ? DONE[done] : undefined;
}

function notFound(desk: Desk, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return desk.page(req, reply, 'message', { title: 'Not found', text: 'There is no such section or tag.' }, 404);
}
