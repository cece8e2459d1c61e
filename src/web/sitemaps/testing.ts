/**
 * Test helper: fills a store with many articles fast (insertArticles in batches of 20,000, search
 * terms given so the store does not analyse each text): the sitemap tests' 200,000-article site.
 */
import type { ArticleInput } from '../../model/types.js';
import { insertArticles } from '../../store/articles.js';
import type { Store } from '../../store/db.js';
import { ensureSource } from '../../store/sources.js';

const LANGS = ['en', 'tr', 'ar'] as const;

/**
 * Inserts `total` published articles, evenly spread over `spanMs` ending at `endMs`, oldest first,
 * from one source, each with a short unique slug (`a-<i>`), a language and a tag out of three;
 * returns the source's id.
 * @example await fillArticles(store, 200_000, { endMs: Date.parse('2026-12-06T08:00:00Z'), spanMs: 100 * 86_400_000, timeZone: 'Europe/Istanbul' })
 */
export async function fillArticles(store: Store, total: number, opts: { endMs: number; spanMs: number; timeZone: string; batch?: number }): Promise<number> {
  const sourceId = await ensureSource(store.db, { kind: 'feed', title: 'Bulk wire', url: 'https://bulk.example/feed.xml', siteUrl: 'https://bulk.example/' });
  const batch = opts.batch ?? 20_000;
  const step = opts.spanMs / total;
  for (let start = 0; start < total; start += batch) {
    const inputs: ArticleInput[] = [];
    for (let i = start; i < Math.min(start + batch, total); i++) {
      const title = `Story ${i}`;
      inputs.push({
        sourceId,
        guid: `bulk-${i}`,
        slug: `a-${i}`,
        title,
        language: LANGS[i % 3],
        categories: [`topic-${i % 3}`],
        publishedAt: new Date(Math.round(opts.endMs - opts.spanMs + i * step)),
        searchDocument: { title, body: '' },
      });
    }
    await insertArticles(store.db, inputs, opts.timeZone);
  }
  return sourceId;
}
