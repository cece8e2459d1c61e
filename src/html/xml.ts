/** Text for XML output (feeds, sitemaps): what XML 1.0 cannot carry, taken out. */

/** Characters XML 1.0 does not allow, even escaped: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Returns the text without the characters XML 1.0 forbids (bidi controls and the like stay: they are allowed). */
export function xmlText(s: string): string {
  return s.replace(NOT_XML, '');
}
