import { describe, expect, it } from 'vitest';
import { LinePacker, packLines, parseNdjsonLine, readLineBytes, readLines, unpackLines, type Line, type LineBytes } from './ndjson.js';

async function* chunks(...parts: (string | Buffer)[]) {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}
async function all(it: AsyncIterable<Line>): Promise<Line[]> {
  const out: Line[] = [];
  for await (const l of it) out.push(l);
  return out;
}

describe('readLines', () => {
  it('cuts lines across chunks, keeps UTF-8 characters split between chunks, skips blank lines', async () => {
    const ar = Buffer.from('{"t":"مرحبا"}\r\n');
    const lines = await all(readLines(chunks('{"a":1}\n\n  \n{"b"', ':2}\n', ar.subarray(0, 7), ar.subarray(7), '{"c":3}')));
    expect(lines).toEqual([
      { n: 1, text: '{"a":1}' },
      { n: 4, text: '{"b":2}' },
      { n: 5, text: '{"t":"مرحبا"}\r' },
      { n: 6, text: '{"c":3}' },
    ]);
  });

  it('reports a line over the limit without holding it, and goes on with the next', async () => {
    const big = 'x'.repeat(1000);
    const lines = await all(readLines(chunks('{"a":1}\n{"big":"', big, big, big, '"}\n{"b":2}\n'), 2000));
    expect(lines).toEqual([{ n: 1, text: '{"a":1}' }, { n: 2, tooLong: 3010 }, { n: 3, text: '{"b":2}' }]);
  });

  it('reports a last line over the limit with no newline after it', async () => {
    expect(await all(readLines(chunks('{"a":1}\n', 'y'.repeat(50)), 10))).toEqual([{ n: 1, text: '{"a":1}' }, { n: 2, tooLong: 50 }]);
  });
});

describe('readLineBytes and packed lines', () => {
  it('give the lines readLines gives, through one buffer (blank lines of Unicode spaces skipped too)', async () => {
    const ar = Buffer.from('{"t":"مرحبا"}\r\n');
    const input = () => chunks('{"a":1}\n\n \u00a0\u3000 \n{"b"', ':2}\n', ar.subarray(0, 7), ar.subarray(7), '"x"\n\u00e9{\n{"big":"', 'y'.repeat(40), '"}\n{"c":3}');
    const expected = await all(readLines(input(), 30));
    expect(expected.map((l) => l.n)).toEqual([1, 4, 5, 6, 7, 8, 9]);
    expect(expected[5]).toEqual({ n: 8, tooLong: 50 });
    const raw: LineBytes[] = [];
    const packer = new LinePacker();
    for await (const l of readLineBytes(input(), 30)) {
      raw.push('bytes' in l ? { n: l.n, bytes: Buffer.from(l.bytes) } : l);
      packer.add(l); // at once: the bytes are a view of the chunk until the next line
    }
    expect(unpackLines(packer.take())).toEqual(expected);
    expect(unpackLines(packLines(raw))).toEqual(expected);
    expect(packer.length).toBe(0);
  });

  it('grows its buffer for lines larger than it', () => {
    const big = { n: 1, bytes: Buffer.from(`{"x":"${'z'.repeat(3 << 20)}"}`) };
    const packer = new LinePacker();
    packer.add({ n: 1, bytes: Buffer.from('{}') });
    packer.add({ ...big, n: 2 });
    packer.add({ n: 3, tooLong: 99 });
    const lines = unpackLines(packer.take());
    expect(lines.map((l) => ('text' in l ? l.text.length : l.tooLong))).toEqual([2, (3 << 20) + 8, 99]);
  });
});

const ok = { title: 'Ferries resume', published: '2019-02-14T07:30:00Z', guid: 'a-1' };
const line = (o: unknown, n = 7): Line => ({ n, text: typeof o === 'string' ? o : JSON.stringify(o) });

describe('parseNdjsonLine', () => {
  it('reads every documented field', () => {
    const e = parseNdjsonLine(line({
      ...ok, guid: undefined, id: 42, url: 'https://news.example/a', content: '<p>Body</p>', summary: 'Short', author: ' Leila ',
      language: 'tr', image_url: 'https://news.example/a.jpg', categories: ['World', ' World ', 'Istanbul'], status: 'hidden',
      source: { title: 'Wire', url: 'https://wire.example/feed', site_url: 'https://wire.example/', language: 'en' },
    }));
    expect(e).toEqual({
      at: 'line 7',
      article: {
        guid: '42', url: 'https://news.example/a', title: 'Ferries resume', publishedAt: Date.parse('2019-02-14T07:30:00Z'),
        contentHtml: '<p>Body</p>', summary: 'Short', author: 'Leila', language: 'tr', imageUrl: 'https://news.example/a.jpg',
        categories: ['World', 'Istanbul'], status: 'hidden',
        source: { title: 'Wire', url: 'https://wire.example/feed', siteUrl: 'https://wire.example/', language: 'en' },
      },
    });
  });

  it('takes the url as guid when there is no guid or id, and a source given by name', () => {
    const e = parseNdjsonLine(line({ title: 'T', published: '2019-02-14T10:30:00+03:00', url: 'https://n.example/x', source: 'Desk' }));
    expect(e).toMatchObject({ article: { guid: 'https://n.example/x', publishedAt: Date.parse('2019-02-14T07:30:00Z'), source: { title: 'Desk', url: null }, status: 'published' } });
  });

  const bad: [string, unknown, string][] = [
    ['invalid JSON', '{"title": "T", ', 'invalid JSON'],
    ['a JSON array', '[1,2]', 'not a JSON object'],
    ['no title', { ...ok, title: '  ' }, 'no title'],
    ['a title that is not a string', { ...ok, title: 5 }, 'title: not a string'],
    ['no date', { ...ok, published: undefined }, 'no published date'],
    ['a date that is not an instant', { ...ok, published: 'yesterday' }, 'published: not an ISO-8601 instant with offset'],
    ['a date without offset', { ...ok, published: '2019-02-14T07:30:00' }, 'published: not an ISO-8601 instant with offset'],
    ['an impossible date', { ...ok, published: '2019-02-31T07:30:00Z' }, 'published: not an ISO-8601 instant with offset'],
    ['no guid, id or url', { title: 'T', published: ok.published }, 'no guid, id or url'],
    ['a javascript: url', { ...ok, url: 'javascript:alert(1)' }, 'url: not an http(s) URL'],
    ['an over-long title', { ...ok, title: 'x'.repeat(1001) }, 'title longer than 1000 characters'],
    ['an over-long body', { ...ok, content_html: 'x'.repeat(2_000_001) }, 'content_html longer than 2000000 characters'],
    ['categories that are not strings', { ...ok, categories: 'News' }, 'categories: not a list of strings'],
    ['an unknown status', { ...ok, status: 'live' }, 'status: not one of published, draft, hidden'],
    ['a bad language', { ...ok, language: 'english!' }, 'language: not a language code'],
    ['a source without title', { ...ok, source: { url: 'https://x.example/' } }, 'source: no title'],
  ];
  for (const [what, input, reason] of bad) {
    it(`skips a line with ${what}`, () => {
      const e = parseNdjsonLine(line(input));
      expect(e).toMatchObject({ at: 'line 7', skip: reason });
    });
  }

  it('skips a line that was over the limit', () => {
    expect(parseNdjsonLine({ n: 3, tooLong: 10_485_760 })).toEqual({ at: 'line 3', skip: 'line over 5 MB', detail: '10485760 bytes' });
  });
});
