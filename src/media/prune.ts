/**
 * `jarida media prune`: removes what no article uses — the image rows no article links to (articles
 * deleted, or changed to name other images; an upload after a week), then every stored file whose
 * hash no row has.
 */
import type { Store } from '../store/db.js';
import { deleteUnusedMedia, findStoredHashes } from '../store/media.js';
import { MEDIA_NAME, type MediaFiles, type StoredFile } from './files.js';

/** A file younger than this is kept: its image may be being stored right now, its row not yet ready. */
export const PRUNE_GRACE_MS = 60 * 60 * 1000;
/** An upload no article uses yet is kept this long: the article it was uploaded for may still be being written. */
export const UPLOAD_GRACE_MS = 7 * 24 * 60 * 60 * 1000;

/** What a prune removed. */
export interface PruneResult {
  rows: number;
  files: StoredFile[];
  bytes: number;
}

/**
 * Removes unused image rows and files (files younger than `graceMs` stay); `onRemoved` hears each file.
 * @example const r = await pruneImages(store, files, { now: new Date() }); console.log(r.files.length, r.bytes)
 */
export async function pruneImages(store: Pick<Store, 'db'>, files: MediaFiles, opts: { now: Date; graceMs?: number; onRemoved?: (f: StoredFile) => void }): Promise<PruneResult> {
  const rows = await deleteUnusedMedia(store.db, { uploadsSince: new Date(opts.now.getTime() - UPLOAD_GRACE_MS) });
  const used = await findStoredHashes(store.db);
  const before = opts.now.getTime() - (opts.graceMs ?? PRUNE_GRACE_MS);
  const removed: StoredFile[] = [];
  let bytes = 0;
  for await (const f of files.list()) {
    const hash = MEDIA_NAME.exec(f.name)?.[1];
    if (!hash || used.has(hash) || f.modifiedAt.getTime() > before) continue;
    if (await files.delete(f.name)) {
      removed.push(f);
      bytes += f.bytes;
      opts.onRemoved?.(f);
    }
  }
  return { rows, files: removed, bytes };
}
