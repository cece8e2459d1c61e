/**
 * A store in the numbers of the reference page (../shared/reference/reference-page.txt):
 * 26, 20, 1, 1, 2 articles on 14…10 February 2019 (Istanbul) and 147,805 in total, among them the
 * page's article of 30 June 2017 14:33.
 */
import { parseConfig, type Config } from '../../config.js';
import type { ArticleInput } from '../../model/types.js';
import { insertArticles, saveArticle } from '../../store/articles.js';
import type { Store } from '../../store/db.js';
import { ensureSource } from '../../store/sources.js';
import { openTestStore } from '../../store/testing.js';

export const REFERENCE_NOW = '2019-02-15T12:00:00+03:00';
export const REFERENCE_TOTAL = 147_805;
export const REFERENCE_STRIP = { '2019-02-14': 26, '2019-02-13': 20, '2019-02-12': 1, '2019-02-11': 1, '2019-02-10': 2 } as const;

/** Returns a config for the reference site, with overrides. */
export function referenceConfig(file: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): Config {
  return parseConfig(
    {
      siteName: 'Islamic Invitation Turkey',
      social: [
        { name: 'Facebook', url: 'https://facebook.com/example' },
        { name: 'Twitter', url: 'https://twitter.com/example' },
        { name: 'Youtube', url: 'https://youtube.com/example' },
      ],
      databaseUrl: 'sqlite::memory:',
      ...file,
    },
    { JARIDA_NOW: REFERENCE_NOW, ...env },
  );
}

/** Returns a test store (store/testing.ts) filled like the reference site: 147,805 rows, seconds on SQLite, about twice that on PostgreSQL. */
export async function referenceStore(config: Config, total = REFERENCE_TOTAL): Promise<Store> {
  const store = await openTestStore();
  const tz = config.site.timeZone;
  const masdar = await ensureSource(store.db, { kind: 'feed', title: 'Al-Masdar News', siteUrl: 'https://www.almasdarnews.com/' });
  const wire = await ensureSource(store.db, { kind: 'feed', title: 'Wire', siteUrl: 'https://example.com/' });
  await saveArticle(store.db, {
    sourceId: masdar,
    guid: 'https://www.almasdarnews.com/article/isis-in-trouble',
    url: 'https://www.almasdarnews.com/article/isis-in-trouble',
    title: 'ISIS in trouble as Syrian Army reaches southern Deir Ezzor countryside',
    summary: 'After being left untouched since 2014, the ISIS mainland in Deir Ezzor province is now under threat.',
    contentHtml: '<p>After being left untouched since 2014, the ISIS mainland in Deir Ezzor province is now under treat by a pro-government fighting force.</p><p>According to a military source close to Al-Masdar News, some 50,000 pro-government troops are stationed across the entire eastern Homs battlefield.</p>',
    language: 'en',
    publishedAt: new Date('2017-06-30T14:33:00+03:00'),
  }, tz);
  let n = 1;
  const batch: ArticleInput[] = [];
  for (const [day, count] of Object.entries(REFERENCE_STRIP)) {
    for (let i = 0; i < count; i++) {
      const ar = i % 5 === 3;
      batch.push({ sourceId: wire, guid: `strip-${day}-${i}`, title: ar ? `خبر يوم ${day} رقم ${i + 1}` : `News of ${day} number ${i + 1}`, summary: ar ? 'ملخص الخبر.' : 'A summary.', language: ar ? 'ar' : 'en', publishedAt: new Date(`${day}T${String(8 + (i % 14)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00+03:00`) });
      n++;
    }
  }
  // The rest spread over the ten years before 10 February 2019 (never on the strip's days).
  const end = Date.parse('2019-02-09T20:00:00Z');
  const span = 10 * 365 * 86_400_000;
  const rest = total - n;
  for (let i = 0; i < rest; i++) {
    batch.push({ sourceId: wire, guid: `old-${i}`, title: `Archive item ${i}`, language: i % 3 === 0 ? 'ar' : i % 3 === 1 ? 'tr' : 'en', publishedAt: new Date(end - Math.floor((span * i) / rest)) });
    if (batch.length === 20_000) await insertArticles(store.db, batch.splice(0), tz);
  }
  await insertArticles(store.db, batch.splice(0), tz);
  return store;
}
