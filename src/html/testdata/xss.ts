/**
 * The XSS corpora (../shared/corpora: DOMPurify's vectors, html5lib's sanitizer cases) and the one
 * check that sanitized HTML is inert, shared by every path into the store (sanitize, Markdown).
 */
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { CORPORA_URL } from '../../paths.js';

/** True when the corpora are there (or required: JARIDA_REQUIRE_CORPORA=1 fails a run without them). */
export const HAVE_CORPORA = existsSync(CORPORA_URL) || process.env.JARIDA_REQUIRE_CORPORA === '1';

/** Returns DOMPurify's cases (`payload`: an XSS vector or markup to clean). */
export function dompurifyCases(): { payload: string }[] {
  return JSON.parse(readFileSync(new URL('dompurify/cases.json', CORPORA_URL), 'utf8')) as { payload: string }[];
}

/** Returns html5lib's sanitizer cases (`output`: html5lib's own result). */
export function html5libCases(): { name: string; input: string; output: string }[] {
  return JSON.parse(readFileSync(new URL('html5lib-sanitizer/cases.json', CORPORA_URL), 'utf8')) as { name: string; input: string; output: string }[];
}

/**
 * Fails unless every '<' left in sanitized `out` opens a harmless tag (text is escaped): no script,
 * style, form, svg…, no `on*` or style attribute, iframes only from the video hosts, and URLs only
 * http(s), mailto, data: images or relative.
 */
export function expectInert(out: string, input: string): void {
  for (const tag of out.match(/<[^>]*>/g) ?? []) {
    const names = tag.replace(/"[^"]*"/g, '""'); // attribute values are escaped text
    expect(names, input).not.toMatch(/^<\/?(script|style|object|embed|form|input|svg|math|base|meta|link|textarea|bgsound|xml|frame|frameset|applet)\b|\son[a-z]+\s*=|\sstyle\s*=/i);
    if (/^<iframe/i.test(tag)) expect(tag, input).toMatch(/src="https:\/\/(www\.youtube\.com|www\.youtube-nocookie\.com|player\.vimeo\.com|www\.dailymotion\.com)\//);
    for (const [, url] of tag.matchAll(/\s(?:href|src|poster|cite|background|dynsrc|lowsrc)="([^"]*)"/gi)) {
      expect(url, input).toMatch(/^(https?:|mailto:|data:image\/(png|jpe?g|gif|webp|avif);|[\w\-./?#%=&~+]*$)/i);
    }
  }
}
