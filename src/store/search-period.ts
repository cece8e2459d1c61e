/**
 * PostgreSQL: the periods an article is filed under in the search index, so that a listing of matches
 * through the GIN indexes can be asked for a stretch of time, newest first, instead of listing every
 * match of the words and sorting them (store/search.ts listByPeriods). A GIN index keeps no order: two
 * words common in titles but rarely together (`court reviews`: 2,491 titles with both at 1,000,000
 * articles) were listed whole, each match read and looked up for its key (12–49 ms), for a page of 20.
 *
 * An article's week (of its search key's second, counted from 1970) and the blocks of 4, 16, 64 and
 * 256 weeks holding it are five lexemes of its document (`\u{E001}<level>.<block>`), after its last
 * word with the source's term, weighted as the title's words (so in `title_document` too). Any span of
 * weeks is a few aligned blocks (periodBlocks), so a stretch is asked for with a handful of lexemes
 * OR-ed: a GIN index steps through every item of OR-ed lexemes' lists when they are the query's
 * shortest, so 64 week lexemes took 53 ms where one block of them takes ~4.
 */
import { KEYS_PER_SECOND } from './search-key.js';

/** What every period's term begins with; the analysis never makes it (src/search/normalize.ts), so no written word is one. */
export const PERIOD_TERM_MARK = '\u{E001}';

/** Levels of blocks: a week, 4, 16, 64 and 256 weeks. */
export const PERIOD_LEVELS = 5;

const WEEK_S = 7 * 86_400;
/** The key's second 0 (search-key.ts KEY_EPOCH_S), in seconds from 1970. */
const KEY_EPOCH_S = 946_684_800;

/**
 * Returns the week a search key falls in, counted from 1970-01-01 (a Thursday; a week here is a span
 * of seven days, not a calendar week). PostgreSQL's migration 0022 computes the same in SQL.
 * @example weekOfKey(firstKeyAt(Date.parse('2019-02-15T09:00:00Z'))) // 2563
 */
export function weekOfKey(key: number): number {
  return Math.floor((Math.floor(key / KEYS_PER_SECOND) + KEY_EPOCH_S) / WEEK_S);
}

/** Returns the first key of a week (weekOfKey's inverse: every key from it on to the next week's first is of that week). */
export function firstKeyOfWeek(week: number): number {
  return (week * WEEK_S - KEY_EPOCH_S) * KEYS_PER_SECOND;
}

/** Returns the term of a block: `level` 0 a week, 1 four weeks, … (its first week is block × 4^level). */
export function periodTerm(level: number, block: number): string {
  return `${PERIOD_TERM_MARK}${level}.${block}`;
}

/**
 * Returns the terms an article with this key is filed under: its week and the blocks holding it.
 * @example periodTerms(key) // ['\u{E001}0.2563', '\u{E001}1.640', '\u{E001}2.160', '\u{E001}3.40', '\u{E001}4.10']
 */
export function periodTerms(key: number): string[] {
  const week = weekOfKey(key);
  return Array.from({ length: PERIOD_LEVELS }, (_, level) => periodTerm(level, Math.floor(week / 4 ** level)));
}

/**
 * Returns the terms of the fewest aligned blocks that together are the weeks from `from` up to (not
 * including) `to`: the largest block that starts at the next week and ends within the span, in turn
 * (at most six of each level below the top; the top level as many as the span holds).
 * @example periodBlocks(2560, 2564) // ['\u{E001}1.640'] · periodBlocks(2559, 2562) // ['\u{E001}0.2559', '\u{E001}0.2560', '\u{E001}0.2561']
 */
export function periodBlocks(from: number, to: number): string[] {
  const out: string[] = [];
  for (let week = from; week < to; ) {
    let level = PERIOD_LEVELS - 1;
    while (level > 0 && (mod(week, 4 ** level) !== 0 || week + 4 ** level > to)) level--;
    out.push(periodTerm(level, week / 4 ** level));
    week += 4 ** level;
  }
  return out;
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
