/**
 * `jarida inspect feed|page <url|file>`: prints as JSON what Jarida would store — after parsing,
 * extraction and sanitizing — without storing anything. The operator's tool for trying a source.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config.js';
import { fetchResource } from '../ingest/fetch/fetch.js';
import { parseAllowList } from '../ingest/fetch/guard.js';
import { digest } from '../ingest/digest.js';
import { fetchOptions, withFullText } from '../ingest/refresh.js';
import { createLogger } from '../log.js';
import { DEFAULT_RULES } from '../model/rules.js';
import type { GlobalOptions } from './context.js';

interface Loaded {
  bytes: Uint8Array;
  contentType: string | null;
  contentLanguage?: string | null;
  contentLocation?: string | null;
  url: string;
}

async function load(target: string, deps: Parameters<typeof fetchOptions>[0], baseUrl?: string): Promise<Loaded> {
  if (/^https?:\/\//i.test(target)) {
    const res = await fetchResource(target, fetchOptions(deps));
    return { bytes: res.bytes, contentType: res.contentType, contentLanguage: res.contentLanguage, contentLocation: res.contentLocation, url: res.url };
  }
  const path = target.startsWith('file:') ? new URL(target).pathname : resolve(target);
  if (!existsSync(path)) throw new Error(`inspect: ${target} is neither an http(s) URL nor a file`);
  return { bytes: readFileSync(path), contentType: null, url: baseUrl ?? pathToFileURL(path).href };
}

/** Prints the feed's metadata and its items as they would be stored (and the skipped ones, with why). */
export async function inspectFeedCommand(target: string, opts: GlobalOptions & { fullText?: boolean; url?: string }): Promise<void> {
  const config = loadConfig({ configPath: opts.config });
  const deps = { config, allow: parseAllowList(config.ingest.allowPrivateAddresses), log: createLogger(process.env.LOG_LEVEL ?? 'warn') };
  const src = await load(target, deps, opts.url);
  const now = new Date();
  const source = { id: 0, fullText: Boolean(opts.fullText), language: null, rules: DEFAULT_RULES, url: src.url };
  const d = digest({ ...src, kind: 'feed', sourceId: 0, language: null, languages: config.site.languages, rules: DEFAULT_RULES, now: now.getTime(), feedUrl: src.url });
  const prepared = opts.fullText ? await withFullText(deps, d, source, new Set(), now) : d.prepared;
  print({
    feed: d.feed,
    items: prepared.filter((p) => p.ok).map((p) => (p.ok ? { ...p.input, sourceId: undefined, publishedAt: p.input.publishedAt.toISOString() } : null)),
    skipped: prepared.filter((p) => !p.ok),
  });
}

/** Prints the article Reader View finds on the page, sanitized, as it would be stored. */
export async function inspectPageCommand(target: string, opts: GlobalOptions & { url?: string }): Promise<void> {
  const config = loadConfig({ configPath: opts.config });
  const deps = { config, allow: parseAllowList(config.ingest.allowPrivateAddresses) };
  const src = await load(target, deps, opts.url);
  const p = digest({ ...src, kind: 'page', sourceId: 0, language: null, languages: config.site.languages, rules: DEFAULT_RULES, now: Date.now(), feedUrl: src.url }).prepared[0]!;
  print(p.ok ? { ...p.input, sourceId: undefined, publishedAt: p.input.publishedAt.toISOString() } : { skipped: p });
}

function print(x: unknown): void {
  process.stdout.write(`${JSON.stringify(x, null, 2)}\n`);
}
