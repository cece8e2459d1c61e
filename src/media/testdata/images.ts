/**
 * Images made on the spot for tests, benchmarks and the demo: gradients with shapes (drawn by sharp
 * from an SVG, then encoded), a PNG decompression bomb, and files that only pretend to be images.
 */
import zlib from 'node:zlib';
import sharp from 'sharp';

/** Returns an SVG scene `w` × `h`: a two-colour gradient, a sun and hills, varied by `seed`. */
export function sceneSvg(w: number, h: number, seed = 0): string {
  const hue = (seed * 47) % 360;
  const c = (dh: number, s: number, l: number) => `hsl(${(hue + dh) % 360},${s}%,${l}%)`;
  const sun = { x: w * (0.2 + ((seed * 13) % 60) / 100), y: h * 0.32, r: h * 0.12 };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${c(0, 60, 35)}"/><stop offset="1" stop-color="${c(40, 70, 75)}"/></linearGradient></defs>
<rect width="${w}" height="${h}" fill="url(#sky)"/>
<circle cx="${sun.x}" cy="${sun.y}" r="${sun.r}" fill="${c(180, 90, 70)}" opacity="0.9"/>
<path d="M0 ${h * 0.75} Q ${w * 0.25} ${h * 0.55} ${w * 0.5} ${h * 0.7} T ${w} ${h * 0.65} V ${h} H 0 Z" fill="${c(120, 40, 30)}"/>
<path d="M0 ${h * 0.85} Q ${w * 0.35} ${h * 0.7} ${w * 0.7} ${h * 0.85} T ${w} ${h * 0.8} V ${h} H 0 Z" fill="${c(150, 45, 20)}"/>
</svg>`;
}

/** Returns a JPEG scene. */
export function sampleJpeg(w = 1600, h = 900, seed = 1, quality = 85): Promise<Buffer> {
  return sharp(Buffer.from(sceneSvg(w, h, seed))).jpeg({ quality }).toBuffer();
}

/** Returns a PNG scene, with a transparent corner when `alpha`. */
export async function samplePng(w = 800, h = 600, seed = 2, alpha = true): Promise<Buffer> {
  const img = sharp(Buffer.from(sceneSvg(w, h, seed)));
  if (!alpha) return img.png().toBuffer();
  const hole = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><circle cx="0" cy="0" r="${h / 3}" fill="#000"/></svg>`);
  return img.ensureAlpha().composite([{ input: hole, blend: 'dest-out' }]).png().toBuffer();
}

/** Returns a WebP scene. */
export function sampleWebp(w = 1000, h = 700, seed = 3): Promise<Buffer> {
  return sharp(Buffer.from(sceneSvg(w, h, seed))).webp({ quality: 80 }).toBuffer();
}

/** Returns a GIF scene. */
export function sampleGif(w = 400, h = 300, seed = 4): Promise<Buffer> {
  return sharp(Buffer.from(sceneSvg(w, h, seed))).gif().toBuffer();
}

/** Returns an animated GIF of `frames` scenes, `w` × `h` each, looping. */
export async function sampleAnimatedGif(w = 200, h = 150, frames = 3): Promise<Buffer> {
  const pages = await Promise.all(Array.from({ length: frames }, (_, i) => sharp(Buffer.from(sceneSvg(w, h, i + 5))).ensureAlpha().raw().toBuffer()));
  return sharp(Buffer.concat(pages), { raw: { width: w, height: h * frames, channels: 4, pageHeight: h } }).gif({ loop: 0, delay: pages.map(() => 100) }).toBuffer();
}

/** Returns a JPEG scene whose EXIF names a camera and where it was (GPS IFD: 41.0082 N, 28.9784 E). */
export function sampleJpegWithGps(w = 800, h = 600, seed = 6): Promise<Buffer> {
  return sharp(Buffer.from(sceneSvg(w, h, seed)))
    .withExif({ IFD0: { Make: 'Jarida Test Camera', Artist: 'A. Reporter' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '41/1 0/1 2952/100', GPSLongitudeRef: 'E', GPSLongitude: '28/1 58/1 4224/100' } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * Returns `jpeg` with the frame size in its SOF header set to `w` × `h` (up to 65,535 each): a small
 * file whose header claims a decompression bomb.
 */
export function jpegClaiming(jpeg: Buffer, w: number, h: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i + 9 < out.length; ) {
    if (out[i] !== 0xff) throw new Error('testdata: not a JPEG marker where one was expected');
    const marker = out[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      out.writeUInt16BE(h, i + 5);
      out.writeUInt16BE(w, i + 7);
      return out;
    }
    i += 2 + out.readUInt16BE(i + 2);
  }
  throw new Error('testdata: no SOF marker in the JPEG');
}

/**
 * Returns a PNG whose header says `w` × `h` pixels followed by a few bytes of image data: a bomb's
 * header without the bomb (the pixel limit must refuse it from the header alone).
 */
export function pngBombHeader(w = 40_000, h = 40_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

/** An SVG that would run a script if it were served as an image document. */
export const HOSTILE_SVG = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(document.cookie)</script><rect width="100" height="100"/></svg>';

/** An HTML page (what a server sends for `photo.jpg` when the image is gone). */
export const HTML_PAGE = '<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>Sorry</h1></body></html>';

/**
 * Returns a valid greyscale PNG of `w` × `h` pixels whose IDAT is all zeros deflated (a few hundred
 * KB for 20,000 × 20,000 = 400 million pixels): a decompression bomb. Every row written is the same
 * small buffer, so making it never holds the 50 MB it inflates to.
 */
export async function pngBomb(w = 20_000, h = 20_000): Promise<Buffer> {
  const row = Buffer.alloc(1 + Math.ceil(w / 8)); // filter byte + 1 bit per pixel, all zero
  const deflate = zlib.createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (c: Buffer) => parts.push(c));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  for (let y = 0; y < h; y++) deflate.write(row);
  deflate.end();
  await done;
  const idat = Buffer.concat(parts);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filter, no interlace
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * Returns a photo-like JPEG: a scene with fine grain (blurred noise over it), which compresses like
 * a photograph rather than like a flat gradient — what the benchmarks encode.
 */
export async function samplePhoto(w = 1600, h = 900, seed = 1): Promise<Buffer> {
  const grain = await sharp({ create: { width: w, height: h, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 25 } } }).blur(0.5).ensureAlpha(1).png().toBuffer();
  return sharp(Buffer.from(sceneSvg(w, h, seed))).composite([{ input: grain, blend: 'overlay' }]).jpeg({ quality: 88 }).toBuffer();
}
