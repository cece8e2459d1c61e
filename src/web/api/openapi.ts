/**
 * OpenAPI 3.1 descriptions made from a route table, the same one Fastify registers, so the two cannot
 * disagree: the admin API (admin/api/openapi.ts) and the public content API (api/routes.ts) both.
 */
import { ERROR_SCHEMA, type JsonSchema } from './common.js';

/** What the description reads of a route. */
export interface DescribedRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify's form: `/sections/:slug`. */
  url: string;
  summary: string;
  tag: string;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** The status of a success: 201 for what creates an object; 200 when not given. */
  ok?: 200 | 201;
  /** The media type of a success when it is not JSON; the response schema is then its text's. */
  type?: string;
  /** The success answer's schema. */
  response: JsonSchema;
  /** Other answers it may give, by status, with what they mean. */
  refusals?: Record<string, string>;
}

/** An answer every route (or those `when` picks) may give, described once under components.responses. */
export interface SharedResponse {
  status: string;
  name: string;
  description: string;
  /** Without a body (a 304). */
  empty?: boolean;
  /** Headers the answer carries, by name, with what they mean. */
  headers?: Record<string, string>;
  when?: (r: DescribedRoute) => boolean;
}

/** What the document says besides its paths. */
export interface OpenApiOptions<R extends DescribedRoute> {
  info: { title: string; version: string; description: string };
  /** The route's description (its operation's). */
  describe?: (r: R) => string | undefined;
  /** Headers of every success, by name, with what they mean (ETag …). */
  okHeaders?: Record<string, string>;
  shared: readonly SharedResponse[];
  securitySchemes?: Record<string, unknown>;
}

/**
 * Returns the OpenAPI 3.1 document of the routes under `prefix`.
 * @example openApiDocument(API_ROUTES, '/api/v1', { info: { title: 'Jarida', version: '1', description: '…' }, shared: [] })
 */
export function openApiDocument<R extends DescribedRoute>(routes: readonly R[], prefix: string, opts: OpenApiOptions<R>): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
  const headersOf = (h: Record<string, string> | undefined) =>
    h && Object.keys(h).length ? { headers: Object.fromEntries(Object.entries(h).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) } : {};
  for (const r of routes) {
    const path = `${prefix}${r.url.replace(/:(\w+)/g, '{$1}')}`;
    const required = (r.query?.required as string[] | undefined) ?? [];
    const parameters = [
      ...Object.entries((r.params?.properties ?? {}) as Record<string, JsonSchema>).map(([name, schema]) => ({ name, in: 'path', required: true, ...described(schema) })),
      ...Object.entries((r.query?.properties ?? {}) as Record<string, JsonSchema>).map(([name, schema]) => ({ name, in: 'query', required: required.includes(name), ...described(schema) })),
    ];
    const ok = String(r.ok ?? 200);
    const description = opts.describe?.(r);
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${r.url.replace(/:(\w+)/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(description ? { description } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      responses: {
        [ok]: { description: r.ok === 201 ? 'Created' : 'OK', ...headersOf(opts.okHeaders), content: { [r.type ?? 'application/json']: { schema: r.response } } },
        ...Object.fromEntries(opts.shared.filter((s) => s.when?.(r) ?? true).map((s) => [s.status, { $ref: `#/components/responses/${s.name}` }])),
        ...Object.fromEntries(Object.entries(r.refusals ?? {}).map(([status, text]) => [status, { description: text, content: errorContent }])),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: opts.info,
    servers: [{ url: '/' }],
    ...(opts.securitySchemes ? { security: Object.keys(opts.securitySchemes).map((k) => ({ [k]: [] })) } : {}),
    paths,
    components: {
      ...(opts.securitySchemes ? { securitySchemes: opts.securitySchemes } : {}),
      schemas: { Error: ERROR_SCHEMA },
      responses: Object.fromEntries(opts.shared.map((s) => [s.name, { description: s.description, ...headersOf(s.headers), ...(s.empty ? {} : { content: errorContent }) }])),
    },
  };
}

/** A parameter's schema, its `description` (when it has one) moved up to the parameter. */
function described(schema: JsonSchema): { schema: JsonSchema; description?: string } {
  const { description, ...rest } = schema;
  return typeof description === 'string' ? { description, schema: rest } : { schema };
}
