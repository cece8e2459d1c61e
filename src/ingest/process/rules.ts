/** Per-source keep/block rules and the maximum age, applied to each parsed item before it is stored. */
import { RULE_FIELDS, type Rule, type RuleField, type SourceRules } from '../../model/rules.js';
import { formatDuration } from '../../model/duration.js';
import type { FeedItem } from '../../model/feed.js';

/** A rule that cannot be parsed; the message names it. */
export class RuleError extends Error {
  readonly code = 'JARIDA_RULE_INVALID';
}

/**
 * Returns the rule written as `field:pattern`, `field:/regex/flags`, `/regex/flags` or `text`
 * (no field: any of title, content, url, author, category). A word directly followed by a colon
 * (`nonsense:foo`) must be one of the fields, so a typo is an error rather than text that matches
 * nothing; text with a colon is matched with `any:` in front (`any:note:foo`). After any other word,
 * a colon followed by a space or `//` is text (`Breaking: news`, `https://example.com/ads`). Field
 * names may be in capitals; spaces after a field's colon are dropped.
 * @example parseRule('title:/^sponsored/i') // { field: 'title', pattern: '^sponsored', regex: true, flags: 'i' }
 */
export function parseRule(spec: string): Rule {
  const known = /^([A-Za-z]+):\s*(.*)$/s.exec(spec);
  const isField = known !== null && (RULE_FIELDS as readonly string[]).includes(known[1]!.toLowerCase());
  if (!isField && readsAsField(spec)) {
    throw new RuleError(`rules: "${spec}": unknown field ${known![1]}; the fields are ${RULE_FIELDS.join(', ')} (text with a colon: any:${spec})`);
  }
  const field = isField ? (known![1]!.toLowerCase() as RuleField) : 'any';
  const body = isField ? known![2]! : spec;
  if (!body.trim()) throw new RuleError(`rules: "${spec}" has nothing to match`);
  const re = /^\/(.+)\/([a-z]*)$/s.exec(body);
  if (!re) return { field, pattern: body, regex: false };
  const flags = re[2]!.replace(/[gy]/g, '');
  try {
    new RegExp(re[1]!, flags);
  } catch (err) {
    throw new RuleError(`rules: "${spec}" is not a valid regular expression: ${(err as Error).message}`);
  }
  return { field, pattern: re[1]!, regex: true, ...(flags ? { flags } : {}) };
}

/** Returns the rule as the CLI writes it (the inverse of parseRule: text that would read as a field keeps its `any:`). */
export function formatRule(r: Rule): string {
  const body = r.regex ? `/${r.pattern}/${r.flags ?? ''}` : r.pattern;
  return r.field === 'any' && !readsAsField(body) ? body : `${r.field}:${body}`;
}

/**
 * Returns a source's rules in one line, as `sources rules` prints them and the desk shows them.
 * @example describeRules(rules) // 'block title:/^sponsored/i · max age 7d · republish full'
 */
export function describeRules(r: SourceRules): string {
  return [
    ...r.keep.map((k) => `keep ${formatRule(k)}`),
    ...r.block.map((b) => `block ${formatRule(b)}`),
    ...(r.maxAgeDays !== null ? [`max age ${formatDuration(r.maxAgeDays * 86_400)}`] : []),
    `republish ${r.republish}`,
  ].join(' · ');
}

/** Returns true when parseRule would take the start of `text` for a field name (known or not). */
function readsAsField(text: string): boolean {
  const m = /^([A-Za-z]+):(\/\/|\s)?/.exec(text);
  return m !== null && (m[2] === undefined || (RULE_FIELDS as readonly string[]).includes(m[1]!.toLowerCase()));
}

function values(item: FeedItem, field: RuleField): string[] {
  switch (field) {
    case 'title': return [item.title ?? ''];
    case 'content': return [item.content ?? '', item.summary ?? ''];
    case 'url': return [item.url ?? ''];
    case 'author': return [item.author ?? ''];
    case 'category': return item.categories;
    case 'any': return [item.title ?? '', item.content ?? '', item.summary ?? '', item.url ?? '', item.author ?? '', ...item.categories];
  }
}

/** Returns true when the item matches the rule. */
export function matchesRule(item: FeedItem, rule: Rule): boolean {
  if (rule.regex) {
    const re = new RegExp(rule.pattern, rule.flags);
    return values(item, rule.field).some((v) => re.test(v));
  }
  const needle = rule.pattern.toLocaleLowerCase();
  return values(item, rule.field).some((v) => v.toLocaleLowerCase().includes(needle));
}

/**
 * Returns why the item is dropped by the source's rules, or null to keep it: a kind, then after
 * `: ` the detail (`too old: over 7d`, `blocked by rule: title:Ad`, `no keep rule matched`), so a
 * summary can count skips by kind.
 */
export function ruleVerdict(item: FeedItem, rules: SourceRules, published: Date, now: Date): string | null {
  if (rules.maxAgeDays !== null && now.getTime() - published.getTime() > rules.maxAgeDays * 86_400_000) {
    return `too old: over ${formatDuration(rules.maxAgeDays * 86_400)}`;
  }
  const blocked = rules.block.find((r) => matchesRule(item, r));
  if (blocked) return `blocked by rule: ${formatRule(blocked)}`;
  if (rules.keep.length && !rules.keep.some((r) => matchesRule(item, r))) return 'no keep rule matched';
  return null;
}
