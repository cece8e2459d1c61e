/** `jarida backup <file>` and `jarida restore <file>`: a consistent copy of the store, and putting one back. */
import { loadConfig } from '../config.js';
import { backupStore, restoreStore, type BackupResult } from '../store/backup.js';
import { databaseLabel } from '../store/db.js';
import type { GlobalOptions } from './context.js';

/** Options of `backup` and `restore`. */
export interface BackupOptions extends GlobalOptions {
  force?: boolean;
}

/** Writes a backup of the configured store to `file` (the site may keep running) and says what it wrote. */
export async function backupCommand(file: string, opts: BackupOptions): Promise<void> {
  const config = loadConfig({ configPath: opts.config });
  const r = await backupStore(config.databaseUrl, file, { force: opts.force });
  process.stdout.write(`backup: wrote ${r.file} (${size(r.bytes)}, ${r.articles} articles) in ${seconds(r)}\n`);
}

/** Replaces the configured store with the backup in `file` (the site must be stopped) and says what it restored. */
export async function restoreCommand(file: string, opts: BackupOptions): Promise<void> {
  const config = loadConfig({ configPath: opts.config });
  const r = await restoreStore(config.databaseUrl, file, { force: opts.force });
  process.stdout.write(`restore: ${r.articles} articles from ${r.file} into ${databaseLabel(config.databaseUrl)} in ${seconds(r)}\n`);
}

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function seconds(r: BackupResult): string {
  return `${r.seconds.toFixed(2)} s`;
}
