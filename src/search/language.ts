/**
 * The language of a text, for articles whose source does not declare one: ELD (`eld`, the
 * "extrasmall" n-gram set), chosen by measured accuracy on English, Turkish and Arabic text
 * (`npm run eval:lang`, README "Search"). Loaded on the first call only: a process that never
 * needs to guess (the web workers) never pays its ~0.5 s and ~90 MB.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { LANGS } from '../model/types.js';

/** Characters of a text the detector reads: beyond a paragraph or two it is no surer. */
const SAMPLE_CHARS = 1500;
/** Letters below which a text says too little to tell its language. */
const MIN_LETTERS = 8;

interface Eld {
  detect(text: string): { language: string };
}
let eld: Eld | null | undefined;

/** Returns the detector, loading it on first use; null when it cannot be loaded. */
function detector(): Eld | null {
  if (eld === undefined) {
    try {
      // ELD is ESM only, with a top-level-await-free entry: loaded synchronously (require of ESM,
      // Node ≥ 20.19), so that the pure item steps that call this stay synchronous. Its exports
      // have only an `import` condition: the file is found along require's node_modules paths.
      const require = createRequire(import.meta.url);
      const file = (require.resolve.paths('eld') ?? []).map((dir) => join(dir, 'eld', 'src', 'entries', 'static.extrasmall.js')).find((f) => existsSync(f));
      eld = file ? (require(file) as { eld: Eld }).eld : null;
    } catch {
      eld = null;
    }
  }
  return eld;
}

/**
 * Returns the language of the text among the candidates (language tags; their primary subtag is
 * compared), or null when unsure: too short, or the text reads as a language not among them.
 * @example detectLanguage('İstanbul’da kış erken geldi, kar yağışı başladı', ['en', 'tr', 'ar']) === 'tr'
 */
export function detectLanguage(text: string, candidates: readonly string[] = LANGS): string | null {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  if ((sample.match(/\p{L}/gu)?.length ?? 0) < MIN_LETTERS) return null;
  const found = detector()?.detect(sample).language;
  if (!found) return null;
  return candidates.find((c) => c.toLowerCase().split(/[-_]/)[0] === found) ?? null;
}
