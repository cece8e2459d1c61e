/**
 * What staff do to articles, as plain operations with their permission checks: the desk's forms and
 * the admin API both call these, so a rule holds the same through either door.
 */
import type { SiteSettings } from '../../config.js';
import { collectImages } from '../../media/pipeline.js';
import { mayEditArticle, mayPublishArticle, roleAtLeast, type StaffUser } from '../../model/staff.js';
import type { ArticleStatus } from '../../model/types.js';
import { findRevision, restoreRevision } from '../../store/article-revisions.js';
import { deleteArticle, setArticleCanonicalHere } from '../../store/articles.js';
import type { Store } from '../../store/db.js';
import { ensureDeskSource, saveDeskArticle, setDeskArticleStatus, type DeskArticle, type DeskSaveResult } from '../../store/desk-articles.js';

/** An operation the user's role does not allow; the message says why (403). */
export class NotAllowed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAllowed';
  }
}

/** What saving needs. */
export interface ArticleOpsDeps {
  store: Store;
  site: SiteSettings;
  now: Date;
}

/** An article as staff write it (the body already rendered and sanitized). */
export interface ArticleDraft {
  title: string;
  /** The Markdown; null: HTML from a feed, kept as it was. */
  bodySource: string | null;
  contentHtml: string | null;
  summary: string | null;
  /** undefined: keep; null: remove. */
  imageUrl?: string | null;
  language: string | null;
  categories: string[];
  author: string | null;
  publishedAt: Date;
  status: ArticleStatus;
  url: string | null;
  sourceId?: number;
  /** Its canonical link: true this site's copy, false the original, null as its source says; undefined: keep. */
  canonicalHere?: boolean | null;
}

/**
 * Creates (`a` undefined) or updates an article as `me`, after the role's checks: contributors keep
 * drafts, authors publish their own, editors anything and attribute to any source. Throws NotAllowed.
 */
export async function saveArticleAs(deps: ArticleOpsDeps, me: StaffUser, a: DeskArticle | undefined, d: ArticleDraft): Promise<DeskSaveResult> {
  checkSaveAllowed(me, a, d);
  const { store, site, now } = deps;
  const saved = await saveDeskArticle(
    store.db,
    {
      ...(a ? { id: a.id } : {}),
      sourceId: d.sourceId ?? a?.sourceId ?? (await ensureDeskSource(store.db, site.siteName)),
      title: d.title,
      contentHtml: d.contentHtml,
      bodySource: d.bodySource,
      summary: d.summary,
      ...(d.imageUrl !== undefined ? { imageUrl: d.imageUrl } : {}),
      language: d.language ?? (a ? a.language : site.defaultLanguage),
      categories: d.categories,
      author: d.author ?? (a ? a.author : me.name),
      publishedAt: d.publishedAt,
      status: d.status,
      ...(d.url !== null || a ? { url: d.url, canonicalUrl: d.url } : {}),
    },
    { userId: me.id, email: me.email },
    site.timeZone,
    now,
  );
  if (d.canonicalHere !== undefined && d.canonicalHere !== (a?.canonicalHere ?? null)) await setArticleCanonicalHere(store.db, saved.id, d.canonicalHere);
  // Its images (an upload, the body's) linked to it now, drafts too: an upload no article uses is pruned after a week.
  await collectImages({ store, now: () => now }, [saved.id]);
  return saved;
}

/**
 * Throws NotAllowed when `me` may not save this draft over `a` (undefined: a new article): contributors
 * keep drafts, authors publish their own, editors anything and attribute to any source. Callers check
 * before costly work (an upload); saveArticleAs checks again.
 */
export function checkSaveAllowed(me: StaffUser, a: DeskArticle | undefined, d: Pick<ArticleDraft, 'status' | 'sourceId'>): void {
  if (a && !mayEditArticle(me, a)) throw new NotAllowed('You may not change this article.');
  if ((d.status === 'published' || d.status === 'scheduled') && !mayPublishArticle(me, { userId: a ? a.userId : me.id })) {
    throw new NotAllowed(me.role === 'contributor' ? 'Contributors write drafts; an editor publishes them.' : 'You may publish only your own articles.');
  }
  if (d.status === 'hidden' && !roleAtLeast(me.role, 'editor') && !(a && me.role === 'author' && a.userId === me.id)) throw new NotAllowed('Only editors hide articles that are not their own.');
  if (d.sourceId !== undefined && d.sourceId !== a?.sourceId && !roleAtLeast(me.role, 'editor')) throw new NotAllowed('Only editors attribute an article to another source.');
}

/** Returns whether `me` may hide, show or unpublish the article: editors any, authors their own. */
export function mayChangeStatus(me: StaffUser, a: DeskArticle): boolean {
  return roleAtLeast(me.role, 'editor') || (me.role === 'author' && a.userId === me.id);
}

/** Returns whether `me` may delete the article: editors any, authors their own, contributors their own drafts. */
export function mayDelete(me: StaffUser, a: DeskArticle): boolean {
  return roleAtLeast(me.role, 'editor') || (a.userId === me.id && (me.role === 'author' || a.status === 'draft'));
}

/** Hides, shows again or unpublishes an article as `me`; returns the change. Throws NotAllowed. */
export async function changeStatusAs(deps: ArticleOpsDeps, me: StaffUser, a: DeskArticle, to: 'hidden' | 'published' | 'draft') {
  if (!mayChangeStatus(me, a)) throw new NotAllowed('Only editors hide or show articles that are not their own.');
  return setDeskArticleStatus(deps.store.db, a.id, to, deps.now);
}

/** Deletes an article as `me`. Throws NotAllowed. */
export async function deleteAs(deps: ArticleOpsDeps, me: StaffUser, a: DeskArticle): Promise<void> {
  if (!mayDelete(me, a)) throw new NotAllowed('Only editors delete articles that are not their own.');
  await deleteArticle(deps.store.db, a.id);
}

/** Restores a revision as `me`; undefined when it is not one of the article's. Throws NotAllowed. */
export async function restoreAs(deps: ArticleOpsDeps, me: StaffUser, a: DeskArticle, revisionId: number): Promise<{ saved: DeskSaveResult; title: string } | undefined> {
  const rev = await findRevision(deps.store.db, revisionId);
  if (!rev || rev.articleId !== a.id) return undefined;
  if (!mayEditArticle(me, a)) throw new NotAllowed('You may not change this article.');
  if ((rev.status === 'published' || rev.status === 'scheduled') && !mayPublishArticle(me, a)) throw new NotAllowed('Restoring this version would publish it: contributors cannot publish.');
  return { saved: await restoreRevision(deps.store.db, a.id, revisionId, { userId: me.id, email: me.email }, deps.site.timeZone, deps.now), title: rev.title };
}
