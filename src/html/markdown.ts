/**
 * The one Markdown renderer (markdown-it), for the desk's article bodies and the site's own pages:
 * Markdown → HTML → the sanitizer every stored article passes. Raw HTML in the Markdown (an embed an
 * editor pastes) is taken when every tag in it is one the sanitizer keeps, and then sanitized like
 * everything else; any other tag (`<script>`, `<style>`, `<form>`, `<h1>`) is shown as the text typed,
 * so a `<script>` in prose neither runs nor swallows the rest of the article.
 */
import MarkdownIt from 'markdown-it';
import type { PageFormat } from '../model/site-page.js';
import { ALLOWED_TAGS, sanitizeArticleHtml } from './sanitize.js';
import { escapeHtml } from './text.js';

const KEPT = new Set(ALLOWED_TAGS);
/** Each tag, comment, declaration or processing instruction in a piece of raw HTML. */
const MARKUP = /<!--|<(\/?)([A-Za-z][\w:-]*)|<[!?]/g;

/** Returns true when every tag in `raw` is one the sanitizer keeps (comments too: it drops them). */
function keptMarkup(raw: string): boolean {
  for (const m of raw.matchAll(MARKUP)) {
    if (m[0] === '<!--') continue;
    if (!m[2] || !KEPT.has(m[2].toLowerCase())) return false;
  }
  return true;
}

// markdown-it refuses javascript:/vbscript:/file: links itself; the sanitizer is the rule either way.
const markdown = new MarkdownIt({ html: true, linkify: true, typographer: false });
// The page's title is its one <h1>, and the sanitizer keeps no other: a `# Heading` becomes <h2>.
markdown.core.ruler.push('jarida_h1_to_h2', (state) => {
  for (const t of state.tokens) if ((t.type === 'heading_open' || t.type === 'heading_close') && t.tag === 'h1') t.tag = 'h2';
});
markdown.renderer.rules.html_inline = (tokens, i) => {
  const raw = tokens[i]!.content;
  return keptMarkup(raw) ? raw : escapeHtml(raw);
};
markdown.renderer.rules.html_block = (tokens, i) => {
  const raw = tokens[i]!.content;
  return keptMarkup(raw) ? raw : `<p>${escapeHtml(raw.trim())}</p>\n`;
};

/**
 * Returns the Markdown as HTML safe to store and serve: rendered by markdown-it, then sanitized as
 * ingested articles are (relative links made absolute against `baseUrl` when given).
 * @example articleHtmlFromMarkdown('# Hi\n\n[x](javascript:alert(1)) ![a](https://x.example/a.jpg)') // '<h2>Hi</h2>\n<p>[x](javascript:alert(1)) <img src="https://x.example/a.jpg" alt="a" loading="lazy" /></p>'
 */
export function articleHtmlFromMarkdown(markdownText: string, baseUrl?: string): string {
  return sanitizeArticleHtml(markdown.render(markdownText), baseUrl).trim();
}

/**
 * Returns an own page's body (`jarida pages add`) as HTML safe to serve: Markdown through
 * articleHtmlFromMarkdown, HTML (`--format html`) straight through the sanitizer.
 * @example renderPageBody('# About', 'markdown') === '<h2>About</h2>'
 */
export function renderPageBody(body: string, format: PageFormat): string {
  // HTML is not run through markdown-it: an indented HTML file would become code blocks.
  return format === 'markdown' ? articleHtmlFromMarkdown(body) : sanitizeArticleHtml(body).trim();
}
