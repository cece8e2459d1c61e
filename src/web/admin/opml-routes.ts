/**
 * The sources as an OPML file, on the desk's sources page: import one (what `jarida sources import`
 * does, with the summary it prints) and export them (the file `jarida sources export` writes).
 */
import type { FastifyInstance } from 'fastify';
import { describeOpmlImport, exportOpml, importOpml } from '../../ingest/opml/subscriptions.js';
import { DeskInputError, inputErrorMessage } from './forms.js';
import type { Desk } from './plugin.js';
import { sourcesPage } from './source-routes.js';

const EDITOR = { config: { deskRole: 'editor' } } as const;

/** Registers POST /admin/sources/import and GET /admin/sources.opml on the desk's scope. */
export function registerOpmlRoutes(app: FastifyInstance, desk: Desk): void {
  const { db } = desk.web.store;

  // A multipart form: the file arrives as a Buffer in the body (attachFieldsToBody: 'keyValues').
  app.post('/sources/import', EDITOR, async (req, reply) => {
    try {
      const file = (req.body as Record<string, unknown> | undefined)?.opml;
      if (!Buffer.isBuffer(file) || file.length === 0) throw new DeskInputError('OPML file: choose the .opml file a feed reader exported');
      const done = await importOpml(db, file.toString('utf8'));
      const summary = describeOpmlImport(done);
      await desk.audit(req, 'source.import', 'sources', { feeds: done.feeds, added: done.added.length, skipped: done.skipped.length, sections: done.folders.filter((f) => f.section).map((f) => f.section), summary });
      return sourcesPage(desk, req, reply, { imported: { lines: summary.split('\n'), added: done.added } });
    } catch (err) {
      const message = inputErrorMessage(err);
      if (message === null) throw err;
      return sourcesPage(desk, req, reply, { errors: { import: message } }, 400);
    }
  });

  app.get('/sources.opml', EDITOR, async (req, reply) => {
    const { site } = desk.web.config;
    const now = desk.now();
    const { xml, feeds } = await exportOpml(db, { title: `${site.siteName} sources`, lang: site.defaultLanguage }, now);
    await desk.audit(req, 'source.export', 'sources', { feeds });
    return reply
      .type('text/x-opml; charset=utf-8')
      .header('content-disposition', `attachment; filename="sources-${now.toISOString().slice(0, 10)}.opml"`)
      .send(xml);
  });
}
