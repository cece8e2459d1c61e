/**
 * NDJSON archives: one article per line. Lines are cut from the byte stream without ever holding
 * more than one line (at most `maxBytes`, longer ones are skipped whole); each line is read into an
 * ImportedArticle or the reason it is skipped.
 */
import type { ArticleStatus } from '../../model/types.js';
import { LIMITS, type ImportEntry, type ImportedArticle, type ImportSource } from './record.js';

/** A line of the file (1-based number), or the note that it was over the limit. */
export type Line = { n: number; text: string } | { n: number; tooLong: number };

/** The longest line read (bytes): a longer one is skipped with a reason, never held in memory. */
export const MAX_LINE_BYTES = 5 * 1024 * 1024;

/**
 * Yields the non-blank lines of a byte stream (UTF-8, `\n` or `\r\n`); a line over `maxBytes` is
 * yielded as `tooLong` and its bytes dropped as they arrive.
 */
export async function* readLines(chunks: AsyncIterable<Uint8Array>, maxBytes = MAX_LINE_BYTES): AsyncGenerator<Line> {
  for await (const line of readLineBytes(chunks, maxBytes)) yield 'bytes' in line ? { n: line.n, text: line.bytes.toString('utf8') } : line;
}

/** A line as bytes (a line not yet decoded), or the note that it was over the limit. */
export type LineBytes = { n: number; bytes: Buffer } | { n: number; tooLong: number };

/**
 * Yields the non-blank lines of a byte stream as readLines does, undecoded: the import packs them
 * in one buffer (LinePacker) sent to a worker, so the thread that writes to the store neither
 * decodes nor copies their text. A line's bytes may be a view of the stream's chunk: valid until
 * the next line is asked for.
 */
export async function* readLineBytes(chunks: AsyncIterable<Uint8Array>, maxBytes = MAX_LINE_BYTES): AsyncGenerator<LineBytes> {
  let parts: Buffer[] = [];
  let held = 0;
  let over = 0; // bytes of the current line once it went over the limit
  let n = 0;
  const finish = (tail: Buffer): LineBytes | null => {
    n++;
    if (over > 0 || held + tail.length > maxBytes) {
      const size = over + held + tail.length;
      parts = [];
      held = 0;
      over = 0;
      return { n, tooLong: size };
    }
    const bytes = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
    parts = [];
    held = 0;
    return isBlank(bytes) ? null : { n, bytes };
  };
  for await (const chunk of chunks) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      const line = finish(buf.subarray(start, nl));
      start = nl + 1;
      if (line) yield line;
    }
    const rest = buf.subarray(start);
    if (over > 0 || held + rest.length > maxBytes) {
      over += held + rest.length;
      parts = [];
      held = 0;
    } else if (rest.length > 0) {
      parts.push(Buffer.from(rest)); // a copy: the stream may reuse its chunk
      held += rest.length;
    }
  }
  if (held > 0 || over > 0) {
    const line = finish(Buffer.alloc(0));
    if (line) yield line;
  }
}

/** Whether a line is only white space (as `\s` reads it): decoded only when it does not start with a visible ASCII character. */
function isBlank(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) continue;
    if (b > 0x20 && b < 0x7f) return false;
    break;
  }
  return /^\s*$/.test(bytes.toString('utf8'));
}

/** Lines packed in one buffer: line i is `bytes` from ends[i - 1] (0 for the first) to ends[i]; tooLong[i] > 0 for a line over the limit (no bytes). */
export interface PackedLines {
  bytes: Uint8Array;
  ends: Uint32Array;
  numbers: Uint32Array;
  tooLong: Float64Array;
}

/**
 * Packs lines into one buffer as they are read (each copied once, at once: a line's bytes are
 * valid only until the next is read); `take()` returns the batch, whose buffers are its own (to
 * transfer to a worker), and starts the next.
 */
export class LinePacker {
  private buf = Buffer.allocUnsafeSlow(1 << 20);
  private at = 0;
  private ends: number[] = [];
  private numbers: number[] = [];
  private tooLong: number[] = [];

  get length(): number {
    return this.ends.length;
  }

  add(line: LineBytes): void {
    if ('bytes' in line) {
      if (this.at + line.bytes.length > this.buf.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.at + line.bytes.length));
        this.buf.copy(bigger, 0, 0, this.at);
        this.buf = bigger;
      }
      line.bytes.copy(this.buf, this.at);
      this.at += line.bytes.length;
    }
    this.ends.push(this.at);
    this.numbers.push(line.n);
    this.tooLong.push('tooLong' in line ? line.tooLong : 0);
  }

  take(): PackedLines {
    const packed = { bytes: new Uint8Array(this.buf.buffer, 0, this.at), ends: Uint32Array.from(this.ends), numbers: Uint32Array.from(this.numbers), tooLong: Float64Array.from(this.tooLong) };
    this.buf = Buffer.allocUnsafeSlow(this.buf.length);
    this.at = 0;
    this.ends = [];
    this.numbers = [];
    this.tooLong = [];
    return packed;
  }
}

/** Returns the lines packed in one buffer (tests; the import packs them as read: LinePacker). */
export function packLines(lines: readonly LineBytes[]): PackedLines {
  const packer = new LinePacker();
  for (const l of lines) packer.add(l);
  return packer.take();
}

/** Returns the packed lines as readLines yields them (text decoded). */
export function unpackLines(p: PackedLines): Line[] {
  const buf = Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength);
  return Array.from(p.ends, (end, i) => {
    const n = p.numbers[i]!;
    if (p.tooLong[i]! > 0) return { n, tooLong: p.tooLong[i]! };
    return { n, text: buf.toString('utf8', i === 0 ? 0 : p.ends[i - 1]!, end) };
  });
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const LANG = /^[a-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/i;
const STATUSES: readonly ArticleStatus[] = ['published', 'draft', 'hidden'];

/** A field problem: the line is skipped with this reason. */
class Bad extends Error {}

/** Returns the article of one NDJSON line (see README "Importing an archive"), or why it is skipped. */
export function parseNdjsonLine(line: Line): ImportEntry {
  const at = `line ${line.n}`;
  if ('tooLong' in line) return { at, skip: `line over ${MAX_LINE_BYTES / 1024 / 1024} MB`, detail: `${line.tooLong} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (err) {
    return { at, skip: 'invalid JSON', detail: (err as Error).message.slice(0, 120) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { at, skip: 'not a JSON object' };
  try {
    return { at, article: toArticle(value as Record<string, unknown>) };
  } catch (err) {
    if (!(err instanceof Bad)) throw err;
    const [skip, detail] = err.message.split('\n');
    return { at, skip: skip!, ...(detail ? { detail } : {}) };
  }
}

function toArticle(o: Record<string, unknown>): ImportedArticle {
  const title = text(o, 'title', LIMITS.title)?.replace(/\s+/g, ' ').trim();
  if (!title) throw new Bad('no title');
  const published = o.published;
  if (published === undefined || published === null || published === '') throw new Bad('no published date');
  const time = typeof published === 'string' ? instant(published.trim()) : NaN;
  if (Number.isNaN(time)) throw new Bad(`published: not an ISO-8601 instant with offset\n${JSON.stringify(published).slice(0, 60)}`);
  const url = text(o, 'url', LIMITS.url);
  if (url && !/^https?:\/\//i.test(url.trim())) throw new Bad(`url: not an http(s) URL\n${url.slice(0, 60)}`);
  const guid = id(o, 'guid') ?? id(o, 'id') ?? url;
  if (!guid) throw new Bad('no guid, id or url');
  const imageUrl = text(o, 'image_url', LIMITS.url);
  if (imageUrl && !/^https?:\/\//i.test(imageUrl.trim())) throw new Bad(`image_url: not an http(s) URL\n${imageUrl.slice(0, 60)}`);
  const language = text(o, 'language', LIMITS.language);
  if (language && !LANG.test(language)) throw new Bad(`language: not a language code\n${language}`);
  const status = o.status ?? 'published';
  if (!STATUSES.includes(status as ArticleStatus)) throw new Bad(`status: not one of ${STATUSES.join(', ')}\n${String(status).slice(0, 30)}`);
  return {
    guid,
    url: url?.trim() ?? null,
    title,
    publishedAt: time,
    contentHtml: text(o, 'content_html', LIMITS.content) ?? text(o, 'content', LIMITS.content),
    summary: text(o, 'summary', LIMITS.summary),
    author: text(o, 'author', LIMITS.author)?.trim() || null,
    language,
    imageUrl: imageUrl?.trim() ?? null,
    categories: categories(o.categories),
    status: status as ArticleStatus,
    source: source(o.source),
  };
}

/** Returns the ms of an ISO-8601 instant with offset, NaN when it is not one (Date.parse takes 31 February). */
function instant(s: string): number {
  const m = INSTANT.exec(s);
  if (!m) return NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return NaN;
  return Date.parse(s);
}

/** The string field, null when absent; throws Bad when it is not a string or too long. */
function text(o: Record<string, unknown>, name: string, max: number): string | null {
  const v = o[name];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw new Bad(`${name}: not a string`);
  if (v.length > max) throw new Bad(`${name} longer than ${max} characters\n${v.length} characters`);
  return v;
}

function id(o: Record<string, unknown>, name: string): string | null {
  const v = o[name];
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  const s = text(o, name, LIMITS.guid)?.trim();
  return s || null;
}

function categories(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((c) => typeof c !== 'string')) throw new Bad('categories: not a list of strings');
  if (v.length > LIMITS.categories) throw new Bad(`categories: more than ${LIMITS.categories}`);
  const out = new Set<string>();
  for (const c of v as string[]) {
    if (c.length > LIMITS.category) throw new Bad(`categories: one longer than ${LIMITS.category} characters`);
    const t = c.replace(/\s+/g, ' ').trim();
    if (t) out.add(t);
  }
  return [...out];
}

function source(v: unknown): ImportSource | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'string') {
    const title = v.replace(/\s+/g, ' ').trim();
    if (title.length > LIMITS.title) throw new Bad(`source longer than ${LIMITS.title} characters`);
    return title ? { title, url: null, siteUrl: null, language: null } : null;
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw new Bad('source: not a name or an object');
  const o = v as Record<string, unknown>;
  const title = text(o, 'title', LIMITS.title)?.replace(/\s+/g, ' ').trim();
  if (!title) throw new Bad('source: no title');
  const url = text(o, 'url', LIMITS.url)?.trim() ?? null;
  const siteUrl = text(o, 'site_url', LIMITS.url)?.trim() ?? null;
  for (const [name, u] of [['source.url', url], ['source.site_url', siteUrl]] as const) {
    if (u && !/^https?:\/\//i.test(u)) throw new Bad(`${name}: not an http(s) URL\n${u.slice(0, 60)}`);
  }
  const language = text(o, 'language', LIMITS.language);
  if (language && !LANG.test(language)) throw new Bad(`source.language: not a language code\n${language}`);
  return { title, url, siteUrl, language };
}
