/** The admin API's OpenAPI 3.1 description, made from the same route table Fastify registers. */
import { ERROR_SCHEMA, type ApiRoute } from './route.js';

/** Returns the OpenAPI 3.1 document of the routes under `prefix`. */
export function openApiDocument(routes: readonly ApiRoute[], prefix: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const response = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  for (const r of routes) {
    const path = `${prefix}${r.url.replace(/:(\w+)/g, '{$1}')}`;
    const parameters = [
      ...Object.entries((r.params?.properties ?? {}) as Record<string, object>).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
      ...Object.entries((r.query?.properties ?? {}) as Record<string, object>).map(([name, schema]) => ({ name, in: 'query', required: ((r.query?.required as string[] | undefined) ?? []).includes(name), schema })),
    ];
    const ok = String(r.ok ?? 200);
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${r.url.replace(/:(\w+)/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      description: `Least role: ${r.role}.${r.method === 'GET' ? '' : ' Needs a token with the write scope.'}`,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      responses: {
        [ok]: { description: r.ok === 201 ? 'Created' : 'OK', content: { [r.type ?? 'application/json']: { schema: r.response } } },
        '400': { $ref: '#/components/responses/BadRequest' },
        '401': { $ref: '#/components/responses/Unauthorized' },
        '403': { $ref: '#/components/responses/Forbidden' },
        ...(r.params ? { '404': { $ref: '#/components/responses/NotFound' } } : {}),
        ...Object.fromEntries(Object.entries(r.refusals ?? {}).map(([status, description]) => [status, response(description)])),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Jarida admin API', version: '1', description: 'The editorial desk as JSON. Authorise with a per-user API token made in the desk (your account page): `Authorization: Bearer jrd_…`. A token has its owner\'s role; scope read allows GET only.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token from the desk (jrd_…)' } },
      schemas: { Error: ERROR_SCHEMA },
      responses: {
        BadRequest: response('Bad input: `error` names the field, `field` is it'),
        Unauthorized: response('No token, or one that is revoked, unknown, or from before a password change'),
        Forbidden: response("The token's scope or its owner's role does not allow it"),
        NotFound: response('No such object'),
      },
    },
  };
}
