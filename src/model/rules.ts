/** Per-source rules: which items to keep or block, how old they may be, and what to republish. */

export type RuleField = 'title' | 'content' | 'url' | 'author' | 'category' | 'any';
export const RULE_FIELDS: readonly RuleField[] = ['title', 'content', 'url', 'author', 'category', 'any'];

/** One condition: plain text (case-insensitive substring) or a regular expression on a field. */
export interface Rule {
  field: RuleField;
  /** Text to find, or the source of a regular expression when `regex` is set. */
  pattern: string;
  regex: boolean;
  /** Regular expression flags (only with `regex`), e.g. 'i'. */
  flags?: string;
}

/** What a source's items must satisfy and what of them is republished. */
export interface SourceRules {
  /** When not empty, an item must match at least one. */
  keep: Rule[];
  /** An item matching any is dropped. */
  block: Rule[];
  /** Items older than this many days (by publication time) are dropped. */
  maxAgeDays: number | null;
  /** summary: store the summary only (the article links to the original); full: the full text. */
  republish: 'summary' | 'full';
}

export const DEFAULT_RULES: SourceRules = Object.freeze({ keep: [], block: [], maxAgeDays: null, republish: 'full' }) as SourceRules;
