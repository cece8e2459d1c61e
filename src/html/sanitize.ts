/**
 * Allowlist HTML sanitizing for everything stored: no script, style, event handlers, forms,
 * `javascript:` or `data:` URLs (except data: images), iframes only from known video hosts.
 * Relative URLs are made absolute against the article URL; images load lazily.
 */
import sanitizeHtml from 'sanitize-html';
import { VIDEO_HOSTS } from '../model/embeds.js';
import { htmlToText } from './text.js';


/**
 * Returns the URL made absolute against `base`, or undefined when its scheme is not allowed
 * (browsers ignore some leading characters, so the check runs on the parsed URL, not the text).
 */
function safeUrl(raw: string | undefined, base: string | undefined, schemes: readonly string[]): string | undefined {
  if (!raw) return undefined;
  const value = raw.replace(/^[\s\u0000-\u001f\u2028\u2029\ufeff]+|[\s\u0000-\u001f]+$/g, '');
  let parsed: URL;
  try {
    parsed = new URL(value, base ?? 'https://relative.invalid/');
  } catch {
    return undefined;
  }
  if (!schemes.includes(parsed.protocol)) return undefined;
  if (!base && parsed.host === 'relative.invalid') return /^[\w\-./?#%=&~+]*$/.test(value) ? value : undefined;
  return parsed.href;
}

/** The elements stored HTML may have (any other is dropped, its text kept; script and style with their text). */
export const ALLOWED_TAGS: readonly string[] = [
  'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'strong', 'b', 'em', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'q', 'cite', 'abbr', 'time', 'span', 'div',
  'a', 'img', 'figure', 'figcaption', 'picture', 'source', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
  'iframe', 'video', 'audio',
];

const LINK_SCHEMES = ['http:', 'https:', 'mailto:'];
const IMAGE_SCHEMES = ['http:', 'https:', 'data:'];

/** Returns HTML safe to store and serve: only allowlisted tags, attributes and URL schemes. */
export function sanitizeArticleHtml(html: string, baseUrl?: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...ALLOWED_TAGS],
    allowedAttributes: {
      a: ['href', 'title', 'hreflang', 'rel'],
      img: ['src', 'srcset', 'alt', 'title', 'width', 'height', 'loading'],
      source: ['srcset', 'src', 'type', 'media'],
      iframe: ['src', 'width', 'height', 'allowfullscreen', 'title'],
      video: ['src', 'controls', 'poster', 'width', 'height'],
      audio: ['src', 'controls'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan', 'scope'],
      time: ['datetime'],
      abbr: ['title'],
      '*': ['lang', 'dir'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowProtocolRelative: false,
    allowedIframeHostnames: [...VIDEO_HOSTS],
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'template'],
    transformTags: {
      a: (tag, attribs) => {
        const { href: _raw, ...rest } = attribs;
        const href = safeUrl(attribs.href, baseUrl, LINK_SCHEMES);
        return { tagName: 'a', attribs: href ? { ...rest, href, rel: 'noopener nofollow ugc' } : rest };
      },
      img: (tag, attribs) => {
        const { src: _raw, ...rest } = attribs;
        const src = safeUrl(attribs.src, baseUrl, IMAGE_SCHEMES);
        if (src?.startsWith('data:') && !/^data:image\/(png|jpe?g|gif|webp|avif);/i.test(src)) return { tagName: 'img', attribs: { ...rest, loading: 'lazy' } };
        return { tagName: 'img', attribs: src ? { ...rest, src, loading: 'lazy' } : { ...rest, loading: 'lazy' } };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'iframe' && !frame.attribs.src,
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster'],
  });
}

/**
 * Returns plain text (tags removed, entities decoded, whitespace collapsed), at most `max`
 * characters on a word boundary. Text only — the result is escaped wherever it is shown.
 */
export function plainText(html: string, max = 300): string {
  const text = htmlToText(html);
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
