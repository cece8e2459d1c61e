/** The typed shape of every table, one interface per table, joined in `Database` (Kysely). */
import type { Generated } from 'kysely';

export interface SourcesTable {
  id: Generated<number>;
  kind: string;
  url: string | null;
  title: string;
  site_url: string | null;
  language: string | null;
  enabled: number;
  full_text: number;
  etag: string | null;
  last_modified: string | null;
  next_fetch_at: string | null;
  interval_s: number | null;
  error_count: number;
  last_error: string | null;
  last_fetched_at: string | null;
  created_at: string;
  rules: string | null;
  canonical_here: number;
  ttl_minutes: number | null;
  skip_hours: string | null;
  last_status: number | null;
  last_success_at: string | null;
  claimed_until: string | null;
  /** Unique: `kind url URL` for feeds and pages, `kind title TITLE` otherwise (0005). */
  identity: string | null;
  /** The process holding claimed_until: `host pid N`. */
  claimed_by: string | null;
  /** The section of its articles whose words map to none (0006). */
  default_section_id: number | null;
  /** Its page: `/source/<slug>/` (0006). */
  slug: string | null;
  /** Its published articles, kept with every article write (0006). */
  published_count: number;
  /** The WebSub hub and topic (self URL) its feed last advertised (0015). */
  websub_hub?: string | null;
  websub_topic?: string | null;
}

export interface ArticlesTable {
  id: Generated<number>;
  source_id: number;
  guid: string;
  url: string | null;
  canonical_url: string | null;
  slug: string;
  title: string;
  summary: string | null;
  content_html: string | null;
  author: string | null;
  language: string | null;
  image_url: string | null;
  published_at: string;
  local_day: string;
  status: string;
  content_hash: string | null;
  created_at: string;
  updated_at: string;
  categories: string | null;
  /** When an editor last changed it in the desk: the next fetch of its feed leaves it as edited (0009). */
  edited_at: string | null;
  /** The Markdown a desk article was written in; content_html is it rendered and sanitized (0009). */
  body_source: string | null;
  /** The staff member who wrote it in the desk (0009). */
  user_id: number | null;
  /** Its canonical link: null follows the source's canonical_here, 1 this site's copy, 0 the original (0014). */
  canonical_here: number | null;
  /** Its key in the search index: publication second and a hash (store/search-key.ts; 0017). */
  search_key: number | null;
}

/** A section (in the menu, named per language) or a tag (any other word an article is filed under). */
export interface CategoriesTable {
  id: Generated<number>;
  slug: string;
  kind: string;
  position: number;
  name: string;
  name_en: string | null;
  name_tr: string | null;
  name_ar: string | null;
  /** Published articles in it, kept in the same transaction as every article write. */
  count: number;
  created_at: string;
}

/** An article filed under a category, with the article's status and instant for the category's pages. */
export interface ArticleCategoriesTable {
  article_id: number;
  category_id: number;
  published: number;
  published_at: string;
}

/** One source's word (by its slug) mapped to one of the site's categories. */
export interface SourceCategoryMapTable {
  source_id: number;
  word: string;
  category_id: number;
}

export interface DayCountsTable {
  local_day: string;
  count: number;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** The site's own pages, one row per slug and language (0008). */
export interface SitePagesTable {
  slug: string;
  lang: string;
  title: string;
  /** As the operator wrote it; `format` says whether markdown or HTML. */
  body: string;
  format: string;
  /** Rendered and sanitized: what pages show. */
  html: string;
  position: number;
  created_at: string;
  updated_at: string;
}

/** One image address an article names, and the outcome of fetching it (0007). */
export interface MediaTable {
  id: Generated<number>;
  url: string;
  /** pending, fetching (claimed until claimed_until), ready or failed. */
  status: string;
  /** Content hash: the stored files are `<hash>-<width>.<ext>`. */
  hash: string | null;
  /** Of the original, upright. */
  width: number | null;
  height: number | null;
  /** JSON list of the stored variants: `[{"w":320,"h":180,"f":"webp","b":10240}, …]`. */
  variants: string | null;
  /** Of the original file. */
  bytes: number | null;
  /** One line naming the cause: `image: 404 Not Found`. */
  error: string | null;
  attempts: number;
  claimed_until: string | null;
  created_at: string;
  fetched_at: string | null;
}

/** Which articles use which image (0007); goes with the article. */
export interface ArticleMediaTable {
  article_id: number;
  media_id: number;
}

/** A staff account of the desk (0009). */
export interface UsersTable {
  id: Generated<number>;
  /** Lower-cased. */
  email: string;
  name: string;
  /** contributor, author, editor or admin. */
  role: string;
  /** argon2id PHC string; null until the account's one-time link is used. */
  password_hash: string | null;
  /** Sessions and tokens begun before this instant are refused. */
  password_changed_at: string | null;
  /** Base32 TOTP secret when the second factor is on. */
  totp_secret: string | null;
  /** The time step of the last TOTP code accepted: that code and older ones are refused (0013). */
  totp_last_step: number | null;
  disabled: number;
  created_at: string;
  updated_at: string;
}

/** A logged-in browser (0009): the cookie holds the token, the store only its hash. */
export interface SessionsTable {
  id_hash: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  /** The absolute end, whatever the activity. */
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
}

/** A one-time link that sets a password (0009): `jarida users add`, a reset by an admin. */
export interface UserLinksTable {
  token_hash: string;
  user_id: number;
  purpose: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A per-user token of the admin API (0009): scope read or write; only its hash is stored. */
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  scope: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Who did what, when, from which address (0009). */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  /** The account's address at the time (kept when the account goes). */
  user_email: string | null;
  /** `login`, `login.failed`, `article.update` … */
  action: string;
  /** What it was done to: `article:42`, an email for logins. */
  target: string | null;
  /** JSON: what changed. */
  detail: string | null;
  ip: string | null;
}

/** A previous version of an article, kept by every save in the desk (0009). */
export interface ArticleRevisionsTable {
  id: Generated<number>;
  article_id: number;
  /** When this version was replaced, and by whom. */
  created_at: string;
  user_id: number | null;
  user_email: string | null;
  title: string;
  summary: string | null;
  content_html: string | null;
  body_source: string | null;
  author: string | null;
  language: string | null;
  image_url: string | null;
  published_at: string;
  status: string;
  categories: string | null;
}

/** One fetch of a source: the newest 50 per source are kept (0011). */
export interface FetchHistoryTable {
  id: Generated<number>;
  source_id: number;
  at: string;
  /** `ok`, `not-modified` or `error`. */
  outcome: string;
  http_status: number | null;
  items: number;
  created: number;
  updated: number;
  skipped: number;
  duration_ms: number;
  error: string | null;
}

/** An aggregated article an editor deleted: its feed's next fetch does not store it again (0012). */
export interface ArticleTombstonesTable {
  source_id: number;
  guid: string;
  canonical_url: string | null;
  deleted_at: string;
}

/** A WebSub subscription of a source to a hub (0015). */
export interface WebSubSubscriptionsTable {
  id: Generated<number>;
  source_id: number;
  hub: string;
  topic: string;
  secret: string;
  token: string;
  state: string;
  requested_at: string | null;
  lease_seconds: number | null;
  lease_expires_at: string | null;
  next_attempt_at: string | null;
  attempts: number;
  last_error: string | null;
  last_push_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Database {
  sources: SourcesTable;
  articles: ArticlesTable;
  day_counts: DayCountsTable;
  categories: CategoriesTable;
  article_categories: ArticleCategoriesTable;
  source_category_map: SourceCategoryMapTable;
  counters: CountersTable;
  settings: SettingsTable;
  media: MediaTable;
  article_media: ArticleMediaTable;
  site_pages: SitePagesTable;
  users: UsersTable;
  sessions: SessionsTable;
  user_links: UserLinksTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  article_revisions: ArticleRevisionsTable;
  fetch_history: FetchHistoryTable;
  article_tombstones: ArticleTombstonesTable;
  websub_subscriptions: WebSubSubscriptionsTable;
}
