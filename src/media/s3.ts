/**
 * The media store in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …), for several instances
 * that share no folder: path-style requests signed with AWS Signature V4 (aws4fetch, no SDK).
 */
import { AwsClient } from 'aws4fetch';
import { XMLParser } from 'fast-xml-parser';
import type { S3Settings } from '../config.js';
import { isMediaName, MediaStoreError, type MediaFiles, type StoredFile } from './files.js';

const TIMEOUT_MS = 30_000;

/** Files as objects `<prefix><name>` in one bucket. */
export class S3MediaFiles implements MediaFiles {
  readonly label: string;
  private readonly client: AwsClient;
  private readonly base: string;

  constructor(
    private readonly s3: S3Settings,
    /** Keys per listing request (S3's most is 1000). */
    private readonly pageSize = 1000,
  ) {
    // A few quick retries of 5xx and 429 (aws4fetch's default of 10 waits up to half a minute).
    this.client = new AwsClient({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, region: s3.region, service: 's3', retries: 3, initRetryMs: 50 });
    this.base = `${s3.endpoint}/${encodeURIComponent(s3.bucket)}`;
    this.label = `s3 ${this.base}/${s3.prefix}`;
  }

  private url(name: string): string {
    if (!isMediaName(name)) throw new MediaStoreError(`media: "${name.slice(0, 80)}" is not a media file name`);
    return `${this.base}/${this.s3.prefix.split('/').map(encodeURIComponent).join('/')}${name}`;
  }

  private async send(what: string, url: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await this.client.fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (cause) {
      throw new MediaStoreError(`media: ${this.label}: ${what}: ${(cause as Error).message}`, { cause });
    }
  }

  private fail(what: string, res: Response): never {
    throw new MediaStoreError(`media: ${this.label}: ${what}: HTTP ${res.status} ${res.statusText}`);
  }

  async put(name: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const res = await this.send(`PUT ${name}`, this.url(name), { method: 'PUT', body: bytes as unknown as BodyInit, headers: { 'content-type': contentType, 'cache-control': 'public, max-age=31536000, immutable' } });
    await res.arrayBuffer();
    if (!res.ok) this.fail(`PUT ${name}`, res);
  }

  async get(name: string): Promise<Buffer | null> {
    const res = await this.send(`GET ${name}`, this.url(name));
    if (res.status === 404) {
      await res.arrayBuffer();
      return null;
    }
    if (!res.ok) this.fail(`GET ${name}`, res);
    return Buffer.from(await res.arrayBuffer());
  }

  async stat(name: string): Promise<StoredFile | null> {
    const res = await this.send(`HEAD ${name}`, this.url(name), { method: 'HEAD' });
    if (res.status === 404) return null;
    if (!res.ok) this.fail(`HEAD ${name}`, res);
    return { name, bytes: Number(res.headers.get('content-length') ?? 0), modifiedAt: new Date(res.headers.get('last-modified') ?? 0) };
  }

  async delete(name: string): Promise<boolean> {
    // S3 answers 204 whether or not the object was there: ask first, for the caller's count.
    if (!(await this.stat(name))) return false;
    const res = await this.send(`DELETE ${name}`, this.url(name), { method: 'DELETE' });
    await res.arrayBuffer();
    if (!res.ok && res.status !== 404) this.fail(`DELETE ${name}`, res);
    return true;
  }

  async *list(): AsyncIterable<StoredFile> {
    const parser = new XMLParser({ isArray: (name) => name === 'Contents' });
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ 'list-type': '2', 'max-keys': String(this.pageSize), ...(this.s3.prefix ? { prefix: this.s3.prefix } : {}), ...(token ? { 'continuation-token': token } : {}) });
      const res = await this.send('list', `${this.base}?${q}`);
      const text = await res.text();
      if (!res.ok) this.fail('list', res);
      const r = (parser.parse(text) as { ListBucketResult?: { Contents?: { Key: string; Size: number; LastModified: string }[]; IsTruncated?: boolean; NextContinuationToken?: string } }).ListBucketResult;
      for (const c of r?.Contents ?? []) {
        const name = String(c.Key).slice(this.s3.prefix.length);
        if (isMediaName(name)) yield { name, bytes: Number(c.Size), modifiedAt: new Date(c.LastModified) };
      }
      token = r?.IsTruncated === true || String(r?.IsTruncated) === 'true' ? r?.NextContinuationToken : undefined;
    } while (token);
  }
}
