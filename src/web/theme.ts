/**
 * Themes: LiquidJS templates with output escaped by default. A site's own theme folder overrides
 * single templates or the stylesheet; everything else falls back to themes/default.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Liquid } from 'liquidjs';
import { DEFAULT_THEME_DIR } from '../paths.js';

/** A loaded theme: renders named templates and serves one stylesheet under a content-hashed name. */
export interface Theme {
  render(template: string, context: object): Promise<string>;
  stylesheet: { path: string; body: Buffer };
}

/** Returns the theme for an own folder (or null for the default theme alone). */
export function loadTheme(ownDir: string | null): Theme {
  if (ownDir && !existsSync(ownDir)) throw new Error(`theme: folder not found: ${ownDir}`);
  const roots = ownDir ? [ownDir, DEFAULT_THEME_DIR] : [DEFAULT_THEME_DIR];
  const engine = new Liquid({
    root: roots,
    layouts: roots,
    partials: roots,
    extname: '.liquid',
    outputEscape: 'escape',
    cache: true,
    strictFilters: true,
    greedy: false,
  });
  const cssFile = roots.map((r) => join(r, 'style.css')).find((f) => existsSync(f));
  if (!cssFile) throw new Error('theme: no style.css in the theme folders');
  const body = readFileSync(cssFile);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return {
    render: (template, context) => engine.renderFile(template, context) as Promise<string>,
    stylesheet: { path: `/assets/style.${hash}.css`, body },
  };
}
