import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { commandLine, parseAllOptions, planSteps, runSteps, STEP_NAMES, type Step } from './all.js';

const dir = mkdtempSync(join(tmpdir(), 'jarida-bench-all-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench:all options and plan', () => {
  it('runs every step by default, in order, each as the command a reader types', () => {
    const o = parseAllOptions(['--db', '/data/1m.db'], new Date('2026-12-07T12:00:00Z'));
    expect(o.steps).toEqual([...STEP_NAMES]);
    expect(o.out).toBe('bench-report-2026-12-07.md');
    const steps = planSteps(o);
    expect(steps.map((s) => s.name)).toEqual(['pages', 'search', 'desk', 'import', 'ingest', 'scale', 'scale-postgres', 'compact-postgres', 'search-postgres']);
    const byName = new Map(steps.map((s) => [s.name, s]));
    expect(commandLine(byName.get('search')!)).toBe('npm run bench:search -- --db /data/1m.db');
    expect(commandLine(byName.get('desk')!)).toBe('npm run bench:desk -- --db /data/1m-desk.db --articles 1000000');
    expect(commandLine(byName.get('scale-postgres')!)).toBe(
      "DATABASE_URL='postgres://postgres@127.0.0.1:5432/test' npm run bench:scale -- --articles 100000,1000000 --store postgres --reuse");
    expect(commandLine(byName.get('compact-postgres')!)).toBe(
      "DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?schema=jarida_bench_1000000' npx jarida compact");
    const pages = byName.get('pages')!.args;
    expect(pages[pages.indexOf('--pages') + 1]!.split(',')).toEqual(expect.arrayContaining(['home', 'feed', 'section', 'sitemap-month', 'api-header'])); // the interfaces too
  });

  it('names a script that exists for every step', () => {
    const root = join(import.meta.dirname, '..');
    for (const step of planSteps(parseAllOptions([]))) {
      const source = step.script.startsWith('/') ? join(root, 'src', 'main.ts') : join(root, step.script.replace(/\.js$/, '.ts'));
      expect(existsSync(source), `${step.name}: ${source}`).toBe(true);
    }
  });

  it('takes --only or --skip, --quick, and refuses what it does not know', () => {
    expect(parseAllOptions(['--only', 'search,pages']).steps).toEqual(['pages', 'search']);
    expect(parseAllOptions(['--skip', 'scale-postgres,search-postgres']).steps).toEqual(['pages', 'search', 'desk', 'import', 'ingest', 'scale']);
    const quick = planSteps(parseAllOptions(['--quick', '--articles', '20000', '--only', 'pages,scale']));
    expect(quick[0]!.args).toContain('--quick');
    expect(quick[1]!.args).toEqual(['--articles', '10000,20000', '--duration', '1']);
    expect(() => parseAllOptions(['--only', 'pages,serach'])).toThrow('--only: serach is not one of');
    expect(() => parseAllOptions(['--only', 'pages', '--skip', 'search'])).toThrow('not both');
    expect(() => parseAllOptions(['--database-url', 'mysql://x'])).toThrow('--database-url must be a postgres:// URL');
    expect(() => parseAllOptions(['--articles', '12'])).toThrow('--articles must be an integer ≥ 1000');
    expect(() => parseAllOptions(['--wat'])).toThrow();
  });
});

describe('bench:all run', () => {
  it('keeps each step\'s report, goes on after a failure and names it with its last lines', async () => {
    const script = (name: string, body: string) => {
      const path = join(dir, `${name}.mjs`);
      writeFileSync(path, body);
      return path;
    };
    const steps: Step[] = [
      { name: 'first', npm: 'bench:first', script: script('first', "process.stderr.write('progress 1\\n'); console.log('| cell | 1,234 |'); console.log(process.argv[2], process.env.BENCH_X);"), args: ['an arg'], env: { BENCH_X: 'x-value' } },
      { name: 'broken', npm: 'bench:broken', script: script('broken', "for (let i = 0; i < 30; i++) process.stderr.write(`line ${i}\\n`); process.exit(3);"), args: [] },
      { name: 'unprepared', npm: 'bench:x', script: script('never', "console.log('must not run')"), args: [], prepare: () => { throw new Error('bench: the store is missing'); } },
      { name: 'last', npm: 'bench:last', script: script('last', "console.log('last ran')"), args: [], prepare: () => 'copied a store' },
    ];
    const out = join(dir, 'report.md');
    const report = createWriteStream(out);
    const echo = new PassThrough();
    const echoed: Buffer[] = [];
    echo.on('data', (b: Buffer) => echoed.push(b));
    const results = await runSteps(steps, report, echo);
    await new Promise((resolve) => report.end(resolve));
    const text = readFileSync(out, 'utf8');

    expect(results.map((r) => [r.step.name, r.code])).toEqual([['first', 0], ['broken', 3], ['unprepared', 1], ['last', 0]]);
    expect(text).toContain("`BENCH_X='x-value' npm run bench:first -- 'an arg'`");
    expect(text).toContain('| cell | 1,234 |\nan arg x-value\n');
    expect(text).not.toContain('progress 1'); // progress is echoed, not kept
    expect(Buffer.concat(echoed).toString()).toContain('progress 1');
    expect(text).toContain('**broken failed (exit 3)**');
    expect(text).toContain('line 29');
    expect(text).not.toContain('line 9\n'); // only the last 20 lines
    expect(text).toContain('bench: the store is missing');
    expect(text).not.toContain('must not run');
    expect(text).toContain('copied a store\n\nlast ran');
  });
});
