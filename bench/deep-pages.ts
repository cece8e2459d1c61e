/**
 * Home page pagination: latency of findLatestArticles for shallow and deep pages, plain OFFSET
 * (deepFrom = Infinity, as before) against the day-count path (the default), on one SQLite store.
 *
 *   npm run build && node dist/bench/deep-pages.js [--articles 1000000] [--years 27] [--db PATH]
 *
 * --db PATH keeps the store at PATH (filled when missing, reused when present). 27 years of
 * 1,000,000 articles is ~10,000 days of ~100: the day-count pass is measured at that size.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEEP_OFFSET, findLatestArticles } from '../src/store/articles.js';
import { openStore } from '../src/store/db.js';
import { fillBenchStore } from './fill.js';

const { values } = parseArgs({ options: { articles: { type: 'string', default: '1000000' }, years: { type: 'string', default: '27' }, db: { type: 'string' } } });
const total = Number(values.articles);
const tmp = values.db ? null : mkdtempSync(join(tmpdir(), 'jarida-deep-'));
const path = values.db ?? join(tmp!, 'deep.db');
const log = (s: string) => process.stderr.write(`${s}\n`);

try {
  if (!existsSync(path)) log(`fill: ${(await fillBenchStore(path, total, Number(values.years) * 365.25 * 86_400_000, log)).toFixed(0)} s`);
  const store = openStore(`sqlite:${path}`);
  const days = await store.db.selectFrom('day_counts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const size = 20;
  const pages = [1, 2, 26, 51, 101, 251, 501, 1_001, 5_000, 25_000, 45_000, 50_000];
  const median = async (fn: () => Promise<unknown>, runs: number) => {
    await fn(); // warm
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  };
  process.stdout.write(`${total.toLocaleString('en-US')} articles, ${Number(days.n).toLocaleString('en-US')} days, page size ${size}, median ms (DEEP_OFFSET ${DEEP_OFFSET})\n\n`);
  process.stdout.write('| page | offset | OFFSET only | day counts | default |\n|---:|---:|---:|---:|---:|\n');
  for (const page of pages) {
    const offset = (page - 1) * size;
    const runs = offset > 100_000 ? 5 : 25;
    const plain = await median(() => findLatestArticles(store.db, size, offset, Infinity), runs);
    const deep = await median(() => findLatestArticles(store.db, size, offset, 0), runs);
    const dflt = await median(() => findLatestArticles(store.db, size, offset), runs);
    const same = JSON.stringify((await findLatestArticles(store.db, size, offset, Infinity)).map((a) => a.id)) === JSON.stringify((await findLatestArticles(store.db, size, offset, 0)).map((a) => a.id));
    process.stdout.write(`| ${page.toLocaleString('en-US')} | ${offset.toLocaleString('en-US')} | ${plain.toFixed(2)} | ${deep.toFixed(2)} | ${dflt.toFixed(2)} |${same ? '' : ' DIFFERENT'}\n`);
  }
  await store.close();
} finally {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
