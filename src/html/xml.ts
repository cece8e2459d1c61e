/** Text for XML output (feeds, sitemaps): what XML 1.0 cannot carry, taken out. */

/** Characters XML 1.0 does not allow, even escaped: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Every code unit that may be (part of) one: a scan without the `u` flag takes half the time of
 * NOT_XML's, and most texts (a feed's whole bodies) hold none. Surrogates are here because a lone
 * one is forbidden; a text with a pair (an emoji) takes the exact scan.
 */
const MAYBE_NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Returns the text without the characters XML 1.0 forbids (bidi controls and the like stay: they are allowed). */
export function xmlText(s: string): string {
  return MAYBE_NOT_XML.test(s) ? s.replace(NOT_XML, '') : s;
}
