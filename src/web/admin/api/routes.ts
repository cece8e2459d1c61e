/**
 * Every endpoint of the admin API, one entry each: method, path, least role, schemas and a handler
 * that calls the same operations as the desk's forms. The plugin registers them; openapi.ts describes them.
 */
import type { Role, StaffUser } from '../../../model/staff.js';
import { addSection, findCategories, findSections, moveSection, removeCategory, renameCategory, type Category } from '../../../store/categories.js';
import type { WebDeps } from '../../app.js';

/** A refusal with its status and the field it is about. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
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
  /** Records the action in the audit log (with the token and address). */
  audit(action: string, target: string, detail?: Record<string, unknown>): Promise<void>;
}

type JsonSchema = Record<string, unknown>;

/** One endpoint. */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify's form: `/sections/:slug`. */
  url: string;
  summary: string;
  tag: string;
  role: Role;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** The 200/201 answer's schema (for the description). */
  response: JsonSchema;
  handler(ctx: ApiContext): Promise<{ status?: number; body: unknown }>;
}

const str = (max: number, extra: JsonSchema = {}) => ({ type: 'string', maxLength: max, ...extra });
const slugParam: JsonSchema = { type: 'object', required: ['slug'], properties: { slug: str(100, { pattern: '^[a-z0-9][a-z0-9-]*$' }) } };
const error = { type: 'object', required: ['error'], properties: { error: { type: 'string' }, field: { type: 'string' } } };
export const ERROR_SCHEMA = error;

const categorySchema: JsonSchema = {
  type: 'object',
  required: ['id', 'slug', 'kind', 'position', 'name', 'names', 'count'],
  properties: {
    id: { type: 'integer' },
    slug: { type: 'string' },
    kind: { type: 'string', enum: ['section', 'tag'] },
    position: { type: 'integer' },
    name: { type: 'string' },
    names: { type: 'object', properties: { en: { type: 'string' }, tr: { type: 'string' }, ar: { type: 'string' } } },
    count: { type: 'integer' },
  },
};
const names = { name: str(100), en: str(100), tr: str(100), ar: str(100) };

/** Runs a store operation whose plain errors are the caller's mistakes (`sections: world exists already`): 400. */
async function refusing<T>(field: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const m = (err as Error).message;
    if (/^sections: /.test(m)) throw new ApiError(m.includes('exists already') ? 409 : 400, m, field);
    throw err;
  }
}

const category = (c: Category) => c;

export const API_ROUTES: ApiRoute[] = [
  {
    method: 'GET', url: '/me', tag: 'account', role: 'contributor', summary: "The token's owner and scope",
    response: { type: 'object', properties: { id: { type: 'integer' }, email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } } },
    handler: async ({ user }) => ({ body: { id: user.id, email: user.email, name: user.name, role: user.role } }),
  },
  {
    method: 'GET', url: '/sections', tag: 'sections', role: 'contributor', summary: 'The sections in menu order, and the most used tags',
    query: { type: 'object', additionalProperties: false, properties: { tags: { type: 'integer', minimum: 0, maximum: 1000 } } },
    response: { type: 'object', properties: { sections: { type: 'array', items: categorySchema }, tags: { type: 'array', items: categorySchema } } },
    handler: async ({ web, query }) => ({ body: { sections: (await findSections(web.store.db)).map(category), tags: query.tags ? await findCategories(web.store.db, 'tag', Number(query.tags)) : [] } }),
  },
  {
    method: 'POST', url: '/sections', tag: 'sections', role: 'editor', summary: 'Add a section (or make the tag of that slug one)',
    body: { type: 'object', required: ['slug'], additionalProperties: false, properties: { slug: str(100, { pattern: '^[a-z0-9][a-z0-9-]*$' }), ...names, position: { type: 'integer', minimum: 1, maximum: 1000 } } },
    response: categorySchema,
    handler: async ({ web, body, audit }) => {
      const { slug, position, ...n } = body as { slug: string; position?: number } & Record<string, string>;
      const made = await refusing('slug', () => addSection(web.store.db, slug, n, position));
      await audit('section.add', `section:${made.slug}`, { slug: made.slug, names: made.names, name: made.name });
      return { status: 201, body: made };
    },
  },
  {
    method: 'PATCH', url: '/sections/:slug', tag: 'sections', role: 'editor', summary: 'Rename a section or tag, change its slug, or move it in the menu',
    params: slugParam,
    body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { slug: str(100, { pattern: '^[a-z0-9][a-z0-9-]*$' }), ...names, position: { type: 'integer', minimum: 1, maximum: 1000 } } },
    response: categorySchema,
    handler: async ({ web, params, body, audit }) => {
      const { position, ...change } = body as { position?: number } & Record<string, string>;
      const renamed = Object.keys(change).length ? await refusing('slug', () => renameCategory(web.store.db, params.slug!, change)) : true;
      if (!renamed) throw new ApiError(404, `no section or tag ${params.slug}`);
      const slug = change.slug ?? params.slug!;
      if (position !== undefined && !(await moveSection(web.store.db, slug, position))) throw new ApiError(400, `${slug} is a tag: only sections have a place in the menu`, 'position');
      await audit('section.edit', `section:${slug}`, { from: params.slug, ...body });
      const all = [...(await findSections(web.store.db)), ...(await findCategories(web.store.db, 'tag'))];
      return { body: all.find((c) => c.slug === slug) };
    },
  },
  {
    method: 'DELETE', url: '/sections/:slug', tag: 'sections', role: 'editor', summary: 'Remove a section or tag (its articles stay)',
    params: slugParam,
    response: { type: 'object', properties: { removed: { type: 'string' } } },
    handler: async ({ web, params, audit }) => {
      if (!(await removeCategory(web.store.db, params.slug!))) throw new ApiError(404, `no section or tag ${params.slug}`);
      await audit('section.remove', `section:${params.slug}`, {});
      return { body: { removed: params.slug } };
    },
  },
];
