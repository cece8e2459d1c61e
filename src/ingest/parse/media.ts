/** Media RSS (media:content, media:thumbnail, media:group) → lead-image candidates. */
import { type ImageSlots, isImage } from './item.js';
import { escapeHtml, htmlToText, nonEmpty } from '../../html/text.js';
import { resolveUrl } from './url.js';
import { type XmlElement, child, elements, textContent } from './xml.js';

/** Returns a media URL attribute value resolved against the element's base, or null when empty. */
export function mediaUrl(el: XmlElement, raw: string | undefined): string | null {
  const href = nonEmpty(raw);
  return href === null ? null : resolveUrl(href, el.base);
}

/** Text a Media RSS element can give an item that lacks its own title or description. */
export interface MediaText {
  title: string | null;
  /** HTML. */
  description: string | null;
}

/**
 * Fills image slots (media:content, media:thumbnail, media:group) and, when given, the first
 * media:title / media:description found at any of those levels.
 */
export function readMedia(el: XmlElement, images: ImageSlots, text?: MediaText): void {
  if (text !== undefined) {
    if (el.key === 'title') text.title ??= nonEmpty(htmlToText(textContent(el)));
    else if (el.key === 'description') {
      const d = nonEmpty(textContent(el));
      // type="plain" (the default) is text, type="html" is markup
      text.description ??= d === null ? null : (el.attrs.type ?? 'plain').toLowerCase() === 'html' ? d : escapeHtml(d);
    } else if (el.key === 'content' || el.key === 'group') {
      for (const c of elements(el)) if (c.ns === 'media' && (c.key === 'title' || c.key === 'description')) readMedia(c, images, text);
    }
  }
  if (el.key === 'content') {
    const href = nonEmpty(el.attrs.url);
    if (href !== null && images.mediaContent === null && isImage(href, el.attrs.type, el.attrs.medium)) images.mediaContent = resolveUrl(href, el.base);
    else if (images.mediaThumbnail === null) {
      const thumb = child(el, 'media', 'thumbnail');
      if (thumb !== undefined) images.mediaThumbnail = mediaUrl(thumb, thumb.attrs.url);
    }
  } else if (el.key === 'thumbnail') images.mediaThumbnail ??= mediaUrl(el, el.attrs.url);
  else if (el.key === 'group') for (const c of elements(el)) if (c.ns === 'media' && c.key !== 'title' && c.key !== 'description') readMedia(c, images);
}
