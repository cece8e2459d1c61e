import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffImage } from './detect.js';
import { ImageError, processImage, targetWidths } from './process.js';
import { HOSTILE_SVG, HTML_PAGE, pngBomb, sampleGif, sampleJpeg, samplePng, sampleWebp } from './testdata/images.js';

const OPTS = { maxPixels: 50_000_000, widths: [320, 640, 1280] };

async function refused(bytes: Uint8Array, opts = OPTS): Promise<ImageError> {
  const err = await processImage(bytes, opts).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ImageError);
  return err as ImageError;
}

async function refusal(bytes: Uint8Array, opts = OPTS): Promise<string> {
  return (await refused(bytes, opts)).message;
}

describe('processImage', () => {
  it('makes WebP and JPEG at each width below the original, never upscaled, named by hash and width', async () => {
    const p = await processImage(await sampleJpeg(1600, 900), OPTS);
    expect([p.width, p.height, p.alpha]).toEqual([1600, 900, false]);
    expect(p.hash).toMatch(/^[0-9a-f]{24}$/);
    expect(p.files.map((f) => f.name.slice(25))).toEqual(['320.webp', '320.jpg', '640.webp', '640.jpg', '1280.webp', '1280.jpg']);
    for (const f of p.files) {
      const m = await sharp(f.bytes).metadata();
      expect(m.format).toBe(f.variant.f === 'jpg' ? 'jpeg' : f.variant.f);
      expect([m.width, m.height]).toEqual([f.variant.w, f.variant.h]);
      expect(f.variant.h).toBe(Math.round((900 * f.variant.w) / 1600));
      expect(f.variant.b).toBe(f.bytes.length);
    }
    // WebP is the smaller one at every width (why it is the first source).
    for (const w of [320, 640, 1280]) expect(p.files.find((f) => f.name.endsWith(`-${w}.webp`))!.bytes.length).toBeLessThan(p.files.find((f) => f.name.endsWith(`-${w}.jpg`))!.bytes.length);
  });

  it('keeps the original width as the largest variant of a smaller image, and the same bytes give the same hash', async () => {
    const bytes = await sampleWebp(1000, 700);
    const p = await processImage(bytes, OPTS);
    expect(p.files.map((f) => f.name.slice(25))).toEqual(['320.webp', '320.jpg', '640.webp', '640.jpg', '1000.webp', '1000.jpg']);
    expect((await processImage(bytes, OPTS)).hash).toBe(p.hash);
    expect((await processImage(await sampleWebp(1000, 700, 9), OPTS)).hash).not.toBe(p.hash);
  });

  it('falls back to PNG for an image with transparency, and keeps the alpha in WebP', async () => {
    const p = await processImage(await samplePng(800, 600), OPTS);
    expect(p.alpha).toBe(true);
    expect(p.files.map((f) => f.name.slice(25))).toEqual(['320.webp', '320.png', '640.webp', '640.png', '800.webp', '800.png']);
    expect((await sharp(p.files[0]!.bytes).metadata()).hasAlpha).toBe(true);
    // An opaque PNG (alpha channel or not) gets the smaller JPEG.
    expect((await processImage(await samplePng(800, 600, 2, false), OPTS)).files[1]!.name).toMatch(/-320\.jpg$/);
  });

  it('takes a GIF (its first frame)', async () => {
    const p = await processImage(await sampleGif(400, 300), OPTS);
    expect(p.files.map((f) => f.name.slice(25))).toEqual(['320.webp', '320.jpg', '400.webp', '400.jpg']);
  });

  it('refuses an SVG, HTML named .jpg and other non-images by their bytes', async () => {
    expect(await refusal(Buffer.from(HOSTILE_SVG))).toBe('image: SVG refused (it can carry scripts)');
    expect(await refusal(Buffer.from(`\n  ${HTML_PAGE}`))).toBe('image: not an image (HTML)');
    expect(await refusal(Buffer.from('%PDF-1.7 …'))).toBe('image: not an image (PDF)');
    expect(await refusal(new Uint8Array(0))).toBe('image: not an image (empty file)');
    expect(await refusal(Buffer.from([1, 2, 3, 4, 5]))).toBe('image: not an image (unknown format, starts with 01020304)');
  });

  it('refuses a 20,000 × 20,000 PNG bomb from its header, without decoding it', async () => {
    const bomb = await pngBomb();
    expect(bomb.length).toBeLessThan(200_000);
    expect(sniffImage(bomb)).toEqual({ ok: true, format: 'png' });
    const before = process.memoryUsage().rss;
    const started = performance.now();
    expect(await refusal(bomb)).toBe('image: 400000000 pixels (20000 × 20000) over the limit of 50000000');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(await refusal(await pngBomb(9000, 9000))).toBe('image: 81000000 pixels (9000 × 9000) over the limit of 50000000');
  });

  it('refuses a tracking pixel and a corrupt file as errors of that image', async () => {
    const pixel = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).png().toBuffer();
    expect(await refusal(pixel)).toBe('image: too small (1 × 1)');
    const jpeg = await sampleJpeg(800, 450);
    expect(await refusal(Buffer.concat([jpeg.subarray(0, 3), Buffer.alloc(500, 7)]))).toMatch(/^image: cannot (read|decode) the JPEG/);
  });
});

describe('ImageError.refusal', () => {
  it('names why the bytes were refused, with the numbers, for a caller that words its own answer', async () => {
    expect((await refused(Buffer.from(HOSTILE_SVG))).refusal).toEqual({ kind: 'svg' });
    expect((await refused(Buffer.from(HTML_PAGE))).refusal).toEqual({ kind: 'not-image' });
    expect((await refused(await pngBomb(9000, 9000))).refusal).toEqual({ kind: 'too-many-pixels', width: 9000, height: 9000, maxPixels: 50_000_000 });
    expect((await refused(await sampleJpeg(12, 40))).refusal).toEqual({ kind: 'too-small', width: 12, height: 40, minSide: 16 });
    const jpeg = await sampleJpeg(800, 450);
    expect((await refused(jpeg.subarray(0, jpeg.length >> 1))).refusal).toEqual({ kind: 'unreadable', format: 'jpeg' });
  });
});

describe('targetWidths', () => {
  it('never upscales and keeps the original width when it is below the largest', () => {
    expect(targetWidths(2000, [320, 640, 1280])).toEqual([320, 640, 1280]);
    expect(targetWidths(1280, [320, 640, 1280])).toEqual([320, 640, 1280]);
    expect(targetWidths(700, [320, 640, 1280])).toEqual([320, 640, 700]);
    expect(targetWidths(200, [320, 640, 1280])).toEqual([200]);
  });
});
