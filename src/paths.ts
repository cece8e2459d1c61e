/** Where the project's shipped files (themes, demo content) are, from source and from dist alike. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
