import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config.js';
import { renderPageBody } from '../../html/markdown.js';
import type { Lang } from '../../model/types.js';
import { saveArticle } from '../../store/articles.js';
import { watchChanges, type StopWatching } from '../../store/changes.js';
import type { Store } from '../../store/db.js';
import { deleteSitePage, saveSitePage } from '../../store/site-pages.js';
import { ensureSource } from '../../store/sources.js';
import { openTestStore } from '../../store/testing.js';
import { buildApp } from '../app.js';
import { invalidationOf, PageCache } from '../cache.js';

const TZ = 'Europe/Istanbul';
const now = () => new Date('2019-02-15T09:00:00Z');
const ABOUT_MD = '# Who we are\n\nJarida is **independent**. [Write](mailto:desk@example.org), [see](javascript:alert(1)).\n\n<script>alert(1)</script>\n';
const ABOUT_HTML = '<p>Biz <em>bağımsızız</em>.</p><script>alert(1)</script><p><a href="javascript:alert(1)" onclick="alert(2)">tıkla</a></p>';

/** Adds a page version as `jarida pages add` does: the body rendered and sanitized, then stored. */
function addPage(store: Store, slug: string, lang: Lang, title: string, body: string, format: 'markdown' | 'html' = 'markdown', position?: number) {
  return saveSitePage(store.db, { slug, lang, title, body, format, html: renderPageBody(body, format), position });
}

/** The footer's links of a page: href, lang and text of each. */
function footerLinks(html: string): string[] {
  const footer = /<ul class="footer-pages">(.*?)<\/ul>/s.exec(html)?.[1] ?? '';
  return [...footer.matchAll(/<a href="([^"]+)" lang="(\w+)" dir="(\w+)"[^>]*>([^<]*)<\/a>/g)].map((m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`);
}

describe('own pages', () => {
  let store: Store;
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ method: 'GET', url });

  beforeAll(async () => {
    store = await openTestStore();
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await saveArticle(store.db, { sourceId, guid: 'a', title: 'A story of 2019', publishedAt: new Date('2019-02-14T10:00:00Z') }, TZ);
    await addPage(store, 'about', 'en', 'About us', ABOUT_MD);
    await addPage(store, 'about', 'tr', 'Hakkımızda', ABOUT_HTML, 'html');
    await addPage(store, 'imprint', 'en', 'Imprint', 'Jarida Ltd, Istanbul', 'markdown', 0);
    app = await buildApp({ store, config: parseConfig({ timeZone: TZ }), now });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('serves a page at /<slug>/ in each language, markdown rendered, script and javascript: links gone', async () => {
    const en = await get('/about/');
    expect(en.statusCode).toBe(200);
    expect(en.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(en.body).toContain('<title>About us - Jarida</title>');
    expect(en.body).toContain('<article class="article site-page" lang="en" dir="ltr">');
    expect(en.body).toContain('<h1>About us</h1>');
    expect(en.body).toContain('<h2>Who we are</h2>');
    expect(en.body).toContain('Jarida is <strong>independent</strong>.');
    expect(en.body).toContain('<a href="mailto:desk@example.org"');
    expect(en.body).toContain('<link rel="canonical" href="http://localhost/about/">');

    const tr = await get('/tr/about/');
    expect(tr.statusCode).toBe(200);
    expect(tr.body).toContain('<html lang="tr" dir="ltr">');
    expect(tr.body).toContain('<h1>Hakkımızda</h1>');
    expect(tr.body).toContain('<p>Biz <em>bağımsızız</em>.</p>');
    expect(tr.body).toContain('<a>tıkla</a>');
    expect(tr.body).toContain('<link rel="canonical" href="http://localhost/tr/about/">');

    // Body scripts and javascript: links never reach a page (the layout's own two scripts stay).
    for (const body of [en.body, tr.body]) {
      const article = /<article[^]*?<\/article>/.exec(body)![0];
      expect(article).not.toMatch(/<script|href="\s*javascript:|onclick/i);
      expect(body.match(/<script>/g)).toHaveLength(2);
    }
    // The trailing slash is optional, as for every page.
    expect((await get('/about')).statusCode).toBe(200);
  });

  it('shows the default language version where a language has none, with the content language on the article', async () => {
    const ar = await get('/ar/about/');
    expect(ar.statusCode).toBe(200);
    expect(ar.body).toContain('<html lang="ar" dir="rtl">');
    expect(ar.body).toContain('<article class="article site-page" lang="en" dir="ltr">');
    expect(ar.body).toContain('<h1>About us</h1>');
    // The same text as /about/: that URL is canonical.
    expect(ar.body).toContain('<link rel="canonical" href="http://localhost/about/">');
    expect((await get('/tr/imprint/')).body).toContain('<article class="article site-page" lang="en" dir="ltr">');
  });

  it('links the pages in every footer, in position order, in the page language or else the default', async () => {
    expect(footerLinks((await get('/')).body)).toEqual(['/imprint/ en ltr Imprint', '/about/ en ltr About us']);
    expect(footerLinks((await get('/tr/')).body)).toEqual(['/tr/imprint/ en ltr Imprint', '/tr/about/ tr ltr Hakkımızda']);
    expect(footerLinks((await get('/ar/')).body)).toEqual(['/ar/imprint/ en ltr Imprint', '/ar/about/ en ltr About us']);
    // Every page: archives, error pages; the page itself is marked current.
    expect(footerLinks((await get('/2019/02/14/')).body)).toHaveLength(2);
    expect(footerLinks((await get('/nothing-here/')).body)).toHaveLength(2);
    expect((await get('/about/')).body).toContain('<a href="/about/" lang="en" dir="ltr" aria-current="page">About us</a>');
  });

  it("answers an unknown page, a slug's wrong spelling and a reserved word with the site's 404 page", async () => {
    for (const url of ['/nothing-here/', '/tr/nothing-here/', '/About/', '/about-/', '/ar/kunye/', '/media/', '/favicon.png']) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.body, url).toContain('<section class="error">');
    }
    expect((await get('/tr/nothing-here/')).body).toContain('Sayfa bulunamadı');
  });

  it('keeps the year archives and their 404s for digit segments', async () => {
    const y = await get('/2019/');
    expect(y.statusCode).toBe(200);
    expect(y.body).toContain('Archive of 2019');
    expect((await get('/tr/2019/')).body).toContain('2019 arşivi');
    for (const url of ['/0000/', '/123/', '/20190/', '/tr/0000/']) expect((await get(url)).statusCode, url).toBe(404);
  });

  it('redirects the default language prefix to the unprefixed URL', async () => {
    const r = await get('/en/about/');
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toBe('/about/');
  });

  it('stops serving and linking a removed version', async () => {
    await addPage(store, 'contact', 'tr', 'İletişim', 'Bize yazın.');
    expect((await get('/tr/contact/')).statusCode).toBe(200);
    expect((await get('/contact/')).statusCode).toBe(404); // no English version to fall back to
    expect(footerLinks((await get('/tr/')).body)).toContain('/tr/contact/ tr ltr İletişim');
    expect(footerLinks((await get('/')).body)).not.toContain('/contact/ tr ltr İletişim');
    await deleteSitePage(store.db, 'contact', 'tr');
    expect((await get('/tr/contact/')).statusCode).toBe(404);
    expect(footerLinks((await get('/tr/')).body).join(' ')).not.toContain('contact');
  });
});

describe('own pages through the page cache', () => {
  let store: Store;
  let app: FastifyInstance;
  let cache: PageCache;
  let stop: StopWatching;
  let base: string;

  beforeAll(async () => {
    store = await openTestStore();
    const sourceId = await ensureSource(store.db, { kind: 'manual', title: 'Desk' });
    await saveArticle(store.db, { sourceId, guid: 'a', title: 'A story of 2019', publishedAt: new Date('2019-02-14T10:00:00Z') }, TZ);
    await addPage(store, 'about', 'en', 'About us', 'We are **Jarida**.');
    cache = new PageCache({ maxBytes: 1 << 22, timeZone: TZ, now });
    stop = watchChanges(store, (c) => cache.invalidate(invalidationOf(c)));
    await stop.ready;
    app = await buildApp({ store, config: parseConfig({ timeZone: TZ }), now, cache });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await stop();
    await store.close();
  });
  const text = async (path: string) => {
    const r = await fetch(base + path, { headers: { 'accept-encoding': 'identity' } });
    return { status: r.status, cache: r.headers.get('x-cache'), keys: r.headers.get('surrogate-key'), body: await r.text() };
  };

  it('caches a page under its tag, and clears every cached page when a page is added, replaced or removed', async () => {
    const paths = ['/', '/tr/', '/about/', '/tr/about/', '/2019/', '/2019/02/14/'];
    for (const p of paths) await text(p);
    for (const p of paths) expect((await text(p)).cache, p).toBe('hit');
    const about = await text('/about/');
    expect(about.keys?.split(' ')).toContain('page-about');

    await addPage(store, 'contact', 'en', 'Contact', 'Write to **the desk**.');
    await new Promise((r) => setImmediate(r)); // the change is delivered after the commit
    for (const p of paths) {
      const r = await text(p);
      expect(r.cache, p).toBe('miss');
      expect(footerLinks(r.body), p).toContain(`${p.startsWith('/tr/') ? '/tr' : ''}/contact/ en ltr Contact`);
    }
    expect((await text('/contact/')).body).toContain('Write to <strong>the desk</strong>.');

    await addPage(store, 'about', 'en', 'About Jarida', 'We are **Jarida**, since 2019.');
    await new Promise((r) => setImmediate(r));
    const replaced = await text('/tr/about/');
    expect(replaced.cache).toBe('miss');
    expect(replaced.body).toContain('since 2019');

    await deleteSitePage(store.db, 'contact');
    await new Promise((r) => setImmediate(r));
    const home = await text('/');
    expect(home.cache).toBe('miss');
    expect(footerLinks(home.body)).toEqual(['/about/ en ltr About Jarida']);
    expect((await text('/contact/')).status).toBe(404);
  });
});
