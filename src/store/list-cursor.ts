/**
 * The cursors of the article lists that page by keyset (the desk's list, the content API): the
 * newest-first key `(published_at, id)` of the last row, or, for a text search, the last search key
 * the index gave (newest published first) and whether it matched words by their beginning. Opaque to callers (base64url).
 */
import type { MatchingIds, TextMatch } from './search.js';

/** `p`: the last row's instant and id; `t`: a text search's last search key (store/search-key.ts), `x` when prefixes matched. */
export type ListCursor = { k: 'p'; t: string; i: number } | { k: 't'; i: number; x: boolean };

/** The instants the store writes (ISO 8601, UTC). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** Returns the cursor's opaque text. */
export function encodeListCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/**
 * Returns the cursor an opaque text holds; throws what `bad` makes when it is none (tampered, cut,
 * another list's).
 * @example decodeListCursor(encodeListCursor({ k: 't', i: 7, x: false }), badCursor) // { k: 't', i: 7, x: false }
 */
export function decodeListCursor(s: string, bad: (cause?: unknown) => Error): ListCursor {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch (err) {
    throw bad(err);
  }
  const o = c as Partial<Record<string, unknown>> | null;
  if (o && typeof o === 'object' && Number.isSafeInteger(o.i)) {
    if (o.k === 'p' && typeof o.t === 'string' && INSTANT.test(o.t) && (o.i as number) > 0) return { k: 'p', t: o.t, i: o.i as number };
    if (o.k === 't' && typeof o.x === 'boolean') return { k: 't', i: o.i as number, x: o.x };
  }
  throw bad();
}

/** A page of text matches: the ids of its rows, the cursor of the next page, and whether the index walk stopped short. */
export interface TextMatchPage {
  ids: number[];
  next: string | null;
  partial: boolean;
}

/**
 * Returns a page of a text search from `walk` (the ids matching, below the cursor): the exact words
 * first, and — when they fill no first page and a word was typed as a beginning (`bank*`) — the words
 * they begin; a next page keeps the choice made on the first.
 */
export async function textMatchPage(
  text: Omit<TextMatch, 'prefix'>,
  cursor: Extract<ListCursor, { k: 't' }> | undefined,
  limit: number,
  walk: (prefix: boolean) => Promise<MatchingIds>,
): Promise<TextMatchPage> {
  let prefix = cursor?.x ?? false;
  let found = await walk(prefix);
  if (!cursor && !prefix && found.ids.length <= limit && found.stoppedAt === null && text.parts.some((p) => p.prefix)) {
    prefix = true;
    found = await walk(prefix);
  }
  const { ids, keys, stoppedAt } = found;
  const last = ids.length > limit ? keys[limit - 1] : stoppedAt;
  return {
    ids: ids.slice(0, limit),
    next: last !== undefined && last !== null ? encodeListCursor({ k: 't', i: last, x: prefix }) : null,
    partial: ids.length <= limit && stoppedAt !== null,
  };
}
