/** An own page's body (`jarida pages add`): markdown or HTML as the operator wrote it → safe HTML. */
import MarkdownIt from 'markdown-it';
import type { PageFormat } from '../model/site-page.js';
import { sanitizeArticleHtml } from '../html/sanitize.js';

// Raw HTML in markdown is shown as text (`html: false`): an operator who writes HTML says so with
// --format html. markdown-it refuses javascript:/vbscript:/data: links itself; the sanitizer is the rule either way.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });
// The page's title is its one <h1>, and the sanitizer keeps no other: a `# Heading` becomes <h2>.
markdown.core.ruler.push('jarida_h1_to_h2', (state) => {
  for (const t of state.tokens) if ((t.type === 'heading_open' || t.type === 'heading_close') && t.tag === 'h1') t.tag = 'h2';
});

/**
 * Returns the body as HTML safe to serve: markdown rendered by markdown-it, HTML taken as it is; then,
 * either way, the sanitizer every stored article passes (no script, no event handlers, no
 * `javascript:` links).
 * @example renderPageBody('# Hi\n\n[us](javascript:alert(1))', 'markdown') === '<h2>Hi</h2>\n<p>[us](javascript:alert(1))</p>'
 */
export function renderPageBody(body: string, format: PageFormat): string {
  // HTML is not run through markdown-it with html: true: an indented HTML file would become code blocks.
  const html = format === 'markdown' ? markdown.render(body) : body;
  return sanitizeArticleHtml(html).trim();
}
