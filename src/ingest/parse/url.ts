/** URL resolution for feed links, `xml:base`, and the links inside item HTML. */

const ABSOLUTE_RE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Returns `href` resolved against `base`; absolute URLs come back as written, relative ones stay
 * relative when there is no base or it cannot be used. Empty `href` means `base` (null when none).
 * @example resolveUrl('../a.html', 'https://x.test/feeds/rss') // 'https://x.test/a.html'
 */
export function resolveUrl(href: string, base: string | null): string | null {
  if (href === '') return base;
  if (ABSOLUTE_RE.test(href) || base === null) return href;
  try {
    return new URL(href, base).href;
  } catch {
    return href;
  }
}

// Attributes that hold a URL in the HTML of items (the ones feedparser resolves, plus srcset-free).
const URL_ATTR_RE = /(<[A-Za-z][^<>]*?\s(?:href|src|poster|cite|longdesc|background|action|data)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'<>`]+)/gi;

/**
 * Returns `html` with relative `href`/`src`/… attribute values made absolute against `base`.
 * Absolute, fragment-only (`#top`) and `data:`/`mailto:` values are left alone.
 * @example resolveHtmlUrls('<img src="/i.png">', 'https://x.test/a/') // '<img src="https://x.test/i.png">'
 */
export function resolveHtmlUrls(html: string, base: string | null): string {
  if (base === null || html.indexOf('=') === -1) return html;
  return html.replace(URL_ATTR_RE, (whole, lead: string, value: string) => {
    const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
    const raw = quote === '' ? value : value.slice(1, -1);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed[0] === '#' || ABSOLUTE_RE.test(trimmed)) return whole;
    // the value is HTML-escaped; &amp; must survive the round trip
    const abs = resolveUrl(trimmed.replace(/&amp;/g, '&'), base);
    if (abs === null) return whole;
    const escaped = abs.replace(/&/g, '&amp;').replace(/"/g, '%22');
    return `${lead}${quote || '"'}${escaped}${quote || '"'}`;
  });
}
