import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../search/query.js';
import { saveArticle } from '../store/articles.js';
import { openMigratedStore, openStore, type Store } from '../store/db.js';
import { ensureSource } from '../store/sources.js';
import { createSearchRunner, findSearchResults, packAnswer, packPieces, SEARCH_NICE, unpackAnswer, unpackPieces, type SearchRequest } from './search-runner.js';

const TZ = 'Europe/Istanbul';
/** Articles about harbour: the ones whose title word or content word it is (see beforeAll). */
const HARBOUR = Array.from({ length: 400 }, (_, i) => i).filter((i) => i % 10 === 0 || (i * 7 + 3) % 10 === 0).length;
const WORDS = ['harbour', 'ferry', 'council', 'budget', 'market', 'school', 'bridge', 'storm', 'festival', 'library'];

function request(q: string, limit = 10, offset = 0): SearchRequest {
  const parsed = parseSearchQuery(q, 'en');
  if (!parsed.ok) throw new Error(`no query: ${q}`);
  return { filter: { parts: parsed.parts, exclude: parsed.exclude }, limit, offset, highlight: parsed.highlight };
}

describe('search runner: the answer as a thread sends it', () => {
  it('packs snippet pieces as texts plain and marked in turn, and unpacks them as they were', () => {
    const cases = [
      [],
      [{ text: 'bank', mark: true }],
      [{ text: 'The ', mark: false }, { text: 'bank', mark: true }, { text: ' rates', mark: false }],
      [{ text: '… ', mark: false }, { text: 'central', mark: true }, { text: 'bank', mark: true }, { text: ' …', mark: false }],
      [{ text: 'a', mark: true }, { text: 'b', mark: true }, { text: 'c', mark: true }],
    ];
    for (const pieces of cases) {
      const packed = packPieces(pieces);
      expect(packed.every((t) => typeof t === 'string')).toBe(true);
      expect(unpackPieces(packed)).toEqual(pieces);
    }
    expect(packPieces(cases[3]!)).toEqual(['… ', 'central', '', 'bank', ' …']);
  });

  it('packs a whole answer as one string and unpacks it as it was, whatever its text holds', () => {
    const article = {
      id: 7, slug: 'x', title: 'Bank \u{1F600} "rates" \\ \ud800 lone', summary: null, language: null, publishedAt: '2019-02-14T09:30:00.000Z',
      localDay: '2019-02-14', sourceTitle: 'Kaynak\u2028', sourceSlug: 'kaynak', imageUrl: null, sourceId: 3,
    };
    const answer = {
      total: 1000, capped: true,
      results: [{ article, title: [{ text: 'Bank', mark: true }, { text: ' \ud800 lone', mark: false }], snippet: [{ text: '… البنك\u0000', mark: false }, { text: 'bank', mark: true }] }],
    };
    const packed = packAnswer(answer);
    expect(typeof packed).toBe('string'); // one string: copied between threads as its bytes
    expect(unpackAnswer(packed)).toStrictEqual(answer);
    expect(unpackAnswer(packAnswer({ total: 0, capped: false, results: [] }))).toStrictEqual({ total: 0, capped: false, results: [] });
  });
});

describe('search runner: searches on a thread of their own on a SQLite file store', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jarida-search-runner-'));
    store = await openMigratedStore(`sqlite:${join(dir, 'jarida.db')}`);
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    for (let i = 0; i < 400; i++) {
      const a = WORDS[i % WORDS.length]!;
      const b = WORDS[(i * 7 + 3) % WORDS.length]!;
      await saveArticle(store.db, {
        sourceId, guid: `g${i}`, title: `The ${a} story number ${i}`,
        contentHtml: `<p>Reporters wrote about the ${b} and the ${a} on day ${i}. ${'Filler words go here. '.repeat(20)}The ${b} again.</p>`,
        publishedAt: new Date(Date.UTC(2019, 0, 1) + i * 3_600_000),
      }, TZ);
    }
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers as the main thread does: the same articles, counts and snippets, without the content', async () => {
    const runner = createSearchRunner(store, { threads: 1 });
    try {
      expect(runner.threads).toBe(1); // the compiled worker is there (npm test builds first)
      for (const q of ['harbour', 'ferry council', '"the storm"', 'budget -market', 'festiv', 'nothingsuch']) {
        for (const page of [0, 10]) {
          const inline = await findSearchResults(store.db, request(q, 10, page));
          const threaded = await runner.run(request(q, 10, page));
          expect(threaded, q).toEqual(inline);
        }
      }
      const found = await runner.run(request('harbour'));
      expect(found.total).toBe(HARBOUR);
      expect(found.results).toHaveLength(10);
      expect(found.results[0]!.article.title).toBe('The harbour story number 390'); // newest first
      // What a card shows, not the article's content (the snippet is made of it already).
      expect(Object.keys(found.results[0]!.article).sort()).toEqual(
        ['id', 'imageUrl', 'language', 'localDay', 'publishedAt', 'slug', 'sourceId', 'sourceSlug', 'sourceTitle', 'summary', 'title']);
      expect(found.results[0]!.title.some((p) => p.mark && p.text === 'harbour')).toBe(true);
      expect(found.results[0]!.snippet.some((p) => p.mark && p.text === 'harbour')).toBe(true);
    } finally {
      await runner.close();
    }
  });

  it.skipIf(process.platform !== 'linux')('searches at a lower priority than the main thread (Linux: nice SEARCH_NICE)', async () => {
    // A thread's nice value: the 19th field of /proc/…/stat, the 17th after the command's ") ".
    const nice = (stat: string) => Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16]);
    const threadNices = () => readdirSync('/proc/self/task').map((t) => nice(readFileSync(`/proc/self/task/${t}/stat`, 'utf8')));
    expect(threadNices()).not.toContain(SEARCH_NICE);
    const runner = createSearchRunner(store, { threads: 1 });
    try {
      await runner.run(request('harbour'));
      expect(threadNices()).toContain(SEARCH_NICE);
      expect(nice(readFileSync('/proc/thread-self/stat', 'utf8'))).toBeLessThan(SEARCH_NICE); // this thread's is not lowered
    } finally {
      await runner.close();
    }
    expect(SEARCH_NICE).toBeGreaterThan(0);
  });

  it('reports the store queries a search made on its thread, as the same search inline makes them (metrics)', async () => {
    const inline: [string, number][] = [];
    const counted = openStore(store.url, { onQuery: (kind, seconds) => inline.push([kind, seconds]) });
    const threaded: [string, number][] = [];
    const runner = createSearchRunner(store, { threads: 1, onQuery: (kind, seconds) => threaded.push([kind, seconds]) });
    try {
      for (const q of ['harbour', 'ferry council', 'festiv']) {
        inline.length = 0;
        threaded.length = 0;
        expect(await runner.run(request(q))).toEqual(await findSearchResults(counted.db, request(q)));
        expect(inline.length, q).toBeGreaterThanOrEqual(3); // the count, the matches, their rows
        expect(threaded.map(([kind]) => kind), q).toEqual(inline.map(([kind]) => kind));
        for (const [, seconds] of threaded) expect(seconds).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await runner.close();
      await counted.close();
    }
  });

  it('leaves the main thread free while it searches, where an inline search holds it to the end', async () => {
    const turnsDuring = async (run: () => Promise<unknown>) => {
      let turns = 0;
      let running = true;
      const tick = () => {
        if (!running) return;
        turns++;
        setImmediate(tick);
      };
      setImmediate(tick);
      // Many searches in a row: the thread works through them while this thread turns.
      await run();
      running = false;
      return turns;
    };
    const requests = Array.from({ length: 40 }, (_, i) => request(WORDS[i % WORDS.length]!, 10, (i % 3) * 10));
    const runner = createSearchRunner(store, { threads: 1 });
    try {
      await runner.run(requests[0]!); // the thread started and warm
      const threaded = await turnsDuring(() => Promise.all(requests.map((r) => runner.run(r))));
      const inline = await turnsDuring(async () => {
        for (const r of requests) await findSearchResults(store.db, r);
      });
      expect(threaded).toBeGreaterThan(5);
      expect(inline).toBeLessThanOrEqual(1);
    } finally {
      await runner.close();
    }
  });

  it('fails a search that fails on the thread with its message, and searches again after', async () => {
    const runner = createSearchRunner(store, { threads: 1 });
    try {
      // A source id SQLite cannot bind: the store throws on the thread.
      const bad: SearchRequest = { ...request('harbour'), filter: { ...request('harbour').filter, sourceId: {} as unknown as number } };
      await expect(findSearchResults(store.db, bad)).rejects.toThrow(/bind/);
      await expect(runner.run(bad)).rejects.toThrow(/bind/);
      expect((await runner.run(request('harbour'))).total).toBe(HARBOUR);
      // Asked, not answered yet: closing fails it rather than leave it waiting.
      const cut = expect(runner.run(request('ferry'))).rejects.toThrow(/runner is closed/);
      await runner.close();
      await cut;
      await expect(runner.run(request('harbour'))).rejects.toThrow(/runner is closed/);
    } finally {
      await runner.close();
    }
  });

  it('runs inline on an in-memory store, and with no threads asked for', async () => {
    const memory = await openMigratedStore('sqlite::memory:');
    try {
      expect(createSearchRunner(memory, { threads: 2 }).threads).toBe(0);
      expect(createSearchRunner(store, { threads: 0 }).threads).toBe(0);
      expect((await createSearchRunner(store, { threads: 0 }).run(request('harbour'))).total).toBe(HARBOUR);
    } finally {
      await memory.close();
    }
  });
});
