/**
 * Where image files live, behind one small interface: a folder (default, beside the SQLite file;
 * a network mount shared by several instances works too) or an S3-compatible bucket (s3.ts).
 * Names are `<hash>-<width>.<ext>`; nothing else is ever read or written.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** A stored file as a listing shows it. */
export interface StoredFile {
  name: string;
  bytes: number;
  modifiedAt: Date;
}

/** The media store: put, get, stat, delete and list files by name. */
export interface MediaFiles {
  /** `folder /var/lib/jarida/media` or `s3 http://…/bucket/prefix`, for messages. */
  readonly label: string;
  put(name: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes, or null when there is no such file. */
  get(name: string): Promise<Buffer | null>;
  stat(name: string): Promise<StoredFile | null>;
  /** True when a file was there. */
  delete(name: string): Promise<boolean>;
  list(): AsyncIterable<StoredFile>;
}

/** A stored file's name: content hash, width, format. */
export const MEDIA_NAME = /^([0-9a-f]{24})-([1-9]\d{0,4})\.(webp|jpg|png|avif)$/;

/** Returns true when `name` is a media file name (nothing else reaches a store: no path can). */
export function isMediaName(name: string): boolean {
  return MEDIA_NAME.test(name);
}

/** A media store error: says which store and which file, keeps the cause. */
export class MediaStoreError extends Error {
  readonly code = 'JARIDA_MEDIA_STORE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaStoreError';
  }
}

function checkName(name: string): void {
  if (!isMediaName(name)) throw new MediaStoreError(`media: "${name.slice(0, 80)}" is not a media file name`);
}

/**
 * Files in a folder, in 256 subfolders by the first two hex digits of the hash (a folder of a
 * million files is slow to list on most file systems). Writes go to a temporary name first and are
 * renamed into place, so a reader never sees half a file.
 */
export class FolderMediaFiles implements MediaFiles {
  readonly label: string;
  constructor(readonly dir: string) {
    this.label = `folder ${dir}`;
  }

  private path(name: string): string {
    checkName(name);
    return join(this.dir, name.slice(0, 2), name);
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    const path = this.path(name);
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(join(this.dir, name.slice(0, 2)), { recursive: true });
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(bytes);
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    } catch (cause) {
      await rm(tmp, { force: true }).catch(() => {});
      throw new MediaStoreError(`media: ${this.label}: cannot write ${name}: ${(cause as Error).message}`, { cause });
    }
  }

  async get(name: string): Promise<Buffer | null> {
    try {
      return await readFile(this.path(name));
    } catch (err) {
      if (isMissing(err)) return null;
      throw new MediaStoreError(`media: ${this.label}: cannot read ${name}: ${(err as Error).message}`, { cause: err });
    }
  }

  async stat(name: string): Promise<StoredFile | null> {
    try {
      const s = await stat(this.path(name));
      return { name, bytes: s.size, modifiedAt: s.mtime };
    } catch (err) {
      if (isMissing(err)) return null;
      throw new MediaStoreError(`media: ${this.label}: cannot stat ${name}: ${(err as Error).message}`, { cause: err });
    }
  }

  async delete(name: string): Promise<boolean> {
    try {
      await unlink(this.path(name));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw new MediaStoreError(`media: ${this.label}: cannot delete ${name}: ${(err as Error).message}`, { cause: err });
    }
  }

  async *list(): AsyncIterable<StoredFile> {
    let shards: string[];
    try {
      shards = (await readdir(this.dir)).filter((d) => /^[0-9a-f]{2}$/.test(d)).sort();
    } catch (err) {
      if (isMissing(err)) return;
      throw new MediaStoreError(`media: ${this.label}: cannot list: ${(err as Error).message}`, { cause: err });
    }
    for (const shard of shards) {
      for (const name of (await readdir(join(this.dir, shard))).sort()) {
        if (!isMediaName(name)) continue; // a temporary file being written, or a stranger
        const s = await stat(join(this.dir, shard, name)).catch(() => null);
        if (s) yield { name, bytes: s.size, modifiedAt: s.mtime };
      }
    }
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
