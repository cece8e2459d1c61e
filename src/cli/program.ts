/** The `jarida` command line: every command, its options and their validation. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { LANGS } from '../model/types.js';
import { articleAddCommand } from './article-add.js';
import { demoCommand } from './demo.js';
import { migrateCommand } from './migrate.js';
import { recountCommand } from './recount.js';
import { serveCommand } from './serve.js';

function port(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('must be a port number 0-65535.');
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

function lang(v: string): string {
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(v)) throw new InvalidArgumentError(`must be a language code such as ${LANGS.join(', ')}.`);
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
    .action((o, cmd: Command) => serveCommand({ ...global(cmd), ...o }));

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action((_o, cmd: Command) => migrateCommand(global(cmd)));

  program
    .command('demo')
    .description('load the shipped demo articles, dated around now')
    .action((_o, cmd: Command) => demoCommand(global(cmd)));

  program
    .command('recount')
    .description("recompute every article's day in the site time zone, and the day counts")
    .action((_o, cmd: Command) => recountCommand(global(cmd)));

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
    .action((o, cmd: Command) => articleAddCommand({ ...global(cmd), ...o }));

  return program;
}
