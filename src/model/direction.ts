/** Which languages are written right to left: one list for the pages and for extraction. */

const RTL = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'ku', 'ps', 'sd', 'ug', 'ur', 'yi']);

/** Returns true when the language (a BCP 47 tag; its primary subtag decides) is written right to left. */
export function isRtlLanguage(lang: string | null | undefined): boolean {
  return Boolean(lang) && RTL.has(lang!.toLowerCase().split(/[-_]/)[0]!);
}
