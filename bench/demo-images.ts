/**
 * Makes the demo's images (demo/images/*.jpg): generated scenes, no one's photographs, so they are
 * free to ship. Run once when the set changes (`node dist/bench/demo-images.js`); the files are committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { sampleJpeg } from '../src/media/testdata/images.js';

const NAMES = ['storm', 'ferry', 'comet', 'library', 'derby', 'bridge', 'oysters', 'cycle-lane', 'rain-ar', 'book-fair'];

const dir = join(PROJECT_ROOT, 'demo', 'images');
mkdirSync(dir, { recursive: true });
for (const [i, name] of NAMES.entries()) {
  const bytes = await sampleJpeg(960, 540, i + 3, 60);
  writeFileSync(join(dir, `${name}.jpg`), bytes);
  process.stdout.write(`${name}.jpg ${bytes.length} bytes\n`);
}
