/** Demo content: the shipped articles (demo/articles.json), dated relative to "now" so the strip is alive. */
import { readFileSync } from 'node:fs';
import type { SiteSettings } from '../config.js';
import { addDays, dayStartInstant, localDay } from '../calendar/zone.js';
import { DEMO_FILE } from '../paths.js';
import { saveArticle } from '../store/articles.js';
import { findPublishedTotal } from '../store/day-counts.js';
import type { Store } from '../store/db.js';
import type { MediaDeps } from '../media/pipeline.js';
import { ensureSource } from '../store/sources.js';
import { addSection, findCategoryBySlug } from '../store/categories.js';
import { plainText, sanitizeArticleHtml } from '../html/sanitize.js';

interface DemoFile {
  /** The site's sections, named per language: the demo articles' words name them in each language. */
  sections?: { slug: string; en: string; tr: string; ar: string }[];
  sources: { key: string; title: string; siteUrl: string; language: string }[];
  articles: { source: string; language: string; daysAgo: number; time: string; title: string; summary?: string; author?: string; url: string; body: string; categories?: string[] }[];
}

/** Loads the demo articles around `now`; returns how many were created (0 when already loaded). */
export async function loadDemo(store: Store, site: SiteSettings, now: Date, file = DEMO_FILE, media?: Omit<MediaDeps, 'load'>): Promise<number> {
  const demo = JSON.parse(readFileSync(file, 'utf8')) as DemoFile;
  const { readDemoImages, storeDemoImages } = await import('../media/demo.js');
  const images = readDemoImages();
  const withImages: number[] = [];
  for (const s of demo.sections ?? []) {
    if (!(await findCategoryBySlug(store.db, s.slug, 'section'))) await addSection(store.db, s.slug, { name: s.en, en: s.en, tr: s.tr, ar: s.ar });
  }
  const ids = new Map<string, number>();
  for (const s of demo.sources) {
    ids.set(s.key, await ensureSource(store.db, { kind: 'feed', title: s.title, siteUrl: s.siteUrl, language: s.language }));
  }
  const today = localDay(now, site.timeZone);
  let created = 0;
  for (const a of demo.articles) {
    const sourceId = ids.get(a.source);
    if (sourceId === undefined) throw new Error(`demo: article "${a.title}" names unknown source ${a.source}`);
    const [h, m] = a.time.split(':').map(Number);
    const start = dayStartInstant(addDays(today, -a.daysAgo), site.timeZone);
    let published = new Date(start.getTime() + ((h ?? 0) * 60 + (m ?? 0)) * 60_000);
    if (published > now) published = new Date(now.getTime() - 60_000 * (1 + created));
    const html = sanitizeArticleHtml(a.body, a.url);
    const r = await saveArticle(
      store.db,
      {
        sourceId,
        guid: a.url,
        url: a.url,
        canonicalUrl: a.url,
        title: a.title,
        summary: a.summary ?? plainText(html, 280),
        contentHtml: html,
        author: a.author ?? null,
        language: a.language,
        publishedAt: published,
        imageUrl: media ? (images.get(a.url)?.url ?? null) : null,
        categories: a.categories,
      },
      site.timeZone,
    );
    if (r.outcome === 'created') created++;
    if (images.has(a.url)) withImages.push(r.id);
  }
  // Their images through the media pipeline, from the shipped files (no network).
  if (media) await storeDemoImages(media, withImages, images);
  return created;
}

/** Loads the demo when the store has no published article yet; returns how many were created. */
export async function loadDemoIfEmpty(store: Store, site: SiteSettings, now: Date, media?: Omit<MediaDeps, 'load'>): Promise<number> {
  if ((await findPublishedTotal(store.db)) > 0) return 0;
  return loadDemo(store, site, now, DEMO_FILE, media);
}
