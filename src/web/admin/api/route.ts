/**
 * What every endpoint of the admin API is made of: its entry in the table (ApiRoute), what its
 * handler gets (ApiContext), and the refusal it throws (ApiError). routes.ts and sources.ts fill the
 * table; the plugin registers it and openapi.ts describes it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Role, StaffUser } from '../../../model/staff.js';
import type { WebDeps } from '../../app.js';
import { inputErrorMessage } from '../forms.js';
import { ApiError, type ApiAnswer } from '../../api/common.js';
import type { DescribedRoute } from '../../api/openapi.js';

// Shared with the public content API (web/api/common.ts); imported from here by the admin's route files.
export { ApiError, ERROR_SCHEMA, ID_PARAM, str, type ApiAnswer, type JsonSchema } from '../../api/common.js';

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

/** One endpoint: what the description reads (web/api/openapi.ts), the least role, and its handler. */
export interface ApiRoute extends DescribedRoute {
  role: Role;
  handler(ctx: ApiContext): Promise<ApiAnswer>;
}

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
