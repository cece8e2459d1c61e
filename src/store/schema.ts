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

export interface Database {
  sources: SourcesTable;
  articles: ArticlesTable;
  day_counts: DayCountsTable;
  counters: CountersTable;
  settings: SettingsTable;
}
