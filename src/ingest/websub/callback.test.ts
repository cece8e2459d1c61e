/** The push signature check (W3C WebSub §8): the methods the spec allows, and what it refuses. (Pushes end to end: websub.test.ts.) */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureMatches } from './callback.js';

const body = new TextEncoder().encode('<rss version="2.0"><channel><title>t</title></channel></rss>');
const sign = (method: string, secret = 'k3y') => `${method}=${createHmac(method, secret).update(body).digest('hex')}`;

describe('signatureMatches', () => {
  it('accepts sha1, sha256, sha384 and sha512 under the secret, in either case of hex', () => {
    for (const m of ['sha1', 'sha256', 'sha384', 'sha512']) expect(signatureMatches(sign(m), 'k3y', body)).toBe(true);
    expect(signatureMatches(sign('sha256').toUpperCase().replace('SHA256', 'sha256'), 'k3y', body)).toBe(true);
  });

  it('refuses another secret, other bytes, a missing header, an unknown method, a wrong length, junk', () => {
    expect(signatureMatches(sign('sha256', 'other'), 'k3y', body)).toBe(false);
    expect(signatureMatches(sign('sha256'), 'k3y', new Uint8Array([...body, 32]))).toBe(false);
    expect(signatureMatches(null, 'k3y', body)).toBe(false);
    expect(signatureMatches(sign('md5'), 'k3y', body)).toBe(false);
    expect(signatureMatches(sign('sha256').slice(0, -2), 'k3y', body)).toBe(false);
    expect(signatureMatches(`${sign('sha256')}00`, 'k3y', body)).toBe(false);
    expect(signatureMatches('sha256=', 'k3y', body)).toBe(false);
    expect(signatureMatches('sha256', 'k3y', body)).toBe(false);
    expect(signatureMatches(`sha1=${'z'.repeat(40)}`, 'k3y', body)).toBe(false);
  });
});
