/** The `jarida` command line: every command, its options and their validation. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { isLanguageTag, LANGS } from '../model/types.js';
import { parseAge, parseDuration } from './durations.js';

// Each command's module is loaded when it runs: `serve`'s worker processes need none of ingestion's
// parsers, `inspect` none of the web (measured: 113 MB resident with every module, 78 MB with the web's).

function port(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('must be a port number 0-65535.');
  return Number(v);
}

function workerCount(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 64) throw new InvalidArgumentError('must be a number of processes 1-64.');
  return Number(v);
}

function instant(v: string): Date {
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) || Number.isNaN(d.getTime())) {
    throw new InvalidArgumentError('must be an ISO-8601 instant, e.g. 2017-06-30T14:33:00+03:00.');
  }
  return d;
}

function httpUrl(v: string): string {
  if (!/^https?:\/\//i.test(v) || !URL.canParse(v)) throw new InvalidArgumentError('must be an http(s) URL.');
  return v;
}

function nonEmpty(v: string): string {
  if (!v.trim()) throw new InvalidArgumentError('must not be empty.');
  if (v.length > 1000) throw new InvalidArgumentError('longer than 1000 characters.');
  return v;
}

function id(v: string): number {
  if (!/^[1-9]\d{0,15}$/.test(v)) throw new InvalidArgumentError('must be a source id (a positive whole number).');
  return Number(v);
}

function position(v: string): number {
  if (!/^[1-9]\d{0,5}$/.test(v)) throw new InvalidArgumentError('must be a place in the menu: 1 for first, 2 …');
  return Number(v);
}

function collect(v: string, list: string[] = []): string[] {
  return [...list, v];
}

function lang(v: string): string {
  if (!isLanguageTag(v)) throw new InvalidArgumentError(`must be a language code such as ${LANGS.join(', ')}.`);
  return v;
}

/** Returns the program; `main.ts` parses argv with it. */
export function buildProgram(): Command {
  const program = new Command('jarida')
    .description('Jarida: a self-hosted news portal engine')
    .option('-c, --config <file>', 'config file (default: ./jarida.config.json, or JARIDA_CONFIG)')
    .configureOutput({ outputError: (s, write) => write(s.split('\n')[0] + '\n') });
  const global = (cmd: Command) => cmd.optsWithGlobals() as { config?: string };

  program
    .command('serve')
    .description('serve the site (migrates first; an empty store gets the demo content)')
    .option('-p, --port <n>', 'port (default PORT or 3000)', port)
    .option('--host <host>', 'address to bind (default HOST or 127.0.0.1)')
    .option('-w, --workers <n>', 'processes serving on the port (default JARIDA_WORKERS, config workers, or the number of cores)', workerCount)
    .action(async (o, cmd: Command) => (await import('./serve.js')).serveCommand({ ...global(cmd), ...o }));

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async (_o, cmd: Command) => (await import('./migrate.js')).migrateCommand(global(cmd)));

  program
    .command('demo')
    .description('load the shipped demo articles, dated around now')
    .action(async (_o, cmd: Command) => (await import('./demo.js')).demoCommand(global(cmd)));

  program
    .command('recount')
    .description("recompute every article's day in the site time zone, and the day counts")
    .action(async (_o, cmd: Command) => (await import('./recount.js')).recountCommand(global(cmd)));

  program
    .command('reindex')
    .description('rebuild the search index from the stored articles')
    .action(async (_o, cmd: Command) => (await import('./reindex.js')).reindexCommand(global(cmd)));

  program
    .command('compact')
    .description("merge the search index's segments into one (SQLite; ingest does it daily, import after importing)")
    .action(async (_o, cmd: Command) => (await import('./compact.js')).compactCommand(global(cmd)));

  program
    .command('backup')
    .description('write a consistent copy of the store to a file while the site runs (SQLite file, or pg_dump custom archive)')
    .argument('<file>', 'the backup file to write')
    .option('--force', 'overwrite the file if it exists')
    .action(async (file: string, o, cmd: Command) => (await import('./backup.js')).backupCommand(file, { ...global(cmd), ...o }));

  program
    .command('restore')
    .description('replace the store with a backup made by `jarida backup` (stop the site first)')
    .argument('<file>', 'the backup file')
    .option('--force', 'replace a store that already has articles')
    .action(async (file: string, o, cmd: Command) => (await import('./backup.js')).restoreCommand(file, { ...global(cmd), ...o }));

  const article = program.command('article').description('manage articles');
  article
    .command('add')
    .description('add an article by hand')
    .requiredOption('--title <text>', 'title', nonEmpty)
    .requiredOption('--published <instant>', 'publication instant, ISO-8601 with offset', instant)
    .option('--body-file <file>', 'body: HTML, or plain text with blank lines between paragraphs')
    .option('--summary <text>', 'summary (default: the start of the body)', nonEmpty)
    .option('--source <name>', 'source name shown with the article (default: the site name)', nonEmpty)
    .option('--url <url>', 'link to the original article', httpUrl)
    .option('--author <name>', 'author', nonEmpty)
    .addOption(new Option('--lang <code>', "the article's language (default: the site's)").argParser(lang))
    .option('--category <word>', 'a section (by its slug or a name) or tag it is filed under (repeatable)', collect)
    .action(async (o, cmd: Command) => (await import('./article-add.js')).articleAddCommand({ ...global(cmd), ...o }));

  const sources = program.command('sources').description('the sites articles come from');
  sources
    .command('add')
    .description('add a feed, a site (its feed is discovered) or an article page')
    .argument('<url>', 'feed, site home page or article page')
    .option('--name <name>', 'name shown with its articles (default: the feed title)', nonEmpty)
    .addOption(new Option('--lang <code>', "the source's language (default: what the feed says)").argParser(lang))
    .option('--full-text', 'fetch every article page and keep its main content')
    .option('--interval <duration>', 'fixed start interval with its unit, e.g. 15m (adapted to the posting frequency later)', parseDuration)
    .option('--page', 'take the URL as a single article page even if it links feeds')
    .option('--canonical-here', 'the copy here is canonical (the source says so), not the original')
    .action(async (url: string, o, cmd: Command) => (await import('./sources.js')).sourcesAddCommand(url, { ...global(cmd), ...o }));
  sources
    .command('list')
    .description('every source with last fetch, next fetch, item count, last error and rules')
    .option('--json', 'as JSON')
    .action(async (o, cmd: Command) => (await import('./sources.js')).sourcesListCommand({ ...global(cmd), ...o }));
  sources
    .command('remove')
    .description('remove a source and its articles')
    .argument('<id>', 'source id', id)
    .action(async (n: number, _o, cmd: Command) => (await import('./sources.js')).sourcesRemoveCommand(n, global(cmd)));
  sources
    .command('enable')
    .description('fetch a source again (due at once)')
    .argument('<id>', 'source id', id)
    .action(async (n: number, _o, cmd: Command) => (await import('./sources.js')).sourcesEnableCommand(n, true, global(cmd)));
  sources
    .command('disable')
    .description('stop fetching a source (its articles stay)')
    .argument('<id>', 'source id', id)
    .action(async (n: number, _o, cmd: Command) => (await import('./sources.js')).sourcesEnableCommand(n, false, global(cmd)));
  sources
    .command('rules')
    .description("set a source's keep/block rules, maximum age and what to republish")
    .argument('<id>', 'source id', id)
    .option('--keep <rule>', 'keep only items matching: [title|content|url|author|category|any:]text or /regex/flags; any:a:b for text with a colon (repeatable)', collect)
    .option('--block <rule>', 'drop items matching (same forms, repeatable)', collect)
    .option('--max-age <duration>', 'drop items older than this, with its unit: 12h, 7d', parseAge)
    .option('--no-max-age', 'no maximum age')
    .addOption(new Option('--republish <what>', 'summary: the summary and a link; full: the full text').choices(['summary', 'full']))
    .option('--clear', 'start from no rules')
    .action(async (n: number, o, cmd: Command) => (await import('./sources.js')).sourcesRulesCommand(n, { ...global(cmd), ...o }));
  sources
    .command('edit')
    .description('change a source: its name, language, interval, full text, canonical choice')
    .argument('<id>', 'source id', id)
    .option('--name <name>', 'name shown with its articles', nonEmpty)
    .addOption(new Option('--lang <code>', "the source's language").argParser(lang))
    .option('--interval <duration>', 'fetch interval, e.g. 15m (adapted to the posting frequency later)', parseDuration)
    .option('--full-text', 'fetch every article page and keep its main content')
    .option('--no-full-text', 'keep what the feed carries (pages are fetched only for items with a short summary)')
    .option('--canonical-here', 'the copy here is canonical (the source says so), not the original')
    .option('--no-canonical-here', 'the original is canonical')
    .action(async (n: number, o, cmd: Command) => (await import('./sources-edit.js')).sourcesEditCommand(n, { ...global(cmd), ...o }));
  sources
    .command('refresh')
    .description('fetch a source now and print what it stored (exit status 1 when the fetch fails)')
    .argument('<id>', 'source id', id)
    .action(async (n: number, _o, cmd: Command) => (await import('./sources-edit.js')).sourcesRefreshCommand(n, global(cmd)));
  sources
    .command('import')
    .description('add the feeds of an OPML file')
    .argument('<file>', 'OPML file')
    .action(async (file: string, _o, cmd: Command) => (await import('./sources.js')).sourcesImportCommand(file, global(cmd)));
  sources
    .command('export')
    .description('write the feed sources as OPML 2.0')
    .option('-o, --output <file>', 'write to a file (default: standard output)')
    .action(async (o, cmd: Command) => (await import('./sources.js')).sourcesExportCommand({ ...global(cmd), ...o }));
  sources
    .command('map')
    .description("file a source's categories under the site's sections, and set its default section (its stored articles are filed again)")
    .argument('<id>', 'source id', id)
    .option('--category <word>', "the source's word, as its feed writes it (repeatable)", collect)
    .option('--section <slug>', 'the section those words go to')
    .option('--unmap <word>', 'a word no longer mapped (repeatable)', collect)
    .option('--default-section <slug>', 'the section of its articles whose words map to no section')
    .option('--no-default-section', 'no default section')
    .action(async (n: number, o, cmd: Command) => (await import('./sections.js')).sourcesMapCommand(n, { ...global(cmd), ...o }));

  const sections = program.command('sections').description("the site's sections (in the menu, named per language) and tags");
  const names = (cmd: Command) => cmd
    .option('--name <name>', 'its name (shown where a language has none of its own)', nonEmpty)
    .option('--name-en <name>', 'its English name', nonEmpty)
    .option('--name-tr <name>', 'its Turkish name', nonEmpty)
    .option('--name-ar <name>', 'its Arabic name', nonEmpty);
  names(sections
    .command('add')
    .description('add a section at the end of the menu (a tag of that slug becomes the section, with its articles)')
    .argument('<slug>', 'its URL name: /section/<slug>/')
    .option('--position <n>', 'its place in the menu (1 = first)', position))
    .action(async (slug: string, o, cmd: Command) => (await import('./sections.js')).sectionsAddCommand(slug, { ...global(cmd), ...o }));
  sections
    .command('list')
    .description('the sections in menu order, with their names and counts')
    .option('--tags', 'the 100 most used tags too')
    .option('--json', 'as JSON')
    .action(async (o, cmd: Command) => (await import('./sections.js')).sectionsListCommand({ ...global(cmd), ...o }));
  names(sections
    .command('rename')
    .description('change the names (per language) or the slug of a section or tag')
    .argument('<slug>', 'the section or tag')
    .option('--slug <new>', 'a new slug (its pages move)'))
    .action(async (slug: string, o, cmd: Command) => (await import('./sections.js')).sectionsRenameCommand(slug, { ...global(cmd), ...o }));
  sections
    .command('move')
    .description('move a section to a place in the menu')
    .argument('<slug>', 'the section')
    .argument('<position>', 'its new place (1 = first)', position)
    .action(async (slug: string, n: number, _o, cmd: Command) => (await import('./sections.js')).sectionsMoveCommand(slug, n, global(cmd)));
  sections
    .command('remove')
    .description('remove a section or tag (its articles stay, under their other sections and tags)')
    .argument('<slug>', 'the section or tag')
    .action(async (slug: string, _o, cmd: Command) => (await import('./sections.js')).sectionsRemoveCommand(slug, global(cmd)));

  const users = program.command('users').description('staff accounts of the desk at /admin');
  users
    .command('add')
    .description('add an account and print its one-time link, which sets the password')
    .argument('<email>', 'the email address the account logs in with')
    .addOption(new Option('--role <role>', 'what the account may do').choices(['contributor', 'author', 'editor', 'admin']).makeOptionMandatory())
    .option('--name <name>', 'the name shown in the desk (default: the part of the email before @)', nonEmpty)
    .action(async (email: string, o, cmd: Command) => (await import('./users.js')).usersAddCommand(email, { ...global(cmd), ...o }));
  users
    .command('reset')
    .description('print a new one-time link that sets the password (earlier links stop working)')
    .argument('<email>', 'the account')
    .action(async (email: string, _o, cmd: Command) => (await import('./users.js')).usersResetCommand(email, global(cmd)));
  users
    .command('list')
    .description('every account with its role and state')
    .option('--json', 'as JSON')
    .action(async (o, cmd: Command) => (await import('./users.js')).usersListCommand({ ...global(cmd), ...o }));
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    users
      .command(name)
      .description(disabled ? 'stop an account from logging in (its sessions end)' : 'let a disabled account log in again')
      .argument('<email>', 'the account')
      .action(async (email: string, _o, cmd: Command) => (await import('./users.js')).usersDisableCommand(email, disabled, global(cmd)));
  }

  program
    .command('import')
    .description('import an archive: NDJSON (one article per line) or a WordPress export (WXR); - reads standard input')
    .argument('<file>', 'NDJSON or WordPress/RSS XML file, or - for standard input')
    .option('--source <name>', 'source of articles that name none (default: the WordPress site title, else the file name)', nonEmpty)
    .addOption(new Option('--lang <code>', "language of articles that name none (default: the channel's, else the site's)").argParser(lang))
    .action(async (file: string, o, cmd: Command) => (await import('./import.js')).importCommand(file, { ...global(cmd), ...o }));

  program
    .command('ingest')
    .description('fetch the sources that are due, until stopped')
    .option('--once', 'fetch every due source once and exit (for cron): status 1 when any source failed')
    .action(async (o, cmd: Command) => (await import('./ingest.js')).ingestCommand({ ...global(cmd), ...o }));

  const media = program.command('media').description('the images of articles, stored and served by the site (media.* in the config)');
  media
    .command('fetch')
    .description('fetch, check and resize every image articles name that is not stored yet')
    .option('--retry', 'also try the images that failed before')
    .option('--verify', 'also check that every stored image still has its files (a store restored without its media folder) and fetch those that do not')
    .action(async (o, cmd: Command) => (await import('./media.js')).mediaFetchCommand({ ...global(cmd), ...o }));
  media
    .command('prune')
    .description('remove the stored images no article uses; prints each file and the bytes freed')
    .action(async (_o, cmd: Command) => (await import('./media.js')).mediaPruneCommand(global(cmd)));

  const pages = program.command('pages').description("the site's own pages (About, Contact, Imprint), linked in every page's footer");
  pages
    .command('add')
    .description('add a page, or replace its version in one language; served at /<slug>/ (and /tr/<slug>/ …)')
    .requiredOption('--slug <slug>', 'its URL segment: lowercase letters, digits and hyphens, e.g. about')
    .requiredOption('--title <text>', 'title')
    .requiredOption('--body-file <file>', 'body, UTF-8: markdown, or HTML with --format html (sanitized either way)')
    .option('--lang <code>', "this version's language, one of the site's (default: the site's default language)")
    .option('--format <format>', 'markdown or html (default: html for a .html/.htm file, else markdown)')
    .option('--position <n>', "place in the footer, lowest first (default: the page's own, else after the last)")
    .action(async (o, cmd: Command) => (await import('./pages.js')).pagesAddCommand({ ...global(cmd), ...o }));
  pages
    .command('list')
    .description('every page with its language versions and footer positions')
    .option('--json', 'as JSON')
    .action(async (o, cmd: Command) => (await import('./pages.js')).pagesListCommand({ ...global(cmd), ...o }));
  pages
    .command('remove')
    .description("remove a page's version in one language, or every version")
    .requiredOption('--slug <slug>', 'the page')
    .option('--lang <code>', 'only this language version (default: all)')
    .action(async (o, cmd: Command) => (await import('./pages.js')).pagesRemoveCommand({ ...global(cmd), ...o }));

  const inspect = program.command('inspect').description('print what Jarida would store, as JSON, without storing it');
  inspect
    .command('feed')
    .description('parse a feed (URL or file) and print its items as they would be stored')
    .argument('<url|file>', 'feed URL or file')
    .option('--full-text', 'fetch each article page for its main content')
    .option('--url <url>', 'the address a file was fetched from (for relative links)', httpUrl)
    .action(async (t: string, o, cmd: Command) => (await import('./inspect.js')).inspectFeedCommand(t, { ...global(cmd), ...o }));
  inspect
    .command('page')
    .description('extract the article of a page (URL or file) as it would be stored')
    .argument('<url|file>', 'page URL or file')
    .option('--url <url>', 'the address a file was fetched from (for relative links)', httpUrl)
    .action(async (t: string, o, cmd: Command) => (await import('./inspect.js')).inspectPageCommand(t, { ...global(cmd), ...o }));

  return program;
}
