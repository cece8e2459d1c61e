/**
 * The demo's images (demo/images/, generated scenes), stored through the same pipeline as fetched
 * ones — linked, checked, resized, stored, recorded — with the bytes read from the shipped files
 * instead of the network, so a fresh `npm start` shows pictures offline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { collectImages, storeImages, type MediaDeps, type MediaTally } from './pipeline.js';

/** The demo's image list: article URL → file in demo/images/. */
export const DEMO_IMAGES_FILE = join(PROJECT_ROOT, 'demo', 'images.json');

/** One demo image: the address the article names, and the shipped file behind it. */
export interface DemoImage {
  url: string;
  path: string;
}

/** Returns the demo images by article URL (none when the list is not there). */
export function readDemoImages(file = DEMO_IMAGES_FILE): Map<string, DemoImage> {
  const out = new Map<string, DemoImage>();
  if (!existsSync(file)) return out;
  const list = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  for (const [articleUrl, name] of Object.entries(list)) {
    if (articleUrl.startsWith('$') || !/^[\w-]+\.(jpe?g|png|webp)$/.test(name)) continue;
    out.set(articleUrl, { url: new URL(`/images/demo/${name}`, articleUrl).href, path: join(file, '..', 'images', name) });
  }
  return out;
}

/** Stores the images of these demo articles from the shipped files; returns the tally. */
export async function storeDemoImages(deps: Omit<MediaDeps, 'load'>, articleIds: readonly number[], images: ReadonlyMap<string, DemoImage>): Promise<MediaTally> {
  const byUrl = new Map([...images.values()].map((i) => [i.url, i.path]));
  const load = async (url: string) => {
    const path = byUrl.get(url);
    if (!path) throw new Error(`demo: no shipped file for ${url}`);
    return readFile(path);
  };
  return storeImages({ ...deps, load }, await collectImages(deps, articleIds));
}
