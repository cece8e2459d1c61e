/**
 * WordPress exports (WXR, an RSS 2.0 file with the `wp:` extension), and plain RSS 2.0 files:
 * read as a stream with htmlparser2's SAX parser, one item at a time, each turned into an
 * ImportedArticle (posts that are published) or the reason it is skipped (pages, attachments,
 * menu items, drafts). WordPress keeps post bodies without paragraph tags (wpautop adds them when
 * it shows a post): they are added here.
 */
import { Parser } from 'htmlparser2';
import { parseDate } from '../parse/dates.js';
import { htmlToText } from '../../html/text.js';
import { LIMITS, type ImportEntry } from './record.js';
import { ImportError } from './errors.js';

/** What the channel says about the site, known before its first item. */
export interface WxrChannel {
  title: string | null;
  link: string | null;
  language: string | null;
}

/** What the reader yields: the channel (once, before the first item's entry), then one entry per item. */
export type WxrEvent = { channel: WxrChannel } | ImportEntry;

/** The most text one item may carry (characters, all fields): a larger item is skipped. */
const MAX_ITEM_CHARS = 5 * 1024 * 1024;
/** Deeper nesting than this is not a WordPress export. */
const MAX_DEPTH = 64;

/** An item's fields as written, before they are checked. */
interface RawItem {
  n: number;
  fields: Map<string, string>;
  categories: string[];
  chars: number;
}

const ITEM_FIELDS = new Set([
  'title', 'link', 'pubdate', 'guid', 'description', 'content:encoded', 'excerpt:encoded', 'dc:creator', 'author',
  'wp:post_id', 'wp:post_date_gmt', 'wp:post_date', 'wp:status', 'wp:post_type', 'category',
]);
const CHANNEL_FIELDS = new Set(['title', 'link', 'language']);
const AUTHOR_FIELDS = new Set(['wp:author_login', 'wp:author_display_name']);

/**
 * Yields the channel, then one entry per item of a WXR/RSS byte stream (UTF-8). Throws ImportError
 * when the document is not RSS (its root element is not `<rss>`) or is nested too deep.
 */
export async function* readWxr(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<WxrEvent> {
  const out: WxrEvent[] = [];
  const stack: string[] = [];
  const channel: WxrChannel = { title: null, link: null, language: null };
  const authors = new Map<string, string>(); // login → display name, from the channel's wp:author entries
  let channelSent = false;
  let item: RawItem | null = null;
  let items = 0;
  let author: Map<string, string> | null = null;
  let field: string | null = null; // the element whose text is being collected
  let buffer = '';
  let failure: ImportError | null = null;

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const tag = name.toLowerCase();
        if (stack.length === 0 && tag !== 'rss') {
          failure ??= new ImportError('IMPORT_FORMAT', `not a WordPress export or RSS file (the root element is <${name}>)`);
        }
        stack.push(tag);
        if (stack.length > MAX_DEPTH) failure ??= new ImportError('IMPORT_FORMAT', `elements nested deeper than ${MAX_DEPTH}: not a WordPress export`);
        const parent = stack[stack.length - 2];
        if (tag === 'item' && parent === 'channel') {
          if (!channelSent) {
            out.push({ channel: { ...channel } });
            channelSent = true;
          }
          item = { n: ++items, fields: new Map(), categories: [], chars: 0 };
        } else if (item && parent === 'item' && ITEM_FIELDS.has(tag)) {
          const other = tag === 'category' && attrs.domain !== undefined && attrs.domain !== 'category' && attrs.domain !== 'post_tag';
          field = other ? null : tag;
        } else if (!item && parent === 'channel' && tag === 'wp:author') {
          author = new Map();
        } else if (author && parent === 'wp:author' && AUTHOR_FIELDS.has(tag)) {
          field = tag;
        } else if (!item && !author && parent === 'channel' && CHANNEL_FIELDS.has(tag)) {
          field = tag;
        }
        if (field === tag) buffer = '';
      },
      ontext(text) {
        if (field === null) return;
        if (item) {
          item.chars += text.length;
          if (item.chars > MAX_ITEM_CHARS) return;
        } else if (buffer.length > 10_000) {
          return;
        }
        buffer += text;
      },
      onclosetag(name) {
        const tag = name.toLowerCase();
        const depth = stack.lastIndexOf(tag);
        if (depth === -1) return; // a stray end tag
        if (field !== null && tag === field && depth === stack.length - 1) {
          const value = buffer;
          if (item) {
            if (tag === 'category') item.categories.push(value);
            else if (!item.fields.has(tag)) item.fields.set(tag, value);
          } else if (author) {
            author.set(tag, value.trim());
          } else {
            const v = value.trim() || null;
            if (tag === 'title') channel.title ??= v;
            else if (tag === 'link') channel.link ??= v;
            else channel.language ??= v;
          }
          field = null;
        }
        if (tag === 'item' && item) {
          out.push(itemEntry(item, authors));
          item = null;
        } else if (tag === 'wp:author' && author) {
          const login = author.get('wp:author_login');
          const display = author.get('wp:author_display_name');
          if (login && display && authors.size < 10_000) authors.set(login, display);
          author = null;
        }
        stack.length = depth;
      },
    },
    { xmlMode: true, decodeEntities: true },
  );

  const decoder = new TextDecoder('utf-8');
  let seen = false;
  for await (const chunk of chunks) {
    parser.write(decoder.decode(chunk, { stream: true }));
    if (stack.length > 0) seen = true;
    if (failure) throw failure;
    yield* out.splice(0);
  }
  parser.write(decoder.decode());
  parser.end();
  if (failure) throw failure;
  if (!seen && stack.length === 0 && items === 0) throw new ImportError('IMPORT_FORMAT', 'not a WordPress export or RSS file (no <rss> element)');
  if (!channelSent) out.push({ channel: { ...channel } });
  yield* out.splice(0);
}

const STATUS_SKIPS = new Set(['draft', 'pending', 'private', 'future', 'trash', 'auto-draft', 'inherit']);

/** Returns the entry for one item: a published post, or why it is skipped. */
function itemEntry(raw: RawItem, authors: Map<string, string>): ImportEntry {
  const at = `item ${raw.n}`;
  const f = (name: string) => raw.fields.get(name)?.trim() || null;
  if (raw.chars > MAX_ITEM_CHARS) return { at, skip: `item over ${MAX_ITEM_CHARS / 1024 / 1024} MB of text` };
  const type = f('wp:post_type') ?? 'post';
  if (type !== 'post') return { at, skip: `not a post (${type.slice(0, 40)})` };
  const status = f('wp:status') ?? 'publish';
  if (status !== 'publish') return { at, skip: STATUS_SKIPS.has(status) ? `not published (${status})` : `unknown status (${status.slice(0, 40)})` };
  const title = htmlToText(f('title') ?? ''); // WordPress titles are HTML: `&amp;`, sometimes tags
  if (!title) return { at, skip: 'no title' };
  if (title.length > LIMITS.title) return { at, skip: `title longer than ${LIMITS.title} characters` };
  const published = postDate(f('wp:post_date_gmt'), f('pubdate'));
  if (published === null) return { at, skip: 'no usable date', detail: `post_date_gmt ${f('wp:post_date_gmt') ?? '-'}, pubDate ${f('pubdate') ?? '-'}` };
  const link = f('link');
  const url = link && /^https?:\/\//i.test(link) && link.length <= LIMITS.url ? link : null;
  const id = f('wp:post_id');
  const guid = f('guid') ?? (id ? `wp-post-${id}` : url);
  if (!guid) return { at, skip: 'no guid, post id or link' };
  if (guid.length > LIMITS.guid) return { at, skip: `guid longer than ${LIMITS.guid} characters` };
  const content = f('content:encoded') ?? f('description');
  const login = f('dc:creator') ?? f('author');
  const categories = [...new Set(raw.categories.map((c) => c.replace(/\s+/g, ' ').trim()).filter(Boolean))].slice(0, LIMITS.categories).map((c) => c.slice(0, LIMITS.category));
  return {
    at,
    article: {
      guid,
      url,
      title,
      publishedAt: published,
      contentHtml: content ? autop(stripBlockComments(content)) : null,
      summary: f('excerpt:encoded'),
      author: login ? (authors.get(login) ?? login).slice(0, LIMITS.author) : null,
      language: null, // the channel's, unless --lang says otherwise: the orchestrator decides
      imageUrl: null,
      categories,
      status: 'published',
      source: null,
    },
  };
}

/** Returns the post's instant: wp:post_date_gmt (UTC, `YYYY-MM-DD HH:MM:SS`), else the RSS pubDate. */
function postDate(gmt: string | null, pubDate: string | null): number | null {
  const m = gmt ? /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(gmt) : null;
  if (m && m[1] !== '0000') {
    const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    if (!Number.isNaN(t)) return t;
  }
  const d = pubDate ? parseDate(pubDate) : null;
  return d && !Number.isNaN(d.getTime()) && d.getUTCFullYear() > 1970 ? d.getTime() : null;
}

/** Returns the HTML without the block editor's `<!-- wp:… -->` / `<!-- /wp:… -->` comments. */
export function stripBlockComments(html: string): string {
  return html.indexOf('<!-- ') === -1 ? html : html.replace(/<!--\s*\/?wp:[\s\S]*?-->\s*/g, '');
}

const BLOCK = 'p|div|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|table|thead|tbody|tr|td|th|figure|figcaption|hr|section|article|aside|header|footer|address|form|fieldset|details|summary|iframe|video|audio|script|style';
const STARTS_BLOCK = new RegExp(`^<\\/?(?:${BLOCK})\\b`, 'i');
const HAS_KEEP_WHOLE = /<(pre|table|script|style)\b/i;

/**
 * Returns WordPress post HTML with paragraphs, as wpautop shows it: text separated by blank lines
 * becomes `<p>`s and single line breaks `<br>`; runs that start with a block-level tag stay as they
 * are. HTML with `<pre>` or `<table>` (where blank lines mean something else) is left alone.
 * @example autop('One\n\nTwo <b>2</b>\nlines') === '<p>One</p>\n<p>Two <b>2</b><br>\nlines</p>'
 */
export function autop(html: string): string {
  if (HAS_KEEP_WHOLE.test(html)) return html;
  const runs = html.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  return runs
    .map((run) => run.trim())
    .filter(Boolean)
    .map((run) => (STARTS_BLOCK.test(run) ? run : `<p>${run.replace(/\n/g, '<br>\n')}</p>`))
    .join('\n');
}
