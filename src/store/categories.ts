/**
 * Sections and tags: what they are called, which articles are filed under them, and their counts.
 *
 * An article is filed from its source's words (feed `<category>`, `dc:subject`, JSON Feed `tags`,
 * WordPress categories and tags, NDJSON `categories`), each known by its slug: the source's own
 * mapping first (`jarida sources map`), else a section with that slug or a name of that slug in any
 * language, else the tag of that slug (created as it arrives). An article no word puts in a section
 * goes in its source's default section. Counts of published articles per category and per source
 * move in the same transaction as the article write, after the day counts (every writer locks rows
 * in the same order: days, counters, categories by id, sources by id).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { label, LIMITS } from '../model/limits.js';
import type { Lang } from '../model/types.js';
import { signalChange } from './changes.js';
import { freeSlug, wordSlug } from './migrations/0006_categories.js';
import { prepared } from './prepared.js';
import type { Database } from './schema.js';

export { wordSlug };

type Db = Kysely<Database> | Transaction<Database>;

export type CategoryKind = 'section' | 'tag';

/** A section or mapping the operator asked for that cannot be: a bad or taken slug, no name, an unknown section. */
export class SectionError extends Error {
  readonly code = 'JARIDA_SECTION_INVALID';
}

/** A section or a tag. */
export interface Category {
  id: number;
  slug: string;
  kind: CategoryKind;
  position: number;
  /** The name as first given; shown where a language has none of its own. */
  name: string;
  names: Partial<Record<Lang, string>>;
  /** Published articles in it. */
  count: number;
}

/**
 * Returns a category's name in a language: its own there, else the one given first.
 * @example categoryName({ name: 'World', names: { tr: 'Dünya' } }, 'tr') === 'Dünya'
 */
export function categoryName(c: Pick<Category, 'name' | 'names'>, lang: Lang): string {
  return c.names[lang] ?? c.name;
}

/** A slug a section may take: lowercase letters (any script), digits and single hyphens. */
export function checkSectionSlug(slug: string): string {
  if (!/^[\p{Ll}\p{Lo}\p{N}]+(-[\p{Ll}\p{Lo}\p{N}]+)*$/u.test(slug) || slug.length > 80) {
    throw new SectionError(`sections: ${JSON.stringify(slug)} is not a slug (lowercase letters, digits and single hyphens, at most 80)`);
  }
  return slug;
}

const COLUMNS = ['id', 'slug', 'kind', 'position', 'name', 'name_en', 'name_tr', 'name_ar', 'count'] as const;

function toCategory(r: { id: number; slug: string; kind: string; position: number; name: string; name_en: string | null; name_tr: string | null; name_ar: string | null; count: number }): Category {
  const names: Partial<Record<Lang, string>> = {};
  if (r.name_en) names.en = r.name_en;
  if (r.name_tr) names.tr = r.name_tr;
  if (r.name_ar) names.ar = r.name_ar;
  return { id: Number(r.id), slug: r.slug, kind: r.kind as CategoryKind, position: Number(r.position), name: r.name, names, count: Number(r.count) };
}

/** Returns the sections in menu order. */
export async function findSections(db: Db): Promise<Category[]> {
  return (await sections(db)).map(toCategory);
}

const sections = prepared((db) => db.selectFrom('categories').select(COLUMNS).where('kind', '=', 'section').orderBy('position').orderBy('id'));

/** Returns the categories of a kind: sections in menu order, tags most used first. */
export async function findCategories(db: Db, kind: CategoryKind, limit = 1000): Promise<Category[]> {
  if (kind === 'section') return findSections(db);
  const rows = await db.selectFrom('categories').select(COLUMNS).where('kind', '=', 'tag').orderBy('count', 'desc').orderBy('slug').limit(limit).execute();
  return rows.map(toCategory);
}

/** Returns the category with this slug (of this kind when given), or undefined. */
export async function findCategoryBySlug(db: Db, slug: string, kind?: CategoryKind): Promise<Category | undefined> {
  const [row] = await categoryBySlug(db, slug);
  const c = row && toCategory(row);
  return c && (!kind || c.kind === kind) ? c : undefined;
}

const categoryBySlug = prepared((db, slug: string) => db.selectFrom('categories').select(COLUMNS).where('slug', '=', slug));

/** Returns the categories an article is filed under: sections in menu order, then tags by name. */
export async function findCategoriesOfArticle(db: Db, articleId: number): Promise<Category[]> {
  const rows = await categoriesOfArticle(db, articleId);
  return rows.map(toCategory).sort((a, b) => (a.kind === b.kind ? (a.kind === 'section' ? a.position - b.position : a.name.localeCompare(b.name)) : a.kind === 'section' ? -1 : 1));
}

const categoriesOfArticle = prepared((db, articleId: number) =>
  db.selectFrom('article_categories as ac').innerJoin('categories as c', 'c.id', 'ac.category_id').select(COLUMNS.map((k) => `c.${k}` as const)).where('ac.article_id', '=', articleId));

/** Names of a section in each language (only those given change). */
export type SectionNames = { name?: string } & Partial<Record<Lang, string>>;

/**
 * Adds a section at the end of the menu (or at `position`, 1 = first), or makes the tag of that
 * slug one (its articles stay filed); returns it. Throws when a section of that slug exists.
 * @example await addSection(db, 'world', { name: 'World', tr: 'Dünya', ar: 'العالم' })
 */
export async function addSection(db: Kysely<Database>, slug: string, names: SectionNames, position?: number): Promise<Category> {
  checkSectionSlug(slug);
  const name = label(names.name ?? names.en ?? names.tr ?? names.ar, LIMITS.category);
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('categories').select(['id', 'kind']).where('slug', '=', slug).executeTakeFirst();
    if (existing?.kind === 'section') throw new SectionError(`sections: ${slug} exists already`);
    const last = await trx.selectFrom('categories').select(sql<number>`coalesce(max(position), 0)`.as('p')).where('kind', '=', 'section').executeTakeFirstOrThrow();
    const values = { kind: 'section', position: Number(last.p) + 1, ...nameColumns(names) };
    let id: number;
    if (existing) {
      id = Number(existing.id);
      await trx.updateTable('categories').set({ ...values, ...(name ? { name } : {}) }).where('id', '=', id).execute();
    } else {
      if (!name) throw new SectionError('sections: a new section needs a name (--name, or --name-en/--name-tr/--name-ar)');
      const made = await trx.insertInto('categories').values({ slug, name, count: 0, created_at: new Date().toISOString(), ...values }).returning('id').executeTakeFirstOrThrow();
      id = Number(made.id);
    }
    if (position !== undefined) await reorder(trx, id, position);
    await signalChange(trx, { all: true }); // the menu is on every page
    return toCategory((await trx.selectFrom('categories').select(COLUMNS).where('id', '=', id).executeTakeFirstOrThrow()));
  });
}

/**
 * Returns the section a name names (its slug, or one of its names in any language), adding one
 * of that name at the end of the menu when none does; undefined for a name with no letter or digit.
 * @example await ensureSectionNamed(db, 'World News') // an OPML folder
 */
export async function ensureSectionNamed(db: Kysely<Database>, name: string): Promise<Category | undefined> {
  const slug = wordSlug(name);
  if (!slug) return undefined;
  const list = await findSections(db);
  const id = sectionNameIndex(list).get(slug);
  if (id !== undefined) return list.find((c) => c.id === id);
  try {
    return await addSection(db, slug, { name });
  } catch (err) {
    const again = await findCategoryBySlug(db, slug, 'section'); // another process added it meanwhile
    if (again) return again;
    throw err;
  }
}

function nameColumns(names: SectionNames) {
  const col = (v: string | undefined) => (v === undefined ? undefined : label(v, LIMITS.category));
  return {
    ...(names.en !== undefined ? { name_en: col(names.en) } : {}),
    ...(names.tr !== undefined ? { name_tr: col(names.tr) } : {}),
    ...(names.ar !== undefined ? { name_ar: col(names.ar) } : {}),
  };
}

/** Renames a section or tag (names per language, or its slug); returns false when there is none of that slug. */
export async function renameCategory(db: Kysely<Database>, slug: string, change: SectionNames & { slug?: string }): Promise<boolean> {
  if (change.slug !== undefined) checkSectionSlug(change.slug);
  const name = change.name === undefined ? undefined : label(change.name, LIMITS.category);
  if (name === null) throw new SectionError('sections: a name must not be empty');
  return db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('categories').select('id').where('slug', '=', slug).executeTakeFirst();
    if (!found) return false;
    if (change.slug !== undefined && change.slug !== slug) {
      const other = await trx.selectFrom('categories').select('id').where('slug', '=', change.slug).executeTakeFirst();
      if (other) throw new SectionError(`sections: ${change.slug} exists already`);
    }
    await trx.updateTable('categories').set({ ...nameColumns(change), ...(name ? { name } : {}), ...(change.slug ? { slug: change.slug } : {}) }).where('id', '=', found.id).execute();
    await signalChange(trx, { all: true });
    return true;
  });
}

/** Moves a section to a place in the menu (1 = first); returns false when there is no such section. */
export async function moveSection(db: Kysely<Database>, slug: string, position: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('categories').select('id').where('slug', '=', slug).where('kind', '=', 'section').executeTakeFirst();
    if (!found) return false;
    await reorder(trx, Number(found.id), position);
    await signalChange(trx, { all: true });
    return true;
  });
}

/** Numbers the sections 1, 2, 3 … with `id` at `position` (clamped to the menu). */
async function reorder(trx: Transaction<Database>, id: number, position: number): Promise<void> {
  const ids = (await trx.selectFrom('categories').select('id').where('kind', '=', 'section').orderBy('position').orderBy('id').execute()).map((r) => Number(r.id)).filter((x) => x !== id);
  ids.splice(Math.max(0, Math.min(ids.length, Math.floor(position) - 1)), 0, id);
  // Written in id order, as article writes lock categories (their counts): no deadlock with one.
  const positions = ids.map((x, i) => [x, i + 1] as const).sort(([a], [b]) => a - b);
  for (const [x, p] of positions) await trx.updateTable('categories').set({ position: p }).where('id', '=', x).execute();
}

/**
 * Removes a section or tag: its articles stay, filed under their other categories; mappings to it
 * and sources' default section on it go. Returns false when there is none of that slug.
 */
export async function removeCategory(db: Kysely<Database>, slug: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('categories').select('id').where('slug', '=', slug).executeTakeFirst();
    if (!found) return false;
    await trx.updateTable('sources').set({ default_section_id: null }).where('default_section_id', '=', found.id).execute();
    await trx.deleteFrom('source_category_map').where('category_id', '=', found.id).execute();
    await trx.deleteFrom('article_categories').where('category_id', '=', found.id).execute();
    await trx.deleteFrom('categories').where('id', '=', found.id).execute();
    await signalChange(trx, { all: true });
    return true;
  });
}

/** One source's mapping: its words (by slug) and the section each goes to; its default section. */
export interface SourceMapping {
  words: { word: string; section: string }[];
  defaultSection: string | null;
}

/** Returns a source's mapping. */
export async function findSourceMapping(db: Db, sourceId: number): Promise<SourceMapping> {
  const words = await db
    .selectFrom('source_category_map as m')
    .innerJoin('categories as c', 'c.id', 'm.category_id')
    .select(['m.word', 'c.slug'])
    .where('m.source_id', '=', sourceId)
    .orderBy('m.word')
    .execute();
  const def = await db
    .selectFrom('sources as s')
    .innerJoin('categories as c', 'c.id', 's.default_section_id')
    .select('c.slug')
    .where('s.id', '=', sourceId)
    .executeTakeFirst();
  return { words: words.map((w) => ({ word: w.word, section: w.slug })), defaultSection: def?.slug ?? null };
}

/**
 * Changes a source's mapping and files its stored articles again by it: `words` maps each word to
 * a section (null: the word is no longer mapped), `defaultSection` sets (null: clears) the
 * default. Returns how many articles moved. Throws naming an unknown section or source.
 * @example await mapSource(db, 3, { words: [['Dünya', 'world']] })
 */
export async function mapSource(
  db: Kysely<Database>,
  sourceId: number,
  change: { words?: [word: string, section: string | null][]; defaultSection?: string | null },
): Promise<number> {
  await db.transaction().execute(async (trx) => {
    const source = await trx.selectFrom('sources').select('id').where('id', '=', sourceId).executeTakeFirst();
    if (!source) throw new SectionError(`sources: no source ${sourceId}`);
    const sectionId = async (slug: string) => {
      const c = await trx.selectFrom('categories').select(['id', 'kind']).where('slug', '=', slug).executeTakeFirst();
      if (!c || c.kind !== 'section') throw new SectionError(`sources: no section ${slug} (jarida sections list)`);
      return Number(c.id);
    };
    for (const [word, section] of change.words ?? []) {
      const key = wordSlug(word);
      if (!key) throw new SectionError(`sources: ${JSON.stringify(word)} has no letter or digit`);
      await trx.deleteFrom('source_category_map').where('source_id', '=', sourceId).where('word', '=', key).execute();
      if (section !== null) await trx.insertInto('source_category_map').values({ source_id: sourceId, word: key, category_id: await sectionId(section) }).execute();
    }
    if (change.defaultSection !== undefined) {
      await trx.updateTable('sources').set({ default_section_id: change.defaultSection === null ? null : await sectionId(change.defaultSection) }).where('id', '=', sourceId).execute();
    }
  });
  return refileSource(db, sourceId);
}

/**
 * Files a source's stored articles again from their words and its current mapping, a few thousand
 * per transaction; returns how many articles' categories changed.
 */
export async function refileSource(db: Kysely<Database>, sourceId: number): Promise<number> {
  let moved = 0;
  let lastId = 0;
  for (;;) {
    const batch = await db
      .selectFrom('articles')
      .select(['id', 'categories', 'status', 'published_at'])
      .where('source_id', '=', sourceId)
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(2000)
      .execute();
    if (batch.length === 0) break;
    lastId = Number(batch[batch.length - 1]!.id);
    const items = batch.map((a) => ({ id: Number(a.id), sourceId, words: a.categories ? (JSON.parse(a.categories) as string[]) : [], published: a.status === 'published', publishedAt: a.published_at }));
    await prepareFiling(db, items);
    moved += await db.transaction().execute(async (trx) => {
      const filed = await fileArticles(trx, items);
      if (filed.articles.length) await signalChange(trx, { articles: filed.articles, tags: filed.tags });
      return filed.articles.length;
    });
  }
  return moved;
}

/** What filing needs of one article. */
export interface FilingItem {
  id: number;
  sourceId: number;
  /** The source's words, as stored in articles.categories. */
  words: readonly string[];
  published: boolean;
  publishedAt: string;
}

/** What a filing changed: the articles whose rows changed, and the cache tags of the categories and sources whose lists moved. */
export interface Filed {
  articles: number[];
  tags: string[];
}

/**
 * Creates the tags the items' words would need: those their source maps to none of its sections and
 * no section is named by. Outside the article write: a tag without articles harms nothing, and two
 * writers creating the same tag never wait on each other's transaction.
 */
export async function prepareFiling(db: Kysely<Database>, items: readonly Pick<FilingItem, 'sourceId' | 'words'>[]): Promise<void> {
  const slugs = [...new Set(items.flatMap((it) => it.words.map(wordSlug).filter((x): x is string => x !== null)))];
  if (slugs.length === 0) return;
  const known = new Set<string>();
  for (let i = 0; i < slugs.length; i += 500) {
    for (const r of await db.selectFrom('categories').select('slug').where('slug', 'in', slugs.slice(i, i + 500)).execute()) known.add(r.slug);
  }
  const missing = new Set(slugs.filter((x) => !known.has(x)));
  if (missing.size === 0) return; // the common case: every word is a category already
  const maps = await sourceMaps(db, [...new Set(items.map((it) => it.sourceId))]);
  // Words that name a section (by one of its names) go there, not to a new tag.
  const bySectionName = sectionNameIndex(await findSections(db));
  const names = new Map<string, string>();
  for (const it of items) for (const w of it.words) {
    const slug = wordSlug(w);
    if (slug && missing.has(slug) && !names.has(slug) && !maps.get(it.sourceId)?.has(slug) && !bySectionName.has(slug)) names.set(slug, w);
  }
  const now = new Date().toISOString();
  const rows = [...names].map(([slug, w]) => ({ slug, kind: 'tag', position: 0, name: label(w, LIMITS.category)!, count: 0, created_at: now }));
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('categories').values(rows.slice(i, i + 200)).onConflict((oc) => oc.column('slug').doNothing()).execute();
}

/** Sections by the slug of each of their names (and their own slug). */
function sectionNameIndex(list: Category[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of list) out.set(c.slug, c.id);
  for (const c of list) for (const n of [c.name, ...Object.values(c.names)]) {
    const s = n && wordSlug(n);
    if (s && !out.has(s)) out.set(s, c.id);
  }
  return out;
}

/**
 * Files the articles under the categories their words resolve to, replacing what they were filed
 * under, and moves the category and source counts by the difference; call inside the article write's
 * transaction, after the day counts. New articles (no rows yet) and changed ones alike.
 */
export async function fileArticles(trx: Transaction<Database>, items: readonly FilingItem[]): Promise<Filed> {
  if (items.length === 0) return { articles: [], tags: [] };
  const resolve = await resolver(trx, [...new Set(items.map((i) => i.sourceId))], items);
  const ids = items.map((i) => i.id);
  const before = new Map<number, { category_id: number; published: number; published_at: string }[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx.selectFrom('article_categories').select(['article_id', 'category_id', 'published', 'published_at']).where('article_id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) {
      const list = before.get(Number(r.article_id)) ?? [];
      list.push({ category_id: Number(r.category_id), published: Number(r.published), published_at: r.published_at });
      before.set(Number(r.article_id), list);
    }
  }
  const deltas = new Map<number, number>();
  const bump = (id: number, n: number) => deltas.set(id, (deltas.get(id) ?? 0) + n);
  const inserts: { article_id: number; category_id: number; published: number; published_at: string }[] = [];
  const touched = new Set<number>();
  const changedArticles: number[] = [];
  for (const it of items) {
    const want = resolve(it);
    const had = new Map((before.get(it.id) ?? []).map((r) => [r.category_id, r]));
    const published = it.published ? 1 : 0;
    let changed = false;
    for (const [cat, r] of had) {
      if (want.has(cat)) {
        if (r.published === published && r.published_at === it.publishedAt) continue;
        await trx.updateTable('article_categories').set({ published, published_at: it.publishedAt }).where('article_id', '=', it.id).where('category_id', '=', cat).execute();
        if (r.published !== published) bump(cat, published ? 1 : -1);
      } else {
        await trx.deleteFrom('article_categories').where('article_id', '=', it.id).where('category_id', '=', cat).execute();
        if (r.published) bump(cat, -1);
      }
      touched.add(cat);
      changed = true;
    }
    for (const cat of want) {
      if (had.has(cat)) continue;
      inserts.push({ article_id: it.id, category_id: cat, published, published_at: it.publishedAt });
      if (published) bump(cat, 1);
      touched.add(cat);
      changed = true;
    }
    if (changed) changedArticles.push(it.id);
  }
  for (let i = 0; i < inserts.length; i += 500) await trx.insertInto('article_categories').values(inserts.slice(i, i + 500)).execute();
  await bumpCategoryCounts(trx, deltas);
  return { articles: changedArticles, tags: await categoryTags(trx, [...touched]) };
}

/** Returns, per article, the category ids its words and its source's mapping resolve to. */
async function resolver(trx: Transaction<Database>, sourceIds: number[], items: readonly FilingItem[]): Promise<(it: FilingItem) => Set<number>> {
  const maps = await sourceMaps(trx, sourceIds);
  const defaults = new Map<number, number>();
  for (let i = 0; i < sourceIds.length; i += 500) {
    const chunk = sourceIds.slice(i, i + 500);
    for (const s of await trx.selectFrom('sources').select(['id', 'default_section_id']).where('id', 'in', chunk).where('default_section_id', 'is not', null).execute()) {
      defaults.set(Number(s.id), Number(s.default_section_id));
    }
  }
  const sectionList = await findSections(trx);
  const sectionIds = new Set(sectionList.map((c) => c.id));
  const bySectionName = sectionNameIndex(sectionList);
  const slugs = [...new Set(items.flatMap((it) => it.words.map(wordSlug).filter((s): s is string => s !== null)))];
  const bySlug = new Map<string, number>();
  for (let i = 0; i < slugs.length; i += 500) {
    for (const r of await trx.selectFrom('categories').select(['id', 'slug']).where('slug', 'in', slugs.slice(i, i + 500)).execute()) bySlug.set(r.slug, Number(r.id));
  }
  return (it) => {
    const out = new Set<number>();
    const map = maps.get(it.sourceId);
    for (const w of it.words) {
      const slug = wordSlug(w);
      if (!slug) continue;
      const id = map?.get(slug) ?? bySectionName.get(slug) ?? bySlug.get(slug);
      if (id !== undefined) out.add(id);
    }
    const def = defaults.get(it.sourceId);
    if (def !== undefined && ![...out].some((id) => sectionIds.has(id))) out.add(def);
    return out;
  };
}

/** Returns the sources' mappings: per source, word slug → category id. */
async function sourceMaps(db: Db, sourceIds: number[]): Promise<Map<number, Map<string, number>>> {
  const maps = new Map<number, Map<string, number>>();
  for (let i = 0; i < sourceIds.length; i += 500) {
    for (const m of await db.selectFrom('source_category_map').select(['source_id', 'word', 'category_id']).where('source_id', 'in', sourceIds.slice(i, i + 500)).execute()) {
      const map = maps.get(Number(m.source_id)) ?? new Map<string, number>();
      map.set(m.word, Number(m.category_id));
      maps.set(Number(m.source_id), map);
    }
  }
  return maps;
}

/** Moves the categories' counts, in id order (as every writer locks them). */
async function bumpCategoryCounts(trx: Transaction<Database>, deltas: Map<number, number>): Promise<void> {
  for (const [id, n] of [...deltas].filter(([, n]) => n !== 0).sort(([a], [b]) => a - b)) {
    await trx.updateTable('categories').set({ count: sql`count + ${n}` }).where('id', '=', id).execute();
  }
}

/** Returns the cache tags of these categories' pages (`section-world`, `tag-sport`). */
async function categoryTags(db: Db, ids: number[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('categories').select(['kind', 'slug']).where('id', 'in', ids).execute();
  return rows.map((r) => `${r.kind}-${r.slug}`);
}

/**
 * Changes the status or instant the category rows repeat for these articles and moves the counts;
 * returns the tags of the categories whose lists changed. `published: null`: the articles are about
 * to be deleted (their rows go, their counts with them).
 */
export async function refileStatus(trx: Transaction<Database>, changes: readonly { id: number; published: boolean | null; publishedAt: string }[]): Promise<string[]> {
  const deltas = new Map<number, number>();
  const touched = new Set<number>();
  for (const c of changes) {
    const rows = await trx.selectFrom('article_categories').select(['category_id', 'published', 'published_at']).where('article_id', '=', c.id).execute();
    for (const r of rows) {
      const cat = Number(r.category_id);
      const was = Number(r.published) === 1;
      if (c.published === null) {
        if (was) deltas.set(cat, (deltas.get(cat) ?? 0) - 1);
        touched.add(cat);
        continue;
      }
      if (was === c.published && r.published_at === c.publishedAt) continue;
      if (was !== c.published) deltas.set(cat, (deltas.get(cat) ?? 0) + (c.published ? 1 : -1));
      touched.add(cat);
    }
    if (c.published === null) await trx.deleteFrom('article_categories').where('article_id', '=', c.id).execute();
    else if (rows.length) await trx.updateTable('article_categories').set({ published: c.published ? 1 : 0, published_at: c.publishedAt }).where('article_id', '=', c.id).execute();
  }
  await bumpCategoryCounts(trx, deltas);
  return categoryTags(trx, [...touched]);
}

/** Takes a source's articles off their categories' counts (the source is being deleted). */
export async function unfileSource(trx: Transaction<Database>, sourceId: number): Promise<void> {
  const perCategory = await trx
    .selectFrom('article_categories as ac')
    .innerJoin('articles as a', 'a.id', 'ac.article_id')
    .select(['ac.category_id', sql<number>`count(*)`.as('n')])
    .where('a.source_id', '=', sourceId)
    .where('ac.published', '=', 1)
    .groupBy('ac.category_id')
    .execute();
  await bumpCategoryCounts(trx, new Map(perCategory.map((r) => [Number(r.category_id), -Number(r.n)])));
  await trx.deleteFrom('article_categories').where('article_id', 'in', trx.selectFrom('articles').select('id').where('source_id', '=', sourceId)).execute();
}

/** Moves sources' published counts, in id order (after the categories'). */
export async function bumpSourceCounts(trx: Transaction<Database>, deltas: Map<number, number>): Promise<void> {
  for (const [id, n] of [...deltas].filter(([, n]) => n !== 0).sort(([a], [b]) => a - b)) {
    await trx.updateTable('sources').set({ published_count: sql`published_count + ${n}` }).where('id', '=', id).execute();
  }
}

/** Recomputes every category's and source's count from the rows (`jarida recount`), in the caller's transaction. */
export async function rebuildListCounts(trx: Transaction<Database>): Promise<void> {
  await sql`update categories set count = (select count(*) from article_categories ac where ac.category_id = categories.id and ac.published = 1)`.execute(trx);
  await sql`update sources set published_count = (select count(*) from articles a where a.source_id = sources.id and a.status = 'published')`.execute(trx);
}

/**
 * Returns a free slug for a source's page from its name: the name's slug, else with `-2` … `-5`,
 * else with the source's id (unique by itself).
 */
export async function sourceSlugFor(db: Db, id: number, title: string): Promise<string> {
  const base = wordSlug(title) ?? 'source';
  const candidates = [base, `${base}-2`, `${base}-3`, `${base}-4`, `${base}-5`];
  const taken = new Set((await db.selectFrom('sources').select('slug').where('slug', 'in', candidates).where('id', '!=', id).execute()).map((r) => r.slug!));
  return candidates.find((c) => !taken.has(c)) ?? freeSlug(`${base}-${id}`, taken);
}
