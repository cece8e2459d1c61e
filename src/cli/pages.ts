/** `jarida pages …`: the site's own pages (About, Contact, Imprint): add or replace, list, remove. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { loadConfig, type Config } from '../config.js';
import { checkPageFormat, checkPageLang, checkPagePosition, checkPageSlug, checkPageTitle, MAX_BODY_BYTES, PageInputError, saveOwnPage } from '../ingest/site-pages.js';
import type { PageFormat } from '../model/site-page.js';
import type { Lang } from '../model/types.js';
import { deleteSitePage, findSitePages } from '../store/site-pages.js';
import { Urls } from '../web/urls.js';
import { openContext, type GlobalOptions } from './context.js';

/** Bad input to a `pages` command: one line on stderr and exit status 2, like `import`. */
class PagesInputError extends Error {}

/** Options of `pages add`, as commander gives them (strings: checked here, to exit 2 when bad). */
export interface PagesAddOptions extends GlobalOptions {
  slug: string;
  title: string;
  bodyFile: string;
  lang?: string;
  format?: string;
  position?: string;
}

/** Adds the page's version in one language, or replaces it; prints what it did and the page's URL. */
export async function pagesAddCommand(opts: PagesAddOptions): Promise<void> {
  await inputErrorsExit2('pages add', async () => {
    const config = loadConfig({ configPath: opts.config });
    checkPageSlug(opts.slug);
    checkPageLang(config.site, opts.lang);
    checkPageTitle(opts.title);
    const format = formatOf(opts.format, opts.bodyFile);
    checkPagePosition(opts.position);
    const body = readBodyFile(opts.bodyFile);

    const ctx = await openContext(opts, 'warn', {}, config);
    try {
      const { page, created, position } = await saveOwnPage(ctx.store.db, config.site, { slug: opts.slug, lang: opts.lang, title: opts.title, body, format, position: opts.position }, ctx.now());
      process.stdout.write(`${created ? 'added' : 'replaced'} page ${page.slug} (${page.lang}, ${format}, position ${position}): ${pagePath(config, page.lang, page.slug)}\n`);
    } finally {
      await ctx.store.close();
    }
  });
}

/** Prints every page with its language versions, and which languages fall back to the default's. */
export async function pagesListCommand(opts: GlobalOptions & { json?: boolean }): Promise<void> {
  const ctx = await openContext(opts);
  try {
    const pages = await findSitePages(ctx.store.db);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(pages, null, 2)}\n`);
      return;
    }
    if (pages.length === 0) {
      process.stdout.write('no pages yet: jarida pages add --slug about --title "About us" --body-file about.md\n');
      return;
    }
    const { site } = ctx.config;
    const slugs = [...new Set(pages.map((p) => p.slug))];
    for (const slug of slugs) {
      const versions = pages.filter((p) => p.slug === slug);
      const lines = [`${slug}`];
      for (const v of versions) lines.push(`    ${v.lang} · position ${v.position} · ${v.format} · ${pagePath(ctx.config, v.lang, slug)} · "${v.title}" · updated ${v.updatedAt}`);
      const has = new Set(versions.map((v) => v.lang));
      const missing = site.languages.filter((l) => !has.has(l));
      if (missing.length) lines.push(`    ${missing.join(', ')}: ${has.has(site.defaultLanguage) ? `shows the ${site.defaultLanguage} version` : 'not found (404), no version in the default language'}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await ctx.store.close();
  }
}

/** Removes a page's version in one language, or all its versions. */
export async function pagesRemoveCommand(opts: GlobalOptions & { slug: string; lang?: string }): Promise<void> {
  await inputErrorsExit2('pages remove', async () => {
    const config = loadConfig({ configPath: opts.config });
    const slug = checkPageSlug(opts.slug);
    const lang = opts.lang === undefined ? undefined : checkPageLang(config.site, opts.lang);
    const ctx = await openContext(opts, 'warn', {}, config);
    try {
      const gone = await deleteSitePage(ctx.store.db, slug, lang);
      if (gone === 0) throw new Error(`pages remove: there is no page ${slug}${lang ? ` in ${lang}` : ''}`);
      process.stdout.write(`removed page ${slug} (${lang ?? `${gone} language version${gone === 1 ? '' : 's'}`})\n`);
    } finally {
      await ctx.store.close();
    }
  });
}

/** Runs a command; bad input ends as one line on stderr and exit status 2 (other errors go to main.ts). */
async function inputErrorsExit2(cmd: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof PagesInputError) && !(err instanceof PageInputError)) throw err;
    process.stderr.write(`jarida: ${err instanceof PageInputError ? `${cmd}: --${err.field} ${err.problem}` : err.message}\n`);
    process.exitCode = 2;
  }
}

/** Returns the format asked for (checked), else html for a .html/.htm file, else markdown. */
function formatOf(format: string | undefined, file: string): PageFormat {
  if (format === undefined) return /^\.html?$/i.test(extname(file)) ? 'html' : 'markdown';
  return checkPageFormat(format);
}

/** Returns the body file's text; one-line errors for a missing, unreadable, over-large, empty or non-UTF-8 file. */
function readBodyFile(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new PagesInputError(`pages add: cannot read --body-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (bytes.length > MAX_BODY_BYTES) throw new PagesInputError(`pages add: --body-file ${file} is over ${MAX_BODY_BYTES / (1 << 20)} MB`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); // a leading BOM is dropped
  } catch {
    throw new PagesInputError(`pages add: --body-file ${file} is not UTF-8 text`);
  }
  if (text.includes('\u0000')) throw new PagesInputError(`pages add: --body-file ${file} is not text (it holds NUL bytes)`);
  if (!text.trim()) throw new PagesInputError(`pages add: --body-file ${file} is empty`);
  return text;
}

/** Returns the page's path in a language, as the router serves it. */
function pagePath(config: Config, lang: Lang, slug: string): string {
  return new Urls(lang, config.site.defaultLanguage).page(slug);
}
