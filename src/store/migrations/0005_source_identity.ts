/**
 * 0005: a source's identity as a unique key, and who holds its fetch claim.
 *
 * `identity` makes "find or create" one insert that cannot run twice: two processes creating the
 * same source at once (two imports naming it, two `sources add` of one URL) get one row. A feed or
 * page is identified by kind and URL, any other source by kind and title. Rows that already repeat
 * an identity keep theirs only on the oldest; the others keep a null identity (nothing is merged
 * or lost, and `sources list` still shows them).
 *
 * `claimed_by` names the process holding `claimed_until` (`host pid N`), so a listing can say who
 * holds a source and an operator can release the claim of a process that died.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

/**
 * Returns a source's identity: `feed url https://…` for feeds and pages, `manual title Desk` for
 * the rest; one longer than 500 characters as its SHA-256 (an index entry has a size limit).
 */
export function sourceIdentity(s: { kind: string; url: string | null; title: string }): string {
  const id = s.url !== null && (s.kind === 'feed' || s.kind === 'page') ? `${s.kind} url ${s.url}` : `${s.kind} title ${s.title}`;
  return id.length <= 500 ? id : `${s.kind} sha256 ${createHash('sha256').update(id).digest('hex')}`;
}

export async function up(db: Kysely<any>, _d: DialectInfo): Promise<void> {
  await db.schema.alterTable('sources').addColumn('identity', 'text').execute();
  await db.schema.alterTable('sources').addColumn('claimed_by', 'text').execute();
  const rows: { id: number; kind: string; url: string | null; title: string }[] = await db.selectFrom('sources').select(['id', 'kind', 'url', 'title']).orderBy('id').execute();
  const taken = new Set<string>();
  for (const r of rows) {
    const identity = sourceIdentity(r);
    if (taken.has(identity)) continue; // a repeat of an older row keeps no identity
    taken.add(identity);
    await db.updateTable('sources').set({ identity }).where('id', '=', r.id).execute();
  }
  await db.schema.createIndex('sources_identity').on('sources').column('identity').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sources_identity').execute();
  await db.schema.alterTable('sources').dropColumn('claimed_by').execute();
  await db.schema.alterTable('sources').dropColumn('identity').execute();
}
