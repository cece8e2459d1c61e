/**
 * The article editor's form: read from a request body (url-encoded or multipart), checked, and
 * turned into what the store saves. The body's Markdown goes through the ingestion sanitizer.
 */
import { localInstant, localParts } from '../../calendar/zone.js';
import { articleHtmlFromMarkdown } from '../../html/markdown.js';
import { plainText } from '../../html/sanitize.js';
import { LANGS } from '../../model/types.js';
import { httpUrl } from '../../model/url.js';
import type { ArticleStatus } from '../../model/types.js';
import type { DeskArticle } from '../../store/desk-articles.js';
import { fieldList } from './forms.js';

/** The editor's fields as text, to fill the form again (after an error, or from the stored article). */
export interface ArticleFormValues {
  title: string;
  body: string;
  summary: string;
  language: string;
  sections: string[];
  tags: string;
  author: string;
  /** `YYYY-MM-DDTHH:MM` in the site's time zone. */
  published: string;
  imageUrl: string;
  url: string;
  source: string;
  /** '' as the source says, 'here' this site's copy, 'original' the original address. */
  canonical: string;
}

/** What the form asks the store to do. */
export interface ArticleForm {
  values: ArticleFormValues;
  title: string;
  /** The Markdown; null: the body is HTML from a feed, kept as it was. */
  bodySource: string | null;
  contentHtml: string | null;
  summary: string | null;
  language: string | null;
  categories: string[];
  author: string | null;
  publishedAt: Date;
  imageUrl: string | null | undefined;
  url: string | null;
  sourceId: number | undefined;
  /** The canonical link: true this site's copy, false the original, null as the source says. */
  canonicalHere: boolean | null;
  /** save (keep the status), draft (unpublish), publish (now or at its time), or preview. */
  intent: 'save' | 'draft' | 'publish' | 'preview';
  /** An uploaded image file, when one came. */
  upload: { bytes: Buffer; filename?: string } | null;
  removeImage: boolean;
}

/** A form field that is wrong: the message names it; `values` fill the form again. */
export class FormError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly values: ArticleFormValues,
  ) {
    super(`${field}: ${message}`);
    this.name = 'FormError';
  }
}

const text = (body: unknown, name: string) => fieldList(body, name)[0] ?? '';

/** Returns the form's values for a stored article (the wall-clock time in the site's zone). */
export function formValuesOf(a: DeskArticle | undefined, sectionSlugs: string[], tagNames: string[], timeZone: string, now: Date): ArticleFormValues {
  const at = a ? new Date(a.publishedAt) : now;
  const p = localParts(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    title: a?.title ?? '',
    body: a?.bodySource ?? a?.contentHtml ?? '',
    summary: a?.summary ?? '',
    language: a?.language ?? '',
    sections: sectionSlugs,
    tags: tagNames.join(', '),
    author: a?.author ?? '',
    published: `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`,
    imageUrl: a?.imageUrl ?? '',
    url: a?.url ?? '',
    source: a ? String(a.sourceId) : '',
    canonical: a?.canonicalHere === true ? 'here' : a?.canonicalHere === false ? 'original' : '',
  };
}

/** Reads and checks the editor's form; throws FormError naming the first bad field. */
export function readArticleForm(body: unknown, timeZone: string, now: Date): ArticleForm {
  const values: ArticleFormValues = {
    title: text(body, 'title'),
    body: text(body, 'body'),
    summary: text(body, 'summary'),
    language: text(body, 'language'),
    sections: fieldList(body, 'sections'),
    tags: text(body, 'tags'),
    author: text(body, 'author'),
    published: text(body, 'published'),
    imageUrl: text(body, 'imageUrl'),
    url: text(body, 'url'),
    source: text(body, 'source'),
    canonical: text(body, 'canonical'),
  };
  const intentRaw = text(body, 'intent');
  const intent = intentRaw === 'publish' || intentRaw === 'preview' || intentRaw === 'draft' ? intentRaw : 'save';
  const fail = (field: string, message: string): never => {
    throw new FormError(field, message, values);
  };
  const title = values.title.trim().replace(/\s+/g, ' ');
  if (!title) fail('title', 'must not be empty');
  if (title.length > 500) fail('title', 'longer than 500 characters');
  if (values.body.length > 500_000) fail('body', 'longer than 500,000 characters');
  if (values.summary.length > 2000) fail('summary', 'longer than 2,000 characters');
  if (values.language && !(LANGS as readonly string[]).includes(values.language)) fail('language', `one of ${LANGS.join(', ')}, or empty to detect it`);
  const publishedAt = values.published ? localInstant(values.published, timeZone) : now;
  if (!publishedAt) fail('published', 'a date and time, YYYY-MM-DDTHH:MM');
  const imageUrl = values.imageUrl.trim() ? httpUrl(values.imageUrl.trim()) : null;
  if (values.imageUrl.trim() && !imageUrl) fail('imageUrl', 'an http(s) address');
  const url = values.url.trim() ? httpUrl(values.url.trim()) : null;
  if (values.url.trim() && !url) fail('url', 'an http(s) address');
  const sourceId = values.source ? Number(values.source) : undefined;
  if (values.source && !Number.isSafeInteger(sourceId)) fail('source', 'not a source');
  const tags = values.tags.split(/[,،]/).map((t) => t.trim()).filter(Boolean);
  if (tags.length + values.sections.length > 20) fail('tags', 'at most 20 sections and tags together');
  if (tags.some((t) => t.length > 100)) fail('tags', 'a tag is at most 100 characters');
  const file = (body as Record<string, unknown> | undefined)?.image;
  const upload = Buffer.isBuffer(file) && file.length > 0 ? { bytes: file } : null;
  const contentHtml = values.body.trim() ? articleHtmlFromMarkdown(values.body, url ?? undefined) : null;
  return {
    values,
    title,
    bodySource: values.body,
    contentHtml,
    summary: values.summary.trim() || (contentHtml ? plainText(contentHtml, 280) : null),
    language: values.language || null,
    categories: [...values.sections, ...tags],
    author: values.author.trim().slice(0, 300) || null,
    publishedAt: publishedAt!,
    imageUrl: values.imageUrl.trim() ? imageUrl : undefined,
    url,
    sourceId,
    canonicalHere: values.canonical === 'here' ? true : values.canonical === 'original' ? false : null,
    intent,
    upload,
    removeImage: text(body, 'removeImage') === '1',
  };
}

/** Returns the status a form asks for: publish → published (the store makes a future one scheduled), draft → draft, save → as it is (a new article: draft). */
export function requestedStatus(form: Pick<ArticleForm, 'intent'>, current?: ArticleStatus): ArticleStatus {
  if (form.intent === 'publish') return 'published';
  if (form.intent === 'draft' || !current) return 'draft';
  return current;
}
