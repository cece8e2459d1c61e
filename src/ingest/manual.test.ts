import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import type { Store } from '../store/db.js';
import { openTestStore, skipStoreTests } from '../store/testing.js';
import { addManualArticle } from './manual.js';

const demo = JSON.parse(readFileSync(new URL('../../demo/articles.json', import.meta.url), 'utf8')) as {
  articles: { language: string; title: string; body: string }[];
};
const site = parseConfig({ siteName: 'Jarida Test', timeZone: 'Europe/Istanbul', languages: ['en', 'tr', 'ar'] }, {}).site;

let store: Store;
beforeEach(async () => {
  store = await openTestStore();
});
afterEach(() => store.close());

describe.skipIf(await skipStoreTests())('article add', () => {
  it('detects the language when --lang is not given; --lang wins; the site default when unsure', async () => {
    const tr = demo.articles.find((a) => a.language === 'tr')!;
    const ar = demo.articles.find((a) => a.language === 'ar')!;
    const publishedAt = new Date('2024-03-01T09:00:00Z');
    const language = async (id: number) => (await store.db.selectFrom('articles').select('language').where('id', '=', id).executeTakeFirstOrThrow()).language;
    expect(await language((await addManualArticle(store, site, { title: tr.title, body: tr.body, publishedAt })).id)).toBe('tr');
    expect(await language((await addManualArticle(store, site, { title: ar.title, body: ar.body, publishedAt })).id)).toBe('ar');
    expect(await language((await addManualArticle(store, site, { title: `${tr.title} (2)`, body: tr.body, publishedAt, lang: 'en' })).id)).toBe('en');
    expect(await language((await addManualArticle(store, site, { title: '2024', publishedAt })).id)).toBe(site.defaultLanguage);
  });
});
