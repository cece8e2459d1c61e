/**
 * The sources as an OPML subscription list, both ways: `jarida sources import|export`, the desk's
 * sources page and the admin API call these and show what they return. No network: an imported feed
 * is stored as it is named and fetched by the next round.
 */
import type { Kysely } from 'kysely';
import type { Lang } from '../../model/types.js';
import { categoryName, ensureSectionNamed, findSections, mapSource, SectionError } from '../../store/categories.js';
import type { Database } from '../../store/schema.js';
import { findSourceByUrl, findSources, insertSource, SourceError } from '../../store/sources.js';
import { normalizeUrl } from '../process/url.js';
import { formatOpml, parseOpml } from './opml.js';

/** What an import did: every feed of the file is either added or skipped with its reason. */
export interface OpmlImport {
  /** Feeds in the file. */
  feeds: number;
  added: { id: number; title: string; url: string; section: string | null }[];
  skipped: { url: string; reason: string }[];
  /** Folders of the file, each with the section its added feeds got as their default (null: none, and why). */
  folders: { folder: string; section: string | null; sources: number; problem?: string }[];
}

/**
 * Adds every feed of an OPML document that is not a source yet; the innermost folder of a feed
 * becomes its default section (found by name or slug, or added at the end of the menu). Throws
 * OpmlError for a document that is not OPML, before anything is stored.
 * @example describeOpmlImport(await importOpml(db, readFileSync('subscriptions.opml', 'utf8')))
 */
export async function importOpml(db: Kysely<Database>, xml: string): Promise<OpmlImport> {
  const feeds = parseOpml(xml);
  const out: OpmlImport = { feeds: feeds.length, added: [], skipped: [], folders: [] };
  const folders = new Map<string, OpmlImport['folders'][number]>();
  for (const f of feeds) {
    const url = normalizeUrl(f.xmlUrl);
    if (!url) {
      out.skipped.push({ url: f.xmlUrl, reason: 'not an http(s) URL' });
      continue;
    }
    if (await findSourceByUrl(db, url)) {
      out.skipped.push({ url, reason: 'already a source' });
      continue;
    }
    let id: number;
    try {
      id = await insertSource(db, { kind: 'feed', title: f.title ?? new URL(url).hostname, url, siteUrl: f.htmlUrl, language: f.language });
    } catch (err) {
      // Another process (or an earlier line of this file under another spelling) added it meanwhile.
      if (!(err instanceof SourceError)) throw err;
      out.skipped.push({ url, reason: err.message.replace(/^sources: /, '') });
      continue;
    }
    // A folder is the operator's own grouping: the innermost one is the source's default section.
    const name = f.folders[f.folders.length - 1];
    let section: string | null = null;
    if (name) {
      let folder = folders.get(name);
      if (!folder) {
        folder = await sectionOfFolder(db, name);
        folders.set(name, folder);
        out.folders.push(folder);
      }
      if (folder.section) {
        await mapSource(db, id, { defaultSection: folder.section });
        section = folder.section;
        folder.sources++;
      }
    }
    out.added.push({ id, title: f.title ?? new URL(url).hostname, url, section });
  }
  return out;
}

async function sectionOfFolder(db: Kysely<Database>, name: string): Promise<OpmlImport['folders'][number]> {
  try {
    const section = await ensureSectionNamed(db, name);
    return section ? { folder: name, section: section.slug, sources: 0 } : { folder: name, section: null, sources: 0, problem: 'no letter or digit to name a section by' };
  } catch (err) {
    if (!(err instanceof SectionError)) throw err;
    return { folder: name, section: null, sources: 0, problem: err.message };
  }
}

/**
 * Returns what an import did in the words `sources import` prints (no final newline).
 * @example describeOpmlImport(r) // 'imported 2 of 3 feeds; skipped 1:\n  https://…: already a source\nfolders → default sections: News → news (2)'
 */
export function describeOpmlImport(r: OpmlImport): string {
  const lines = [`imported ${r.added.length} of ${r.feeds} feeds${r.skipped.length ? `; skipped ${r.skipped.length}:` : ''}`, ...r.skipped.map((s) => `  ${s.url}: ${s.reason}`)];
  if (r.folders.length) {
    lines.push(`folders → default sections: ${r.folders.map((f) => (f.section ? `${f.folder} → ${f.section} (${f.sources})` : `${f.folder} → none (${f.problem})`)).join(' · ')}`);
  }
  return lines.join('\n');
}

/**
 * Returns the feed sources as an OPML 2.0 document (a source's default section is its folder,
 * named in `lang`), and how many feeds it lists.
 * @example (await exportOpml(db, { title: 'Kıyı sources', lang: 'tr' }, new Date())).xml
 */
export async function exportOpml(db: Kysely<Database>, opts: { title: string; lang: Lang }, now: Date): Promise<{ xml: string; feeds: number }> {
  const sections = new Map((await findSections(db)).map((c) => [c.id, categoryName(c, opts.lang)]));
  const feeds = (await findSources(db))
    .filter((s) => s.kind === 'feed' && s.url)
    .map((s) => ({ title: s.title, xmlUrl: s.url!, htmlUrl: s.siteUrl, language: s.language, folder: s.defaultSectionId === null ? null : sections.get(s.defaultSectionId) }));
  return { xml: formatOpml(opts.title, feeds, now), feeds: feeds.length };
}
