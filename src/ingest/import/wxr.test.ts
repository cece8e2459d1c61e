import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportError } from './errors.js';
import { autop, readWxr, stripBlockComments, type WxrEvent } from './wxr.js';

const SAMPLE = readFileSync(join(import.meta.dirname, 'testdata', 'wordpress.xml'));

async function* inChunks(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
async function events(bytes: Buffer, size = 4096): Promise<WxrEvent[]> {
  const out: WxrEvent[] = [];
  for await (const e of readWxr(inChunks(bytes, size))) out.push(e);
  return out;
}

describe('readWxr', () => {
  it('reads the channel, then each item: posts as articles, the rest skipped with a reason', async () => {
    const ev = await events(SAMPLE);
    expect(ev[0]).toEqual({ channel: { title: 'Islamic Invitation Turkey', link: 'https://www.islamicinvitationturkey.example', language: 'en-US' } });
    const entries = ev.slice(1);
    expect(entries.map((e) => ('skip' in e ? `${e.at}: ${e.skip}` : `${e.at}: ${e.article.title}`))).toEqual([
      'item 1: not a post (attachment)',
      'item 2: not a post (page)',
      'item 3: Ferry services resume across the Bosphorus',
      'item 4: not published (draft)',
      'item 5: Gallery: the new metro line & its stations',
      'item 6: not published (pending)',
      'item 7: not a post (nav_menu_item)',
      'item 8: الليرة التركية تستقر بعد قرار البنك المركزي',
    ]);
  });

  it('gives the same result whatever the chunk size (tags and UTF-8 split between chunks)', async () => {
    expect(await events(SAMPLE, 7)).toEqual(await events(SAMPLE));
  });

  it('maps a post: guid, link, GMT date, display name of the author, categories and tags, paragraphs, excerpt', async () => {
    const ferry = (await events(SAMPLE)).find((e) => 'article' in e && e.article.guid.endsWith('?p=101'));
    expect(ferry).toEqual({
      at: 'item 3',
      article: {
        guid: 'https://www.islamicinvitationturkey.example/?p=101',
        url: 'https://www.islamicinvitationturkey.example/2019/02/14/ferry-services-resume/',
        title: 'Ferry services resume across the Bosphorus',
        publishedAt: Date.parse('2019-02-14T07:30:00Z'),
        contentHtml: [
          '<p>Ferries crossed the Bosphorus again on Thursday morning after two days of <strong>storm warnings</strong>.</p>',
          '<p>The operator said the first boats left Eminönü at 7:00 and<br>\nthat the timetable would be back to normal by the evening.</p>',
          '<p><a href="/2019/02/13/storm-warning/">Yesterday\'s warning</a> had stopped all crossings.</p>',
        ].join('\n'),
        summary: 'Ferries are back after the storm.',
        author: 'Leila Haddad',
        language: null,
        imageUrl: null,
        categories: ['World', 'Istanbul'],
        status: 'published',
        source: null,
      },
    });
  });

  it('falls back to wp-post-<id> without a guid and to pubDate when post_date_gmt is zero', async () => {
    const lira = (await events(SAMPLE)).at(-1)!;
    expect(lira).toMatchObject({ article: { guid: 'wp-post-95', publishedAt: Date.parse('2019-02-12T13:15:00Z'), categories: ['Economy'] } });
  });

  it('reads a plain RSS 2.0 feed as published posts', async () => {
    const rss = Buffer.from('<rss version="2.0"><channel><title>Feed</title><item><title>One</title><link>https://f.example/1</link><pubDate>Tue, 12 Feb 2019 13:15:00 GMT</pubDate><description>&lt;b&gt;Hi&lt;/b&gt;</description></item></channel></rss>');
    const ev = await events(rss);
    expect(ev[1]).toMatchObject({ at: 'item 1', article: { guid: 'https://f.example/1', title: 'One', contentHtml: '<p><b>Hi</b></p>' } });
  });

  it('throws IMPORT_FORMAT for XML that is not RSS', async () => {
    await expect(events(Buffer.from('<?xml version="1.0"?><html><body>Hi</body></html>'))).rejects.toThrow(ImportError);
    await expect(events(Buffer.from('<feed xmlns="http://www.w3.org/2005/Atom"></feed>'))).rejects.toThrow(/root element is <feed>/);
  });
});

describe('autop and block comments', () => {
  it('makes paragraphs of blank-line-separated text and line breaks of single newlines', () => {
    expect(autop('One\n\nTwo <b>2</b>\nlines\r\n\r\n\r\nThree')).toBe('<p>One</p>\n<p>Two <b>2</b><br>\nlines</p>\n<p>Three</p>');
  });
  it('leaves runs that start with a block tag, and HTML with <pre> or <table>, as they are', () => {
    expect(autop('<h2>Title</h2>\n\nText')).toBe('<h2>Title</h2>\n<p>Text</p>');
    expect(autop('<pre>a\n\nb</pre>')).toBe('<pre>a\n\nb</pre>');
  });
  it('strips the block editor comments only', () => {
    expect(stripBlockComments('<!-- wp:paragraph {"a":1} -->\n<p>x</p>\n<!-- /wp:paragraph --><!-- keep -->')).toBe('<p>x</p>\n<!-- keep -->');
  });
});
