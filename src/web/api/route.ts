/**
 * What every endpoint of the public content API is made of: its entry in the table (ContentRoute,
 * routes.ts), what its handler gets (ContentContext), and the parameter schemas they share. Every
 * parameter is text checked by a pattern (no coercion: `0x10` is no id, `1e1` no limit) and read in
 * the handler; a parameter the route does not know is a 400 naming it.
 */
import type { SiteSettings } from '../../config.js';
import type { WebDeps } from '../app.js';
import { str, type JsonSchema } from './common.js';
import type { DescribedRoute } from './openapi.js';

/** What a handler gets. */
export interface ContentContext {
  web: WebDeps;
  /** The site settings in effect for this request. */
  site: SiteSettings;
  now: Date;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  /** Where absolute links point (the siteUrl, else the checked Host: web/origin.ts). */
  origin: string;
}

/** One endpoint: read-only, its answer JSON. */
export interface ContentRoute extends DescribedRoute {
  method: 'GET';
  handler(ctx: ContentContext): Promise<unknown>;
  /**
   * What the answer shows, as page cache tags (web/cache.ts `tags`): with them `jarida serve` keeps it
   * in memory until a change touches them. Without, it is made afresh every time.
   */
  cacheTags?(ctx: ContentContext): string[];
}

/** A query string schema of these parameters, none required, no other allowed. */
export function queryOf(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', additionalProperties: false, properties };
}

/** A local day parameter. */
export const DAY = (description: string): JsonSchema => str(10, { pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description });

/** A slug parameter (a section's, tag's or source's): letters, digits, `-` and `_`. */
export const SLUG = (description: string): JsonSchema => str(200, { minLength: 1, pattern: '^[\\p{L}\\p{M}\\p{N}_-]+$', description });

/** A positive whole number given as text (an id). */
export const WHOLE = (description: string, maxDigits = 15): JsonSchema => str(maxDigits, { pattern: `^[1-9][0-9]{0,${maxDigits - 1}}$`, description });

/** A language tag parameter (`en`, `pt-BR`). */
export const LANG_TAG = (description: string): JsonSchema => str(35, { pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$', description });

/** The path schema of `/…/:id`. */
export const ID_PATH: JsonSchema = { type: 'object', required: ['id'], properties: { id: WHOLE('The article id') } };

/** The schema of a nullable value. */
export const nullable = (schema: JsonSchema): JsonSchema => ({ oneOf: [schema, { type: 'null' }] });

/** The schema of an object whose properties are all required. */
export const obj = (properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema => ({ type: 'object', required: Object.keys(properties), properties, ...extra });

/** Schemas of plain values. */
export const S = { string: { type: 'string' }, int: { type: 'integer' }, bool: { type: 'boolean' }, url: { type: 'string', format: 'uri' }, day: { type: 'string', format: 'date' }, instant: { type: 'string', format: 'date-time' } } as const;
