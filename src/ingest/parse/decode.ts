/**
 * Bytes → text for feeds and HTML pages. The charset comes from, in order: a byte-order mark, the
 * Content-Type header's `charset`, the XML declaration's `encoding`, a `<meta charset>` or
 * `<meta http-equiv=content-type>` in the first 1024 bytes; then UTF-8 if the bytes are valid
 * UTF-8, else windows-1252. Labels are read the way browsers read them (latin1 and us-ascii mean
 * windows-1252, iso-8859-9 means windows-1254).
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/** Decoded text and the charset actually used (lowercase canonical name, e.g. 'utf-8', 'windows-1254'). */
export interface DecodedText {
  text: string;
  charset: string;
  /**
   * Set when the charset is a guess: the one the body names (a BOM, the header, the XML
   * declaration; UTF-8 when none) does not fit its bytes, or the declaration names one nobody knows.
   */
  guessed?: true;
}

const UTF8 = new TextDecoder('utf-8');

// WHATWG Encoding Standard aliases that matter for feeds: legacy labels decode as their superset.
const ALIASES: Readonly<Record<string, string>> = {
  'utf8': 'utf-8', 'unicode-1-1-utf-8': 'utf-8', 'us-ascii': 'windows-1252', 'ascii': 'windows-1252',
  'iso-8859-1': 'windows-1252', 'iso8859-1': 'windows-1252', 'iso_8859-1': 'windows-1252', 'latin1': 'windows-1252',
  'l1': 'windows-1252', 'cp1252': 'windows-1252', 'x-cp1252': 'windows-1252', 'cp819': 'windows-1252',
  'iso-8859-9': 'windows-1254', 'iso8859-9': 'windows-1254', 'latin5': 'windows-1254', 'l5': 'windows-1254',
  'cp1254': 'windows-1254', 'x-cp1254': 'windows-1254', 'cp1256': 'windows-1256', 'x-cp1256': 'windows-1256',
  'iso-8859-11': 'windows-874', 'tis-620': 'windows-874', 'gb2312': 'gbk', 'x-gbk': 'gbk', 'ks_c_5601-1987': 'euc-kr',
  'x-sjis': 'shift_jis', 'sjis': 'shift_jis', 'utf-16': 'utf-16le', 'unicode': 'utf-16le', 'ucs-2': 'utf-16le',
  'utf-32': 'utf-32le', 'ucs-4': 'utf-32le',
};

/** Returns the canonical name for a charset label, or null when neither we nor iconv-lite know it. */
export function normalizeCharset(label: string): string | null {
  const l = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (l === '') return null;
  const name = ALIASES[l] ?? l;
  if (name === 'utf-8') return name;
  return iconv.encodingExists(name) ? name : null;
}

/** Returns the `charset` parameter of a Content-Type header value, or null. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*("[^"]*"|'[^']*'|[^;\s]+)/i.exec(contentType);
  return m === null ? null : m[1]!.replace(/^["']|["']$/g, '');
}

function bomCharset(b: Uint8Array): string | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b[0] === 0xff && b[1] === 0xfe) return b[2] === 0 && b[3] === 0 ? 'utf-32le' : 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'utf-32be';
  return null;
}

// A UTF-16/32 document without BOM still starts with '<' (or whitespace) in its own encoding.
function wideCharset(b: Uint8Array): string | null {
  if (b.length < 4) return null;
  if (b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] !== 0) return 'utf-32be';
  if (b[0] !== 0 && b[1] === 0 && b[2] === 0 && b[3] === 0) return 'utf-32le';
  if (b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0) return 'utf-16be';
  if (b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return 'utf-16le';
  return null;
}

// The first 1024 bytes as Latin-1: enough to read an ASCII XML declaration or <meta>.
function head(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 1024)).toString('latin1');
}

function declaredCharset(h: string): string | null {
  const xml = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(h);
  if (xml !== null) return xml[1]!;
  const meta = /<meta\s[^>]*?charset\s*=\s*["']?([A-Za-z0-9._:-]+)/i.exec(h);
  return meta === null ? null : meta[1]!;
}

function narrow(charset: string | null): string | null {
  return charset !== null && /^utf-(16|32)/.test(charset) ? null : charset;
}

function decodeWith(bytes: Uint8Array, charset: string): string {
  if (charset === 'utf-8') return UTF8.decode(bytes);
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), charset);
}

function tryUtf8(bytes: Uint8Array): string | null {
  // isUtf8 + toString is several times faster than a fatal TextDecoder on large bodies
  if (!isUtf8(bytes)) return null;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Returns the text of a feed or HTML page body and the charset used to decode it.
 * @example decodeText(bytes, 'application/rss+xml; charset=windows-1254') // { text: '…ğüşıöç…', charset: 'windows-1254' }
 */
export function decodeText(bytes: Uint8Array, contentType?: string | null): DecodedText {
  const bom = bomCharset(bytes) ?? wideCharset(bytes);
  if (bom !== null) return result(decodeWith(bytes, bom), bom, bom === 'utf-8' && bomCharset(bytes) !== null && !isUtf8(bytes));
  // Without a BOM or zero bytes the text is not UTF-16/32, whatever a label says.
  const fromHeader = narrow(normalizeCharset(charsetFromContentType(contentType) ?? ''));
  const label = declaredCharset(head(bytes));
  const named = label === null ? null : normalizeCharset(label);
  const declared = narrow(named);
  const unknown = label !== null && named === null;
  const wanted = fromHeader ?? declared;
  if (wanted !== null && wanted !== 'utf-8' && declared !== 'utf-8') return result(decodeWith(bytes, wanted), wanted, unknown);
  // Unlabelled, labelled UTF-8, or a single-byte header against a UTF-8 declaration: valid UTF-8
  // wins (legacy text is almost never valid UTF-8 by accident, stale server headers are common).
  const text = tryUtf8(bytes);
  if (text !== null) return result(text, 'utf-8', unknown);
  // not UTF-8: a guess unless a single-byte header (which outranks the declaration) says so
  const guessed = wanted === null || wanted === 'utf-8';
  const other = wanted !== 'utf-8' ? wanted : declared !== 'utf-8' ? declared : null;
  if (other !== null) return result(decodeWith(bytes, other), other, guessed);
  if (wanted === 'utf-8') return result(UTF8.decode(bytes), 'utf-8', true); // stray bad bytes become U+FFFD
  return result(decodeWith(bytes, 'windows-1252'), 'windows-1252', true);
}

function result(text: string, charset: string, guessed: boolean): DecodedText {
  return guessed ? { text, charset, guessed } : { text, charset };
}
