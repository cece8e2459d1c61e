/** Language tags as feeds write them. */
import { nonEmpty } from '../../html/text.js';

/** Returns a language tag trimmed, with '_' read as '-' ('en_US' → 'en-US'), or null when blank. */
export function normalizeLanguage(lang: string | null | undefined): string | null {
  const t = nonEmpty(lang);
  return t === null ? null : t.replace(/_/g, '-');
}
