/**
 * Lean pages: the front page (a lead story, a block of four per section for six sections, then the 20
 * latest) stays under 50 KB of HTML with realistic articles in three languages,
 * no external script, one small cached stylesheet, and nothing that can shift the layout as it loads.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { slugify } from '../model/slug.js';
import { saveArticle } from '../store/articles.js';
import { addSection } from '../store/categories.js';
import { linkArticleImages, saveMediaReady } from '../store/media.js';
import type { Store } from '../store/db.js';
import { ensureSource } from '../store/sources.js';
import { openTestStore } from '../store/testing.js';
import { buildApp } from './app.js';
import { loadTheme } from './theme.js';

const HOME_BUDGET = 50 * 1024;
const CSS_BUDGET = 14 * 1024; // fits the first round trip (an initial congestion window of ten packets)

/** Text of about `n` characters from a phrase, cut at a word. */
const about = (phrase: string, n: number) => {
  let s = phrase;
  while (s.length < n) s += ` ${phrase}`;
  return s.slice(0, n).replace(/\s+\S*$/, '') + '.';
};
const TEXT = {
  en: {
    title: 'Central bank holds interest rates steady for the third month as inflation eases and exporters warn of a stronger currency',
    summary: 'The monetary policy committee kept its benchmark rate unchanged on Thursday, citing a slower rise in consumer prices and uncertainty over energy costs, while economists said a first cut could come before summer if wages keep cooling.',
  },
  tr: {
    title: 'Merkez Bankası enflasyondaki yavaşlamaya rağmen faiz oranlarını üçüncü ay da sabit tuttu, ihracatçılar güçlü kur konusunda uyardı',
    summary: 'Para Politikası Kurulu perşembe günkü toplantısında politika faizini değiştirmedi; tüketici fiyatlarındaki artışın yavaşladığını ve enerji maliyetlerindeki belirsizliğin sürdüğünü belirten ekonomistler ilk indirimin yazdan önce gelebileceğini söyledi.',
  },
  ar: {
    title: 'البنك المركزي يبقي أسعار الفائدة دون تغيير للشهر الثالث على التوالي مع تراجع التضخم وتحذيرات المصدرين من قوة العملة المحلية',
    summary: 'أبقت لجنة السياسة النقدية سعر الفائدة الرئيسي دون تغيير يوم الخميس، مشيرة إلى تباطؤ ارتفاع أسعار المستهلكين واستمرار الغموض بشأن تكاليف الطاقة، فيما توقع اقتصاديون أن يأتي أول خفض قبل الصيف إذا واصلت الأجور تراجعها.',
  },
} as const;

let store: Store;
let app: FastifyInstance;
const config = parseConfig(
  {
    siteName: 'Jarida News Portal',
    databaseUrl: 'sqlite::memory:',
    social: [{ name: 'Facebook', url: 'https://facebook.com/jarida' }, { name: 'Twitter', url: 'https://twitter.com/jarida' }, { name: 'Youtube', url: 'https://youtube.com/jarida' }],
  },
  { JARIDA_NOW: '2019-02-15T12:00:00+03:00' },
);

beforeAll(async () => {
  store = await openTestStore();
  const sources = [
    await ensureSource(store.db, { kind: 'feed', title: 'Anadolu Economic Review', siteUrl: 'https://economy.example.com.tr/' }),
    await ensureSource(store.db, { kind: 'feed', title: 'صحيفة الاقتصاد العربي', siteUrl: 'https://iqtisad.example/' }),
    await ensureSource(store.db, { kind: 'feed', title: 'The Daily Ledger', siteUrl: 'https://ledger.example.com/' }),
  ];
  const sections = ['World', 'Economy', 'Politics', 'Sport', 'Culture', 'Science & Technology'];
  for (const name of sections) await addSection(store.db, slugify(name), { name, tr: `${name} (TR)`, ar: `${name} (AR)` });
  const langs = ['en', 'tr', 'ar'] as const;
  const saved: { id: number }[] = [];
  for (let i = 0; i < 30; i++) {
    const lang = langs[i % 3]!;
    const t = TEXT[lang];
    saved.push(await saveArticle(store.db, {
      sourceId: sources[i % 3]!,
      guid: `w-${i}`,
      url: `https://news.example/${lang}/2019/02/${i}`,
      title: `${i + 1}: ${t.title}`,
      summary: about(t.summary, 300),
      author: i % 2 ? 'Ayşe Yılmaz-Karaca' : null,
      language: lang,
      imageUrl: `https://images.example/${i}.jpg`,
      contentHtml: `<p>${t.summary}</p><p><img src="https://images.example/${i}-body.jpg" width="800" height="450" alt=""></p><p>${t.summary}</p>`,
      publishedAt: new Date(Date.parse('2019-02-14T06:00:00Z') + i * 1_700_000),
      categories: [sections[i % sections.length]!, 'Markets', 'Central banks'],
    }, config.site.timeZone));
  }
  // Every list image stored here, at the widths a photo gets (320, 640, 1280; WebP and JPEG): the cards
  // and the lead carry their srcsets.
  const now = new Date();
  const rows = await linkArticleImages(store.db, new Map(saved.map((s, i) => [s.id, [`https://images.example/${i}.jpg`]])), now);
  for (const [k, r] of rows.entries()) {
    const hash = createHash('sha256').update(r.url).digest('hex').slice(0, 24);
    const variants = [320, 640, 1280].flatMap((w) => (['webp', 'jpg'] as const).map((f) => ({ w, h: Math.round((w * 9) / 16), f, b: 10_000 })));
    await saveMediaReady(store.db, r.id, { hash, width: 1280, height: 720, variants, bytes: 50_000 + k }, now);
  }
  app = await buildApp({ store, config });
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('page weight', () => {
  it('the front page is under 50 KB of HTML in every language: a lead, six section blocks of four, 20 latest, with pictures', async () => {
    const sizes: string[] = [];
    for (const url of ['/', '/tr/', '/ar/']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.body.match(/class="lead-story/g)).toHaveLength(1);
      expect(res.body.match(/<section class="block"/g)).toHaveLength(6);
      expect(res.body.match(/class="card/g)).toHaveLength(19 + 6 * 4);
      // Pictures: the lead at every width, a card at those up to 640 px, one per section block.
      expect(res.body.match(/<picture>/g)).toHaveLength(1 + 19 + 6);
      expect(res.body.match(/<div class="lead-text">/g)).toHaveLength(1);
      expect(/<article class="lead-story has-picture">[\s\S]*?<\/article>/.exec(res.body)![0]).toContain('-1280.webp 1280w');
      expect(/<ul class="articles">[\s\S]*<\/ul>/.exec(res.body)![0]).not.toContain('-1280.');
      const bytes = Buffer.byteLength(res.body);
      if (process.env.PW_DEBUG) console.log(url, 'pictures', Buffer.byteLength((res.body.match(/<picture>[\s\S]*?<\/picture>/g) ?? []).join('')), 'thumb links', Buffer.byteLength((res.body.match(/<a class="thumb"[^>]*>/g) ?? []).join('')), 'summaries', Buffer.byteLength((res.body.match(/<p class="summary"[^>]*>[^<]*<\/p>/g) ?? []).join('')), 'cards', Buffer.byteLength((res.body.match(/<li class="card[\s\S]*?<\/li>/g) ?? []).join('')));
      sizes.push(`${url} ${(bytes / 1024).toFixed(1)} KB`);
      expect(bytes).toBeLessThan(HOME_BUDGET);
    }
    console.log(`front page HTML (lead, 6 × 4 in blocks, 19 latest): ${sizes.join(', ')}`);
  });

  it('no render-blocking script; one small, immutable stylesheet', async () => {
    const html = (await app.inject({ url: '/' })).body;
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i); // no external script at all
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline.join('').length).toBeLessThan(1024);
    const sheets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]!);
    expect(sheets).toHaveLength(1);
    const css = await app.inject({ url: sheets[0]! });
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(css.rawPayload.length).toBeLessThan(CSS_BUDGET);
    console.log(`stylesheet ${sheets[0]}: ${(css.rawPayload.length / 1024).toFixed(1)} KB`);
  });

  it('images cannot shift the layout: the lead image has its box before it loads, body images keep their size', async () => {
    const home = (await app.inject({ url: '/' })).body;
    const href = home.match(/<h2[^>]*><a href="([^"]+)"/)![1]!;
    const html = (await app.inject({ url: href })).body;
    // The lead: the stored copy, with its box (width and height) before it loads.
    expect(html).toMatch(/<picture><source type="image\/webp" srcset="\/media\/[0-9a-f]{24}-320\.webp 320w, [^"]+" sizes="[^"]+"><img src="\/media\/[0-9a-f]{24}-640\.jpg" width="1280" height="720" alt="" class="lead" loading="eager"/);
    expect(html).toMatch(/<img src="https:\/\/images\.example\/\d+-body\.jpg" width="800" height="450"/);
    const css = loadTheme(null).stylesheet.body.toString();
    expect(css).toMatch(/\.article \.lead \{[^}]*aspect-ratio: 16 \/ 9/);
    expect(css).toMatch(/\.article \.body img[^{]*\{[^}]*height: auto/); // width/height attributes give the ratio
    expect(css).not.toMatch(/@import|@font-face/); // nothing more to fetch, no font swap
  });
});
