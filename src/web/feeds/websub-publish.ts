/**
 * WebSub publisher: when articles are stored, published, changed or removed, tell the operator's hub
 * which of the site's feeds changed, so that it fetches them and pushes them to its subscribers.
 *
 * What it hears is the store's change signal (store/changes.ts), which every write that changes what
 * pages show sends — ingestion, the desk, the API, the scheduled publisher — in any process serving
 * the store; `jarida serve` feeds it from one process only (cli/serve.ts). The ping is the PubSubHubbub
 * 0.3/0.4 publish notification that hubs accept (W3C WebSub leaves it to the hub): a form-encoded POST
 * of `hub.mode=publish` with one `hub.url` per changed feed (repeated; a batch of at most
 * URLS_PER_PING). Pings are gathered for `debounceMs` after the first change, so a refresh storing 50
 * articles is one ping; a failure is logged and dropped (the next change pings again): never retried
 * forever, never blocking a write. The hub is the operator's own URL: the fetcher's private-address
 * rule does not apply to it.
 */
import type { SiteSettings } from '../../config.js';
import type { Logger } from '../../log.js';
import { LANGS, type Lang } from '../../model/types.js';
import { findArticlesByIds } from '../../store/articles.js';
import type { Change } from '../../store/changes.js';
import type { Store } from '../../store/db.js';
import { findSourceById } from '../../store/sources.js';
import { FEED_FORMATS, feedPath, LANGUAGE_CODE, type FeedScope } from './feed.js';

/** Topic URLs in one ping at most; more go in further pings. */
export const URLS_PER_PING = 100;

/** What the pinger needs; `site` is read at each ping (languages and siteUrl follow the settings). */
export interface HubPingerDeps {
  hub: string;
  store: Store;
  site: () => SiteSettings;
  log: Logger;
  /** How long changes are gathered before one ping (default 3 s). */
  debounceMs?: number;
  /** How long a ping may take (default 10 s). */
  timeoutMs?: number;
}

/** A running pinger: `notice` takes a change; `flush` pings now what was gathered; `stop` flushes and ends. */
export interface HubPinger {
  notice(change: Change): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts pinging the hub for the changes it is given.
 * @example const pinger = startHubPinger({ hub: config.websub.hub, store, site: () => settings.current(), log });
 *          watchChanges(store, (c) => pinger.notice(c));
 */
export function startHubPinger(deps: HubPingerDeps): HubPinger {
  const debounceMs = deps.debounceMs ?? 3000;
  let pending: Change[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  let warnedNoSiteUrl = false;

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const changes = pending;
    pending = [];
    if (!changes.length) return chain;
    chain = chain.then(async () => {
      const site = deps.site();
      if (!site.siteUrl) {
        if (!warnedNoSiteUrl) deps.log.warn({ hub: deps.hub }, 'websub: siteUrl is not set; the hub is not pinged (feed URLs would depend on the Host header)');
        warnedNoSiteUrl = true;
        return;
      }
      const urls = await changedFeedUrls(deps.store, site, changes);
      for (let i = 0; i < urls.length; i += URLS_PER_PING) await pingHub(deps.hub, urls.slice(i, i + URLS_PER_PING), deps.timeoutMs ?? 10_000, deps.log);
    }).catch((err: unknown) => deps.log.warn({ hub: deps.hub, err: err instanceof Error ? err.message : String(err) }, 'websub: could not work out the feeds to ping'));
    return chain;
  };

  return {
    notice(change) {
      if (stopped || !touchesFeeds(change)) return;
      pending.push(change);
      timer ??= setTimeout(() => void flush(), debounceMs);
    },
    flush,
    async stop() {
      stopped = true;
      await flush();
    },
  };
}

/** Does a change move any feed? Article writes do; a settings change comes with `all` (feedContent may have changed). */
function touchesFeeds(c: Change): boolean {
  return Boolean(c.all || c.articles?.length || c.days?.length || c.tags?.length || c.sources?.length);
}

/**
 * Returns the absolute URLs of the feeds a set of changes moved, in every language the site shows and
 * every format: the site's always, each changed article's language, and the sections, tags and
 * sources the changes name (cache tags `section-x`, `tag-x`, `source-N`).
 * @example await changedFeedUrls(store, site, [{ origin: 'x', articles: [42], tags: ['section-world'] }])
 *          // ['https://news.example/feed.xml', 'https://news.example/feed.atom', …, 'https://news.example/ar/section/world/feed.json']
 */
export async function changedFeedUrls(store: Store, site: SiteSettings, changes: readonly Change[]): Promise<string[]> {
  const scopes = new Map<string, FeedScope>([['site', { kind: 'site' }]]);
  const add = (s: FeedScope) => scopes.set(JSON.stringify(s), s);
  const articleIds = [...new Set(changes.flatMap((c) => c.articles ?? []))];
  for (const a of await findArticlesByIds(store.db, articleIds)) if (a.language && LANGUAGE_CODE.test(a.language)) add({ kind: 'language', code: a.language });
  const sourceIds = new Set(changes.flatMap((c) => c.sources ?? []));
  for (const tag of new Set(changes.flatMap((c) => c.tags ?? []))) {
    const m = /^(section|tag|source)-(.+)$/.exec(tag);
    if (!m) continue;
    if (m[1] === 'source') sourceIds.add(Number(m[2]));
    else add({ kind: m[1] as 'section' | 'tag', slug: m[2]! });
  }
  for (const id of sourceIds) {
    const s = Number.isInteger(id) ? await findSourceById(store.db, id) : undefined;
    if (s) add({ kind: 'source', slug: s.slug });
  }
  const langs = LANGS.filter((l) => site.languages.includes(l));
  const prefix = (l: Lang) => (l === site.defaultLanguage ? '' : `/${l}`);
  return [...scopes.values()].flatMap((scope) => langs.flatMap((l) => FEED_FORMATS.map((f) => `${site.siteUrl}${feedPath(prefix(l), scope, f)}`)));
}

/**
 * Sends one publish notification: `hub.mode=publish` and the topic URLs, form-encoded. Resolves
 * either way (a refusal or a network error is logged with the hub's answer).
 */
export async function pingHub(hub: string, urls: readonly string[], timeoutMs: number, log: Logger): Promise<boolean> {
  const body = new URLSearchParams([['hub.mode', 'publish'], ...urls.map((u): [string, string] => ['hub.url', u])]);
  try {
    const res = await fetch(hub, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    const text = (await res.text().catch(() => '')).slice(0, 200);
    if (res.ok) {
      log.info({ hub, feeds: urls.length }, 'websub: hub pinged');
      return true;
    }
    log.warn({ hub, status: res.status, answer: text }, 'websub: the hub refused the ping');
  } catch (err) {
    log.warn({ hub, err: err instanceof Error ? err.message : String(err) }, 'websub: could not reach the hub');
  }
  return false;
}
