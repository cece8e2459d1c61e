/**
 * The operations behind `jarida sources …` and the desk's source pages, against a local HTTP server
 * on 127.0.0.1 (allowed, as an operator would): preview stores nothing, add stores what preview
 * showed, rules are checked before anything is stored, a refresh leaves a source another process
 * holds alone.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { createLogger } from '../log.js';
import type { Store } from '../store/db.js';
import { claimSource, findSourceById, findSources, SourceError } from '../store/sources.js';
import { openTestStore } from '../store/testing.js';
import { inlineDigester } from './digest.js';
import { parseAllowList } from './fetch/guard.js';
import { RuleError } from './process/rules.js';
import type { IngestDeps } from './refresh.js';
import { addSource, changeRules, describeNextFetch, previewSource, refreshSourceOnce, setSourceEnabled } from './sources.js';
import { rss } from './testdata/feeds.js';

const NOW = new Date('2019-02-15T09:00:00Z');
const pages = new Map<string, [string, string]>();
let server: Server;
let base: string;
let store: Store;
let deps: IngestDeps;

beforeAll(async () => {
  server = createServer((req, res) => {
    const page = pages.get((req.url ?? '/').split('?')[0]!);
    res.writeHead(page ? 200 : 404, { 'content-type': page?.[0] ?? 'text/plain' });
    res.end(page?.[1] ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  pages.set('/', ['text/html', '<!doctype html><html><head><title>Coast</title><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Home</body></html>']);
  pages.set('/feed.xml', ['application/rss+xml', rss([
    { guid: '1', title: 'Harbour plan approved', link: `${base}/one`, date: 'Thu, 14 Feb 2019 10:00:00 GMT', category: 'Dünya', description: '<p>Short <b>teaser</b>.</p>' },
    { guid: '2', title: 'Old news', link: `${base}/two`, date: 'Tue, 01 Jan 2019 10:00:00 GMT' },
  ]).replace('<title>Test Feed</title>', '<title>Coast Feed</title>')]);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(async () => {
  store = await openTestStore();
  const config = parseConfig({ fetch: { allowPrivateAddresses: ['127.0.0.1/32'] } });
  deps = { store, config, allow: parseAllowList(config.ingest.allowPrivateAddresses), log: createLogger('silent'), now: () => NOW, digester: inlineDigester() };
});
afterEach(() => store.close());

describe('source operations', () => {
  it('previews a site through its feed without storing, then adds it as previewed', async () => {
    const { found, inspection } = await previewSource(deps, { url: `${base}/` }, NOW);
    expect(found).toMatchObject({ kind: 'feed', url: `${base}/feed.xml`, title: 'Coast Feed', items: 2 });
    expect(inspection.feed.title).toBe('Coast Feed');
    expect(inspection.items.map((i) => [i.title, i.publishedAt, i.categories])).toEqual([
      ['Harbour plan approved', '2019-02-14T10:00:00.000Z', ['Dünya']],
      ['Old news', '2019-01-01T10:00:00.000Z', []],
    ]);
    expect(inspection.items[0]!.summary).toBe('Short teaser.');
    expect(await findSources(store.db)).toEqual([]);

    const added = await addSource(deps, { url: `${base}/`, name: 'Coast', lang: 'en', intervalS: 900, canonicalHere: true });
    expect(added).toMatchObject({ title: 'Coast', found: { url: `${base}/feed.xml` } });
    expect(await findSourceById(store.db, added.id)).toMatchObject({ kind: 'feed', title: 'Coast', url: `${base}/feed.xml`, language: 'en', intervalS: 900, canonicalHere: true, enabled: true });
    await expect(previewSource(deps, { url: `${base}/feed.xml` }, NOW)).rejects.toThrow(new SourceError(`sources add: ${base}/feed.xml is already source ${added.id} (Coast)`));
    await expect(addSource(deps, { url: `${base}/` })).rejects.toThrow(/is already source/);
    await expect(addSource(deps, { url: 'javascript:alert(1)' })).rejects.toThrow(SourceError);
    await expect(addSource({ ...deps, allow: parseAllowList([]) }, { url: `${base}/other.xml` })).rejects.toThrow(/^fetch: .*(private|loopback)/i);
  });

  it('checks every rule before storing any, and replaces or adds to the rules', async () => {
    const { id } = await addSource(deps, { url: `${base}/feed.xml` });
    await expect(changeRules(store.db, id, { keep: ['title:ok'], block: ['nonsense:foo'] })).rejects.toThrow(RuleError);
    expect((await findSourceById(store.db, id))!.rules.keep).toEqual([]);
    const first = await changeRules(store.db, id, { block: ['title:/^sponsored/i'], maxAgeS: 7 * 86_400 });
    expect(first!.source.rules).toMatchObject({ block: [{ field: 'title', pattern: '^sponsored', regex: true, flags: 'i' }], maxAgeDays: 7 });
    const replaced = await changeRules(store.db, id, { clear: true, keep: ['category:World'], maxAgeS: false, republish: 'summary' });
    expect(replaced!.before.maxAgeDays).toBe(7);
    expect(replaced!.source.rules).toEqual({ keep: [{ field: 'category', pattern: 'World', regex: false }], block: [], maxAgeDays: null, republish: 'summary' });
    expect(await changeRules(store.db, 999, {})).toBeUndefined();
  });

  it('refreshes under a claim, and leaves alone a source another process holds', async () => {
    const { id } = await addSource(deps, { url: `${base}/feed.xml` });
    const done = await refreshSourceOnce(deps, id);
    expect('result' in done && done.result).toMatchObject({ status: 'ok', created: 2 });
    await claimSource(store.db, id, NOW, new Date(NOW.getTime() + 60_000), 'elsewhere pid 7');
    expect(await refreshSourceOnce(deps, id)).toEqual({ heldBy: 'elsewhere pid 7', until: new Date(NOW.getTime() + 60_000).toISOString() });
    expect(describeNextFetch((await findSourceById(store.db, id))!, NOW)).toBe(`claimed by elsewhere pid 7 until ${new Date(NOW.getTime() + 60_000).toISOString()}`);
    await expect(refreshSourceOnce(deps, 999)).rejects.toThrow('sources refresh: there is no source 999');
  });

  it('pauses and resumes; resuming leaves a live claim of another host alone', async () => {
    const { id } = await addSource(deps, { url: `${base}/feed.xml` });
    expect(await setSourceEnabled(store.db, id, false, NOW)).toEqual({ released: null, heldBy: null });
    expect((await findSourceById(store.db, id))!.enabled).toBe(false);
    await claimSource(store.db, id, NOW, new Date(NOW.getTime() + 60_000), 'elsewhere pid 7');
    expect(await setSourceEnabled(store.db, id, true, NOW)).toEqual({ released: null, heldBy: { by: 'elsewhere pid 7', until: new Date(NOW.getTime() + 60_000).toISOString() } });
    expect((await findSourceById(store.db, id))!.enabled).toBe(true);
    expect(await setSourceEnabled(store.db, 999, true, NOW)).toBeUndefined();
  });
});
