/**
 * What every endpoint of the admin API is made of: its entry in the table (ApiRoute), what its
 * handler gets (ApiContext), and the refusal it throws (ApiError). routes.ts and sources.ts fill the
 * table; the plugin registers it and openapi.ts describes it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Role, StaffUser } from '../../../model/staff.js';
import type { WebDeps } from '../../app.js';
import { inputErrorMessage } from '../forms.js';

/** A refusal with its status and the field it is about (and, for a 409, who holds what). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What a handler gets. */
export interface ApiContext {
  web: WebDeps;
  user: StaffUser;
  now: Date;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  /** The request's logger (a fetch the handler starts logs there). */
  log: FastifyBaseLogger;
  /** Records the action in the audit log (with the token and address). */
  audit(action: string, target: string, detail?: Record<string, unknown>): Promise<void>;
}

/** A JSON Schema (2020-12, as OpenAPI 3.1 takes it). */
export type JsonSchema = Record<string, unknown>;

/** What a handler answers: the body (JSON, or text of the route's `type`), its status and headers. */
export interface ApiAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** One endpoint. */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify's form: `/sections/:slug`. */
  url: string;
  summary: string;
  tag: string;
  role: Role;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** The status of a success: 201 for what creates an object; 200 when not given. */
  ok?: 200 | 201;
  /** The media type of a success when it is not JSON (the OPML export); the response schema is then its text's. */
  type?: string;
  /** The success answer's schema (for the description). */
  response: JsonSchema;
  /** Other answers than 400/401/403/404 it may give, by status, with what they mean (409: held by another process). */
  refusals?: Record<string, string>;
  handler(ctx: ApiContext): Promise<ApiAnswer>;
}

/** Returns the schema of a string of at most `max` characters (with more keywords). */
export const str = (max: number, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', maxLength: max, ...extra });

/** The schema of an error answer: `{ error, field? }`. */
export const ERROR_SCHEMA: JsonSchema = { type: 'object', required: ['error'], properties: { error: { type: 'string' }, field: { type: 'string' } } };

/** The path schema of `/…/:id` (a positive whole number). */
export const ID_PARAM: JsonSchema = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1, maximum: 9007199254740991 } } };

/**
 * Runs an operation whose refusals the desk shows on its forms (a URL that is not http(s) or not a
 * feed, a fetch that failed, a rule, a slug, a name taken, a bad OPML file): 400 naming the field, 409
 * for a duplicate; any other error is the site's.
 */
export async function asCaller<T>(field: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const message = inputErrorMessage(err);
    if (message === null) throw err;
    throw new ApiError(/ is already source \d+| exists already/.test(message) ? 409 : 400, message, field);
  }
}
