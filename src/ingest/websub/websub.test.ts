/**
 * WebSub end to end on loopback: a local hub (node:http on 127.0.0.1) that takes subscription
 * requests, verifies the intent at the callback with a challenge and pushes signed feeds, against
 * the real app (buildApp) listening on 127.0.0.1 as the site's public URL. Both stores.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../config.js';
import { createLogger } from '../../log.js';
import { buildApp } from '../../web/app.js';
import { findLatestArticles } from '../../store/articles.js';
import type { Store } from '../../store/db.js';
import { deleteSource, findSourceById, insertSource, updateSource } from '../../store/sources.js';
import { openTestStore, skipStoreTests } from '../../store/testing.js';
import { findSubscriptionsOfSource } from '../../store/websub.js';
import { inlineDigester } from '../digest.js';
import { parseAllowList } from '../fetch/guard.js';
import { refreshSource, type IngestDeps } from '../refresh.js';
import { rss } from '../testdata/feeds.js';
import { RENEW_AT, runWebSub } from './subscribe.js';

const skip = await skipStoreTests();

/** What the hub was asked, and what the subscriber answered its verification. */
interface HubCall {
  mode: string;
  topic: string;
  callback: string;
  secret: string | null;
  leaseSeconds: string | null;
  verified?: { status: number; body: string; challenge: string };
}

const GRANTED_LEASE = 3600;
let hub: Server;
let hubBase: string;
let calls: HubCall[];
let verifications: Promise<void>[];
let feedItems: Parameters<typeof rss>[0];
let hubAnswers: number;

let store: Store;
let app: FastifyInstance;
let site: string;
let clock: number;
let deps: IngestDeps;

const feedXml = () => rss(feedItems, `<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="${hubBase}/hub"/><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="${hubBase}/feed.xml"/>`);
const item = (n: number, minutesAgo = n) => ({ guid: `item-${n}`, title: `Pushed story number ${n}`, link: `${hubBase}/story/${n}`, date: new Date(clock - minutesAgo * 60_000).toUTCString() });

beforeAll(async () => {
  hub = createServer((req, res) => {
    if (req.url?.split('?')[0] === '/feed.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(feedXml());
      return;
    }
    if (req.method === 'POST' && req.url === '/hub') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        const call: HubCall = { mode: form.get('hub.mode')!, topic: form.get('hub.topic')!, callback: form.get('hub.callback')!, secret: form.get('hub.secret'), leaseSeconds: form.get('hub.lease_seconds') };
        calls.push(call);
        res.writeHead(hubAnswers, { 'content-type': 'text/plain' });
        res.end(hubAnswers === 202 ? '' : 'topic not allowed here');
        // The hub verifies the intent after it answered (W3C WebSub §5.3).
        if (hubAnswers === 202) verifications.push(verify(call, GRANTED_LEASE).then((v) => void (call.verified = v)));
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  hubBase = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => hub.close(() => r())));

beforeEach(async () => {
  calls = [];
  verifications = [];
  hubAnswers = 202;
  clock = Date.parse('2026-12-06T08:00:00Z');
  feedItems = [item(1), item(2)];
  store = await openTestStore();
  const now = () => new Date(clock);
  app = await buildApp({ store, config: parseConfig({}), now });
  await app.listen({ port: 0, host: '127.0.0.1' });
  site = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  deps = ingestDeps(testConfig({ siteUrl: site }));
});
afterEach(async () => {
  await app.close();
  await store.close();
});

function testConfig(over: Record<string, unknown> = {}, ingest: Record<string, unknown> = {}): Config {
  return parseConfig({ fetch: { timeoutSeconds: 3, connectTimeoutSeconds: 1, allowPrivateAddresses: ['127.0.0.1/32'] }, ingest, ...over });
}

function ingestDeps(config: Config): IngestDeps {
  return { store, config, allow: parseAllowList(config.ingest.allowPrivateAddresses), log: createLogger('silent'), now: () => new Date(clock), digester: inlineDigester() };
}

/** The hub's GET to the callback: returns the status, the body and the challenge it sent. */
async function verify(call: Pick<HubCall, 'mode' | 'topic' | 'callback'>, lease?: number, challenge = randomBytes(12).toString('hex')) {
  const u = new URL(call.callback);
  u.searchParams.set('hub.mode', call.mode);
  u.searchParams.set('hub.topic', call.topic);
  u.searchParams.set('hub.challenge', challenge);
  if (lease) u.searchParams.set('hub.lease_seconds', String(lease));
  const res = await fetch(u);
  return { status: res.status, body: await res.text(), challenge };
}

/** The hub's POST of new content: signed with `secret` (sha256 unless told), or with the given header. */
async function push(callback: string, body: string, sign: { secret?: string; method?: string; header?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/rss+xml; charset=utf-8' };
  const method = sign.method ?? 'sha256';
  if (sign.header !== null) headers['x-hub-signature'] = sign.header ?? `${method}=${createHmac(method, sign.secret!).update(body).digest('hex')}`;
  const res = await fetch(callback, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text() };
}

/** Adds the feed, fetches it once and runs one round of upkeep; returns the source id and the hub's subscribe call. */
async function subscribed(): Promise<{ id: number; call: HubCall }> {
  const id = await insertSource(store.db, { kind: 'feed', title: 'Hubbed', url: `${hubBase}/feed.xml` });
  const r = await refreshSource(deps, (await findSourceById(store.db, id))!);
  expect(r.status).toBe('ok');
  expect(r.created).toBe(2);
  await runWebSub(deps);
  await Promise.all(verifications);
  return { id, call: calls.at(-1)! };
}

const titles = async () => (await findLatestArticles(store.db, 50)).map((a) => a.title).sort();

describe.skipIf(skip)('WebSub subscriber on loopback', () => {
  it('subscribes a source whose feed advertises a hub; the hub verifies the intent and the subscription is stored active', async () => {
    const { id, call } = await subscribed();
    expect(call).toMatchObject({ mode: 'subscribe', topic: `${hubBase}/feed.xml`, leaseSeconds: '864000' });
    expect(call.callback).toMatch(new RegExp(`^${site}/websub/callback/[A-Za-z0-9_-]{32}$`));
    expect(call.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(call.verified).toEqual({ status: 200, body: call.verified!.challenge, challenge: call.verified!.challenge });
    const [sub] = await findSubscriptionsOfSource(store.db, id);
    expect(sub).toMatchObject({ state: 'active', hub: `${hubBase}/hub`, topic: `${hubBase}/feed.xml`, secret: call.secret, leaseSeconds: GRANTED_LEASE, requestedAt: null, attempts: 0, lastError: null });
    expect(sub!.leaseExpiresAt).toBe(new Date(clock + GRANTED_LEASE * 1000).toISOString());
    // One subscription per source and hub: the next round asks nothing.
    await runWebSub(deps);
    expect(calls).toHaveLength(1);
  });

  it('stores a pushed item at once and shows it; the next poll of the same item stores it once; polling waits the longest interval', async () => {
    const { id, call } = await subscribed();
    feedItems = [item(3, 0), item(1), item(2)];
    const res = await push(call.callback, feedXml(), { secret: call.secret! });
    expect(res.status).toBe(202);
    expect(await titles()).toEqual(['Pushed story number 1', 'Pushed story number 2', 'Pushed story number 3']);
    const home = await (await fetch(`${site}/`)).text();
    expect(home).toContain('Pushed story number 3');
    const r = await refreshSource(deps, (await findSourceById(store.db, id))!);
    expect(r).toMatchObject({ status: 'ok', created: 0, unchanged: 3 });
    expect(await titles()).toHaveLength(3);
    expect(Date.parse(r.nextFetchAt)).toBeGreaterThanOrEqual(clock + deps.config.ingest.maxIntervalS * 1000);
    expect((await findSubscriptionsOfSource(store.db, id))[0]!.lastPushAt).toBe(new Date(clock).toISOString());
  });

  it('takes the sha1, sha384 and sha512 signatures the spec allows', async () => {
    const { call } = await subscribed();
    for (const [n, method] of [[4, 'sha1'], [5, 'sha384'], [6, 'sha512']] as const) {
      feedItems = [item(n, 0)];
      expect((await push(call.callback, feedXml(), { secret: call.secret!, method })).status).toBe(202);
    }
    expect(await titles()).toContain('Pushed story number 6');
    expect(await titles()).toHaveLength(5);
  });

  it('ignores a push with a wrong, missing or malformed signature (answered 202, nothing stored)', async () => {
    const { call } = await subscribed();
    feedItems = [item(7, 0)];
    const body = feedXml();
    for (const sign of [{ secret: 'not the secret' }, { header: null }, { header: 'sha256=zz' }, { header: 'md5=0123456789abcdef0123456789abcdef' }, { header: `sha256=${'0'.repeat(64)}` }]) {
      expect(await push(call.callback, body, sign)).toEqual({ status: 202, body: 'accepted\n' });
    }
    // The right signature over other bytes: refused too.
    expect((await push(call.callback, body.replace('number 7', 'number 8'), { header: `sha256=${createHmac('sha256', call.secret!).update(body).digest('hex')}` })).status).toBe(202);
    expect(await titles()).toEqual(['Pushed story number 1', 'Pushed story number 2']);
  });

  it('refuses a verification with a wrong topic, no challenge, an unknown token or none awaited (404); answers hostile pushes without a 500', async () => {
    const { call } = await subscribed();
    expect((await verify({ ...call, topic: `${hubBase}/other.xml` }, 60)).status).toBe(404);
    expect((await verify({ ...call, callback: `${site}/websub/callback/${randomBytes(24).toString('base64url')}` }, 60)).status).toBe(404);
    // Verified already: a replayed verification finds no request awaiting it.
    expect((await verify(call, 60)).status).toBe(404);
    expect((await verify({ ...call, mode: 'unsubscribe' })).status).toBe(404);
    const noChallenge = new URL(call.callback);
    noChallenge.search = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': call.topic }).toString();
    expect((await fetch(noChallenge)).status).toBe(404);
    expect((await fetch(`${call.callback}?hub.mode=subscribe&hub.topic=${encodeURIComponent(call.topic)}&hub.challenge=a&hub.challenge=b`)).status).toBe(404);
    // Pushes: to an unknown token (410: the hub may drop it), not a feed, too large, no content type.
    expect((await push(`${site}/websub/callback/nope`, feedXml(), { secret: 'x' })).status).toBe(410);
    expect((await push(call.callback, '<html>not a feed</html>', { secret: call.secret! })).status).toBe(202);
    expect((await push(call.callback, '\u0000\uffff{{{', { secret: call.secret! })).status).toBe(202);
    const big = await fetch(call.callback, { method: 'POST', headers: { 'content-type': 'application/rss+xml' }, body: Buffer.alloc(deps.config.ingest.maxBytes + 1, 32) });
    expect(big.status).toBe(413);
    const bare = await fetch(call.callback, { method: 'POST', body: new Uint8Array([1, 2, 3]) });
    expect(bare.status).toBe(202);
    expect(await titles()).toHaveLength(2);
  });

  it('bounds the pushes of one subscription (429 past the limit)', async () => {
    const { call } = await subscribed();
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await push(call.callback, 'x', { header: null })).status);
    expect(statuses.slice(0, 30).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });

  it('renews the lease when 80% of it has passed', async () => {
    const { id, call } = await subscribed();
    clock += GRANTED_LEASE * 1000 * RENEW_AT - 60_000;
    await runWebSub(deps);
    expect(calls).toHaveLength(1); // not yet
    clock += 120_000;
    await runWebSub(deps);
    await Promise.all(verifications);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ mode: 'subscribe', callback: call.callback, secret: call.secret, topic: call.topic });
    expect(calls[1]!.verified!.status).toBe(200);
    const [sub] = await findSubscriptionsOfSource(store.db, id);
    expect(sub).toMatchObject({ state: 'active', requestedAt: null });
    expect(sub!.leaseExpiresAt).toBe(new Date(clock + GRANTED_LEASE * 1000).toISOString());
  });

  it('unsubscribes a removed source, and drops the row once the hub verifies', async () => {
    const { id, call } = await subscribed();
    await deleteSource(store.db, id);
    await runWebSub(deps);
    await Promise.all(verifications);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ mode: 'unsubscribe', callback: call.callback, topic: call.topic, secret: null });
    expect(calls[1]!.verified!.status).toBe(200);
    expect(await findSubscriptionsOfSource(store.db, id)).toEqual([]);
    // Pushes to it now are answered 410.
    expect((await push(call.callback, feedXml(), { secret: call.secret! })).status).toBe(410);
  });

  it('unsubscribes a disabled source, and one whose feed stops advertising the hub', async () => {
    const { id } = await subscribed();
    await updateSource(store.db, id, { enabled: false });
    await runWebSub(deps);
    expect(calls.at(-1)!.mode).toBe('unsubscribe');
    await Promise.all(verifications);
    expect(await findSubscriptionsOfSource(store.db, id)).toEqual([]);

    const other = await insertSource(store.db, { kind: 'feed', title: 'Second', url: `${hubBase}/feed.xml?2` });
    await refreshSource(deps, (await findSourceById(store.db, other))!);
    await runWebSub(deps);
    await Promise.all(verifications);
    expect((await findSubscriptionsOfSource(store.db, other))[0]!.state).toBe('active');
    await store.db.updateTable('sources').set({ websub_hub: null, websub_topic: null }).where('id', '=', other).execute();
    await runWebSub(deps);
    await Promise.all(verifications);
    expect(calls.at(-1)!.mode).toBe('unsubscribe');
    expect(await findSubscriptionsOfSource(store.db, other)).toEqual([]);
  });

  it('records a hub that refuses, tries again with backoff, and records a denial', async () => {
    hubAnswers = 403;
    const id = await insertSource(store.db, { kind: 'feed', title: 'Refused', url: `${hubBase}/feed.xml` });
    await refreshSource(deps, (await findSourceById(store.db, id))!);
    await runWebSub(deps);
    let [sub] = await findSubscriptionsOfSource(store.db, id);
    expect(sub).toMatchObject({ state: 'failed', attempts: 1 });
    expect(sub!.lastError).toContain('HTTP 403');
    expect(sub!.lastError).toContain('topic not allowed here');
    expect(sub!.nextAttemptAt).toBe(new Date(clock + 5 * 60_000).toISOString());
    await runWebSub(deps);
    expect(calls).toHaveLength(1); // not due yet
    hubAnswers = 202;
    clock += 5 * 60_000;
    await runWebSub(deps);
    await Promise.all(verifications);
    [sub] = await findSubscriptionsOfSource(store.db, id);
    expect(sub).toMatchObject({ state: 'active', attempts: 0, lastError: null });

    const denied = new URL(calls.at(-1)!.callback);
    denied.search = new URLSearchParams({ 'hub.mode': 'denied', 'hub.topic': sub!.topic, 'hub.reason': 'quota exceeded' }).toString();
    expect((await fetch(denied)).status).toBe(200);
    [sub] = await findSubscriptionsOfSource(store.db, id);
    expect(sub).toMatchObject({ state: 'denied' });
    expect(sub!.lastError).toContain('quota exceeded');
  });

  it('subscribes nothing without a public siteUrl, or with ingest.websub off', async () => {
    for (const config of [testConfig(), testConfig({ siteUrl: site }, { websub: false })]) {
      deps = ingestDeps(config);
      const id = await insertSource(store.db, { kind: 'feed', title: `Quiet ${calls.length}`, url: `${hubBase}/feed.xml?${Math.random()}` });
      expect((await refreshSource(deps, (await findSourceById(store.db, id))!)).status).toBe('ok');
      await runWebSub(deps);
      expect(calls).toEqual([]);
      expect(await findSubscriptionsOfSource(store.db, id)).toEqual([]);
    }
  });

  it('refuses a hub on a private address the fetcher may not reach', async () => {
    deps = ingestDeps(testConfig({ siteUrl: site }));
    const id = await insertSource(store.db, { kind: 'feed', title: 'Private hub', url: `${hubBase}/feed.xml` });
    await refreshSource(deps, (await findSourceById(store.db, id))!);
    await runWebSub({ ...deps, allow: parseAllowList([]) });
    expect(calls).toEqual([]);
    const [sub] = await findSubscriptionsOfSource(store.db, id);
    expect(sub).toMatchObject({ state: 'failed' });
    expect(sub!.lastError).toContain('not a public address');
  });
});
