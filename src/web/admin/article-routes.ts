/**
 * The desk's articles: the list with its filters, the editor (write, edit, schedule, preview, image
 * upload), hide/unhide and delete, and revisions side by side with restore. Who may do what is
 * model/staff.ts; what is stored is the store's (desk-articles.ts, desk-list.ts, article-revisions.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { localParts, parseDay } from '../../calendar/zone.js';
import { storeUploadedImage, UploadError } from '../../media/upload.js';
import { mayEditArticle, mayPublishArticle, maySeeArticle, roleAtLeast } from '../../model/staff.js';
import { ARTICLE_STATUSES, LANGS, type ArticleStatus } from '../../model/types.js';
import { findRevision, findRevisions } from '../../store/article-revisions.js';
import { findCategoriesOfArticle, findSections } from '../../store/categories.js';
import { DeskStoreError, findDeskArticle, type DeskArticle } from '../../store/desk-articles.js';
import { changeStatusAs, checkSaveAllowed, deleteAs, mayChangeStatus, mayDelete, NotAllowed, restoreAs, saveArticleAs } from './article-ops.js';
import { DESK_PAGE_MAX, findDeskArticles, type DeskFilter } from '../../store/desk-list.js';
import { findSources } from '../../store/sources.js';
import { findUsers } from '../../store/users.js';
import { Urls } from '../urls.js';
import { FormError, formValuesOf, readArticleForm, requestedStatus, type ArticleForm, type ArticleFormValues } from './article-form.js';
import type { Desk } from './plugin.js';
import { field, idParam } from './forms.js';

const PAGE = 50;

/** Registers the routes on the desk's scope. */
export function registerArticleRoutes(app: FastifyInstance, desk: Desk): void {
  const { store } = desk.web;
  const site = () => desk.web.config.site;

  app.get('/articles', async (req, reply) => listPage(desk, req, reply));
  app.get('/articles/new', async (req, reply) => editorPage(desk, req, reply, undefined));
  app.post('/articles', async (req, reply) => save(desk, req, reply, undefined));

  app.get('/articles/:id', async (req, reply) => {
    const a = await articleOf(desk, req);
    if (!a) return notFound(desk, req, reply);
    return editorPage(desk, req, reply, a);
  });
  app.post('/articles/:id', async (req, reply) => {
    const a = await articleOf(desk, req);
    if (!a) return notFound(desk, req, reply);
    return save(desk, req, reply, a);
  });

  // Hide, show again, delete: editors any article, authors their own.
  app.post('/articles/:id/status', async (req, reply) => {
    const a = await articleOf(desk, req);
    if (!a) return notFound(desk, req, reply);
    const to = field(req.body, 'status');
    if (to !== 'hidden' && to !== 'published' && to !== 'draft') return desk.page(req, reply, 'message', { title: 'Bad request', text: 'status: hidden, published or draft' }, 400);
    const changed = await allowed(desk, req, reply, () => changeStatusAs(opsOf(desk), req.staff!.user, a, to));
    if (changed === refused) return reply;
    await desk.audit(req, to === 'hidden' ? 'article.hide' : to === 'published' ? 'article.unhide' : 'article.unpublish', `article:${a.id}`, { title: a.title, from: changed?.from, to: changed?.to });
    return reply.redirect(`/admin/articles/${a.id}?done=${to}`, 303);
  });
  app.post('/articles/:id/delete', async (req, reply) => {
    const a = await articleOf(desk, req);
    if (!a) return notFound(desk, req, reply);
    if ((await allowed(desk, req, reply, () => deleteAs(opsOf(desk), req.staff!.user, a))) === refused) return reply;
    await desk.audit(req, 'article.delete', `article:${a.id}`, { title: a.title, source: a.sourceTitle, url: a.url });
    return reply.redirect('/admin/articles?done=deleted', 303);
  });

  app.get('/articles/:id/revisions/:rev', async (req, reply) => {
    const a = await articleOf(desk, req);
    const rev = await findRevision(store.db, Number((req.params as { rev: string }).rev) || 0);
    if (!a || !rev || rev.articleId !== a.id) return notFound(desk, req, reply);
    const rows = (
      [
        ['Title', rev.title, a.title],
        ['Status', rev.status, a.status],
        ['Published', rev.publishedAt, a.publishedAt],
        ['Summary', rev.summary ?? '', a.summary ?? ''],
        ['Author', rev.author ?? '', a.author ?? ''],
        ['Language', rev.language ?? '', a.language ?? ''],
        ['Image', rev.imageUrl ?? '', a.imageUrl ?? ''],
        ['Sections and tags', rev.categories.join(', '), a.categories.join(', ')],
        ['Body', rev.bodySource ?? rev.contentHtml ?? '', a.bodySource ?? a.contentHtml ?? ''],
      ] as const
    ).map(([label, old, now]) => ({ label, old, now, changed: old !== now }));
    return desk.page(req, reply, 'revision', { title: `Revision of ${a.title}`, article: a, rev, rows, mayRestore: mayEditArticle(req.staff!.user, a) });
  });
  app.post('/articles/:id/revisions/:rev/restore', async (req, reply) => {
    const a = await articleOf(desk, req);
    if (!a) return notFound(desk, req, reply);
    const revId = Number((req.params as { rev: string }).rev) || 0;
    const done = await allowed(desk, req, reply, () => restoreAs(opsOf(desk), req.staff!.user, a, revId));
    if (done === refused) return reply;
    if (!done) return notFound(desk, req, reply);
    await desk.audit(req, 'article.restore', `article:${a.id}`, { revision: revId, title: done.title, kept: done.saved.revisionId });
    return reply.redirect(`/admin/articles/${a.id}?done=restored`, 303);
  });

  async function save(desk: Desk, req: FastifyRequest, reply: FastifyReply, a: DeskArticle | undefined) {
    const me = req.staff!.user;
    const tz = site().timeZone;
    let form: ArticleForm;
    try {
      form = readArticleForm(req.body, tz, desk.now());
    } catch (err) {
      if (!(err instanceof FormError)) throw err;
      return editorPage(desk, req, reply, a, { error: err.message, values: err.values }, 400);
    }
    if (form.intent === 'preview') {
      return desk.page(req, reply, 'preview', { title: `Preview: ${form.title}`, preview: { title: form.title, html: form.contentHtml ?? '', summary: form.summary, time: form.values.published, image: form.imageUrl ?? a?.imageUrl ?? null }, values: form.values, articleId: a?.id });
    }
    // An article from a feed holds HTML, not Markdown: a body sent back as it was shown stays that HTML
    // (read as Markdown it could change: indentation, asterisks); an edited one is the editor's Markdown.
    if (a && a.bodySource === null && (form.bodySource ?? '').replace(/\r\n/g, '\n') === (a.contentHtml ?? '').replace(/\r\n/g, '\n')) {
      form = { ...form, contentHtml: a.contentHtml, bodySource: null };
    }
    const status = requestedStatus(form, a?.status);
    // Refused before the upload: a refused save stores no image.
    try {
      checkSaveAllowed(me, a, { status, sourceId: form.sourceId });
    } catch (err) {
      if (err instanceof NotAllowed) return refuse(desk, req, reply, err.message);
      throw err;
    }
    let imageUrl = form.removeImage ? null : form.imageUrl;
    if (form.upload) {
      try {
        imageUrl = (await storeUploadedImage(desk.uploads(), form.upload.bytes, { filename: form.upload.filename })).url;
      } catch (err) {
        if (!(err instanceof UploadError) || !err.refused) throw err;
        return editorPage(desk, req, reply, a, { error: err.message, values: form.values }, 400);
      }
    }
    let saved;
    try {
      saved = await saveArticleAs(opsOf(desk), me, a, { ...form, imageUrl, status });
    } catch (err) {
      if (err instanceof NotAllowed) return refuse(desk, req, reply, err.message);
      if (err instanceof DeskStoreError && err.code !== 'not-found') return editorPage(desk, req, reply, a, { error: err.message, values: form.values }, err.code === 'conflict' ? 409 : 400);
      throw err;
    }
    await desk.audit(req, a ? 'article.update' : 'article.create', `article:${saved.id}`, { title: form.title, status: saved.status, ...(a && a.title !== form.title ? { from: a.title } : {}), revision: saved.revisionId });
    return reply.redirect(`/admin/articles/${saved.id}?done=${saved.status}`, 303);
  }
}

/** The article operations' deps at this request's moment. */
function opsOf(desk: Desk) {
  return { store: desk.web.store, site: desk.web.config.site, now: desk.now() };
}

const refused = Symbol('refused');

/** Runs an operation; a NotAllowed becomes the 403 page (and `refused`). */
async function allowed<T>(desk: Desk, req: FastifyRequest, reply: FastifyReply, run: () => Promise<T>): Promise<T | typeof refused> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof NotAllowed)) throw err;
    await refuse(desk, req, reply, err.message);
    return refused;
  }
}

/** Returns the article of the URL, when the viewer may see it (another's draft is as absent as a missing one). */
async function articleOf(desk: Desk, req: FastifyRequest): Promise<DeskArticle | undefined> {
  const id = idParam(req.params);
  const a = id === undefined ? undefined : await findDeskArticle(desk.web.store.db, id);
  return a && maySeeArticle(req.staff!.user, a) ? a : undefined;
}

function notFound(desk: Desk, req: FastifyRequest, reply: FastifyReply) {
  return desk.page(req, reply, 'message', { title: 'Not found', text: 'There is no such article (or revision).' }, 404);
}

function refuse(desk: Desk, req: FastifyRequest, reply: FastifyReply, text: string) {
  return desk.page(req, reply, 'message', { title: 'Not allowed', text }, 403);
}

const DONE: Record<string, string> = {
  published: 'Published.', scheduled: 'Scheduled: it appears at its time.', draft: 'Saved as a draft.', hidden: 'Hidden from the site.', restored: 'The revision is the current version again (the one it replaced is kept as a revision).', deleted: 'Deleted.',
};

async function listPage(desk: Desk, req: FastifyRequest, reply: FastifyReply) {
  const { store } = desk.web;
  const q = req.query as Record<string, string | undefined>;
  const filter: DeskFilter = {};
  const bad = (name: string, why: string) => desk.page(req, reply, 'message', { title: 'Bad request', text: `${name}: ${why}` }, 400);
  if (q.q?.trim()) filter.text = q.q.slice(0, 500);
  if (q.source) { if (!/^\d{1,15}$/.test(q.source)) return bad('source', 'a source id'); filter.sourceId = Number(q.source); }
  if (q.section) { if (!/^\d{1,15}$/.test(q.section)) return bad('section', 'a section id'); filter.categoryId = Number(q.section); }
  if (q.day) { if (!parseDay(q.day)) return bad('day', 'a day YYYY-MM-DD'); filter.day = q.day; }
  if (q.status) { if (!(ARTICLE_STATUSES as readonly string[]).includes(q.status)) return bad('status', ARTICLE_STATUSES.join(', ')); filter.status = q.status as ArticleStatus; }
  if (q.author) { if (!/^\d{1,15}$/.test(q.author)) return bad('author', 'a user id'); filter.userId = Number(q.author); }
  // Contributors and authors see their own articles only.
  const me = req.staff!.user;
  if (!roleAtLeast(me.role, 'editor')) filter.userId = me.id;
  let list;
  try {
    list = await findDeskArticles(store.db, filter, { limit: Math.min(PAGE, DESK_PAGE_MAX), ...(q.after ? { after: q.after } : {}) });
  } catch (err) {
    if (err instanceof DeskStoreError && err.code === 'bad-cursor') return bad('after', 'not a page of this list');
    throw err;
  }
  const [sources, sections, users] = await Promise.all([findSources(store.db), findSections(store.db), findUsers(store.db)]);
  const byUser = new Map(users.map((u) => [u.id, u.name]));
  const urls = new Urls(desk.web.config.site.defaultLanguage, desk.web.config.site.defaultLanguage);
  const keep = Object.fromEntries(Object.entries(q).filter(([k, v]) => k !== 'after' && k !== 'done' && v));
  const nextHref = list.next ? `/admin/articles?${new URLSearchParams({ ...keep, after: list.next } as Record<string, string>)}` : null;
  const firstHref = q.after ? `/admin/articles?${new URLSearchParams(keep as Record<string, string>)}` : null;
  return desk.page(req, reply, 'articles', {
    title: 'Articles',
    done: q.done ? DONE[q.done] : undefined,
    filter: { q: q.q ?? '', source: filter.sourceId, section: filter.categoryId, day: filter.day ?? '', status: filter.status ?? '', author: filter.userId },
    statuses: ARTICLE_STATUSES,
    sources: sources.map((s) => ({ id: s.id, title: s.title })),
    sections: sections.map((s) => ({ id: s.id, name: s.name })),
    users: users.map((u) => ({ id: u.id, name: u.name })),
    textNote: list.text === 'common' ? 'Those words are too common to search for.' : list.text === 'only-excluded' ? 'Say what to find, not only what to leave out.' : list.partial ? 'The search read 10,000 matches without filling this page: Older searches on.' : undefined,
    rows: list.rows.map((r) => ({ ...r, author: r.userId ? byUser.get(r.userId) : null, href: r.status === 'published' ? urls.article(r) : null })),
    nextHref,
    firstHref,
  });
}

async function editorPage(desk: Desk, req: FastifyRequest, reply: FastifyReply, a: DeskArticle | undefined, extra: { error?: string; values?: ArticleFormValues } = {}, status = 200) {
  const { store } = desk.web;
  const site = desk.web.config.site;
  const me = req.staff!.user;
  const filed = a ? await findCategoriesOfArticle(store.db, a.id) : [];
  const values = extra.values ?? formValuesOf(a, filed.filter((c) => c.kind === 'section').map((c) => c.slug), filed.filter((c) => c.kind === 'tag').map((c) => c.name), site.timeZone, desk.now());
  const [sections, sources, revisions] = await Promise.all([findSections(store.db), roleAtLeast(me.role, 'editor') ? findSources(store.db) : Promise.resolve([]), a ? findRevisions(store.db, a.id, 50) : Promise.resolve([])]);
  const q = req.query as Record<string, string | undefined>;
  const urls = new Urls(site.defaultLanguage, site.defaultLanguage);
  const p = localParts(desk.now(), site.timeZone);
  return desk.page(req, reply, 'article-edit', {
    title: a ? `Edit: ${a.title}` : 'Write an article',
    article: a ? { ...a, publicHref: a.status === 'published' ? urls.article(a) : null, aggregated: a.sourceKind !== 'manual' } : null,
    values,
    error: extra.error,
    done: q.done ? DONE[q.done] : undefined,
    languages: LANGS,
    sections: sections.map((s) => ({ slug: s.slug, name: s.name, checked: values.sections.includes(s.slug) })),
    sources: sources.map((s) => ({ id: s.id, title: s.title, selected: String(s.id) === values.source })),
    revisions,
    timeZone: site.timeZone,
    nowLocal: `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`,
    may: {
      publish: mayPublishArticle(me, { userId: a ? a.userId : me.id }),
      hide: a ? mayChangeStatus(me, a) : false,
      remove: a ? mayDelete(me, a) : false,
      edit: a ? mayEditArticle(me, a) : true,
    },
  }, status);
}

