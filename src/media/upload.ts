/**
 * An image uploaded at the desk, through the same steps as a fetched one: size limit → format by its
 * bytes (never the file name or Content-Type) → pixel limit from the header, before anything is
 * decoded → the same variants (process.ts) → the same media store → a ready `media` row under the
 * upload's own address (urls.ts uploadedImageUrl). An article whose `image_url` is that address shows
 * it as it shows a fetched image. A refusal is an UploadError: one line, a stable code.
 */
import { formatBytes } from '../ingest/fetch/body.js';
import { saveUploadedMedia } from '../store/media.js';
import type { MediaDeps } from './pipeline.js';
import { ImageError, processImage, type ImageRefusal, type ProcessedImage } from './process.js';
import { uploadedImageUrl } from './urls.js';

/** What an upload needs: the pipeline's store, files, settings, clock and the site's address (mediaDepsOf gives them all). */
export type UploadDeps = Pick<MediaDeps, 'store' | 'files' | 'settings' | 'log' | 'now' | 'siteUrl'>;

/** A stored upload: the address to put in the article's `image_url` (or a Markdown body), its row and size. */
export interface UploadedImage {
  url: string;
  mediaId: number;
  hash: string;
  /** Of the original, upright. */
  width: number;
  height: number;
}

/** The codes of UploadError, one per answer the desk gives. */
export const UPLOAD_ERRORS = {
  /** Not a raster image: HTML, text, PDF, TIFF, BMP … whatever its name says. */
  notImage: 'JARIDA_UPLOAD_NOT_IMAGE',
  /** An SVG: refused, it can carry scripts. */
  svg: 'JARIDA_UPLOAD_SVG',
  /** Over `media.maxMegabytes`. */
  tooLarge: 'JARIDA_UPLOAD_TOO_LARGE',
  /** Over `media.maxPixels` (width × height from the header: a decompression bomb is never decoded). */
  tooManyPixels: 'JARIDA_UPLOAD_TOO_MANY_PIXELS',
  /** Under 16 px on a side. */
  tooSmall: 'JARIDA_UPLOAD_TOO_SMALL',
  /** The right first bytes, but damaged or cut short. */
  unreadable: 'JARIDA_UPLOAD_UNREADABLE',
  /** The image was fine; the media store or the database failed (the server's fault: not a refusal). */
  notStored: 'JARIDA_UPLOAD_NOT_STORED',
} as const;

/** One of UPLOAD_ERRORS. */
export type UploadErrorCode = (typeof UPLOAD_ERRORS)[keyof typeof UPLOAD_ERRORS];

/** An upload refused (or not stored): `image: …` in one line, a stable `code`, the cause kept. */
export class UploadError extends Error {
  constructor(message: string, readonly code: UploadErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UploadError';
  }

  /** True when the file was refused (send another), false when storing it failed (try again later). */
  get refused(): boolean {
    return this.code !== UPLOAD_ERRORS.notStored;
  }
}

const EXPECTED = 'PNG, JPEG, WebP, GIF, AVIF expected';

/**
 * Checks, resizes and stores an uploaded image and records it; returns its address and row. Throws
 * UploadError: `image: not an image (PNG, JPEG, WebP, GIF, AVIF expected)`, `image: over 10 MB`,
 * `image: 40000 × 40000 pixels is over the limit of 50 megapixels`, … The same bytes again give the
 * same address and row. After saving the article that names it, link the article's images as for
 * any article (`collectImages(deps, [id])`, or the media queue): nothing is fetched for an upload, and
 * `jarida media prune` then keeps it as long as the article uses it (an upload no article uses goes
 * after a week).
 * @example const { url } = await storeUploadedImage(deps, bytes, { filename: 'harbour.jpg' }); await saveArticle(db, { …, imageUrl: url }, tz)
 */
export async function storeUploadedImage(deps: UploadDeps, bytes: Uint8Array, opts: { filename?: string } = {}): Promise<UploadedImage> {
  const { settings } = deps;
  if (bytes.length > settings.maxBytes) throw new UploadError(`image: over ${formatBytes(settings.maxBytes)}`, UPLOAD_ERRORS.tooLarge);
  let processed: ProcessedImage;
  try {
    processed = await processImage(bytes, { maxPixels: settings.maxPixels, widths: settings.widths });
  } catch (err) {
    if (err instanceof ImageError && err.refusal) throw refused(err.refusal, err);
    throw new UploadError(`image: not stored: ${oneLine(err)}`, UPLOAD_ERRORS.notStored, { cause: err });
  }
  const largest = processed.files.filter((f) => f.variant.f === 'jpg' || f.variant.f === 'png').sort((a, b) => b.variant.w - a.variant.w)[0]!;
  const url = uploadedImageUrl(largest.name, deps.siteUrl ?? null);
  try {
    for (const f of processed.files) await deps.files.put(f.name, f.bytes, f.contentType);
    const { id, articles } = await saveUploadedMedia(deps.store.db, url, { hash: processed.hash, width: processed.width, height: processed.height, variants: processed.files.map((f) => f.variant), bytes: bytes.length }, deps.now());
    deps.log.info({ mediaId: id, url, articles, filename: opts.filename, bytes: bytes.length, files: processed.files.length }, 'media: image uploaded');
    return { url, mediaId: id, hash: processed.hash, width: processed.width, height: processed.height };
  } catch (err) {
    deps.log.error({ url, filename: opts.filename, err }, 'media: uploaded image not stored');
    throw new UploadError(`image: not stored: ${oneLine(err)}`, UPLOAD_ERRORS.notStored, { cause: err });
  }
}

/** Returns the desk's one-line answer for an image the pipeline refused. */
function refused(r: ImageRefusal, cause: ImageError): UploadError {
  switch (r.kind) {
    case 'not-image': return new UploadError(`image: not an image (${EXPECTED})`, UPLOAD_ERRORS.notImage, { cause });
    case 'svg': return new UploadError(`image: SVG refused, it can carry scripts (${EXPECTED})`, UPLOAD_ERRORS.svg, { cause });
    case 'too-many-pixels': return new UploadError(`image: ${r.width} × ${r.height} pixels is over the limit of ${megapixels(r.maxPixels)} megapixels`, UPLOAD_ERRORS.tooManyPixels, { cause });
    case 'too-small': return new UploadError(`image: ${r.width} × ${r.height} pixels is too small (${r.minSide} px on a side at least)`, UPLOAD_ERRORS.tooSmall, { cause });
    case 'unreadable': return new UploadError(`image: the ${r.format.toUpperCase()} file is damaged or cut short`, UPLOAD_ERRORS.unreadable, { cause });
  }
}

function megapixels(n: number): string {
  return String(Math.round(n / 100_000) / 10);
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim().slice(0, 300);
}
