/** Whether an article's body already opens with its lead image, so the page shows it once. */

/**
 * The openings a body may wrap its first image in: containers and links, with nothing but
 * whitespace or comments between them (sanitized HTML: attributes double-quoted).
 */
const OPENING = /^(?:\s+|<!--[\s\S]*?-->|<(?:p|div|figure|picture|a|span|section|header|center)(?:\s[^>]*)?>|<source\s[^>]*>)*<img\s([^>]*)>/i;

/** Query parameters that only choose a size or format of the same image (`?w=1200`, `?resize=300,200`). */
const SIZE_PARAMS = new Set(['w', 'h', 'width', 'height', 'resize', 'fit', 'crop', 'quality', 'q', 'format', 'fm', 'auto', 'dpr', 'strip', 'ssl', 'zoom', 'size']);

/**
 * Returns true when the first thing in `bodyHtml` is an image and it is `imageUrl` (the same host
 * and path, the query alike but for size parameters; http and https alike): then the lead image
 * would be shown twice.
 * @example bodyOpensWith('<p><img src="https://x.example/a.jpg?w=300"></p><p>Text</p>', 'https://x.example/a.jpg') === true
 */
export function bodyOpensWith(bodyHtml: string | null, imageUrl: string | null): boolean {
  if (!bodyHtml || !imageUrl) return false;
  const img = OPENING.exec(bodyHtml.slice(0, 4000));
  const src = img && /(?:^|\s)src="([^"]*)"/i.exec(img[1]!)?.[1];
  if (!src) return false;
  const a = imageKey(src.replaceAll('&amp;', '&'));
  return a !== null && a === imageKey(imageUrl);
}

/** Returns what identifies an image address: host, path and the query without size parameters. */
function imageKey(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const u = new URL(url);
  const query = [...u.searchParams].filter(([k]) => !SIZE_PARAMS.has(k.toLowerCase())).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${u.host}${u.pathname}?${new URLSearchParams(query).toString()}`;
}
