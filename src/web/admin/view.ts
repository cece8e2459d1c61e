/**
 * The desk's pages: its own LiquidJS templates (src/web/admin/templates), output escaped by
 * default like the site's, rendered into the desk's layout; its stylesheet and script are files
 * (the desk's CSP allows no inline script or style).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Liquid } from 'liquidjs';
import { PROJECT_ROOT } from '../../paths.js';
import { memoryFs } from '../theme.js';
import type { StaffUser } from '../../model/staff.js';
import { roleAtLeast } from '../../model/staff.js';

const DIR = join(PROJECT_ROOT, 'src', 'web', 'admin');

/** A static file of the desk under a content-hashed name. */
export interface DeskAsset {
  path: string;
  body: Buffer;
  type: string;
}

/** The desk's templates and assets, loaded once. */
export interface DeskView {
  render(template: string, data: Record<string, unknown>): string;
  assets: { css: DeskAsset; js: DeskAsset };
}

/** Returns the desk's view: templates compiled on first use from memory, assets with hashed names. */
export function loadDeskView(): DeskView {
  const files = new Map<string, string>();
  for (const f of readdirSync(join(DIR, 'templates'))) if (f.endsWith('.liquid')) files.set(`/${f}`, readFileSync(join(DIR, 'templates', f), 'utf8'));
  const engine = new Liquid({ outputEscape: 'escape', strictFilters: true, cache: true, extname: '.liquid', root: ['/'], fs: memoryFs(files) });
  const asset = (name: string, type: string): DeskAsset => {
    const body = readFileSync(join(DIR, 'assets', name));
    const [base, ext] = name.split('.');
    return { path: `/admin/assets/${base}.${createHash('sha256').update(body).digest('hex').slice(0, 12)}.${ext}`, body, type };
  };
  const assets = { css: asset('desk.css', 'text/css; charset=utf-8'), js: asset('desk.js', 'text/javascript; charset=utf-8') };
  return {
    assets,
    render: (template, data) => engine.renderFileSync(template, { ...data, assets: { css: assets.css.path, js: assets.js.path } }) as string,
  };
}

/** What every desk page knows of its viewer: the menu follows the role. */
export function viewerOf(user: StaffUser | undefined): Record<string, unknown> | null {
  if (!user) return null;
  return { id: user.id, name: user.name, email: user.email, role: user.role, editor: roleAtLeast(user.role, 'editor'), admin: roleAtLeast(user.role, 'admin') };
}
