/**
 * What a feed or an article page would store — after parsing (or extraction), full text when asked,
 * rules, sanitizing — without storing anything: `jarida inspect` prints it, the desk's source preview
 * shows it as a table.
 */
import type { ArticleInput } from '../model/types.js';
import { DEFAULT_RULES } from '../model/rules.js';
import { digest, type Digest } from './digest.js';
import type { IngestDeps } from './refresh.js';
import { withFullText } from './refresh.js';
import type { FetchedBody } from './resolve.js';

/** An item as it would be stored (no source yet), its instant written out. */
export type InspectedItem = Omit<ArticleInput, 'sourceId' | 'publishedAt'> & { publishedAt: string };

/** The feed's metadata, the items that would be stored, and those skipped with why. */
export interface Inspection {
  feed: Digest['feed'];
  items: InspectedItem[];
  skipped: { guid: string; reason: string }[];
}

/**
 * Returns what the body would store: a feed's items (each article page fetched for its main
 * content with `fullText`), or a page's one article. Throws ParseError for a body that is not a feed.
 * @example (await inspectBody(deps, body, { kind: 'feed', now: new Date() })).items[0]?.title
 */
export async function inspectBody(
  deps: Pick<IngestDeps, 'config' | 'allow' | 'log'>,
  body: Pick<FetchedBody, 'bytes' | 'url' | 'contentType'> & Partial<FetchedBody>,
  opts: { kind: 'feed' | 'page'; now: Date; fullText?: boolean; language?: string | null },
): Promise<Inspection> {
  const language = opts.language ?? null;
  const d = digest({ ...body, kind: opts.kind, sourceId: 0, language, languages: deps.config.site.languages, rules: DEFAULT_RULES, now: opts.now.getTime(), feedUrl: body.url });
  const source = { id: 0, fullText: Boolean(opts.fullText), language, rules: DEFAULT_RULES, url: body.url };
  const prepared = opts.fullText && opts.kind === 'feed' ? await withFullText(deps, d, source, new Set(), opts.now) : d.prepared;
  const items: InspectedItem[] = [];
  const skipped: Inspection['skipped'] = [];
  for (const p of prepared) {
    if (!p.ok) skipped.push({ guid: p.guid, reason: p.reason });
    else {
      const { sourceId: _, ...rest } = p.input;
      items.push({ ...rest, publishedAt: p.input.publishedAt.toISOString() });
    }
  }
  return { feed: d.feed, items, skipped };
}
