/** `jarida article add`: manual entry of one article. */
import { readFileSync } from 'node:fs';
import { addManualArticle } from '../ingest/manual.js';
import { Urls } from '../web/urls.js';
import { findArticleBySlug } from '../store/articles.js';
import { openContext, type GlobalOptions } from './context.js';

export interface ArticleAddOptions extends GlobalOptions {
  title: string;
  published: Date;
  bodyFile?: string;
  summary?: string;
  source?: string;
  url?: string;
  lang?: string;
  author?: string;
  category?: string[];
}

/** Stores the article and prints its id and URL. */
export async function articleAddCommand(opts: ArticleAddOptions): Promise<void> {
  let body: string | null = null;
  if (opts.bodyFile) {
    try {
      body = readFileSync(opts.bodyFile, 'utf8');
    } catch (err) {
      throw new Error(`article add: cannot read --body-file ${opts.bodyFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const { config, store } = await openContext(opts);
  try {
    const r = await addManualArticle(store, config.site, {
      title: opts.title,
      publishedAt: opts.published,
      body,
      summary: opts.summary,
      source: opts.source,
      url: opts.url,
      lang: opts.lang,
      author: opts.author,
      categories: opts.category,
    });
    const a = await findArticleBySlug(store.db, r.slug);
    const path = a ? new Urls(config.site.defaultLanguage, config.site.defaultLanguage).article(a) : r.slug;
    process.stdout.write(`${r.outcome} article ${r.id}: ${path}\n`);
  } finally {
    await store.close();
  }
}
