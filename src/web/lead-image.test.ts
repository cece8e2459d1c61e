import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { insertArticles } from '../store/articles.js';
import type { Store } from '../store/db.js';
import { ensureSource } from '../store/sources.js';
import { openTestStore, skipStoreTests } from '../store/testing.js';
import { buildApp } from './app.js';
import { bodyOpensWith } from './lead-image.js';
import { referenceConfig } from './testdata/reference-site.js';

const LEAD = 'https://images.example/2019/harbour.jpg';

describe('bodyOpensWith', () => {
  it('finds the lead image at the very start of the body, inside its wrappers', () => {
    expect(bodyOpensWith(`<img src="${LEAD}" alt="">`, LEAD)).toBe(true);
    expect(bodyOpensWith(`\n<p><a href="${LEAD}"><img src="${LEAD}" loading="lazy"></a></p><p>Text</p>`, LEAD)).toBe(true);
    expect(bodyOpensWith(`<figure><picture><source srcset="x.webp"><img alt="" src="${LEAD}"></picture><figcaption>Harbour</figcaption></figure>`, LEAD)).toBe(true);
    expect(bodyOpensWith(`<!-- lead --><div class="x"><img src="${LEAD.replace('https:', 'http:')}"></div>`, LEAD)).toBe(true);
  });

  it('takes size parameters of the same path for the same image, nothing else', () => {
    expect(bodyOpensWith(`<p><img src="${LEAD}?w=300&amp;h=200"></p>`, `${LEAD}?w=1200`)).toBe(true);
    expect(bodyOpensWith(`<p><img src="${LEAD}?resize=300%2C200"></p>`, LEAD)).toBe(true);
    expect(bodyOpensWith('<p><img src="https://images.example/image.php?id=1"></p>', 'https://images.example/image.php?id=2')).toBe(false);
    expect(bodyOpensWith('<p><img src="https://images.example/2019/harbour-300x200.jpg"></p>', LEAD)).toBe(false);
    expect(bodyOpensWith(`<p><img src="https://other.example/2019/harbour.jpg"></p>`, LEAD)).toBe(false);
  });

  it('is false when text or another element comes first, or either side is missing', () => {
    expect(bodyOpensWith(`<p>Text first</p><img src="${LEAD}">`, LEAD)).toBe(false);
    expect(bodyOpensWith(`<p>Text <img src="${LEAD}"></p>`, LEAD)).toBe(false);
    expect(bodyOpensWith(`<h2>Heading</h2><img src="${LEAD}">`, LEAD)).toBe(false);
    expect(bodyOpensWith(null, LEAD)).toBe(false);
    expect(bodyOpensWith(`<img src="${LEAD}">`, null)).toBe(false);
    expect(bodyOpensWith('<img src="not a url">', 'not a url')).toBe(false);
  });
});

describe.skipIf(await skipStoreTests())('the article page and its lead image', () => {
  let store: Store;
  let app: FastifyInstance;
  beforeAll(async () => {
    store = await openTestStore();
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Coast News' });
    const at = new Date('2019-02-14T10:00:00Z');
    const text = '<p>The harbour reopened on Thursday after the storm, and the first ferries left at dawn.</p>';
    await insertArticles(store.db, [
      { sourceId, guid: 'same', slug: 'same', title: 'Body opens with the lead', contentHtml: `<figure><img src="${LEAD}?w=800" alt=""><figcaption>The harbour</figcaption></figure>${text}`, imageUrl: LEAD, publishedAt: at },
      { sourceId, guid: 'other', slug: 'other', title: 'Body opens with another image', contentHtml: `<p><img src="https://images.example/2019/map.png" alt=""></p>${text}`, imageUrl: LEAD, publishedAt: new Date(at.getTime() + 60_000) },
      { sourceId, guid: 'later', slug: 'later', title: 'Lead image further down', contentHtml: `${text}<p><img src="${LEAD}" alt=""></p>`, imageUrl: LEAD, publishedAt: new Date(at.getTime() + 120_000) },
    ], 'Europe/Istanbul');
    app = await buildApp({ store, config: referenceConfig() });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });
  const images = async (slug: string) => {
    const res = await app.inject({ url: `/2019/02/14/${slug}/` });
    expect(res.statusCode).toBe(200);
    return { lead: (res.body.match(/<img class="lead"/g) ?? []).length, all: (res.body.match(/harbour\.jpg/g) ?? []).length };
  };

  it('shows the image once when the body opens with it (the body keeps it, with its caption)', async () => {
    expect(await images('same')).toEqual({ lead: 0, all: 1 });
  });

  it('keeps the lead image when the body opens with another image, or has it further down', async () => {
    expect((await images('other')).lead).toBe(1);
    expect(await images('later')).toEqual({ lead: 1, all: 2 });
  });
});
