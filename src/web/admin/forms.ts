/**
 * What the desk's source, section and page forms share: the fields they read, and which errors are
 * the editor's to fix (shown on the form, one line) rather than the site's (the error page).
 */
import { checkDuration } from '../../model/duration.js';
import { isLanguageTag, LANGS } from '../../model/types.js';

/** Returns a form field as a string ('' when missing or not text). */
export function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}

/** Returns a field's values as strings (a repeated field: all of them). */
export function fieldList(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string');
}

/** A form field that is not right; the message starts with the field's name. */
export class DeskInputError extends Error {
  readonly code = 'JARIDA_DESK_INPUT';
}

// The operations' own errors that name what the editor asked for: a bad URL, a feed that is not
// there, a rule, a slug, a page field, an OPML file. Anything else (the store down, a bug) is the error page's.
const INPUT_CODES = /^JARIDA_(DESK_INPUT|FETCH_|PARSE_|SOURCE_|RULE_|SECTION_|PAGE_|OPML_)/;

/**
 * Returns the one-line message of an error the editor can fix, or null for any other error.
 * @example inputErrorMessage(new RuleError('rules: "x:y": unknown field x …')) // 'rules: "x:y": unknown field x …'
 */
export function inputErrorMessage(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && INPUT_CODES.test(code) ? (err as Error).message.replace(/\s+/g, ' ').slice(0, 1000) : null;
}

/** Returns a text field trimmed ('' when missing). */
export function text(body: unknown, name: string): string {
  return field(body, name).trim();
}

/** Returns whether a checkbox was ticked. */
export function checked(body: unknown, name: string): boolean {
  return ['on', '1', 'true', 'yes'].includes(field(body, name));
}

/** Returns the field's lines, trimmed, without blank ones (a rule or a word per line). */
export function lines(body: unknown, name: string): string[] {
  return field(body, name).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

/** Returns the seconds of a duration field (undefined when blank); throws DeskInputError naming the field. */
export function durationField(body: unknown, name: string, label: string, maxS: number): number | undefined {
  const v = text(body, name);
  if (!v) return undefined;
  const d = checkDuration(v, maxS);
  if ('problem' in d) throw new DeskInputError(`${label}: ${JSON.stringify(v.slice(0, 40))} ${d.problem}`);
  return d.seconds;
}

/** Returns a language field (undefined when blank); throws DeskInputError when it is not a language tag. */
export function languageField(body: unknown, name: string): string | undefined {
  const v = text(body, name);
  if (!v) return undefined;
  if (!isLanguageTag(v)) throw new DeskInputError(`language: ${JSON.stringify(v.slice(0, 40))} must be a language code such as ${LANGS.join(', ')}`);
  return v;
}

/** Returns the number of a path's `:id` (a positive whole number), or undefined. */
export function idParam(params: unknown): number | undefined {
  const raw = (params as { id?: string } | undefined)?.id ?? '';
  return /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined;
}
