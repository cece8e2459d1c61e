/**
 * Checking and resizing one image with sharp (libvips): the format by its bytes, the pixel count
 * from the header before anything is decoded (a decompression bomb is refused, not decoded), then
 * each width as WebP plus a JPEG fallback (PNG for images that are not opaque), never upscaled.
 * Pure: bytes in, files out; the pipeline (pipeline.ts) fetches and stores.
 */
import { createHash } from 'node:crypto';
import sharp, { type Metadata, type Sharp } from 'sharp';
import type { Variant, VariantFormat } from '../store/media.js';
import { sniffImage, type ImageFormat } from './detect.js';

// libvips' operation cache keeps decoded images around for reuse; each image here is decoded for
// a few variants and then never again.
sharp.cache(false);

/**
 * Why the image itself was refused, with its numbers: for a caller that answers a person (the desk's
 * upload) in words of its own. The fetch pipeline records the message.
 */
export type ImageRefusal =
  | { kind: 'not-image' }
  | { kind: 'svg' }
  | { kind: 'too-many-pixels'; width: number; height: number; maxPixels: number }
  | { kind: 'too-small'; width: number; height: number; minSide: number }
  | { kind: 'unreadable'; format: ImageFormat };

/** A failure that is this image's, not the process's: the message is the row's one-line error. */
export class ImageError extends Error {
  readonly code = 'JARIDA_IMAGE';
  /** Set when the bytes were refused (not when fetching them failed). */
  readonly refusal: ImageRefusal | undefined;
  constructor(message: string, options?: { cause?: unknown; refusal?: ImageRefusal }) {
    super(message, options);
    this.name = 'ImageError';
    this.refusal = options?.refusal;
  }
}

/** How to process. */
export interface ProcessOptions {
  /** Largest width × height decoded. */
  maxPixels: number;
  /** Widths to make, ascending (the original's own width too, when it is below the largest). */
  widths: readonly number[];
  /** Also AVIF (measured slower to encode than it saves: off by default, see the README). */
  avif?: boolean;
}

/** One file to store. */
export interface ImageFile {
  name: string;
  bytes: Buffer;
  contentType: string;
  variant: Variant;
}

/** A checked, resized image: its content hash, upright size and files. */
export interface ProcessedImage {
  hash: string;
  width: number;
  height: number;
  /** Not opaque: the fallback is PNG. */
  alpha: boolean;
  files: ImageFile[];
}

/** Bumped whenever encoding settings change: a new hash, so `immutable` copies are never stale. */
const PROCESS_VERSION = 'v1';
/** Smallest side taken: below it an image is a spacer or a tracking pixel. */
export const MIN_SIDE = 16;
const TIMEOUT_SECONDS = 30;
const SHARP_FORMATS = new Set(['jpeg', 'png', 'gif', 'webp', 'heif']);

export const CONTENT_TYPES: Record<VariantFormat, string> = { webp: 'image/webp', jpg: 'image/jpeg', png: 'image/png', avif: 'image/avif' };

/**
 * Returns the files for `bytes`; throws ImageError naming why the image is refused (not an image,
 * SVG, over the pixel limit, too small, corrupt).
 * @example const p = await processImage(bytes, { maxPixels: 50e6, widths: [320, 640, 1280] }); p.files[0].name // 'ab12…-320.webp'
 */
export async function processImage(bytes: Uint8Array, opts: ProcessOptions): Promise<ProcessedImage> {
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) throw new ImageError(`image: ${sniffed.reason}`, { refusal: { kind: sniffed.svg ? 'svg' : 'not-image' } });
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let meta: Metadata;
  try {
    // The header only: nothing is decoded yet, so a bomb costs its header.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new ImageError(`image: cannot read the ${sniffed.format.toUpperCase()} header (${oneLine(cause)})`, { cause, refusal: { kind: 'unreadable', format: sniffed.format } });
  }
  if (!meta.format || !SHARP_FORMATS.has(meta.format)) throw new ImageError(`image: not an image Jarida takes (${meta.format ?? 'unknown'})`, { refusal: { kind: 'not-image' } });
  const rawW = meta.width ?? 0;
  const rawH = meta.pageHeight ?? meta.height ?? 0;
  const pixels = rawW * rawH;
  if (pixels > opts.maxPixels) throw new ImageError(`image: ${pixels} pixels (${rawW} × ${rawH}) over the limit of ${opts.maxPixels}`, { refusal: { kind: 'too-many-pixels', width: rawW, height: rawH, maxPixels: opts.maxPixels } });
  if (rawW < MIN_SIDE || rawH < MIN_SIDE) throw new ImageError(`image: too small (${rawW} × ${rawH})`, { refusal: { kind: 'too-small', width: rawW, height: rawH, minSide: MIN_SIDE } });
  const [width, height] = (meta.orientation ?? 1) >= 5 ? [rawH, rawW] : [rawW, rawH];
  const hash = createHash('sha256').update(PROCESS_VERSION).update(input).digest('hex').slice(0, 24);
  const files: ImageFile[] = [];
  let alpha = false;
  try {
    const widths = targetWidths(width, opts.widths);
    const source = await decodedOnce(input, opts.maxPixels, widths[widths.length - 1]!, width, height);
    alpha = meta.hasAlpha === true && !('raw' in source ? rawOpaque(source) : await isOpaque(input, opts.maxPixels));
    const formats: VariantFormat[] = ['webp', alpha ? 'png' : 'jpg', ...(opts.avif ? ['avif' as const] : [])];
    for (const w of widths) {
      for (const f of formats) {
        const { data, info } = await encode(source, opts.maxPixels, w, f, meta.hasAlpha === true && !alpha).toBuffer({ resolveWithObject: true });
        files.push({ name: `${hash}-${info.width}.${f}`, bytes: data, contentType: CONTENT_TYPES[f], variant: { w: info.width, h: info.height, f, b: data.length } });
      }
    }
  } catch (cause) {
    throw new ImageError(`image: cannot decode the ${sniffed.format.toUpperCase()} (${oneLine(cause)})`, { cause, refusal: { kind: 'unreadable', format: sniffed.format } });
  }
  return { hash, width, height, alpha, files };
}

/**
 * Returns the widths to make for an image `width` px wide: every configured width below it, and
 * its own width when that is below the largest (so nothing is upscaled and the largest is kept).
 * @example targetWidths(1000, [320, 640, 1280]) // [320, 640, 1000]
 */
export function targetWidths(width: number, widths: readonly number[]): number[] {
  const out = widths.filter((w) => w < width);
  const largest = widths[widths.length - 1] ?? width;
  if (width <= largest && !out.includes(width)) out.push(width);
  if (out.length === 0) out.push(Math.min(width, largest));
  return out;
}

/** Pixels of the largest variant decoded once and kept raw for the others (beyond it, each variant decodes the file). */
const MAX_DECODED_PIXELS = 16_000_000;

/** An input to encode from: the file, or its largest variant's raw pixels (upright already). */
type Source = { file: Buffer } | { raw: Buffer; width: number; height: number; channels: 1 | 2 | 3 | 4 };

/**
 * Returns the image decoded once at the largest target width (each variant then resizes raw pixels
 * instead of decoding the file again: about half the time), or the file itself for a very tall image.
 */
async function decodedOnce(input: Buffer, maxPixels: number, width: number, fullWidth: number, fullHeight: number): Promise<Source> {
  if (width * Math.ceil((fullHeight * width) / fullWidth) > MAX_DECODED_PIXELS) return { file: input };
  const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true })
    .timeout({ seconds: TIMEOUT_SECONDS })
    .rotate()
    .resize({ width, withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { raw: data, width: info.width, height: info.height, channels: info.channels };
}

function encode(source: Source, maxPixels: number, width: number, f: VariantFormat, dropAlpha: boolean): Sharp {
  const start = 'file' in source
    ? sharp(source.file, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true }).rotate()
    : sharp(source.raw, { raw: { width: source.width, height: source.height, channels: source.channels } });
  let s = start.timeout({ seconds: TIMEOUT_SECONDS }).resize({ width, withoutEnlargement: true });
  if (dropAlpha || f === 'jpg') s = s.flatten({ background: '#ffffff' });
  switch (f) {
    case 'webp': return s.webp({ quality: 75, alphaQuality: 90, effort: 4 });
    case 'jpg': return s.jpeg({ quality: 78, mozjpeg: true });
    case 'png': return s.png({ palette: true, quality: 90, effort: 4, compressionLevel: 8 });
    case 'avif': return s.avif({ quality: 50, effort: 4 });
  }
}

/** Returns true when decoded pixels with an alpha channel use none of it. */
function rawOpaque(s: { raw: Buffer; channels: number }): boolean {
  if (s.channels !== 2 && s.channels !== 4) return true;
  for (let i = s.channels - 1; i < s.raw.length; i += s.channels) if (s.raw[i] !== 255) return false;
  return true;
}

/** Returns true when an image with an alpha channel uses none of it (judged on a 64 px copy). */
async function isOpaque(input: Buffer, maxPixels: number): Promise<boolean> {
  try {
    const stats = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error' }).resize({ width: 64, withoutEnlargement: true }).stats();
    return stats.isOpaque;
  } catch {
    return false;
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim().slice(0, 200);
}
