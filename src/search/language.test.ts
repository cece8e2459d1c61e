import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../html/text.js';
import { detectLanguage } from './language.js';

const demo = JSON.parse(readFileSync(new URL('../../demo/articles.json', import.meta.url), 'utf8')) as {
  articles: { language: string; title: string; summary?: string; body: string }[];
};

describe('language detection', () => {
  it('tells English, Turkish and Arabic apart on every demo article, from the title and summary alone', () => {
    for (const a of demo.articles) {
      expect(detectLanguage(`${a.title}\n${a.summary ?? ''}`, ['en', 'tr', 'ar']), a.title).toBe(a.language);
      expect(detectLanguage(`${a.title}\n${htmlToText(a.body)}`, ['en', 'tr', 'ar']), a.title).toBe(a.language);
    }
  });

  it('answers only among the candidates, and null when unsure', () => {
    const tr = demo.articles.find((a) => a.language === 'tr')!;
    expect(detectLanguage(htmlToText(tr.body), ['en', 'ar'])).toBeNull();
    expect(detectLanguage(htmlToText(tr.body), ['en-US', 'tr-TR'])).toBe('tr-TR');
    expect(detectLanguage('', ['en', 'tr'])).toBeNull();
    expect(detectLanguage('2024 — 15:30', ['en', 'tr'])).toBeNull();
    expect(detectLanguage('Das Wetter in Berlin bleibt in dieser Woche kalt und regnerisch, sagen die Meteorologen.', ['en', 'tr', 'ar'])).toBeNull();
  });
});
