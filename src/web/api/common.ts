/**
 * What both JSON APIs share (the admin API at /api/admin/v1, the public content API at /api/v1):
 * the refusal a handler throws (ApiError), the schemas of errors and ids, the validators Fastify
 * compiles the route tables' schemas with, and the error handler that turns every refusal into
 * `400 { error, field }` (or its status), never a 500 for bad input.
 */
import { Ajv } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StoreError } from '../../store/db.js';

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

/** A JSON Schema (2020-12, as OpenAPI 3.1 takes it). */
export type JsonSchema = Record<string, unknown>;

/** What a handler answers: the body (JSON, or text of the route's `type`), its status and headers. */
export interface ApiAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** Returns the schema of a string of at most `max` characters (with more keywords). */
export const str = (max: number, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', maxLength: max, ...extra });

/** The schema of an error answer: `{ error, field? }`. */
export const ERROR_SCHEMA: JsonSchema = { type: 'object', required: ['error'], properties: { error: { type: 'string' }, field: { type: 'string' } } };

/** The path schema of `/…/:id` (a positive whole number). */
export const ID_PARAM: JsonSchema = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1, maximum: 9007199254740991 } } };

/**
 * Sets the scope's validators: bodies are taken as sent (no type coercion, no silently dropped
 * unknown field: Fastify's defaults do both); the query string and path are text, so there numbers
 * are read from it.
 * @example await app.register(async (scope) => { useApiValidators(scope); … }, { prefix: '/api/v1' });
 */
export function useApiValidators(scope: FastifyInstance): void {
  const strict = new Ajv({ allErrors: false, coerceTypes: false, removeAdditional: false, useDefaults: false });
  const lenient = new Ajv({ allErrors: false, coerceTypes: true, removeAdditional: false, useDefaults: false });
  scope.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema));
}

/**
 * Returns the scope's error handler: an ApiError as its status and `{ error, field }`; a schema
 * refusal as 400 naming the field (`querystring.limit: must match pattern …`, field `limit`); the
 * store out of reach as 503; anything else as 500, logged with `label`.
 */
export function apiErrorHandler(label: string) {
  return (err: FastifyError & { validation?: { instancePath: string; params: Record<string, unknown> }[] }, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ApiError) return reply.code(err.status).send({ error: err.message, ...(err.field ? { field: err.field } : {}), ...err.extra });
    if (err.validation) {
      const v = err.validation[0]!;
      const field = (v.params.missingProperty as string | undefined) ?? (v.params.additionalProperty as string | undefined) ?? v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      return reply.code(400).send({ error: `${err.validationContext ?? 'request'}${field ? `.${field}` : ''}: ${err.message.replace(/^[a-z]+(\/[\w.]*)? /, '')}`, field: field || undefined });
    }
    if (err instanceof StoreError) return reply.code(503).header('retry-after', '5').send({ error: 'the database is out of reach; try again in a moment' });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, url: req.url }, `${label}: request failed`);
    return reply.code(status).send({ error: status < 500 ? err.message : 'internal error; see the log' });
  };
}
