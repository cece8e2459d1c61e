/**
 * Image processing benchmark (part of `npm run bench:ingest`): photo-like JPEGs, PNGs with
 * transparency and WebPs checked and resized by the media pipeline's processImage (320/640/1280,
 * WebP + fallback) at `media.concurrency`; images/s and MB/s in. Then the AVIF question: the same
 * widths encoded as AVIF beside WebP, bytes and encode time.
 */
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { processImage } from '../src/media/process.js';
import { samplePhoto, samplePng, sampleWebp } from '../src/media/testdata/images.js';
import { pool } from '../src/ingest/schedule.js';

const WIDTHS = [320, 640, 1280];

/** Returns the benchmark's Markdown section. */
export async function imageBench(count: number, concurrency: number): Promise<string> {
  const inputs: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    inputs.push(kind === 3 ? await samplePng(1200, 800, i) : kind === 2 ? await sampleWebp(1400, 900, i) : await samplePhoto(1600 + (i % 3) * 400, 900 + (i % 2) * 300, i));
  }
  const bytesIn = inputs.reduce((s, b) => s + b.length, 0);
  let bytesOut = 0;
  let files = 0;
  const start = performance.now();
  await pool([...inputs.keys()], concurrency, async (i) => {
    const p = await processImage(inputs[i]!, { maxPixels: 50_000_000, widths: WIDTHS });
    files += p.files.length;
    bytesOut += p.files.reduce((s, f) => s + f.bytes.length, 0);
  });
  const seconds = (performance.now() - start) / 1000;

  // AVIF beside WebP on the photos (sequential: encode time per image, not throughput).
  const photos = inputs.filter((_, i) => i % 4 < 2).slice(0, 8);
  const enc = { webp: { ms: 0, bytes: 0 }, avif: { ms: 0, bytes: 0 }, jpg: { ms: 0, bytes: 0 } };
  for (const photo of photos) {
    for (const w of WIDTHS) {
      for (const f of ['webp', 'avif', 'jpg'] as const) {
        const t = performance.now();
        const s = sharp(photo).resize({ width: w });
        const out = await (f === 'webp' ? s.webp({ quality: 75, effort: 4 }) : f === 'avif' ? s.avif({ quality: 50, effort: 4 }) : s.jpeg({ quality: 78, mozjpeg: true })).toBuffer();
        enc[f].ms += performance.now() - t;
        enc[f].bytes += out.length;
      }
    }
  }
  const n = photos.length * WIDTHS.length;
  const row = (name: string, e: { ms: number; bytes: number }) => `| ${name} | ${Math.round(e.bytes / n / 1024)} KB | ${(e.bytes / enc.jpg.bytes * 100).toFixed(0)}% | ${(e.ms / n).toFixed(1)} ms | ${(e.ms / enc.webp.ms).toFixed(1)}× |`;
  return `
## Image processing — ${count} images (${(bytesIn / 1048576).toFixed(1)} MB in: photo-like JPEGs 1600–2400 px, PNGs with transparency, WebPs)

Node ${process.version}, ${availableParallelism()} CPUs, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}); ${concurrency} at a time; widths ${WIDTHS.join('/')}, WebP + JPEG/PNG fallback.

| images | files out | seconds | images/s | MB/s in | MB out |
|---:|---:|---:|---:|---:|---:|
| ${count} | ${files} | ${seconds.toFixed(2)} | ${(count / seconds).toFixed(1)} | ${(bytesIn / 1048576 / seconds).toFixed(1)} | ${(bytesOut / 1048576).toFixed(1)} |

Encoders on ${photos.length} photos × ${WIDTHS.length} widths (one at a time; size vs mozjpeg q78, time vs WebP):

| format | mean size | of JPEG | encode time | of WebP |
|---|---:|---:|---:|---:|
${row('JPEG (mozjpeg q78)', enc.jpg)}
${row('WebP q75 effort 4', enc.webp)}
${row('AVIF q50 effort 4', enc.avif)}
`;
}
