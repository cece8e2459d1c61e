/**
 * Editors' pages for the site's own pages (About, Contact, Imprint): each page's language versions,
 * a version's form (title, body in markdown or HTML, footer position), add, remove. Saving goes
 * through the path `jarida pages add` takes (ingest/site-pages.ts: checked, sanitized, stored).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SitePageInput } from '../../ingest/site-pages.js';
import type { Lang } from '../../model/types.js';
import { PAGE_FORMATS } from '../../model/site-page.js';
import { deleteSitePage, findSitePage, findSitePages } from '../../store/site-pages.js';
import { Urls } from '../urls.js';
import { field, inputErrorMessage, text } from './forms.js';
import type { Desk } from './plugin.js';

const EDITOR = { config: { deskRole: 'editor' } } as const;

/** Registers the routes on the desk's scope. */
export function registerPageRoutes(app: FastifyInstance, desk: Desk): void {
  const { db } = desk.web.store;
  const site = desk.web.config.site;

  app.get('/pages', EDITOR, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    return pagesPage(desk, req, reply, { notice: q.done === 'removed' ? 'Removed.' : undefined });
  });

  // A new page, or a version in another language (its slug and language from the form).
  app.post('/pages', EDITOR, async (req, reply) => save(req, reply, { slug: text(req.body, 'slug'), lang: text(req.body, 'lang') }, 'new'));

  app.get('/pages/:slug/:lang', EDITOR, async (req, reply) => {
    const at = versionOf(req);
    if (!at) return notFound(desk, req, reply);
    const page = await findSitePage(db, at.slug, at.lang);
    const q = req.query as Record<string, string | undefined>;
    const form = page ? { slug: page.slug, lang: page.lang, title: page.title, body: page.body, format: page.format, position: String(page.position) } : { slug: at.slug, lang: at.lang, title: '', body: '', format: 'markdown', position: '' };
    return desk.page(req, reply, 'site-page', { title: page ? page.title : `New: ${at.slug} (${at.lang})`, form, exists: Boolean(page), updatedAt: page?.updatedAt, publicHref: pageHref(desk, at.lang, at.slug), formats: PAGE_FORMATS, languages: site.languages, notice: q.done === 'saved' ? 'Saved: the page shows it now.' : undefined });
  });

  app.post('/pages/:slug/:lang', EDITOR, async (req, reply) => {
    const at = versionOf(req);
    if (!at) return notFound(desk, req, reply);
    return save(req, reply, at, 'edit');
  });

  app.post('/pages/:slug/:lang/remove', EDITOR, async (req, reply) => {
    const at = versionOf(req);
    if (!at) return notFound(desk, req, reply);
    const gone = await deleteSitePage(db, at.slug, at.lang);
    if (gone === 0) return notFound(desk, req, reply);
    await desk.audit(req, 'page.remove', `page:${at.slug}/${at.lang}`, { slug: at.slug, lang: at.lang });
    return reply.redirect('/admin/pages?done=removed', 303);
  });

  async function save(req: FastifyRequest, reply: FastifyReply, at: { slug: string; lang: string }, from: 'new' | 'edit'): Promise<FastifyReply> {
    const b = req.body;
    // The body as written: not trimmed (markdown's indentation and final newline are the editor's).
    const input: SitePageInput = { slug: at.slug, lang: at.lang || undefined, title: field(b, 'title'), body: field(b, 'body'), format: text(b, 'format'), position: text(b, 'position') || undefined };
    try {
      const { saveOwnPage } = await import('../../ingest/site-pages.js');
      const { page, created, position } = await saveOwnPage(db, site, input, desk.now());
      await desk.audit(req, 'page.save', `page:${page.slug}/${page.lang}`, { slug: page.slug, lang: page.lang, title: page.title, format: page.format, position, created, bodyLength: page.body.length });
      return reply.redirect(`/admin/pages/${page.slug}/${page.lang}?done=saved`, 303);
    } catch (err) {
      const message = inputErrorMessage(err);
      if (message === null) throw err;
      const form = { ...input, lang: input.lang ?? '', position: input.position ?? '' };
      if (from === 'new') return pagesPage(desk, req, reply, { error: message, form }, 400);
      return desk.page(req, reply, 'site-page', { title: `${at.slug} (${at.lang})`, form, exists: Boolean(await findSitePage(db, at.slug, at.lang as Lang)), publicHref: pageHref(desk, at.lang as Lang, at.slug), formats: PAGE_FORMATS, languages: site.languages, error: message }, 400);
    }
  }

  /** Returns the slug and language of the path, or undefined when the language is not one of the site's. */
  function versionOf(req: FastifyRequest): { slug: string; lang: Lang } | undefined {
    const p = req.params as { slug?: string; lang?: string };
    const lang = site.languages.find((l) => l === p.lang);
    return lang && p.slug && p.slug.length <= 200 ? { slug: p.slug, lang } : undefined;
  }
}

async function pagesPage(desk: Desk, req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown>, status = 200): Promise<FastifyReply> {
  const site = desk.web.config.site;
  const versions = await findSitePages(desk.web.store.db);
  const slugs = [...new Set(versions.map((v) => v.slug))];
  const pages = slugs.map((slug) => {
    const own = versions.filter((v) => v.slug === slug);
    const hasDefault = own.some((v) => v.lang === site.defaultLanguage);
    return {
      slug,
      versions: site.languages.map((lang) => {
        const v = own.find((x) => x.lang === lang);
        return {
          lang, href: `/admin/pages/${slug}/${lang}`, publicHref: pageHref(desk, lang, slug),
          ...(v ? { exists: true, title: v.title, format: v.format, position: v.position, updatedAt: v.updatedAt } : { exists: false, shows: hasDefault ? `the ${site.defaultLanguage} version` : 'not found (404): no version in the default language' }),
        };
      }),
    };
  });
  return desk.page(req, reply, 'site-pages', { title: 'Pages', pages, formats: PAGE_FORMATS, languages: site.languages, form: { lang: site.defaultLanguage, format: 'markdown' }, ...extra }, status);
}

function pageHref(desk: Desk, lang: Lang, slug: string): string {
  return new Urls(lang, desk.web.config.site.defaultLanguage).page(slug);
}

function notFound(desk: Desk, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return desk.page(req, reply, 'message', { title: 'Not found', text: 'There is no such page, or the site has no such language.' }, 404);
}
