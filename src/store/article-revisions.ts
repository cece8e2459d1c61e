/**
 * An article's previous versions: every desk save keeps the one it replaces (desk-articles.ts); the
 * desk lists them, shows one beside the current version, and restores one (which is a save too, so
 * the version it replaces is kept in turn).
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ArticleStatus } from '../model/types.js';
import { DeskStoreError, saveDeskArticle, type DeskSaveResult, type Editor } from './desk-articles.js';
import type { ArticleRevisionsTable, Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** One revision as a list shows it: when it was replaced, by whom, and its title, status and instant. */
export interface RevisionSummary {
  id: number;
  articleId: number;
  /** When this version was replaced. */
  createdAt: string;
  /** Who replaced it. */
  userId: number | null;
  userEmail: string | null;
  title: string;
  status: ArticleStatus;
  publishedAt: string;
}

/** A revision with everything it kept. */
export interface Revision extends RevisionSummary {
  summary: string | null;
  contentHtml: string | null;
  bodySource: string | null;
  author: string | null;
  language: string | null;
  imageUrl: string | null;
  categories: string[];
}

const SUMMARY_COLUMNS = ['id', 'article_id', 'created_at', 'user_id', 'user_email', 'title', 'status', 'published_at'] as const;

/** Returns an article's revisions, newest first (at most `limit`). */
export async function findRevisions(db: Db, articleId: number, limit = 200): Promise<RevisionSummary[]> {
  const rows = await db.selectFrom('article_revisions').select(SUMMARY_COLUMNS).where('article_id', '=', articleId).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toSummary);
}

/** Returns one revision, or undefined. */
export async function findRevision(db: Db, revisionId: number): Promise<Revision | undefined> {
  const r = await db.selectFrom('article_revisions').selectAll().where('id', '=', revisionId).executeTakeFirst();
  return r && toRevision(r);
}

/**
 * Makes a revision the article's current version again, as a desk save by `by` at `now` (the
 * version it replaces becomes a revision; counts, filing and index follow); its status is taken
 * as saveDeskArticle takes one (a past scheduled instant publishes). The article keeps its source,
 * URLs and slug. Throws DeskStoreError not-found when the revision is not one of the article's.
 */
export async function restoreRevision(db: Kysely<Database>, articleId: number, revisionId: number, by: Editor, timeZone: string, now = new Date()): Promise<DeskSaveResult> {
  const r = await findRevision(db, revisionId);
  if (!r || r.articleId !== articleId) throw new DeskStoreError('not-found', `desk: article ${articleId} has no revision ${revisionId}`);
  return saveDeskArticle(db, {
    id: articleId,
    title: r.title,
    contentHtml: r.contentHtml,
    bodySource: r.bodySource,
    summary: r.summary,
    imageUrl: r.imageUrl,
    language: r.language,
    categories: r.categories,
    author: r.author,
    publishedAt: new Date(r.publishedAt),
    status: r.status,
  }, by, timeZone, now);
}

function toSummary(r: Pick<Selectable<ArticleRevisionsTable>, (typeof SUMMARY_COLUMNS)[number]>): RevisionSummary {
  return {
    id: Number(r.id),
    articleId: Number(r.article_id),
    createdAt: r.created_at,
    userId: r.user_id === null ? null : Number(r.user_id),
    userEmail: r.user_email,
    title: r.title,
    status: r.status as ArticleStatus,
    publishedAt: r.published_at,
  };
}

function toRevision(r: Selectable<ArticleRevisionsTable>): Revision {
  return {
    ...toSummary(r),
    summary: r.summary,
    contentHtml: r.content_html,
    bodySource: r.body_source,
    author: r.author,
    language: r.language,
    imageUrl: r.image_url,
    categories: r.categories ? (JSON.parse(r.categories) as string[]) : [],
  };
}
