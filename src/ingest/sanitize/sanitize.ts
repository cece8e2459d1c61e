/**
 * Allowlist HTML sanitizing for everything stored: no script, style, event handlers, forms,
 * `javascript:` or `data:` URLs (except data: images), iframes only from known video hosts.
 * Relative URLs are made absolute against the article URL; images load lazily.
 */
import sanitizeHtml from 'sanitize-html';

const VIDEO_HOSTS = ['www.youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com', 'www.dailymotion.com'];

function absolute(url: string | undefined, base: string | undefined): string | undefined {
  if (!url) return url;
  try {
    return base ? new URL(url, base).href : url;
  } catch {
    return undefined;
  }
}

/** Returns HTML safe to store and serve: only allowlisted tags, attributes and URL schemes. */
export function sanitizeArticleHtml(html: string, baseUrl?: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
      'strong', 'b', 'em', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'q', 'cite', 'abbr', 'time', 'span', 'div',
      'a', 'img', 'figure', 'figcaption', 'picture', 'source', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
      'iframe', 'video', 'audio',
    ],
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
    allowedIframeHostnames: VIDEO_HOSTS,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'template'],
    transformTags: {
      a: (tag, attribs) => {
        const href = absolute(attribs.href, baseUrl);
        return { tagName: 'a', attribs: { ...attribs, ...(href ? { href, rel: 'noopener nofollow ugc' } : {}) } };
      },
      img: (tag, attribs) => {
        const src = absolute(attribs.src, baseUrl);
        const out: Record<string, string> = { ...attribs, loading: 'lazy' };
        if (src) out.src = src;
        else delete out.src;
        return { tagName: 'img', attribs: out };
      },
    },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster'],
  });
}

/** Returns plain text (tags removed, whitespace collapsed), at most `max` characters on a word boundary. */
export function plainText(html: string, max = 300): string {
  const text = sanitizeHtml(html, { allowedTags: [], allowedAttributes: {}, nonTextTags: ['script', 'style', 'noscript', 'title'] })
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
