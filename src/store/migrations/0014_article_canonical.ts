/**
 * 0014: an article's own say on its canonical link: null follows its source's canonical-here, 1 names
 * the copy on this site canonical, 0 the original (web/pages/article.ts).
 */
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, _d: DialectInfo): Promise<void> {
  await db.schema.alterTable('articles').addColumn('canonical_here', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('articles').dropColumn('canonical_here').execute();
}
