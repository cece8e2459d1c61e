import { describe, expect, it } from 'vitest';
import { articleImageUrls, isOwnImageUrl, uploadedImageUrl } from './urls.js';

const NAME = '0123456789abcdef01234567-1280.jpg';

describe('uploadedImageUrl', () => {
  it("is the file on the site's own /media/, else under uploads.invalid; always an http(s) URL as the store keeps it", () => {
    expect(uploadedImageUrl(NAME, 'https://news.example')).toBe(`https://news.example/media/${NAME}`);
    expect(uploadedImageUrl(NAME, 'https://News.Example/portal/')).toBe(`https://news.example/portal/media/${NAME}`);
    expect(uploadedImageUrl(NAME, null)).toBe(`https://uploads.invalid/${NAME}`);
    // An article naming it keeps it as it is (articleImageUrls runs the store's httpUrl check).
    expect(articleImageUrls({ imageUrl: uploadedImageUrl(NAME, null), contentHtml: null })).toEqual([`https://uploads.invalid/${NAME}`]);
    expect(() => uploadedImageUrl('../etc/passwd', null)).toThrow(/not a media file name/);
  });
});

describe('isOwnImageUrl', () => {
  it("is true for uploads and this site's own media files only", () => {
    expect(isOwnImageUrl(`https://uploads.invalid/${NAME}`, null)).toBe(true);
    expect(isOwnImageUrl('http://uploads.invalid/anything', 'https://news.example')).toBe(true);
    expect(isOwnImageUrl(`https://news.example/media/${NAME}`, 'https://news.example')).toBe(true);
    expect(isOwnImageUrl(`https://news.example/portal/media/${NAME}`, 'https://news.example/portal')).toBe(true);
    // Another Jarida's media, a page of this site, another scheme or port: fetched as any image is.
    expect(isOwnImageUrl(`https://other.example/media/${NAME}`, 'https://news.example')).toBe(false);
    expect(isOwnImageUrl(`https://news.example/media/${NAME}`, null)).toBe(false);
    expect(isOwnImageUrl('https://news.example/media/logo.png', 'https://news.example')).toBe(false);
    expect(isOwnImageUrl(`http://news.example/media/${NAME}`, 'https://news.example')).toBe(false);
    expect(isOwnImageUrl(`https://news.example:8443/media/${NAME}`, 'https://news.example')).toBe(false);
    expect(isOwnImageUrl('not a url', 'https://news.example')).toBe(false);
  });
});
