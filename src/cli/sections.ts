/** `jarida sections …` (the site's sections, named per language) and `jarida sources map` (a source's words onto them). */
import { addSection, categoryName, findCategories, findCategoryBySlug, findSections, findSourceMapping, mapSource, moveSection, removeCategory, renameCategory, type Category, type SectionNames } from '../store/categories.js';
import { findSourceById } from '../store/sources.js';
import { withContext, type GlobalOptions } from './context.js';

/** Name options every sections command takes. */
export interface NameOptions extends GlobalOptions {
  name?: string;
  nameEn?: string;
  nameTr?: string;
  nameAr?: string;
}

function namesOf(o: NameOptions): SectionNames {
  return {
    ...(o.name !== undefined ? { name: o.name } : {}),
    ...(o.nameEn !== undefined ? { en: o.nameEn } : {}),
    ...(o.nameTr !== undefined ? { tr: o.nameTr } : {}),
    ...(o.nameAr !== undefined ? { ar: o.nameAr } : {}),
  };
}

/** One line of a listing: `2  world  World / tr Dünya / ar العالم  (41 articles)`. */
function describe(c: Category): string {
  const names = [c.name, ...Object.entries(c.names).filter(([, v]) => v !== c.name).map(([l, v]) => `${l} ${v}`)].join(' / ');
  return `${c.kind === 'section' ? String(c.position).padStart(3) : '  -'}  ${c.slug}  ${names}  (${c.count} article${c.count === 1 ? '' : 's'})`;
}

/** Prints the sections in menu order (and the most used tags with --tags). */
export async function sectionsListCommand(opts: GlobalOptions & { tags?: boolean; json?: boolean }): Promise<void> {
  await withContext(opts, async ({ store }) => {
    const sections = await findSections(store.db);
    const tags = opts.tags ? await findCategories(store.db, 'tag', 100) : [];
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ sections, ...(opts.tags ? { tags } : {}) }, null, 2)}\n`);
      return;
    }
    const lines = sections.length ? sections.map(describe) : ['no sections yet: jarida sections add <slug> --name <name>'];
    if (opts.tags) lines.push('tags (most used first, at most 100):', ...(tags.length ? tags.map(describe) : ['  none']));
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

/** Adds a section (or makes the tag of that slug one). */
export async function sectionsAddCommand(slug: string, opts: NameOptions & { position?: number }): Promise<void> {
  await withContext(opts, async ({ store }) => {
    const had = await findCategoryBySlug(store.db, slug, 'tag');
    const c = await addSection(store.db, slug, namesOf(opts), opts.position);
    process.stdout.write(`${had ? 'tag made a section' : 'added section'}:\n${describe(c)}\n`);
  });
}

/** Renames a section or tag: names per language, or its slug (its pages move to the new URL). */
export async function sectionsRenameCommand(slug: string, opts: NameOptions & { slug?: string }): Promise<void> {
  const change = { ...namesOf(opts), ...(opts.slug !== undefined ? { slug: opts.slug } : {}) };
  if (Object.keys(change).length === 0) throw new Error('sections rename: nothing to change (--name, --name-en, --name-tr, --name-ar or --slug)');
  await withContext(opts, async ({ store }) => {
    if (!(await renameCategory(store.db, slug, change))) throw new Error(`sections rename: no section or tag ${slug}`);
    process.stdout.write(`${describe((await findCategoryBySlug(store.db, change.slug ?? slug))!)}\n`);
  });
}

/** Moves a section to a place in the menu (1 = first). */
export async function sectionsMoveCommand(slug: string, position: number, opts: GlobalOptions): Promise<void> {
  await withContext(opts, async ({ store }) => {
    if (!(await moveSection(store.db, slug, position))) throw new Error(`sections move: no section ${slug}`);
    process.stdout.write(`${(await findSections(store.db)).map(describe).join('\n')}\n`);
  });
}

/** Removes a section or tag; its articles stay, under their other categories. */
export async function sectionsRemoveCommand(slug: string, opts: GlobalOptions): Promise<void> {
  await withContext(opts, async ({ store }) => {
    const c = await findCategoryBySlug(store.db, slug);
    if (!c || !(await removeCategory(store.db, slug))) throw new Error(`sections remove: no section or tag ${slug}`);
    process.stdout.write(`removed ${c.kind} ${slug}; its ${c.count} articles stay\n`);
  });
}

/** Options of `sources map`. */
export interface MapOptions extends GlobalOptions {
  category?: string[];
  section?: string;
  unmap?: string[];
  defaultSection?: string | false;
}

/**
 * Maps a source's words to a section (`--category Dünya --category عالم --section world`), unmaps
 * words, sets or clears its default section; files its stored articles again, and prints the mapping.
 */
export async function sourcesMapCommand(id: number, opts: MapOptions): Promise<void> {
  if (opts.category?.length && !opts.section) throw new Error('sources map: --category needs --section (the section its articles go to)');
  if (opts.section && !opts.category?.length) throw new Error('sources map: --section needs one or more --category (the source\'s words)');
  await withContext(opts, async ({ store, config }) => {
    const source = await findSourceById(store.db, id);
    if (!source) throw new Error(`sources map: no source ${id}`);
    const words: [string, string | null][] = [...(opts.category ?? []).map((w) => [w, opts.section!] as [string, string]), ...(opts.unmap ?? []).map((w) => [w, null] as [string, null])];
    const change = { words, ...(opts.defaultSection !== undefined ? { defaultSection: opts.defaultSection === false ? null : opts.defaultSection } : {}) };
    const changing = words.length > 0 || opts.defaultSection !== undefined;
    const moved = changing ? await mapSource(store.db, id, change) : 0;
    const mapping = await findSourceMapping(store.db, id);
    const sections = new Map((await findSections(store.db)).map((c) => [c.slug, categoryName(c, config.site.defaultLanguage)]));
    const lines = [
      `source ${id} (${source.title})`,
      `  default section: ${mapping.defaultSection ? `${mapping.defaultSection} (${sections.get(mapping.defaultSection)})` : 'none (articles whose words map to no section are in no section)'}`,
      ...(mapping.words.length ? mapping.words.map((w) => `  ${w.word} → ${w.section}`) : ['  no words mapped: a word that names a section goes there, any other becomes a tag']),
      ...(changing ? [`${moved} stored article${moved === 1 ? '' : 's'} filed again`] : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
