/**
 * `npm run bench:all`: every benchmark whose numbers the README's tables give, one after another in
 * one run on one machine, each as the command a reader can run alone, their reports gathered in one
 * Markdown file.
 *
 *   npm run bench:all -- [--db PATH] [--articles N=1000000] [--database-url URL] [--quick]
 *                        [--only LIST | --skip LIST] [--out FILE]
 *
 * Steps, in order (names for --only/--skip): pages (every page and interface, cold and warm, and the
 * media cells), search, desk (on a copy of --db, made once and kept beside it), import, ingest,
 * scale (SQLite, 100,000 and N, filled fresh), scale-postgres (kept as schemas jarida_bench_N and
 * reused by the next run), search-postgres (its N-article schema merged by `jarida compact` first).
 * --db is filled when missing, as `npm run bench` does. A step that fails is reported and the run
 * goes on; the exit status is then 1. Progress goes to stderr as each step prints it; the report file
 * (default bench-report-<date>.md) holds each step's command, time and its own report (stdout).
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, createWriteStream, type WriteStream } from 'node:fs';
import { loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchSchemaUrl, fmt, intOption, machineLine } from './lib.js';
import { PAGE_NAMES } from './pages-targets.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const MAIN_JS = fileURLToPath(new URL('../src/main.js', import.meta.url));

/** One command of the run: `node <script> <args>` (or a file copy), shown as the npm command a reader would type. */
export interface Step {
  name: string;
  /** The npm script (`bench:search`), or `jarida` for the CLI, shown in the report. */
  npm: string;
  /** Node script run, relative to dist/ (or an absolute path). */
  script: string;
  args: string[];
  env?: Record<string, string>;
  /** Runs before the command (a copy of a store); returns a line for the report, or null. */
  prepare?: () => string | null;
}

export interface AllOptions {
  db: string;
  articles: number;
  databaseUrl: string;
  quick: boolean;
  steps: StepName[];
  out: string;
}

/** The steps' names in run order; the step that merges the PostgreSQL index runs with search-postgres. */
export const STEP_NAMES = ['pages', 'search', 'desk', 'import', 'ingest', 'scale', 'scale-postgres', 'search-postgres'] as const;
export type StepName = (typeof STEP_NAMES)[number];

const USAGE = `usage: npm run bench:all -- [options]
  --db PATH              the SQLite store of N articles (filled when missing; default <tmpdir>/jarida-bench-N.db)
  --articles N           its articles (default 1,000,000); bench:scale measures 100,000 and N
  --database-url URL     PostgreSQL server for scale-postgres and search-postgres (default postgres://postgres@127.0.0.1:5432/test)
  --quick                1 s cells and smaller runs (a check that everything runs, not numbers to report)
  --only LIST | --skip LIST  of ${STEP_NAMES.join(',')}
  --out FILE             the report (default bench-report-<date>.md)
  -h, --help             this text
`;

/** Returns the options from the command line; throws naming the option that is wrong. */
export function parseAllOptions(argv: string[], now = new Date()): AllOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      articles: { type: 'string', default: '1000000' },
      'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      skip: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const names = (option: string, raw: string) => raw.split(',').map((s) => {
    const name = s.trim();
    if (!(STEP_NAMES as readonly string[]).includes(name)) throw new Error(`bench: --${option}: ${name || '(empty)'} is not one of ${STEP_NAMES.join(', ')}`);
    return name as StepName;
  });
  if (values.only !== undefined && values.skip !== undefined) throw new Error('bench: give --only or --skip, not both');
  const only = values.only === undefined ? null : names('only', values.only);
  const skip = values.skip === undefined ? [] : names('skip', values.skip);
  const articles = intOption('articles', values.articles, 1000);
  const url = values['database-url'];
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`bench: --database-url must be a postgres:// URL, got ${url}`);
  return {
    db: values.db ?? join(tmpdir(), `jarida-bench-${articles}.db`),
    articles,
    databaseUrl: url,
    quick: values.quick,
    steps: STEP_NAMES.filter((n) => (only ? only.includes(n) : !skip.includes(n))),
    out: values.out ?? `bench-report-${now.toISOString().slice(0, 10)}.md`,
  };
}

/** Returns the commands of the run, in order. */
export function planSteps(o: AllOptions): Step[] {
  const quick = o.quick ? ['--quick'] : [];
  const small = o.quick ? 10_000 : 100_000;
  const sizes = `${Math.min(small, o.articles)},${o.articles}`;
  const deskDb = o.db.replace(/(\.db)?$/, '-desk.db');
  const pgSearch = benchSchemaUrl(o.databaseUrl, o.articles);
  const steps: Record<StepName, Step[]> = {
    pages: [{ name: 'pages', npm: 'bench', script: 'bench/pages.js', args: ['--db', o.db, '--articles', String(o.articles), '--pages', PAGE_NAMES.join(','), '--connections', '16,64', ...quick] }],
    search: [{ name: 'search', npm: 'bench:search', script: 'bench/search.js', args: ['--db', o.db, ...quick] }],
    desk: [{
      name: 'desk', npm: 'bench:desk', script: 'bench/desk-list.js', args: ['--db', deskDb, '--articles', String(o.articles), ...(o.quick ? ['--runs', '5'] : [])],
      prepare: () => {
        if (existsSync(deskDb)) return `reused ${deskDb} (a copy of ${o.db} with the desk's articles added by an earlier run)`;
        if (!existsSync(o.db)) throw new Error(`bench: desk: ${o.db} is missing (the pages step fills it)`);
        copyFileSync(o.db, deskDb);
        if (existsSync(`${o.db}-wal`)) copyFileSync(`${o.db}-wal`, `${deskDb}-wal`); // what is not yet checkpointed into the file
        return `copied ${o.db} to ${deskDb}`;
      },
    }],
    import: [{ name: 'import', npm: 'bench:import', script: 'bench/import.js', args: o.quick ? ['--articles', '10000'] : [] }],
    ingest: [{ name: 'ingest', npm: 'bench:ingest', script: 'bench/ingest.js', args: o.quick ? ['--items', '10000'] : [] }],
    scale: [{ name: 'scale', npm: 'bench:scale', script: 'bench/scale.js', args: ['--articles', sizes, ...(o.quick ? ['--duration', '1'] : [])] }],
    'scale-postgres': [{
      name: 'scale-postgres', npm: 'bench:scale', script: 'bench/scale.js', args: ['--articles', sizes, '--store', 'postgres', '--reuse', ...(o.quick ? ['--duration', '1'] : [])],
      env: { DATABASE_URL: o.databaseUrl },
    }],
    'search-postgres': [
      { name: 'compact-postgres', npm: 'jarida', script: MAIN_JS, args: ['compact'], env: { DATABASE_URL: pgSearch } },
      { name: 'search-postgres', npm: 'bench:search', script: 'bench/search.js', args: ['--database-url', pgSearch, '--connections', '1,16', '--parts', 'cold', ...quick] },
    ],
  };
  return o.steps.flatMap((n) => steps[n]);
}

/** Returns the step as a reader types it. */
export function commandLine(step: Step): string {
  const env = Object.entries(step.env ?? {}).map(([k, v]) => `${k}='${v}' `).join('');
  const args = step.args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
  return step.npm === 'jarida' ? `${env}npx jarida ${args}` : `${env}npm run ${step.npm}${args ? ` -- ${args}` : ''}`;
}

export interface StepResult {
  step: Step;
  code: number;
  seconds: number;
}

/**
 * Runs the steps one after another: each one's stdout into the report and onto `echo`, its stderr
 * onto `echo` only (its progress), the last lines of it into the report when the step fails.
 */
export async function runSteps(steps: Step[], report: WriteStream, echo: NodeJS.WritableStream, root = join(BENCH_DIR, '..')): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of steps) {
    const t0 = performance.now();
    report.write(`\n## ${step.name}\n\n\`${commandLine(step)}\` (started ${new Date().toISOString().slice(0, 19)}Z, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})\n\n`);
    let code: number;
    const tail: string[] = [];
    try {
      const note = step.prepare?.();
      if (note) report.write(`${note}\n\n`);
      code = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [step.script.startsWith('/') ? step.script : join(root, step.script), ...step.args], {
          env: { ...process.env, ...step.env }, stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.on('data', (b: Buffer) => { report.write(b); echo.write(b); });
        child.stderr.on('data', (b: Buffer) => {
          echo.write(b);
          tail.push(...b.toString('utf8').split('\n').filter(Boolean));
          tail.splice(0, Math.max(0, tail.length - 20));
        });
        child.on('error', reject);
        child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
      });
    } catch (err) {
      tail.push((err as Error).message);
      code = 1;
    }
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) report.write(`\n**${step.name} failed (exit ${code})**; its last lines:\n\n\`\`\`\n${tail.join('\n')}\n\`\`\`\n`);
    report.write(`\n(${step.name}: ${fmt(seconds / 60, 1)} min, exit ${code})\n`);
    results.push({ step, code, seconds });
  }
  return results;
}

/** Returns the report's opening lines: when, what code, what machine. */
function header(o: AllOptions): string {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: join(BENCH_DIR, '..', '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) ? ' with uncommitted changes' : '';
  return [
    '# Jarida benchmarks, one run',
    '',
    `- \`npm run bench:all -- ${process.argv.slice(2).join(' ')}\`, started ${new Date().toISOString().slice(0, 19)}Z`,
    `- commit ${commit}${dirty}; ${machineLine()}; ${fmt(totalmem() / 2 ** 30)} GiB`,
    `- store: ${o.db} (${fmt(o.articles)} articles); PostgreSQL: ${o.databaseUrl}`,
    `- steps: ${o.steps.join(', ')}`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const o = parseAllOptions(process.argv.slice(2));
  const report = createWriteStream(o.out);
  report.write(header(o));
  const t0 = performance.now();
  const results = await runSteps(planSteps(o), report, process.stdout);
  const failed = results.filter((r) => r.code !== 0);
  report.write(`\n## Summary\n\n${results.map((r) => `- ${r.step.name}: ${fmt(r.seconds / 60, 1)} min, ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`}`).join('\n')}\n- in all ${fmt((performance.now() - t0) / 60_000, 1)} min\n`);
  if (o.steps.includes('scale-postgres')) report.write(`- PostgreSQL schemas jarida_bench_* were kept for the next run; drop them with \`drop schema jarida_bench_N cascade\`\n`);
  await new Promise((resolve) => report.end(resolve));
  process.stderr.write(`bench: report in ${o.out}${failed.length ? `; failed: ${failed.map((r) => r.step.name).join(', ')}` : ''}\n`);
  process.exit(failed.length ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  });
}
