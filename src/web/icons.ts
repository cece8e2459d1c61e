/**
 * The site's icons, made from one logo (site setting `logo`, a PNG or SVG file; else the default
 * theme's logo.svg): favicon, Apple touch icon, the web app manifest's 192/512 px and maskable icons,
 * the JSON-LD publisher logo. Made with sharp on first demand, once, and kept in memory.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { DEFAULT_THEME_DIR } from '../paths.js';

/** The default logo, shipped with the theme. */
export const DEFAULT_LOGO = join(DEFAULT_THEME_DIR, 'logo.svg');

/** The theme's brand colour: the manifest's theme colour and the maskable icon's background. */
export const BRAND_COLOR = '#0f5c4d';
export const BACKGROUND_COLOR = '#ffffff';

/** Every icon: its path and size in pixels; maskable ones keep the logo inside the middle 80 %. */
export const ICONS = [
  { path: '/favicon.ico', size: 32, maskable: false },
  { path: '/apple-touch-icon.png', size: 180, maskable: false },
  { path: '/icon-192.png', size: 192, maskable: false },
  { path: '/icon-512.png', size: 512, maskable: false },
  { path: '/icon-maskable-512.png', size: 512, maskable: true },
] as const;

/** An icon's path. */
export type IconPath = (typeof ICONS)[number]['path'];

/** A logo file that cannot be made into icons. */
export class IconError extends Error {
  readonly code = 'JARIDA_ICON';
}

/**
 * Returns the PNG icons of a logo, by path; throws IconError naming the file when it is not an image.
 * @example (await makeIcons(DEFAULT_LOGO)).get('/icon-192.png') // <Buffer 89 50 4e 47 …>
 */
export async function makeIcons(logo: string): Promise<Map<IconPath, Buffer>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(logo);
  } catch (err) {
    throw new IconError(`icons: cannot read the logo ${logo}`, { cause: err });
  }
  const out = new Map<IconPath, Buffer>();
  try {
    for (const icon of ICONS) {
      // SVGs are drawn at the size they end at (density), not scaled up from 72 dpi.
      const src = () => sharp(bytes, { density: logo.endsWith('.svg') ? Math.max(72, icon.size * 2) : undefined });
      if (icon.maskable) {
        const inner = Math.round(icon.size * 0.8);
        const logoPng = await src().resize(inner, inner, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer();
        out.set(icon.path, await sharp({ create: { width: icon.size, height: icon.size, channels: 4, background: BRAND_COLOR } }).composite([{ input: logoPng, gravity: 'center' }]).png().toBuffer());
      } else {
        out.set(icon.path, await src().resize(icon.size, icon.size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer());
      }
    }
  } catch (err) {
    throw new IconError(`icons: the logo ${logo} is not a PNG or SVG image sharp can read`, { cause: err });
  }
  return out;
}

/**
 * Icons made once per logo file and kept: the first request makes them, the others wait for it.
 * @example const icons = new IconSet(); (await icons.get(config.site.logo)).get('/favicon.ico')
 */
export class IconSet {
  private made: { logo: string; icons: Promise<Map<IconPath, Buffer>> } | null = null;

  /** Returns the icons of a logo (null: the default one); a logo changed since makes them again. */
  get(logo: string | null): Promise<Map<IconPath, Buffer>> {
    const file = logo ?? DEFAULT_LOGO;
    if (!this.made || this.made.logo !== file) {
      const icons = makeIcons(file);
      // A failure is not kept: the next request tries again (a file being replaced).
      icons.catch(() => {
        if (this.made?.icons === icons) this.made = null;
      });
      this.made = { logo: file, icons };
    }
    return this.made.icons;
  }
}
