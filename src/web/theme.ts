/**
 * Themes: LiquidJS templates with output escaped by default. A site's own theme folder overrides
 * single templates or the stylesheet; everything else falls back to themes/default.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Liquid, type FS } from 'liquidjs';
import { DEFAULT_THEME_DIR } from '../paths.js';
import { Bail, compileTemplate, type CompiledTemplate } from './theme-compile.js';
import { inlineHashes, type InlineHashes } from './theme-inline.js';

/** A loaded theme: renders named templates and serves one stylesheet under a content-hashed name. */
export interface Theme {
  render(template: string, context: object): Promise<string>;
  stylesheet: { path: string; body: Buffer };
  /** Hashes of the templates' inline scripts and styles, for the Content-Security-Policy (theme-inline.ts). */
  hashes: InlineHashes;
}

/**
 * Returns the theme for an own folder (or null for the default theme alone). Templates are read
 * once at start and rendered synchronously from memory: no file system access per page, and
 * compiled to closures where they allow (theme-compile.ts). Throws when a template has inline script
 * or style the Content-Security-Policy cannot allow (theme-inline.ts).
 */
export function loadTheme(ownDir: string | null): Theme {
  if (ownDir && !existsSync(ownDir)) throw new Error(`theme: folder not found: ${ownDir}`);
  const roots = ownDir ? [ownDir, DEFAULT_THEME_DIR] : [DEFAULT_THEME_DIR];
  const templates = new Map<string, string>();
  for (const root of [...roots].reverse()) {
    for (const f of readdirSync(root)) if (f.endsWith('.liquid')) templates.set(`/${f}`, readFileSync(join(root, f), 'utf8'));
  }
  const hashes = inlineHashes(templates);
  const engine = new Liquid({
    root: ['/'],
    extname: '.liquid',
    fs: memoryFs(templates),
    outputEscape: 'escape',
    cache: true,
    strictFilters: true,
    greedy: false,
  });
  const cssFile = roots.map((r) => join(r, 'style.css')).find((f) => existsSync(f));
  if (!cssFile) throw new Error('theme: no style.css in the theme folders');
  const body = readFileSync(cssFile);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  // Each template compiled on first use (theme-compile.ts); null: LiquidJS renders it.
  const compiled = new Map<string, CompiledTemplate | null>();
  const renderSync = (template: string, context: object): string => {
    let fast = compiled.get(template);
    if (fast === undefined) compiled.set(template, (fast = compileTemplate(engine, template)));
    if (fast) {
      try {
        return fast(context);
      } catch (err) {
        if (!(err instanceof Bail)) throw err;
      }
    }
    return engine.renderFileSync(template, context) as string;
  };
  return {
    render: async (template, context) => renderSync(template, context),
    stylesheet: { path: `/assets/style.${hash}.css`, body },
    hashes,
  };
}

/** Returns a read-only LiquidJS file system over templates held in memory, keyed '/name.liquid' (the desk's templates use it too). */
export function memoryFs(files: Map<string, string>): FS {
  const read = (f: string) => {
    const text = files.get(f);
    if (text === undefined) throw new Error(`theme: no template ${f.slice(1)}`);
    return text;
  };
  return {
    exists: async (f) => files.has(f),
    existsSync: (f) => files.has(f),
    readFile: async (f) => read(f),
    readFileSync: read,
    resolve: (_dir, file, ext) => `/${file.replace(/^\/+/, '')}${file.endsWith(ext) ? '' : ext}`,
    containsSync: () => true,
    contains: async () => true,
    sep: '/',
    dirname: () => '/',
  };
}
