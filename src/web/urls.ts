/** The site's URL scheme for one page language: default language at `/`, others under `/tr/`, `/ar/`. */
import type { Lang } from '../model/types.js';

/** Builds the site's URLs for one language. */
export class Urls {
  readonly prefix: string;
  constructor(readonly lang: Lang, defaultLang: Lang) {
    this.prefix = lang === defaultLang ? '' : `/${lang}`;
  }

  /** Returns the home page URL, with `?page=N` beyond the first page. */
  home(page = 1): string {
    return `${this.prefix}/${page > 1 ? `?page=${page}` : ''}`;
  }

  /** Returns the archive URL of a day 'YYYY-MM-DD'. */
  day(day: string, page = 1): string {
    return `${this.prefix}/${day.replaceAll('-', '/')}/${page > 1 ? `?page=${page}` : ''}`;
  }

  /** Returns the archive URL of a month 'YYYY-MM'. */
  month(month: string): string {
    return `${this.prefix}/${month.replace('-', '/')}/`;
  }

  /** Returns the archive URL of a year. */
  year(year: number | string): string {
    return `${this.prefix}/${year}/`;
  }

  /** Returns a section's page URL, with `?page=N` beyond the first page. */
  section(slug: string, page = 1): string {
    return this.list('section', slug, page);
  }

  /** Returns a tag's page URL. */
  tag(slug: string, page = 1): string {
    return this.list('tag', slug, page);
  }

  /** Returns a source's page URL. */
  source(slug: string, page = 1): string {
    return this.list('source', slug, page);
  }

  /**
   * Returns an own page's URL (About, Contact …); a language without its own version shows the default one's.
   * @example new Urls('tr', 'en').page('about') === '/tr/about/'
   */
  page(slug: string): string {
    return `${this.prefix}/${encodeURIComponent(slug)}/`;
  }

  private list(kind: 'section' | 'tag' | 'source', slug: string, page: number): string {
    return `${this.prefix}/${kind}/${encodeURIComponent(slug)}/${page > 1 ? `?page=${page}` : ''}`;
  }

  /** Returns an article's stable URL: its local day, then its slug. */
  article(a: { localDay: string; slug: string }): string {
    return `${this.prefix}/${a.localDay.replaceAll('-', '/')}/${encodeURIComponent(a.slug)}/`;
  }

  /**
   * Returns the search page URL for these parameters (empty ones left out).
   * @example urls.search({ q: 'bank', page: 2 }) === '/search?q=bank&page=2'
   */
  search(p: { q?: string; page?: number; from?: string; to?: string; source?: number } = {}, format: 'html' | 'json' = 'html'): string {
    const params = new URLSearchParams();
    if (p.q) params.set('q', p.q);
    if (p.from) params.set('from', p.from);
    if (p.to) params.set('to', p.to);
    if (p.source) params.set('source', String(p.source));
    if (p.page && p.page > 1) params.set('page', String(p.page));
    const qs = params.toString();
    return `${this.prefix}/search${format === 'json' ? '.json' : ''}${qs ? `?${qs}` : ''}`;
  }

  /** Returns the same path in another language. */
  static switchLang(path: string, from: Urls, to: Urls): string {
    const rest = from.prefix && path.startsWith(from.prefix) ? path.slice(from.prefix.length) : path;
    return `${to.prefix}${rest.startsWith('/') ? rest : `/${rest}`}`;
  }
}
