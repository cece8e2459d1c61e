/**
 * Caps the work one page can cost before it reaches the parser: its size, and how deeply its
 * elements nest (htmlparser2 keeps open elements in an array it unshifts, so 10⁵ unclosed <div>s
 * — one megabyte — took seconds and 10⁶ would take minutes). Both steps are linear in the input.
 */

/** Pages longer than this many characters (5 Mi, at least 5 MB as UTF-8) are cut to it. */
export const MAX_HTML_CHARS = 5 * 1024 * 1024;
/**
 * Open tags nested deeper than this are dropped, their content kept in place. Reader View's time
 * grows about with the cube of depth (0.2 s at 128 levels, 0.65 s at 256, 2.3 s at 512); the
 * deepest page of the Reader View corpus has 38. Chromium's parser caps at 512.
 */
export const MAX_DEPTH = 256;

/** Returns `html` within both caps: the same string when it already is, as is almost always the case. */
export function boundHtml(html: string, maxChars = MAX_HTML_CHARS, maxDepth = MAX_DEPTH): string {
  return capDepth(html.length > maxChars ? cutHuge(html, maxChars) : html, maxDepth);
}

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);

/**
 * Returns a huge page cut to `max` characters: first without comments, scripts (JSON-LD kept:
 * Reader View reads metadata from it) and styles, which are most of many big pages, then cut
 * before the last '<' in reach so that no tag is split; the parser closes what is still open.
 */
function cutHuge(html: string, max: number): string {
  const parts: string[] = [];
  let kept = 0;
  let i = 0;
  const skip = /<!--|<script\b|<style\b/gi;
  for (let m = skip.exec(html); m && kept < max; m = skip.exec(html)) {
    const isComment = m[0] === '<!--';
    const tagEnd = html.indexOf('>', m.index);
    const jsonLd = !isComment && /^<script\b[^>]*ld\+json/i.test(html.slice(m.index, tagEnd + 1));
    const close = isComment ? '-->' : m[0].toLowerCase().startsWith('<script') ? '</script' : '</style';
    const end = tagEnd < 0 ? -1 : lowerIndexOf(html, close, isComment ? m.index + 4 : tagEnd + 1);
    const stop = end < 0 ? html.length : html.indexOf('>', end) + 1 || html.length;
    skip.lastIndex = stop;
    if (jsonLd) continue;
    parts.push(html.slice(i, m.index));
    kept += m.index - i;
    i = stop;
  }
  if (kept < max) parts.push(html.slice(i, i + (max - kept) + 1));
  const joined = parts.join('');
  if (joined.length <= max) return joined;
  const cut = joined.lastIndexOf('<', max);
  return joined.slice(0, cut > max / 2 ? cut : max);
}

const needles = new Map<string, RegExp>();
/** Returns the index of `needle` (ASCII, any case) in `html` from `from` on, or -1. */
function lowerIndexOf(html: string, needle: string, from: number): number {
  let re = needles.get(needle);
  if (!re) needles.set(needle, (re = new RegExp(needle.replace('/', '\\/'), 'gi')));
  re.lastIndex = from;
  return re.exec(html)?.index ?? -1;
}

const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const P = ['p'];
const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p'];
const FORM = ['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea'];
/** htmlparser2's "opening X closes an open Y" table, so that the depth counted here is the parser's. */
const IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>(
  Object.entries({
    tr: ['tr', 'th', 'td'], th: ['th'], td: ['thead', 'th', 'td'], body: ['head', 'link', 'script'], a: ['a'], li: ['li'],
    p: P, h1: HEADINGS, h2: HEADINGS, h3: HEADINGS, h4: HEADINGS, h5: HEADINGS, h6: HEADINGS,
    select: FORM, input: FORM, output: FORM, button: FORM, datalist: FORM, textarea: FORM,
    option: ['option'], optgroup: ['optgroup', 'option'], dd: ['dd', 'dt'], dt: ['dd', 'dt'],
    address: P, article: P, aside: P, blockquote: P, details: P, div: P, dl: P, fieldset: P, figcaption: P, figure: P,
    footer: P, form: P, header: P, hr: P, main: P, nav: P, ol: P, pre: P, section: P, table: P, ul: P,
    rt: ['rt', 'rp'], rp: ['rt', 'rp'], tbody: ['thead', 'tbody'], tfoot: ['thead', 'tbody'],
  }).map(([k, v]) => [k, new Set(v)]),
);

/**
 * Returns `html` with every open tag that would nest deeper than `maxDepth` removed, and the end
 * tags matching those; the text and elements inside stay where they were, one level up.
 */
function capDepth(html: string, maxDepth: number): string {
  const stack: string[] = [];
  const open = new Map<string, number>(); // name → how many on the stack (O(1) "is it open?")
  const dropped = new Map<string, number>(); // name → open tags dropped below the top of the stack
  const cuts: number[] = []; // [start, end) pairs to remove
  const pop = (): void => {
    const name = stack.pop()!;
    open.set(name, open.get(name)! - 1);
    dropped.clear(); // what was dropped lay inside the element just closed
  };
  const tag = /<(\/?)([a-zA-Z][^\s/>]*)[^>]*>|<!--/g;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    if (m[0] === '<!--') {
      const end = html.indexOf('-->', m.index + 4);
      tag.lastIndex = end < 0 ? html.length : end + 3;
      continue;
    }
    const name = m[2]!.toLowerCase();
    if (m[1]) {
      const d = dropped.get(name) ?? 0;
      if (d > 0) {
        dropped.set(name, d - 1);
        cuts.push(m.index, m.index + m[0].length);
      } else if ((open.get(name) ?? 0) > 0) {
        while (stack.length && stack[stack.length - 1] !== name) pop();
        if (stack.length) pop();
      }
      continue;
    }
    const implied = IMPLIES_CLOSE.get(name);
    while (implied && stack.length && implied.has(stack[stack.length - 1]!)) pop();
    if (RAW_TEXT.has(name)) {
      const end = lowerIndexOf(html, `</${name}`, tag.lastIndex);
      tag.lastIndex = end < 0 ? html.length : end;
    }
    // `<x/>` closes itself only inside SVG or MathML; in HTML it is an open tag.
    if (VOID.has(name) || (m[0].endsWith('/>') && (open.get('svg') || open.get('math')))) continue;
    if (stack.length >= maxDepth) {
      dropped.set(name, (dropped.get(name) ?? 0) + 1);
      cuts.push(m.index, m.index + m[0].length);
      continue;
    }
    stack.push(name);
    open.set(name, (open.get(name) ?? 0) + 1);
  }
  if (!cuts.length) return html;
  const parts: string[] = [];
  let from = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    parts.push(html.slice(from, cuts[k]));
    from = cuts[k + 1]!;
  }
  parts.push(html.slice(from));
  return parts.join('');
}
