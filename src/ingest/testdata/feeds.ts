/** Feeds and pages the ingestion tests serve from a local HTTP server. */

/** Returns an RSS 2.0 feed with the given items. */
export function rss(items: { guid: string; title: string; link: string; date?: string; description?: string; content?: string; category?: string }[], extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Test Feed</title><link>http://127.0.0.1/</link><description>d</description>${extra}
${items
  .map(
    (i) => `<item><guid isPermaLink="false">${i.guid}</guid><title>${i.title}</title><link>${i.link}</link>${i.date ? `<pubDate>${i.date}</pubDate>` : ''}${i.category ? `<category>${i.category}</category>` : ''}
<description><![CDATA[${i.description ?? `<p>Summary of ${i.title}</p>`}]]></description>${i.content ? `<content:encoded><![CDATA[${i.content}]]></content:encoded>` : ''}</item>`,
  )
  .join('\n')}
</channel></rss>`;
}

/** Returns an article page with enough text for Reader View. */
export function articlePage(title: string, paragraphs = 6): string {
  const body = Array.from({ length: paragraphs }, (_, i) => `<p>Paragraph ${i + 1} of the story "${title}". The city council met on Tuesday to discuss the new harbour plan, and residents filled the hall to hear the details of the proposal, which has been debated for years.</p>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} - Local News</title>
<meta property="og:image" content="/img/lead.jpg"></head>
<body><header><nav><a href="/">Home</a> <a href="/sports">Sports</a></nav></header>
<main><article><h1>${title}</h1><p class="byline">By Jane Writer</p>${body}<script>track()</script></article></main>
<footer>© Local News</footer></body></html>`;
}
