/**
 * 0006: sections and tags as tables, an article's categories as rows, a per-source mapping.
 *
 * `categories` holds both kinds: a section (the site's few, in the menu, in `position` order, named
 * per language) and a tag (every other word a source files an article under, created as it arrives).
 * `count` is the number of published articles in it, kept in the same transaction as every article
 * write (like day_counts). `article_categories` repeats the article's status and published instant,
 * so that a section page is one range of one index, newest first, whatever the section's size.
 *
 * `source_category_map` maps one source's word (by its slug: "Dünya", "DÜNYA" and "dunya" are one
 * word) to a category; `sources.default_section_id` is the section of its articles that map to none.
 * `sources.slug` names the source's page, `sources.published_count` its published articles (kept like
 * the category counts).
 *
 * Existing `articles.categories` (the source's own words, kept there as written) become tags; the
 * operator then promotes the ones that are sections (`jarida sections add`).
 */
import { sql, type Kysely } from 'kysely';
import { slugify } from '../../model/slug.js';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, d: DialectInfo): Promise<void> {
  await db.schema
    .createTable('categories')
    .addColumn('id', sql.raw(d.idType), (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('name_tr', 'text')
    .addColumn('name_ar', 'text')
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('categories_kind').on('categories').columns(['kind', 'position']).execute();

  await db.schema
    .createTable('article_categories')
    .addColumn('article_id', d.bigintType, (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('category_id', d.bigintType, (c) => c.notNull().references('categories.id').onDelete('cascade'))
    .addColumn('published', 'integer', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_categories_pk', ['article_id', 'category_id'])
    .execute();
  // A section or tag page: its published articles, newest first.
  await db.schema.createIndex('article_categories_list').on('article_categories').columns(['category_id', 'published', 'published_at', 'article_id']).execute();

  await db.schema
    .createTable('source_category_map')
    .addColumn('source_id', d.bigintType, (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('word', 'text', (c) => c.notNull())
    .addColumn('category_id', d.bigintType, (c) => c.notNull().references('categories.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('source_category_map_pk', ['source_id', 'word'])
    .execute();

  await db.schema.alterTable('sources').addColumn('default_section_id', d.bigintType).execute();
  await db.schema.alterTable('sources').addColumn('slug', 'text').execute();
  await db.schema.alterTable('sources').addColumn('published_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // A source's page: its published articles, newest first.
  await db.schema.createIndex('articles_source_published').on('articles').columns(['source_id', 'status', 'published_at', 'id']).execute();

  // Source slugs from titles, unique; published counts.
  const sources: { id: number; title: string }[] = await db.selectFrom('sources').select(['id', 'title']).orderBy('id').execute();
  const taken = new Set<string>();
  for (const s of sources) {
    const slug = freeSlug(slugify(s.title), taken);
    await db.updateTable('sources').set({ slug }).where('id', '=', s.id).execute();
  }
  await db.schema.createIndex('sources_slug').on('sources').column('slug').unique().execute();
  await sql`update sources set published_count = (select count(*) from articles a where a.source_id = sources.id and a.status = 'published')`.execute(db);

  // Every stored word becomes a tag.
  const now = new Date().toISOString();
  const tagIds = new Map<string, number>();
  let lastId = 0;
  for (;;) {
    const batch: { id: number; categories: string | null; status: string; published_at: string }[] = await db
      .selectFrom('articles')
      .select(['id', 'categories', 'status', 'published_at'])
      .where('id', '>', lastId)
      .where('categories', 'is not', null)
      .orderBy('id')
      .limit(5000)
      .execute();
    if (batch.length === 0) break;
    lastId = Number(batch[batch.length - 1]!.id);
    const rows: { article_id: number; category_id: number; published: number; published_at: string }[] = [];
    for (const a of batch) {
      const seen = new Set<number>();
      for (const word of parseWords(a.categories)) {
        const slug = wordSlug(word);
        if (!slug) continue;
        let id = tagIds.get(slug);
        if (id === undefined) {
          const r = await db.insertInto('categories').values({ slug, kind: 'tag', position: 0, name: word, count: 0, created_at: now }).returning('id').executeTakeFirstOrThrow();
          tagIds.set(slug, (id = Number(r.id)));
        }
        if (seen.has(id)) continue;
        seen.add(id);
        rows.push({ article_id: Number(a.id), category_id: id, published: a.status === 'published' ? 1 : 0, published_at: a.published_at });
      }
    }
    for (let i = 0; i < rows.length; i += 500) await db.insertInto('article_categories').values(rows.slice(i, i + 500)).execute();
  }
  await sql`update categories set count = (select count(*) from article_categories ac where ac.category_id = categories.id and ac.published = 1)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('articles_source_published').execute();
  await db.schema.dropIndex('sources_slug').execute();
  await db.schema.alterTable('sources').dropColumn('published_count').execute();
  await db.schema.alterTable('sources').dropColumn('slug').execute();
  await db.schema.alterTable('sources').dropColumn('default_section_id').execute();
  await db.schema.dropTable('source_category_map').execute();
  await db.schema.dropTable('article_categories').execute();
  await db.schema.dropTable('categories').execute();
}

/**
 * Returns the slug a source's word or a category is known by; null for a word with no letter or digit.
 * @example wordSlug('Dünya') === 'dunya'
 */
export function wordSlug(word: string): string | null {
  if (!/[\p{L}\p{N}]/u.test(word)) return null;
  return slugify(word);
}

/** Returns `base`, or `base-2`, `base-3` … the first not in `taken` (which it joins). */
export function freeSlug(base: string, taken: Set<string>): string {
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}

function parseWords(json: string | null): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((w): w is string => typeof w === 'string') : [];
  } catch {
    return [];
  }
}
