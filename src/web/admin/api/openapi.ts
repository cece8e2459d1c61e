/** The admin API's OpenAPI 3.1 description, made from the same route table Fastify registers (web/api/openapi.ts). */
import { openApiDocument } from '../../api/openapi.js';
import type { ApiRoute } from './route.js';

/** Returns the OpenAPI 3.1 document of the admin routes under `prefix`. */
export function adminOpenApiDocument(routes: readonly ApiRoute[], prefix: string): Record<string, unknown> {
  return openApiDocument(routes, prefix, {
    info: { title: 'Jarida admin API', version: '1', description: 'The editorial desk as JSON. Authorise with a per-user API token made in the desk (your account page): `Authorization: Bearer jrd_…`. A token has its owner\'s role; scope read allows GET only.' },
    describe: (r) => `Least role: ${r.role}.${r.method === 'GET' ? '' : ' Needs a token with the write scope.'}`,
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token from the desk (jrd_…)' } },
    shared: [
      { status: '400', name: 'BadRequest', description: 'Bad input: `error` names the field, `field` is it' },
      { status: '401', name: 'Unauthorized', description: 'No token, or one that is revoked, unknown, or from before a password change' },
      { status: '403', name: 'Forbidden', description: "The token's scope or its owner's role does not allow it" },
      { status: '404', name: 'NotFound', description: 'No such object', when: (r) => r.params !== undefined },
    ],
  });
}
