/**
 * The admin API at /api/admin/v1: JSON over HTTP for the desk's objects, authorised by per-user API
 * tokens (`Authorization: Bearer jrd_…`) with the role of their owner and a scope (read: GET only).
 * Every route is one entry of a table (routes.ts) that gives Fastify its schema and the OpenAPI 3.1
 * description (openapi.ts) its path, so the two cannot disagree. Bad input: 400 `{ error, field }`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { roleAtLeast, type StaffUser } from '../../../model/staff.js';
import type { ApiTokenRow } from '../../../store/api-tokens.js';
import type { WebDeps } from '../../app.js';
import { insertAuditEntry } from '../../../store/audit.js';
import { resolveApiToken } from '../accounts.js';
import { ApiError, apiErrorHandler, useApiValidators } from '../../api/common.js';
import { adminOpenApiDocument } from './openapi.js';
import type { ApiContext } from './route.js';
import { API_ROUTES } from './routes.js';

export const API_PREFIX = '/api/admin/v1';

declare module 'fastify' {
  interface FastifyRequest {
    apiUser: { user: StaffUser; token: ApiTokenRow } | null;
  }
}

/** Registers the admin API on the app. */
export async function registerAdminApi(app: FastifyInstance, web: WebDeps): Promise<void> {
  await app.register(
    async (scope) => {
      useApiValidators(scope);
      scope.decorateRequest('apiUser', null);
      scope.addHook('onRequest', async (req, reply) => {
        // Cache-Control (private, no-store) and the desk's CSP: buildApp's security headers.
        if (req.url.split('?')[0] === `${API_PREFIX}/openapi.json`) return;
        const auth = req.headers.authorization;
        const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
        req.apiUser = (await resolveApiToken(web.store, token, web.now())) ?? null;
        if (!req.apiUser) {
          reply.header('www-authenticate', 'Bearer realm="jarida"');
          return reply.code(401).send({ error: token ? 'the API token is not valid (revoked, unknown, or from before a password change)' : 'an API token is required: Authorization: Bearer <token>' });
        }
      });
      scope.setErrorHandler(apiErrorHandler('admin api'));
      scope.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'no such endpoint (see /api/admin/v1/openapi.json)' }));

      const doc = JSON.stringify(adminOpenApiDocument(API_ROUTES, API_PREFIX));
      scope.get('/openapi.json', (_req, reply) => reply.type('application/json; charset=utf-8').send(doc));

      for (const route of API_ROUTES) {
        scope.route({
          method: route.method,
          url: route.url,
          schema: { ...(route.params ? { params: route.params } : {}), ...(route.query ? { querystring: route.query } : {}), ...(route.body ? { body: route.body } : {}) },
          handler: async (req: FastifyRequest, reply: FastifyReply) => {
            const { user, token } = req.apiUser!;
            if (route.method !== 'GET' && token.scope !== 'write') throw new ApiError(403, 'this token is read-only (scope read)');
            if (!roleAtLeast(user.role, route.role)) throw new ApiError(403, `this needs the role ${route.role} or above; the token's owner is ${user.role}`);
            const ctx: ApiContext = {
              web,
              user,
              now: web.now(),
              params: (req.params ?? {}) as Record<string, string>,
              query: (req.query ?? {}) as Record<string, unknown>,
              body: (req.body ?? {}) as Record<string, unknown>,
              log: req.log,
              audit: (action, target, detail) => insertAuditEntry(web.store.db, { at: web.now(),  userId: user.id, userEmail: user.email, action, target, detail: { ...detail, via: 'api', token: token.id }, ip: req.ip }),
            };
            const out = await route.handler(ctx);
            if (route.type) reply.type(route.type);
            return reply.code(out.status ?? route.ok ?? 200).headers(out.headers ?? {}).send(out.body);
          },
        });
      }
    },
    { prefix: API_PREFIX },
  );
}
