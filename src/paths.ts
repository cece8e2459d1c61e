/** Where the project's shipped files (themes, demo content) are, from source and from dist alike. */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'themes'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`paths: cannot find the Jarida project root above ${start}`);
    dir = up;
  }
}

/** The project root (holds package.json, themes/, demo/). */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
/** The default theme folder. */
export const DEFAULT_THEME_DIR = join(PROJECT_ROOT, 'themes', 'default');
/** The shipped demo content. */
export const DEMO_FILE = join(PROJECT_ROOT, 'demo', 'articles.json');
/**
 * The shared test corpora (feed cases, Reader View pages, XSS vectors, the Umm al-Qura table), for
 * tests and evaluations: `JARIDA_CORPORA` when set, else `../shared/corpora` beside the project.
 */
export const CORPORA_URL = pathToFileURL(`${resolve(process.env.JARIDA_CORPORA || join(PROJECT_ROOT, '..', 'shared', 'corpora'))}/`);

/**
 * Returns the compiled worker-thread script `name` (`search-worker`) beside the module at `moduleUrl`
 * (its `import.meta.url`): the sibling when that module runs compiled, else its copy under `dist/`
 * (tests run the TypeScript sources; a worker thread needs JavaScript); null when it is not built.
 * @example compiledWorker(import.meta.url, 'digest-worker') // …/dist/src/ingest/digest-worker.js
 */
export function compiledWorker(moduleUrl: string, name: string): string | null {
  const here = fileURLToPath(moduleUrl);
  const sibling = join(dirname(here), `${name}.js`);
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  const built = join(PROJECT_ROOT, 'dist', relative(PROJECT_ROOT, dirname(here)), `${name}.js`);
  return existsSync(built) ? built : null;
}
