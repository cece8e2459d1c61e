/**
 * LIMITs written into SQLite statements instead of bound. SQLite's planner reads the value of a
 * bound LIMIT (it may change the plan), so it marks the statement to be prepared again whenever that
 * parameter is bound — and better-sqlite3 binds every parameter on every run: each page list, every
 * search read was parsed and planned anew each time (`sqlite3Reprepare` under `sqlite3_step`: half
 * of a 20-headline read, 59 → 43 µs, and 7% of a cold day page's CPU in a profile). Statements are
 * kept per SQL text, so each LIMIT value a query is run with gets a statement of its own (a handful:
 * page sizes, 1). OFFSET and other parameters stay bound: they do not make SQLite prepare again.
 */

/** Where a SQL text's LIMIT placeholders are, and its forms with their values written in. */
interface LimitPlaces {
  /** Placeholders (`?`) in the text, outside quotes. */
  placeholders: number;
  /** The parameter index of each `limit ?`, in order. */
  at: number[];
  /** The text split around those placeholders: parts.length === at.length + 1. */
  parts: string[];
  /** Texts made so far, by the limit values (`20,` …). */
  forms: Map<string, string>;
}

/** SQL texts looked at; cleared when full (every page's reads fit many times over). */
const MAX_TEXTS = 1000;
/** Forms per text kept (distinct LIMIT values a query is run with); the statements of them too (dialect.ts). */
export const MAX_LIMIT_FORMS = 32;

const places = new Map<string, LimitPlaces | null>();

/**
 * Returns the SQL with each bound LIMIT written as its value and the parameters without them, or the
 * two as given when the text has no `limit ?`, a value is not a whole number, or the count of
 * placeholders does not match the parameters (the text is not what this expects: leave it alone).
 * @example withLimitsWritten('select id from a where x = ? limit ? offset ?', ['x', 20, 40]) // ['select id from a where x = ? limit 20 offset ?', ['x', 40]]
 */
export function withLimitsWritten(sql: string, parameters: readonly unknown[]): [string, readonly unknown[]] {
  const p = limitPlaces(sql);
  if (!p || p.placeholders !== parameters.length) return [sql, parameters];
  let key = '';
  for (const i of p.at) {
    const v = parameters[i];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return [sql, parameters];
    key += `${v},`;
  }
  let text = p.forms.get(key);
  if (text === undefined) {
    text = p.parts[0]!;
    for (let k = 0; k < p.at.length; k++) text += String(parameters[p.at[k]!]) + p.parts[k + 1]!;
    if (p.forms.size >= MAX_LIMIT_FORMS) p.forms.clear();
    p.forms.set(key, text);
  }
  const rest: unknown[] = [];
  let next = 0;
  for (let i = 0; i < parameters.length; i++) {
    if (i === p.at[next]) next++;
    else rest.push(parameters[i]);
  }
  return [text, rest];
}

/** Returns whether a SQL text binds a LIMIT that withLimitsWritten may write in. */
export function bindsLimit(sql: string): boolean {
  return limitPlaces(sql) !== null;
}

function limitPlaces(sql: string): LimitPlaces | null {
  let p = places.get(sql);
  if (p === undefined) {
    p = findLimitPlaces(sql);
    if (places.size >= MAX_TEXTS) places.clear();
    places.set(sql, p);
  }
  return p;
}

/**
 * Returns the LIMIT placeholders of a SQL text (null when it has none): `?` outside '…' and "…"
 * counted in order, those after the word LIMIT noted.
 */
function findLimitPlaces(sql: string): LimitPlaces | null {
  if (!/\blimit\s+\?/i.test(sql)) return null;
  const at: number[] = [];
  const parts: string[] = [];
  let placeholders = 0;
  let from = 0;
  let quote = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = ''; // a doubled quote closes and opens again: the same
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if ((c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '*')) return null; // a comment: not Kysely's text
    else if (c === '?') {
      if (sql.charCodeAt(i + 1) >= 48 && sql.charCodeAt(i + 1) <= 57) return null; // ?NNN: numbered, not Kysely's
      if (/\blimit\s+$/i.test(sql.slice(Math.max(0, i - 16), i))) {
        at.push(placeholders);
        parts.push(sql.slice(from, i));
        from = i + 1;
      }
      placeholders++;
    }
  }
  if (quote || at.length === 0) return null;
  parts.push(sql.slice(from));
  return { placeholders, at, parts, forms: new Map() };
}
