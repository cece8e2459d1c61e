/**
 * The one scheme check for every URL that reaches a page: the store keeps only http(s) URLs, and
 * the web checks again where it renders one (a store written by an older version, or by hand).
 */

/** The longest URL kept; longer ones are dropped rather than cut (a cut URL points elsewhere). */
export const MAX_URL_LENGTH = 4000;

/**
 * Returns the URL as an absolute http(s) URL (resolved against `base` when relative), or null for
 * any other scheme (`javascript:`, `data:`, `vbscript:` — however cased, spaced or escaped), an
 * unparsable or empty value, or one longer than MAX_URL_LENGTH.
 * @example httpUrl('  JaVaScRiPt:alert(1)') === null; httpUrl('/a', 'https://x.test/b') === 'https://x.test/a'
 */
export function httpUrl(raw: string | null | undefined, base?: string | null): string | null {
  if (typeof raw !== 'string') return null;
  const trimmed = raw.trim();
  if (trimmed === '' || trimmed.length > MAX_URL_LENGTH) return null;
  let u: URL;
  try {
    // The WHATWG parser strips the tabs, newlines and leading controls a browser ignores too, so
    // `java\tscript:` is seen as the browser would see it.
    u = new URL(trimmed, base ?? undefined);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (!u.hostname) return null;
  return u.href.length > MAX_URL_LENGTH ? null : u.href;
}
