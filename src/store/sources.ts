/** Sources: the sites articles come from. */
import type { Kysely } from 'kysely';
import type { Source, SourceKind } from '../model/types.js';
import type { Database } from './schema.js';

/** Returns the id of the source with this title and kind, creating it when missing. */
export async function ensureSource(
  db: Kysely<Database>,
  s: { kind: SourceKind; title: string; url?: string | null; siteUrl?: string | null; language?: string | null },
): Promise<number> {
  const found = await db
    .selectFrom('sources')
    .select('id')
    .where('kind', '=', s.kind)
    .where('title', '=', s.title)
    .executeTakeFirst();
  if (found) return Number(found.id);
  const row = await db
    .insertInto('sources')
    .values({
      kind: s.kind,
      title: s.title,
      url: s.url ?? null,
      site_url: s.siteUrl ?? null,
      language: s.language ?? null,
      enabled: 1,
      full_text: 0,
      error_count: 0,
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Returns every source, oldest first. */
export async function findSources(db: Kysely<Database>): Promise<Source[]> {
  const rows = await db.selectFrom('sources').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind as SourceKind,
    url: r.url,
    title: r.title,
    siteUrl: r.site_url,
    language: r.language,
    enabled: r.enabled === 1,
  }));
}
