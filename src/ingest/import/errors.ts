/** The import's errors: a file that cannot be read or is not an archive (the CLI exits 2 on these). */

/** IMPORT_READ: the file cannot be opened or read; IMPORT_FORMAT: it is not NDJSON, WXR or RSS. */
export type ImportErrorCode = 'IMPORT_READ' | 'IMPORT_FORMAT';

/** A problem with the whole file, never with one article (those are skipped with a reason). */
export class ImportError extends Error {
  override name = 'ImportError';
  constructor(readonly code: ImportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
