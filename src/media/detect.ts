/**
 * What a file is, by its first bytes (never its name or Content-Type): one of the raster formats
 * Jarida stores, or a refusal naming what it is instead (SVG is refused: it can carry scripts).
 */

/** The raster formats Jarida decodes. */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'avif';

/** A format by its bytes, or why the bytes are not an image Jarida takes (`svg`: refused as SVG). */
export type Sniffed = { ok: true; format: ImageFormat } | { ok: false; reason: string; svg?: true };

/**
 * Returns the image format of `bytes`, or the refusal reason (`not an image (HTML)`, `SVG refused …`).
 * @example sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])) // { ok: true, format: 'jpeg' }
 */
export function sniffImage(bytes: Uint8Array): Sniffed {
  const b = bytes;
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { ok: true, format: 'jpeg' };
  if (b.length >= 8 && ascii(0, 8) === '\x89PNG\r\n\x1a\n') return { ok: true, format: 'png' };
  if (b.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return { ok: true, format: 'gif' };
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { ok: true, format: 'webp' };
  if (b.length >= 16 && ascii(4, 8) === 'ftyp') {
    const size = Math.min(b.length, ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0);
    const brands = [ascii(8, 12), ...Array.from({ length: Math.max(0, (size - 16) / 4) }, (_, i) => ascii(16 + i * 4, 20 + i * 4))];
    if (brands.some((x) => x === 'avif' || x === 'avis')) return { ok: true, format: 'avif' };
    return { ok: false, reason: `not an image Jarida takes (${brands[0]!.trim()} file)` };
  }
  const reason = describeOther(b);
  return reason === SVG_REFUSED ? { ok: false, reason, svg: true } : { ok: false, reason };
}

const SVG_REFUSED = 'SVG refused (it can carry scripts)';

/** Returns what bytes that are no accepted image look like, for the error. */
function describeOther(b: Uint8Array): string {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (/<svg[\s>]/.test(head) || (head.startsWith('<?xml') && head.includes('<svg'))) return SVG_REFUSED;
  if (head.startsWith('<!doctype html') || /^<(html|head|body|meta|title|script|div|p)[\s>]/.test(head) || head.includes('<html')) return 'not an image (HTML)';
  if (head.startsWith('<?xml') || head.startsWith('<')) return 'not an image (XML)';
  if (head.startsWith('{') || head.startsWith('[')) return 'not an image (JSON)';
  if (head.startsWith('%pdf')) return 'not an image (PDF)';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49) || (b[0] === 0x4d && b[1] === 0x4d)) && (b[2] === 0x2a || b[3] === 0x2a)) return 'not an image Jarida takes (TIFF)';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'not an image Jarida takes (BMP)';
  if (b.length === 0) return 'not an image (empty file)';
  const hex = Buffer.from(b.subarray(0, 4)).toString('hex');
  return `not an image (unknown format, starts with ${hex})`;
}
