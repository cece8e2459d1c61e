/**
 * Images on pages: the local copies of stored images (`/media/<hash>-<width>.<ext>`) as `srcset`s for
 * `themes/default/picture.liquid`, and article bodies with their `<img>`s pointed at the copies. An
 * image not stored (pending, failed, or never fetched) keeps its original address: never a broken box.
 */
import { decodeEntities } from '../html/text.js';
import { bodyImageUrls } from '../media/urls.js';
import { MEDIA_PREFIX } from '../media/serve.js';
import { httpUrl } from '../model/url.js';
import type { Store } from '../store/db.js';
import { findReadyMediaByUrls, type MediaRecord } from '../store/media.js';

export { bodyImageUrls };

/** A stored image as a template shows it (picture.liquid's `picture`). */
export interface Picture {
  /** The fallback (JPEG, or PNG when the image is not opaque) at the width nearest 640 px. */
  src: string;
  /** The fallback at every width: `/media/…-320.jpg 320w, /media/…-640.jpg 640w`. */
  srcset: string;
  /** Its type, for a `<source type>`: image/jpeg or image/png. */
  type: string;
  /** WebP at every width. */
  webpSrcset: string;
  /** Of the largest variant: `width`/`height` attributes keep the box (no layout shift). */
  width: number;
  height: number;
  /**
   * The same image at the widths a card needs (up to THUMB_WIDTH): a list's cards are at most
   * ~22rem wide, and a srcset of every width would be a quarter of a front page's bytes.
   */
  thumb?: Picture;
}

/** The widest variant a card's picture offers (2× a card's ~22rem on a desktop). */
export const THUMB_WIDTH = 640;

/** `sizes` of an image across the article column (style.css: --measure 42rem). */
export const BODY_SIZES = '(max-width: 42rem) 100vw, 42rem';

/**
 * Returns the stored images among `urls` (one query), by address; addresses not stored are absent.
 * @example
 * // A card thumbnail or the front page's lead story:
 * const pictures = await findPictures(deps.store, articles.map((a) => a.imageUrl ?? ''));
 * const card = { ...a, picture: pictures.get(a.imageUrl ?? '') ?? null };
 * // and in the template:
 * // {% if a.picture %}{% render 'picture', picture: a.picture, sizes: '(max-width: 40rem) 100vw, 20rem', class: 'thumb', alt: '' %}{% endif %}
 */
export async function findPictures(store: Pick<Store, 'db'>, urls: readonly (string | null | undefined)[]): Promise<Map<string, Picture>> {
  const wanted = [...new Set(urls.flatMap((u) => (u ? [u] : [])))];
  const out = new Map<string, Picture>();
  if (wanted.length === 0) return out;
  for (const row of await findReadyMediaByUrls(store.db, wanted)) {
    const p = pictureOf(row);
    if (p) out.set(row.url, p);
  }
  return out;
}

/** Returns the picture of a ready image row, or null when it has no usable variants. */
export function pictureOf(row: Pick<MediaRecord, 'hash' | 'variants'>, maxWidth = Infinity): Picture | null {
  if (!row.hash) return null;
  const all = row.variants.filter((v) => v.w <= maxWidth);
  // Capped: the narrowest of each format still counts when even it is wider than the cap.
  const variants = maxWidth === Infinity ? row.variants : [...all, ...['webp', 'jpg', 'png'].flatMap((f) => (all.some((v) => v.f === f) ? [] : row.variants.filter((v) => v.f === f).sort((a, b) => a.w - b.w).slice(0, 1)))];
  const webp = variants.filter((v) => v.f === 'webp').sort((a, b) => a.w - b.w);
  const fallback = variants.filter((v) => v.f === 'jpg' || v.f === 'png').sort((a, b) => a.w - b.w);
  const largest = fallback[fallback.length - 1];
  if (!largest || webp.length === 0) return null;
  const url = (v: { w: number; f: string }) => `${MEDIA_PREFIX}${row.hash}-${v.w}.${v.f}`;
  const set = (list: typeof webp) => list.map((v) => `${url(v)} ${v.w}w`).join(', ');
  const mid = fallback.reduce((best, v) => (Math.abs(v.w - 640) < Math.abs(best.w - 640) ? v : best));
  const picture: Picture = { src: url(mid), srcset: set(fallback), type: largest.f === 'png' ? 'image/png' : 'image/jpeg', webpSrcset: set(webp), width: largest.w, height: largest.h };
  if (maxWidth === Infinity && row.variants.some((v) => v.w > THUMB_WIDTH)) {
    const thumb = pictureOf(row, THUMB_WIDTH);
    if (thumb) picture.thumb = thumb;
  }
  return picture;
}

const BLOCKS = /<picture\b[^>]*>[\s\S]*?<\/picture>|<img\s[^>]*>/gi;
const IMG = /<img\s[^>]*>/i;

/**
 * Returns a sanitized body with each `<img>` whose image is stored as a `<picture>` of the local
 * copies (WebP source, fallback `srcset`, `sizes`, `width`/`height`, lazy); an `<img>` inside a
 * source's own `<picture>` replaces that picture. Images not in `pictures` are left as they are.
 * @example rewriteBodyImages('<p><img src="https://x.example/a.jpg" alt="A"></p>', await findPictures(store, bodyImageUrls(html)))
 */
export function rewriteBodyImages(html: string | null, pictures: ReadonlyMap<string, Picture>, sizes = BODY_SIZES): string | null {
  if (!html || pictures.size === 0 || !html.includes('<img')) return html;
  return html.replace(BLOCKS, (block) => {
    const img = block.startsWith('<img') || block.startsWith('<IMG') ? block : IMG.exec(block)?.[0];
    if (!img) return block;
    const src = attr(img, 'src');
    const picture = src === null ? undefined : pictures.get(httpUrl(decodeEntities(src)) ?? '');
    return picture ? pictureHtml(picture, img, sizes) : block;
  });
}

/** Returns the `<picture>` for a body image, keeping its alt and title, and its own width/height when it gives both. */
function pictureHtml(p: Picture, img: string, sizes: string): string {
  const keep = (name: string) => {
    const v = attr(img, name);
    return v === null ? '' : ` ${name}="${v}"`;
  };
  const w = attr(img, 'width');
  const h = attr(img, 'height');
  const box = w !== null && h !== null && /^\d+$/.test(w) && /^\d+$/.test(h) ? ` width="${w}" height="${h}"` : ` width="${p.width}" height="${p.height}"`;
  return `<picture><source type="image/webp" srcset="${p.webpSrcset}" sizes="${sizes}"><img src="${p.src}" srcset="${p.srcset}" sizes="${sizes}"${box}${keep('alt')}${keep('title')} loading="lazy" decoding="async"></picture>`;
}

/** Returns a double-quoted attribute's raw (still escaped) value, or null. */
function attr(tag: string, name: string): string | null {
  return new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)?.[1] ?? null;
}
