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
import { inspectBody } from '../ingest/inspect.js';
import { fetchOptions } from '../ingest/refresh.js';
import { createLogger } from '../log.js';
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
  const { feed, items, skipped } = await inspectBody(deps, src, { kind: 'feed', now: new Date(), fullText: opts.fullText });
  print({ feed, items, skipped: skipped.map((s) => ({ ok: false, ...s })) });
}

/** Prints the article Reader View finds on the page, sanitized, as it would be stored. */
export async function inspectPageCommand(target: string, opts: GlobalOptions & { url?: string }): Promise<void> {
  const config = loadConfig({ configPath: opts.config });
  const deps = { config, allow: parseAllowList(config.ingest.allowPrivateAddresses), log: createLogger(process.env.LOG_LEVEL ?? 'warn') };
  const src = await load(target, deps, opts.url);
  const { items, skipped } = await inspectBody(deps, src, { kind: 'page', now: new Date() });
  print(items[0] ?? { skipped: { ok: false, ...skipped[0] } });
}

function print(x: unknown): void {
  process.stdout.write(`${JSON.stringify(x, null, 2)}\n`);
}
