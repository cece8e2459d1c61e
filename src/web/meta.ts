/**
 * Page metadata, made in one place: from the page context, the page's origin and the facts a handler
 * gives (MetaFacts), the head's title, description, absolute canonical and hreflang alternates, Open
 * Graph and Twitter tags, and JSON-LD (NewsArticle, BreadcrumbList, WebSite with its SearchAction).
 * Every value is plain text here; the layout escapes it (`{{ }}`), and the JSON-LD is made safe for a
 * `<script>` element by jsonLdText.
 */
import type { ShareNetwork } from '../config.js';
import type { Lang } from '../model/types.js';
import { endAtWord } from '../html/text.js';
import type { Picture } from './images.js';
import { STRINGS, fill } from './i18n/strings.js';
import { Urls } from './urls.js';
import type { PageContext } from './view.js';

/** What kind of page it is: picks og:type and the JSON-LD. */
export type PageKind = 'home' | 'article' | 'section' | 'tag' | 'source' | 'day' | 'month' | 'year' | 'search' | 'page' | 'other';

/** An article's facts for its metadata. */
export interface ArticleFacts {
  headline: string;
  publishedAt: string;
  modifiedAt: string;
  author: string | null;
  sourceName: string | null;
  sourceUrl: string | null;
  sections: readonly string[];
  tags: readonly string[];
  /** The original's URL for a republished article (JSON-LD isBasedOn). */
  original: string | null;
  lang: string;
}

/** What a page handler says about its page, beyond title and description (page.ts PageView.meta). */
export interface MetaFacts {
  kind: PageKind;
  /** The page's own path on this site: its canonical, unless canonicalUrl names another. */
  path?: string;
  /** An absolute URL elsewhere that is canonical (a republished article's original). */
  canonicalUrl?: string | null;
  /** The page's image as stored here (og:image, JSON-LD image) and its alt text. */
  image?: { picture: Picture; alt: string } | null;
  article?: ArticleFacts;
  /** The trail from the home page (not included) to this page (included), for BreadcrumbList. */
  breadcrumbs?: readonly { name: string; path: string }[];
}

/** The head of a page as the layout renders it. */
export interface HeadView {
  title: string;
  description: string | null;
  canonical: string | null;
  alternates: { lang: string; href: string }[];
  /** `<meta property>` pairs: og:* and article:*. */
  og: { property: string; content: string }[];
  /** `<meta name>` pairs: twitter:*. */
  twitter: { name: string; content: string }[];
  /** JSON-LD documents, each already safe inside a `<script>` element. */
  jsonLd: string[];
  /** Share links (article pages). */
  share: ReturnType<typeof shareLinks>;
  /** The OpenSearch description of the page's language. */
  opensearch: string;
  manifest: string;
}

/** Open Graph locales of the interface languages. */
export const OG_LOCALE: Record<Lang, string> = { en: 'en_US', tr: 'tr_TR', ar: 'ar_AR' };

/** The largest og:image width used (Facebook's and X's recommended 1200 px). */
export const OG_IMAGE_MAX = 1200;

/** A description is cut to about this many characters, at a word. */
export const DESCRIPTION_LENGTH = 160;

/** Google's headline limit for NewsArticle. */
export const HEADLINE_LENGTH = 110;

/** The publisher logo's path and size (icons.ts serves it). */
export const LOGO_PATH = '/icon-512.png';
export const LOGO_SIZE = 512;

/**
 * Returns the text cut to at most `max` characters at a word, with an ellipsis when cut.
 * @example clip('one two three', 8) === 'one two…'
 */
export function clip(text: string, max: number): string {
  const s = text.replace(/\s+/g, ' ').trim();
  if (s.length <= max) return s;
  return endAtWord(s.slice(0, max - 1), max / 2);
}

/**
 * Returns JSON for a `<script type="application/ld+json">` element: `<`, `>`, `&` and the line
 * separators written as \u escapes, so no `</script>` or `<!--` can end or change the element; it
 * parses back to the same value.
 * @example jsonLdText({ a: '</script>' }) === '{"a":"\\u003c/script\\u003e"}'
 */
export function jsonLdText(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What buildHead reads besides the context. */
export interface HeadInput {
  /** Where absolute URLs point ('' when the request gave no usable host: links stay relative). */
  origin: string;
  /** The path of this request, for the other languages' URLs. */
  path: string;
  title?: string;
  description?: string | null;
  facts?: MetaFacts;
}

/**
 * Returns the head of a page: title (`page - site`, the site alone on the home page), description,
 * canonical and alternates as absolute URLs, OG, Twitter and JSON-LD from the handler's facts.
 * @example buildHead(ctx, { origin: 'https://news.example', path: '/', facts: { kind: 'home', path: '/' } }).canonical === 'https://news.example/'
 */
export function buildHead(ctx: PageContext, input: HeadInput): HeadView {
  const { origin } = input;
  const facts: MetaFacts = input.facts ?? { kind: 'other' };
  const abs = (path: string) => `${origin}${path}`;
  const site = ctx.site;
  const title = input.title ? `${input.title} - ${site.siteName}` : site.siteName;
  const description = input.description ? clip(input.description, DESCRIPTION_LENGTH) : facts.kind === 'home' ? homeDescription(ctx) : null;
  const own = facts.path !== undefined ? abs(facts.path) : null;
  const canonical = facts.canonicalUrl ?? own;
  const alternates = site.languages.map((l) => ({ lang: l as string, href: abs(Urls.switchLang(input.path, ctx.urls, new Urls(l, site.defaultLanguage))) }));
  const fallback = alternates.find((a) => a.lang === site.defaultLanguage);
  if (alternates.length > 1 && fallback) alternates.push({ lang: 'x-default', href: fallback.href });
  const image = facts.image ? ogImage(facts.image.picture) : null;
  const a = facts.article;

  const og: HeadView['og'] = [];
  const put = (property: string, content: string | null | undefined) => {
    if (content) og.push({ property, content });
  };
  put('og:type', a ? 'article' : 'website');
  put('og:site_name', site.siteName);
  put('og:title', a ? a.headline : (input.title ?? site.siteName));
  put('og:description', description);
  put('og:url', own ?? undefined);
  put('og:locale', OG_LOCALE[ctx.lang]);
  for (const l of site.languages) if (l !== ctx.lang) put('og:locale:alternate', OG_LOCALE[l]);
  if (image) {
    put('og:image', abs(image.url));
    put('og:image:width', String(image.width));
    put('og:image:height', String(image.height));
    put('og:image:alt', facts.image!.alt);
  }
  if (a) {
    put('article:published_time', a.publishedAt);
    put('article:modified_time', a.modifiedAt);
    for (const s of a.sections) put('article:section', s);
    for (const t of a.tags) put('article:tag', t);
  }

  // X reads og:title, og:description and og:image where its own are absent: only an article repeats
  // its title and image (the pages that are shared), and no page its description (the front page
  // stays under its 50 KB budget).
  const twitter: HeadView['twitter'] = [{ name: 'twitter:card', content: image ? 'summary_large_image' : 'summary' }];
  const handle = twitterHandle(site.social);
  if (handle) twitter.push({ name: 'twitter:site', content: handle });
  if (a) twitter.push({ name: 'twitter:title', content: a.headline });
  if (image) {
    twitter.push({ name: 'twitter:image', content: abs(image.url) });
    twitter.push({ name: 'twitter:image:alt', content: facts.image!.alt });
  }

  const jsonLd: unknown[] = [];
  if (facts.kind === 'home') jsonLd.push(webSite(ctx, abs));
  if (a && own) jsonLd.push(newsArticle(ctx, a, abs, own, image, description));
  if (facts.breadcrumbs?.length) jsonLd.push(breadcrumbList(ctx, abs, facts.breadcrumbs));

  return {
    title,
    description,
    canonical,
    alternates: alternates.length > 1 ? alternates : [],
    og,
    twitter,
    jsonLd: jsonLd.map(jsonLdText),
    share: a && own ? shareLinks(site.share, own, a.headline, ctx.lang) : [],
    opensearch: `${ctx.urls.prefix}/opensearch.xml`,
    manifest: `${ctx.urls.prefix}/manifest.webmanifest`,
  };
}

/** Returns the home page's description: the site's own, else a line naming the site. */
export function homeDescription(ctx: PageContext): string {
  return clip(ctx.site.description || fill(ctx.t.siteDescription, { site: ctx.site.siteName }), DESCRIPTION_LENGTH);
}

/**
 * Returns the og:image of a picture: its largest stored JPEG/PNG variant no wider than 1200 px (the
 * narrowest when every one is wider), with its size.
 */
export function ogImage(p: Picture): { url: string; width: number; height: number } | null {
  const variants = p.srcset.split(', ').map((s) => {
    const [url, w] = s.split(' ');
    return { url: url!, width: Number.parseInt(w ?? '', 10) };
  }).filter((v) => v.url && Number.isFinite(v.width) && v.width > 0);
  if (!variants.length) return null;
  variants.sort((x, y) => x.width - y.width);
  const fit = variants.filter((v) => v.width <= OG_IMAGE_MAX);
  const best = fit.length ? fit[fit.length - 1]! : variants[0]!;
  // The variants keep the image's proportions (media/: resized by width).
  return { url: best.url, width: best.width, height: Math.max(1, Math.round((p.height * best.width) / p.width)) };
}

/** Returns `@handle` from an X/Twitter link among the social links, else null. */
export function twitterHandle(social: readonly { name: string; url: string }[]): string | null {
  for (const s of social) {
    const m = /^https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/@?([A-Za-z0-9_]{1,15})\/?$/i.exec(s.url);
    if (m) return `@${m[1]}`;
  }
  return null;
}

function publisher(ctx: PageContext, abs: (p: string) => string) {
  return {
    '@type': 'Organization',
    name: ctx.site.siteName,
    url: abs(ctx.urls.home()),
    logo: { '@type': 'ImageObject', url: abs(LOGO_PATH), width: LOGO_SIZE, height: LOGO_SIZE },
  };
}

function webSite(ctx: PageContext, abs: (p: string) => string) {
  return {
    '@context': 'https://schema.org',
    '@type': 'WebSite',
    name: ctx.site.siteName,
    url: abs(ctx.urls.home()),
    inLanguage: ctx.lang,
    potentialAction: {
      '@type': 'SearchAction',
      target: { '@type': 'EntryPoint', urlTemplate: `${abs(ctx.urls.search())}?q={search_term_string}` },
      'query-input': 'required name=search_term_string',
    },
  };
}

function newsArticle(ctx: PageContext, a: ArticleFacts, abs: (p: string) => string, own: string, image: { url: string; width: number; height: number } | null, description: string | null) {
  const author = a.author
    ? { '@type': 'Person', name: a.author }
    : { '@type': 'Organization', name: a.sourceName ?? ctx.site.siteName, ...(a.sourceUrl ? { url: a.sourceUrl } : {}) };
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: clip(a.headline, HEADLINE_LENGTH),
    ...(description ? { description } : {}),
    ...(image ? { image: [{ '@type': 'ImageObject', url: abs(image.url), width: image.width, height: image.height }] } : {}),
    datePublished: a.publishedAt,
    dateModified: a.modifiedAt,
    author: [author],
    publisher: publisher(ctx, abs),
    mainEntityOfPage: { '@type': 'WebPage', '@id': own },
    url: own,
    inLanguage: a.lang,
    ...(a.sections.length ? { articleSection: a.sections } : {}),
    ...(a.tags.length ? { keywords: a.tags } : {}),
    ...(a.original ? { isBasedOn: a.original } : {}),
  };
}

function breadcrumbList(ctx: PageContext, abs: (p: string) => string, crumbs: readonly { name: string; path: string }[]) {
  const all = [{ name: ctx.site.siteName, path: ctx.urls.home() }, ...crumbs];
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: all.map((c, i) => ({ '@type': 'ListItem', position: i + 1, name: c.name, item: abs(c.path) })),
  };
}

/**
 * Returns the share links of a page for the configured networks: plain links with the URL and title
 * encoded (no script from any network).
 * @example shareLinks(['x'], 'https://news.example/a/', 'A & B', 'en')[0].href === 'https://x.com/intent/post?url=https%3A%2F%2Fnews.example%2Fa%2F&text=A%20%26%20B'
 */
export function shareLinks(networks: readonly ShareNetwork[], url: string, title: string, lang: Lang): { network: ShareNetwork; name: string; href: string }[] {
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(title);
  const hrefs: Record<ShareNetwork, string> = {
    x: `https://x.com/intent/post?url=${u}&text=${t}`,
    facebook: `https://www.facebook.com/sharer/sharer.php?u=${u}`,
    whatsapp: `https://wa.me/?text=${encodeURIComponent(`${title} ${url}`)}`,
    telegram: `https://t.me/share/url?url=${u}&text=${t}`,
    linkedin: `https://www.linkedin.com/sharing/share-offsite/?url=${u}`,
    email: `mailto:?subject=${t}&body=${u}`,
  };
  const names: Record<ShareNetwork, string> = { x: 'X', facebook: 'Facebook', whatsapp: 'WhatsApp', telegram: 'Telegram', linkedin: 'LinkedIn', email: STRINGS[lang].shareEmail };
  return networks.map((n) => ({ network: n, name: names[n], href: hrefs[n] }));
}
