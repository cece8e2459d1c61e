/**
 * `npm run bench:ingest`: writes a set of local feed files (RSS 2.0 and Atom, ≥ 100,000 items in
 * all, realistic ~2 KB bodies in three languages), then measures in the same run:
 *   1. bare parse: parseFeed over every file;
 *   2. ingest: parse + rules + sanitize + dedupe + store into a fresh SQLite file (the refresh
 *      pipeline minus the network), day counts kept exact;
 *   3. re-ingest of the same files (everything already stored: the dedupe path).
 *   4. images: check and resize with sharp (bench/images.ts), images/s and MB/s in, and AVIF beside WebP.
 * Prints items/s and peak memory. Options: --items N (default 100000), --per-feed N (default 1000), --images N (default 48).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config.js';
import { parseFeed } from '../src/ingest/parse/parse.js';
import { createDigester } from '../src/ingest/digest.js';
import { pool } from '../src/ingest/schedule.js';
import { DEFAULT_RULES } from '../src/model/rules.js';
import { saveArticles } from '../src/store/articles.js';
import { findPublishedTotal } from '../src/store/day-counts.js';
import { openMigratedStore } from '../src/store/db.js';
import { insertSource } from '../src/store/sources.js';
import { benchArticle } from './content.js';
import { imageBench } from './images.js';

const { values } = parseArgs({ options: { items: { type: 'string', default: '100000' }, 'per-feed': { type: 'string', default: '1000' }, images: { type: 'string', default: '48' } } });
const total = Number(values.items);
const perFeed = Number(values['per-feed']);
if (!Number.isInteger(total) || total < 1 || !Number.isInteger(perFeed) || perFeed < 1) {
  process.stderr.write('usage: node dist/bench/ingest.js [--items N] [--per-feed N]\n');
  process.exit(2);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const dir = mkdtempSync(join(tmpdir(), 'jarida-bench-ingest-'));
const NOW = Date.parse('2019-02-15T09:00:00Z');
const SPAN = 30 * 86_400_000;

try {
  // 1. The feed files.
  let written = 0;
  for (let f = 0; written < total; f++) {
    const n = Math.min(perFeed, total - written);
    const atom = f % 4 === 3;
    const entries: string[] = [];
    for (let k = 0; k < n; k++) {
      const i = written + k;
      const a = benchArticle(i, total, NOW, SPAN, [1]);
      const link = `https://feeds.example/${f}/${i}?utm_source=rss`;
      entries.push(atom
        ? `<entry><id>urn:bench:${i}</id><title>${esc(a.title)}</title><link href="${link}"/><updated>${a.publishedAt.toISOString()}</updated><summary>${esc(a.summary ?? '')}</summary><content type="html">${esc(a.contentHtml ?? '')}</content><author><name>${esc(a.author ?? 'Desk')}</name></author></entry>`
        : `<item><guid isPermaLink="false">bench-${i}</guid><title>${esc(a.title)}</title><link>${link}</link><pubDate>${a.publishedAt.toUTCString()}</pubDate><description>${esc(a.summary ?? '')}</description><content:encoded><![CDATA[${a.contentHtml ?? ''}]]></content:encoded><category>News</category></item>`);
    }
    const xml = atom
      ? `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Bench ${f}</title><id>urn:bench:feed:${f}</id><updated>2019-02-15T09:00:00Z</updated>${entries.join('\n')}</feed>`
      : `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Bench ${f}</title><link>https://feeds.example/${f}/</link><description>bench</description>${entries.join('\n')}</channel></rss>`;
    writeFileSync(join(dir, `feed-${String(f).padStart(4, '0')}.xml`), xml);
    written += n;
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort();
  const bytes = files.reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  const data = files.map((f) => readFileSync(join(dir, f)));

  // 2. Bare parse.
  let t = performance.now();
  let parsed = 0;
  for (const b of data) parsed += parseFeed(b, { url: 'https://feeds.example/' }).items.length;
  const parseS = (performance.now() - t) / 1000;

  // 3. Parse + prepare (rules, sanitize, normalize) + store.
  const dbPath = join(dir, 'ingest.db');
  const config = parseConfig({ databaseUrl: `sqlite:${dbPath}` }, { JARIDA_INGEST_WORKERS: process.env.JARIDA_INGEST_WORKERS, JARIDA_INGEST_CONCURRENCY: process.env.JARIDA_INGEST_CONCURRENCY });
  const store = await openMigratedStore(config.databaseUrl);
  const sourceIds: number[] = [];
  for (let f = 0; f < data.length; f++) sourceIds.push(await insertSource(store.db, { kind: 'feed', title: `Bench ${f}`, url: `https://feeds.example/${f}/feed` }));
  // The refresh pipeline minus the network: digest (parse + rules + sanitize) on the worker
  // threads, dedupe and save on the main thread, `ingest.concurrency` feeds at a time.
  const digester = createDigester(config.ingest.workers);
  const ingest = async () => {
    const start = performance.now();
    const outcomes = { created: 0, unchanged: 0, other: 0 };
    await pool([...data.keys()], config.ingest.concurrency, async (f) => {
      const url = `https://feeds.example/${f}/feed`;
      const d = await digester.run({ bytes: data[f]!, url, contentType: null, kind: 'feed', sourceId: sourceIds[f]!, language: null, rules: DEFAULT_RULES, now: NOW, feedUrl: url });
      const inputs = d.prepared.flatMap((p) => (p.ok ? [p.input] : []));
      for (const r of await saveArticles(store.db, inputs, config.site.timeZone)) {
        if (r.outcome === 'created') outcomes.created++;
        else if (r.outcome === 'unchanged') outcomes.unchanged++;
        else outcomes.other++;
      }
    });
    return { seconds: (performance.now() - start) / 1000, ...outcomes };
  };
  const first = await ingest();
  const again = await ingest();
  const stored = await findPublishedTotal(store.db);
  await digester.close();
  await store.close();
  const dbBytes = statSync(dbPath).size;
  const peakMb = process.resourceUsage().maxRSS / 1024;

  const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en');
  process.stdout.write(`
## Jarida ingest benchmark — ${total.toLocaleString('en')} items in ${files.length} feed files (${(bytes / 1048576).toFixed(1)} MB)

Node ${process.version}, ${availableParallelism()} CPUs; ${config.ingest.workers} digest worker thread(s) + the main thread storing, ${config.ingest.concurrency} feeds at a time; SQLite file (WAL). Same files, same run.

| step | items | seconds | items/s |
|---|---:|---:|---:|
| bare parse (parseFeed) | ${parsed.toLocaleString('en')} | ${parseS.toFixed(2)} | ${rate(parsed, parseS)} |
| parse + rules + sanitize + dedupe + store (new items) | ${first.created.toLocaleString('en')} | ${first.seconds.toFixed(2)} | ${rate(total, first.seconds)} |
| the same again (all unchanged: dedupe) | ${again.unchanged.toLocaleString('en')} | ${again.seconds.toFixed(2)} | ${rate(total, again.seconds)} |

Stored ${stored.toLocaleString('en')} articles (${(dbBytes / 1048576).toFixed(0)} MB); peak RSS ${peakMb.toFixed(0)} MB. Goal: ≥ 5,000 items/s stored.
`);
  process.stdout.write(await imageBench(Number(values.images), config.media.concurrency));
  if (stored !== total || first.created !== total || again.unchanged !== total) {
    process.stderr.write(`bench: expected ${total} stored once, got created=${first.created} unchanged=${again.unchanged} other=${first.other + again.other} total=${stored}\n`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
