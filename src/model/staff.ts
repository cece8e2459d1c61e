/** Staff of the desk: roles and what each may do (Ghost's model). Plain rules, no I/O. */

/** contributor < author < editor < admin. */
export type Role = 'contributor' | 'author' | 'editor' | 'admin';
export const ROLES: readonly Role[] = ['contributor', 'author', 'editor', 'admin'];

/** A staff account as the desk sees it (never its password hash or TOTP secret). */
export interface StaffUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  /** The second factor (TOTP) is on. */
  totp: boolean;
  disabled: boolean;
  /** Sessions and tokens begun before this instant are refused. */
  passwordChangedAt: string | null;
  /** The account's password is set (its one-time link was used). */
  active: boolean;
  createdAt: string;
}

/** Returns whether `role` is at least `min`. */
export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

/** Returns whether the text names a role. */
export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** What the desk asks about an article to decide who may touch it. */
export interface ArticleOwnership {
  /** Its staff author; null for an aggregated or imported article. */
  userId: number | null;
  status: string;
}

/** Returns whether the user may open the article in the desk: editors and admins any, contributors and authors their own (Ghost's rule). */
export function maySeeArticle(u: Pick<StaffUser, 'id' | 'role'>, a: Pick<ArticleOwnership, 'userId'>): boolean {
  return roleAtLeast(u.role, 'editor') || a.userId === u.id;
}

/**
 * Returns whether the user may change the article: editors and admins any; authors their own;
 * contributors their own while not published (a draft).
 */
export function mayEditArticle(u: Pick<StaffUser, 'id' | 'role'>, a: ArticleOwnership): boolean {
  if (roleAtLeast(u.role, 'editor')) return true;
  if (a.userId !== u.id) return false;
  return u.role === 'author' || a.status === 'draft';
}

/** Returns whether the user may publish (or schedule) the article: editors any, authors their own, contributors never. */
export function mayPublishArticle(u: Pick<StaffUser, 'id' | 'role'>, a: Pick<ArticleOwnership, 'userId'>): boolean {
  if (roleAtLeast(u.role, 'editor')) return true;
  return u.role === 'author' && a.userId === u.id;
}

/** The desk's areas beyond articles, and the least role for each. */
export const AREA_ROLE = {
  /** Sources, sections and tags, the site's own pages, hiding and deleting any article. */
  manage: 'editor',
  /** Accounts, settings, the audit log. */
  admin: 'admin',
} as const satisfies Record<string, Role>;
