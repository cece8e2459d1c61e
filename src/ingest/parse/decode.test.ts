import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, decodeText, normalizeCharset } from './decode.js';

const TURKISH = 'Çağrı Şükrü İğdır’da ölçü için gül';
const ARABIC = 'الجزيرة نت: أخبار عاجلة';
const xml = (encoding: string, text: string): string => `<?xml version="1.0" encoding="${encoding}"?><rss><channel><title>${text}</title></channel></rss>`;

describe('decodeText', () => {
  it('reads windows-1254 Turkish bytes named by the Content-Type header', () => {
    const bytes = iconv.encode(`<rss><channel><title>${TURKISH}</title></channel></rss>`, 'windows-1254');
    const out = decodeText(bytes, 'application/rss+xml; charset=windows-1254');
    expect(out).toEqual({ text: expect.stringContaining(TURKISH), charset: 'windows-1254' });
  });

  it('reads windows-1256 Arabic bytes named by the XML declaration', () => {
    const bytes = iconv.encode(xml('windows-1256', ARABIC), 'windows-1256');
    const out = decodeText(bytes, 'text/xml');
    expect(out.charset).toBe('windows-1256');
    expect(out.text).toContain(ARABIC);
  });

  it('reads ISO-8859-9 as windows-1254, as browsers do', () => {
    const bytes = iconv.encode(xml('ISO-8859-9', 'İstanbul’da şiddetli'), 'windows-1254');
    expect(decodeText(bytes)).toEqual({ text: expect.stringContaining('İstanbul’da şiddetli'), charset: 'windows-1254' });
  });

  it('lets the header win over the XML declaration', () => {
    const bytes = iconv.encode(xml('iso-8859-1', TURKISH), 'windows-1254');
    expect(decodeText(bytes, 'text/xml; charset="windows-1254"').text).toContain(TURKISH);
  });

  it('lets valid UTF-8 win over a stale single-byte header when the document says UTF-8', () => {
    const bytes = Buffer.from(xml('utf-8', TURKISH));
    expect(decodeText(bytes, 'text/xml; charset=ISO-8859-1')).toEqual({ text: expect.stringContaining(TURKISH), charset: 'utf-8' });
  });

  it('falls back to the declared charset when bytes labelled UTF-8 are not UTF-8', () => {
    const bytes = iconv.encode(xml('windows-1254', TURKISH), 'windows-1254');
    expect(decodeText(bytes, 'text/xml; charset=utf-8').text).toContain(TURKISH);
  });

  it('guesses UTF-8, then windows-1252, for unlabelled bodies', () => {
    expect(decodeText(Buffer.from('<rss>Café</rss>')).charset).toBe('utf-8');
    const legacy = iconv.encode('<rss>Café “quoted”</rss>', 'windows-1252');
    // a guess: the body names no charset, and it is not UTF-8
    expect(decodeText(legacy)).toEqual({ text: '<rss>Café “quoted”</rss>', charset: 'windows-1252', guessed: true });
  });

  it('honours byte-order marks (UTF-8, UTF-16 LE/BE, UTF-32) and strips them', () => {
    const doc = xml('utf-16', ARABIC);
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc)])).text).toBe(doc);
    expect(decodeText(iconv.encode(doc, 'utf-16le', { addBOM: true }))).toEqual({ text: doc, charset: 'utf-16le' });
    expect(decodeText(iconv.encode(doc, 'utf-16be', { addBOM: true }))).toEqual({ text: doc, charset: 'utf-16be' });
    expect(decodeText(iconv.encode(doc, 'utf-32le', { addBOM: true })).text).toBe(doc);
  });

  it('detects UTF-16 without a BOM from the zero bytes around "<"', () => {
    const doc = xml('utf-16', TURKISH);
    expect(decodeText(iconv.encode(doc, 'utf-16be'))).toEqual({ text: doc, charset: 'utf-16be' });
    expect(decodeText(iconv.encode(doc, 'utf-16le'))).toEqual({ text: doc, charset: 'utf-16le' });
  });

  it('ignores a UTF-16 label on bytes that are plainly 8-bit', () => {
    expect(decodeText(Buffer.from(xml('utf-16', 'plain ascii'))).text).toContain('plain ascii');
  });

  it('reads <meta charset> and <meta http-equiv> in the first 1024 bytes of HTML pages', () => {
    const page1 = iconv.encode(`<!doctype html><html><head><meta charset="windows-1256"><title>${ARABIC}</title>`, 'windows-1256');
    expect(decodeText(page1, 'text/html')).toEqual({ text: expect.stringContaining(ARABIC), charset: 'windows-1256' });
    const page2 = iconv.encode(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-9"><title>${TURKISH}</title>`, 'windows-1254');
    expect(decodeText(page2, 'text/html').text).toContain(TURKISH);
    const late = iconv.encode(`<html><head>${' '.repeat(1100)}<meta charset="windows-1256"><title>${ARABIC}</title>`, 'windows-1256');
    expect(decodeText(late, 'text/html').charset).toBe('windows-1252'); // too late to count: unlabelled legacy bytes
  });

  it('ignores unknown charset labels', () => {
    expect(decodeText(Buffer.from('<rss>ok</rss>'), 'text/xml; charset=bogus-9').charset).toBe('utf-8');
  });
});

describe('charset helpers', () => {
  it('reads the charset parameter however it is quoted', () => {
    expect(charsetFromContentType('text/xml;charset = "us-ascii"')).toBe('us-ascii');
    expect(charsetFromContentType("text/atom+xml;charset='utf-8'")).toBe('utf-8');
    expect(charsetFromContentType('text/xml')).toBeNull();
    expect(charsetFromContentType(null)).toBeNull();
  });

  it('maps labels to the encodings browsers use', () => {
    expect(normalizeCharset('ISO-8859-1')).toBe('windows-1252');
    expect(normalizeCharset('latin5')).toBe('windows-1254');
    expect(normalizeCharset('UTF8')).toBe('utf-8');
    expect(normalizeCharset('windows-1256')).toBe('windows-1256');
    expect(normalizeCharset('nonsense')).toBeNull();
  });
});

describe('decodeText: when the charset is a guess', () => {
  it('says so when the bytes do not fit the charset the body names, or it names an unknown one', () => {
    const bad = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<rss>caf'), Buffer.from([0xe9]), Buffer.from('</rss>')]);
    expect(decodeText(bad).guessed).toBe(true); // a UTF-8 BOM, then a Latin-1 byte
    expect(decodeText(Buffer.from('<?xml version="1.0" encoding="bogus"?><rss/>')).guessed).toBe(true);
    expect(decodeText(Buffer.from('<rss>caf\xe9</rss>', 'latin1'), 'text/xml; charset=utf-8').guessed).toBe(true);
  });

  it('does not when the bytes fit, or a single-byte header names them', () => {
    expect(decodeText(Buffer.from('<rss>café</rss>')).guessed).toBeUndefined();
    expect(decodeText(Buffer.from('<rss>caf\xe9</rss>', 'latin1'), 'text/xml; charset=iso-8859-1').guessed).toBeUndefined();
  });
});
