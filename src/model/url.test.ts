import { describe, expect, it } from 'vitest';
import { httpUrl, MAX_URL_LENGTH } from './url.js';

describe('httpUrl', () => {
  it('drops every scheme but http(s), however it is written', () => {
    for (const bad of [
      'javascript:alert(1)', '  JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'java\nscript:alert(1)', '\u0000javascript:alert(1)',
      'JAVASCRIPT:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', 'vbscript:msgbox(1)', 'file:///etc/passwd', 'ftp://x.example/',
      'mailto:a@b.example', '//evil.example/', '/relative', 'http://', '', '   ', 'not a url',
    ]) {
      expect(httpUrl(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(httpUrl(null)).toBeNull();
    expect(httpUrl(undefined)).toBeNull();
  });

  it('keeps http(s) URLs as a browser reads them, and resolves relative ones against a base', () => {
    expect(httpUrl(' HTTPS://News.Example/a b ')).toBe('https://news.example/a%20b');
    expect(httpUrl('http://x.example')).toBe('http://x.example/');
    expect(httpUrl('/a?b=1', 'https://x.example/feed/')).toBe('https://x.example/a?b=1');
    expect(httpUrl('javascript:alert(1)', 'https://x.example/')).toBeNull();
  });

  it('drops a URL too long to keep rather than cutting it', () => {
    const long = `https://x.example/${'a'.repeat(MAX_URL_LENGTH)}`;
    expect(httpUrl(long)).toBeNull();
    expect(httpUrl(long.slice(0, MAX_URL_LENGTH))).toBe(long.slice(0, MAX_URL_LENGTH));
  });
});
