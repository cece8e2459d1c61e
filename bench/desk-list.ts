/**
 * The desk's list at scale: latency of findDeskArticles for each filter, combined filters, text and
 * a deep cursor, on a SQLite store of N articles (bench/fill.ts, 270 a day, six sections, eight
 * sources), to which it adds what a desk has: hidden aggregated articles and desk articles by three
 * authors in every status (drafts, scheduled, hidden). p50 and p99 ms over repeated calls.
 *
 *   npm run bench:desk -- [--articles 1000000] [--db PATH] [--runs 50] [--limit 50]
 *
 * --db PATH keeps the store (filled when missing, reused when present). Progress goes to stderr,
 * the report (Markdown) to stdout.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setArticleStatus } from '../src/store/articles.js';
import { findCategoryBySlug } from '../src/store/categories.js';
import { findPublishedTotal } from '../src/store/day-counts.js';
import { openMigratedStore } from '../src/store/db.js';
import { ensureDeskSource, saveDeskArticle } from '../src/store/desk-articles.js';
import { findDeskArticles, type DeskFilter } from '../src/store/desk-list.js';
import { findSources } from '../src/store/sources.js';
import { BENCH_SECTIONS } from './content.js';
import { BENCH_NOW, BENCH_TZ, fillStore } from './fill.js';
import { fmt, log } from './lib.js';

const { values } = parseArgs({ options: { articles: { type: 'string', default: '1000000' }, db: { type: 'string' }, runs: { type: 'string', default: '50' }, limit: { type: 'string', default: '50' } } });
const total = Number(values.articles);
const runs = Number(values.runs);
const limit = Number(values.limit);
const tmp = values.db ? null : mkdtempSync(join(tmpdir(), 'jarida-desk-'));
const path = values.db ?? join(tmp!, 'desk.db');

/** Desk articles added: a third each by three authors, in every status; a few mention a rare word. */
const DESK_ARTICLES = 600;
/** Every this many ids an aggregated article is hidden. */
const HIDE_EVERY = 500;
const STATUSES = ['published', 'draft', 'published', 'scheduled', 'hidden', 'published'] as const;

try {
  if (!existsSync(path)) log(`fill: ${fmt(await fillStore(`sqlite:${path}`, total, log))} s`);
  const store = await openMigratedStore(`sqlite:${path}`);
  try {
    const desk = await ensureDeskSource(store.db, 'Jarida Bench');
    if ((await findDeskArticles(store.db, { userId: 1 }, { limit: 1 })).rows.length === 0) {
      const t0 = performance.now();
      for (let id = HIDE_EVERY; id <= total; id += HIDE_EVERY) await setArticleStatus(store.db, id, 'hidden');
      for (let i = 0; i < DESK_ARTICLES; i++) {
        const status = STATUSES[i % STATUSES.length]!;
        const ahead = status === 'scheduled' ? 86_400_000 * (1 + (i % 30)) : -86_400_000 * ((i * 7) % 700);
        const section = BENCH_SECTIONS[Math.floor(i / STATUSES.length) % BENCH_SECTIONS.length]!; // every section in every status
        await saveDeskArticle(store.db, {
          sourceId: desk, title: `Desk report ${i} on the ${section.en.toLowerCase()} desk${i % 60 === 0 ? ' from Zanzibar' : ''}`,
          contentHtml: `<p>Written in the desk, report ${i}. The minister answered questions.</p>`, bodySource: `Written in the desk, report ${i}.`,
          language: 'en', categories: [section.en, 'Desk'], publishedAt: new Date(BENCH_NOW + ahead), status,
        }, { userId: 1 + (i % 3), email: null }, BENCH_TZ, new Date(BENCH_NOW));
      }
      log(`desk: ${fmt(total / HIDE_EVERY)} hidden, ${DESK_ARTICLES} desk articles in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    }
    const world = (await findCategoryBySlug(store.db, 'world'))!;
    const deskTag = (await findCategoryBySlug(store.db, 'desk'))!;
    const place = (await findCategoryBySlug(store.db, 'in-ankara')) ?? deskTag;
    const sources = await findSources(store.db);
    const feed = sources.find((s) => s.kind === 'feed')!;
    // The deep cursor: the list walked 200 at a time to about its middle.
    const t0 = performance.now();
    let deep: string | undefined;
    const pages = Math.floor(total / 2 / 200);
    for (let i = 0; i < pages; i++) deep = (await findDeskArticles(store.db, {}, { limit: 200, after: deep })).next ?? undefined;
    const walkMs = (performance.now() - t0) / pages;
    const sourceDeep = await (async () => {
      let after: string | undefined;
      for (let i = 0; i < 250; i++) after = (await findDeskArticles(store.db, { sourceId: feed.id }, { limit: 200, after })).next ?? undefined;
      return after;
    })();

    const textDeep = await (async () => {
      let after: string | undefined;
      for (let i = 0; i < 100; i++) after = (await findDeskArticles(store.db, { text: 'minister' }, { limit: 200, after })).next ?? undefined;
      return after;
    })();

    const day = '2018-06-15';
    const cases: [string, DeskFilter, string?][] = [
      ['all, page 1', {}],
      [`all, from a cursor ${fmt(pages * 200)} deep`, {}, deep],
      ['status published', { status: 'published' }],
      ['status hidden', { status: 'hidden' }],
      ['status draft', { status: 'draft' }],
      ['status scheduled', { status: 'scheduled' }],
      [`source (${fmt(feed.publishedCount)} articles)`, { sourceId: feed.id }],
      ['source, from a cursor 50,000 deep', { sourceId: feed.id }, sourceDeep],
      ['source + draft (none)', { sourceId: feed.id, status: 'draft' }],
      [`section world (${fmt(world.count)})`, { categoryId: world.id }],
      ['section world + hidden', { categoryId: world.id, status: 'hidden' }],
      ['section world + draft', { categoryId: world.id, status: 'draft' }],
      [`tag ${place.slug} (${fmt(place.count)})`, { categoryId: place.id }],
      ['section world + source', { categoryId: world.id, sourceId: feed.id }],
      ['tag desk + source feed (none)', { categoryId: deskTag.id, sourceId: feed.id }],
      [`day ${day}`, { day }],
      [`day ${day} + hidden`, { day, status: 'hidden' }],
      [`day ${day} + section world + source`, { day, categoryId: world.id, sourceId: feed.id }],
      ['author 2', { userId: 2 }],
      ['author 2 + draft', { userId: 2, status: 'draft' }],
      ['author 2 + section world', { userId: 2, categoryId: world.id }],
      ['text: minister (in 35%)', { text: 'minister' }],
      ['text: minister, from a cursor 20,000 deep', { text: 'minister' }, textDeep],
      ['text: zanzibar (rare)', { text: 'zanzibar' }],
      ['text: "interest rate decision"', { text: '"interest rate decision"' }],
      ['text: metro + source', { text: 'metro', sourceId: feed.id }],
      ['text: minister + draft', { text: 'minister', status: 'draft' }],
      ['text: minister + hidden (1 in 500)', { text: 'minister', status: 'hidden' }],
      ['text: metro + draft (none: partial pages)', { text: 'metro', status: 'draft' }],
      ['text: stadi (no such word: its prefix)', { text: 'stadi' }],
      ['text: budget + section world', { text: 'budget', categoryId: world.id }],
      [`text: minister + day ${day}`, { text: 'minister', day }],
      ['text: minister + author 2', { text: 'minister', userId: 2 }],
    ];
    const out: string[] = [];
    out.push(`## The desk's list, SQLite, ${fmt(await findPublishedTotal(store.db))} published of ${fmt(total + DESK_ARTICLES)} articles`);
    out.push('');
    out.push(`findDeskArticles, ${limit} rows a page, ${runs} calls each after one warm-up; walking the whole list 200 at a time took ${fmt(walkMs, 2)} ms a page.`);
    out.push('');
    out.push('| filter | rows | p50 ms | p99 ms |');
    out.push('|---|---:|---:|---:|');
    for (const [name, filter, after] of cases) {
      const call = () => findDeskArticles(store.db, filter, { limit, after });
      const first = await call();
      const rows = `${first.rows.length}${first.partial ? ' (partial)' : ''}`;
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await call();
        ms.push(performance.now() - t);
      }
      ms.sort((a, b) => a - b);
      const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
      out.push(`| ${name} | ${rows} | ${fmt(q(0.5), 2)} | ${fmt(q(0.99), 2)} |`);
      log(out[out.length - 1]!);
    }
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await store.close();
  }
} finally {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
