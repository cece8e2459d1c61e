/**
 * A theme's inline scripts and styles, as the Content-Security-Policy allows them: each `<script>`
 * and `<style>` element's text, hashed once when the theme loads (`'sha256-…'`). A hash holds for every
 * page, cached or not, where a nonce would be one value per cached page. What no hash can allow is
 * refused at load, naming the template: Liquid inside an inline script or style (its text differs
 * page by page), inline event handlers (`onclick=`), `style` attributes, and scripts from files (the
 * site serves none, and the policy names no other origin).
 */
import { createHash } from 'node:crypto';

/** CSP source expressions (`'sha256-…'`) of a theme's inline scripts and styles. */
export interface InlineHashes {
  scripts: readonly string[];
  styles: readonly string[];
}

/** A theme template that the Content-Security-Policy would break. */
export class ThemeInlineError extends Error {
  readonly code = 'THEME_INLINE';
}

const ELEMENT = /<(script|style)\b([^>]*)>([\s\S]*?)<\/\1\s*>/gi;
// Inside a start tag: an event handler or a style attribute (`<a onclick=`, `<p style=`).
const INLINE_ATTRIBUTE = /<[a-zA-Z][\w-]*\b[^<>]*?\s(on[a-z]+|style)\s*=/gi;
const LIQUID_COMMENT = /\{%-?\s*comment\s*-?%\}[\s\S]*?\{%-?\s*endcomment\s*-?%\}/g;
// A script whose type is not JavaScript is data (JSON-LD, templates): never run, never checked.
const SCRIPT_TYPES = new Set(['', 'text/javascript', 'application/javascript', 'module']);

/**
 * Returns the hashes of the inline scripts and styles in a theme's templates (name → Liquid source),
 * or throws a ThemeInlineError naming the template and what to do.
 * @example inlineHashes(new Map([['/layout.liquid', '<script>a()</script>']])).scripts // ["'sha256-…'"]
 */
export function inlineHashes(templates: ReadonlyMap<string, string>): InlineHashes {
  const scripts = new Set<string>();
  const styles = new Set<string>();
  for (const [name, raw] of templates) {
    const file = name.replace(/^\//, '');
    const source = raw.replace(LIQUID_COMMENT, '');
    for (const m of source.matchAll(INLINE_ATTRIBUTE)) {
      const what = m[1]!.toLowerCase() === 'style' ? 'a style attribute (move it to style.css)' : `an inline event handler, ${m[1]}= (use a <script> element)`;
      throw new ThemeInlineError(`theme: ${file}: ${what}: the Content-Security-Policy does not allow it`);
    }
    for (const m of source.matchAll(ELEMENT)) {
      const [, tag, attrs = '', text = ''] = m;
      const isScript = tag!.toLowerCase() === 'script';
      if (isScript && !SCRIPT_TYPES.has(typeOf(attrs))) continue;
      if (isScript && /\ssrc\s*=/i.test(attrs)) {
        throw new ThemeInlineError(`theme: ${file}: <script src=…>: the Content-Security-Policy allows only the theme's own inline scripts (by their hashes); put the script inside the element`);
      }
      if (/\{\{|\{%/.test(text)) {
        throw new ThemeInlineError(`theme: ${file}: an inline <${tag}> with Liquid in it differs page by page, so the Content-Security-Policy cannot allow it by its hash; keep its text fixed`);
      }
      (isScript ? scripts : styles).add(`'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
    }
  }
  return { scripts: [...scripts], styles: [...styles] };
}

function typeOf(attrs: string): string {
  const m = /\stype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
  return (m?.[1] ?? m?.[2] ?? m?.[3] ?? '').trim().toLowerCase();
}
