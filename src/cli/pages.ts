/** `jarida pages …`: the site's own pages (About, Contact, Imprint): add or replace, list, remove. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { loadConfig, type Config } from '../config.js';
import { renderPageBody } from '../html/markdown.js';
import { MAX_PAGE_TITLE, PAGE_FORMATS, pageSlugProblem, type PageFormat } from '../model/site-page.js';
import type { Lang } from '../model/types.js';
import { deleteSitePage, findSitePages, saveSitePage } from '../store/site-pages.js';
import { Urls } from '../web/urls.js';
import { openContext, type GlobalOptions } from './context.js';

/** A body file larger than this is refused (a page, not an archive). */
export const MAX_BODY_BYTES = 1 << 20;

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
  await inputErrorsExit2(async () => {
    const config = loadConfig({ configPath: opts.config });
    const slug = checkSlug('pages add', opts.slug);
    const lang = checkLang('pages add', config, opts.lang);
    const title = opts.title.trim();
    if (!title) throw new PagesInputError('pages add: --title must not be empty');
    if (title.length > MAX_PAGE_TITLE) throw new PagesInputError(`pages add: --title is longer than ${MAX_PAGE_TITLE} characters`);
    const format = checkFormat(opts.format, opts.bodyFile);
    const position = checkPosition(opts.position);
    const body = readBodyFile(opts.bodyFile);
    const html = renderPageBody(body, format);

    const ctx = await openContext(opts, 'warn', {}, config);
    try {
      const r = await saveSitePage(ctx.store.db, { slug, lang, title, body, format, html, position });
      process.stdout.write(`${r.created ? 'added' : 'replaced'} page ${slug} (${lang}, ${format}, position ${r.position}): ${pagePath(config, lang, slug)}\n`);
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
  await inputErrorsExit2(async () => {
    const config = loadConfig({ configPath: opts.config });
    const slug = checkSlug('pages remove', opts.slug);
    const lang = opts.lang === undefined ? undefined : checkLang('pages remove', config, opts.lang);
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
async function inputErrorsExit2(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof PagesInputError)) throw err;
    process.stderr.write(`jarida: ${err.message}\n`);
    process.exitCode = 2;
  }
}

function checkSlug(cmd: string, slug: string): string {
  const problem = pageSlugProblem(slug);
  if (problem) throw new PagesInputError(`${cmd}: --slug ${JSON.stringify(slug).slice(0, 90)} ${problem}`);
  return slug;
}

function checkLang(cmd: string, config: Config, lang: string | undefined): Lang {
  if (lang === undefined) return config.site.defaultLanguage;
  const l = config.site.languages.find((x) => x === lang);
  if (!l) throw new PagesInputError(`${cmd}: --lang ${JSON.stringify(lang).slice(0, 40)} is not one of the site's languages (${config.site.languages.join(', ')})`);
  return l;
}

/** Returns the format asked for, else html for a .html/.htm file, else markdown. */
function checkFormat(format: string | undefined, file: string): PageFormat {
  if (format === undefined) return /^\.html?$/i.test(extname(file)) ? 'html' : 'markdown';
  const f = PAGE_FORMATS.find((x) => x === format);
  if (!f) throw new PagesInputError(`pages add: --format ${JSON.stringify(format).slice(0, 40)} must be ${PAGE_FORMATS.join(' or ')}`);
  return f;
}

function checkPosition(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d{1,6}$/.test(raw)) throw new PagesInputError(`pages add: --position ${JSON.stringify(raw).slice(0, 40)} must be a whole number (-999999 to 999999)`);
  return Number(raw);
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
