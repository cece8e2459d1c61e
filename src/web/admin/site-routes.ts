/** The editors' pages for what the site is made of: its sources, its sections (the menu), its own pages. */
import type { FastifyInstance } from 'fastify';
import { registerOpmlRoutes } from './opml-routes.js';
import { registerPageRoutes } from './page-routes.js';
import type { Desk } from './plugin.js';
import { registerSectionRoutes } from './section-routes.js';
import { registerSourceRoutes } from './source-routes.js';

/** Registers /admin/sources… (and its OPML file), /admin/sections… and /admin/pages… on the desk's scope (editors and admins). */
export function registerSiteRoutes(app: FastifyInstance, desk: Desk): void {
  registerSourceRoutes(app, desk);
  registerOpmlRoutes(app, desk);
  registerSectionRoutes(app, desk);
  registerPageRoutes(app, desk);
}
