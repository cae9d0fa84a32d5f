/**
 * S3 input: one object, streamed (never buffered whole), decompressed by its
 * magic bytes, not its name:
 *
 * - gzip (1f 8b), concatenated members included (what `cat a.gz b.gz` and
 *   rotating shippers produce);
 * - zstd (28 b5 2f fd), with Node's zlib zstd decompressor where the runtime
 *   has one (Node 22.15+/23.8+; Lambda's nodejs22.x does), a clear error
 *   where it does not;
 * - anything else is read as plain text.
 *
 * A corrupt or truncated compressed object fails the iteration with zlib's
 * error; the HTTP body is destroyed whenever iteration stops, so a failed or
 * abandoned read never leaks the connection.
 */
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import * as zlib from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export type Compression = 'gzip' | 'zstd' | 'none';

export interface S3Input {
  /** Decompressed bytes, in chunks. Iterate once. */
  readonly chunks: AsyncIterable<Uint8Array>;
  readonly compression: Compression;
  /** As S3 returns it (quoted). */
  readonly etag: string | null;
  readonly versionId: string | null;
  /** Stored (compressed) size. */
  readonly contentLength: number | null;
  readonly lastModified: Date | null;
  /** Bytes read from S3 so far (compressed). */
  bytesRead(): number;
  /** Releases the connection when `chunks` will not be read to the end (iterating does it itself). */
  close(): void;
}

export interface OpenS3ObjectOptions {
  /** Read this version (from the event), not whatever is current. */
  versionId?: string;
}

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];

type ZstdFactory = () => Transform;
/** Present from Node 22.15 / 23.8 on; @types/node 20 does not declare it. */
const createZstdDecompress = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;

export function detectCompression(head: Uint8Array): Compression {
  const starts = (magic: number[]) => head.length >= magic.length && magic.every((b, i) => head[i] === b);
  if (starts(GZIP)) return 'gzip';
  if (starts(ZSTD)) return 'zstd';
  return 'none';
}

/**
 * Opens s3://bucket/key. Resolves once the response headers and the first
 * bytes are in (they decide the format); rejects for a missing object, or a
 * zstd object on a runtime without zstd.
 */
export async function openS3Object(
  client: S3Client,
  bucket: string,
  key: string,
  opts: OpenS3ObjectOptions = {},
): Promise<S3Input> {
  const res = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: opts.versionId }),
  );
  // In Node the SDK's Body is the HTTP response, a Readable.
  const body = res.Body as Readable | undefined;
  if (body === undefined) throw new Error(`s3://${bucket}/${key}: GetObject returned no body`);
  let read = 0;
  const it = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  // The first 4 bytes decide the format; an HTTP chunk may be shorter.
  const head: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  try {
    while (headLen < ZSTD.length) {
      const n = await it.next();
      if (n.done) {
        ended = true;
        break;
      }
      head.push(n.value);
      headLen += n.value.length;
      read += n.value.length;
    }
  } catch (e) {
    body.destroy();
    throw e;
  }
  const first = head.length === 1 ? head[0] : Buffer.concat(head);
  const compression = detectCompression(first);
  if (compression === 'zstd' && createZstdDecompress === undefined) {
    body.destroy();
    throw new Error(
      `s3://${bucket}/${key} is zstd-compressed: zstd needs Node 22.15 or newer (this is Node ${process.versions.node})`,
    );
  }
  async function* raw(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (ended) return;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      read += n.value.length;
      yield n.value;
    }
  }
  return {
    chunks: readChunks(body, raw(), compression),
    compression,
    etag: res.ETag ?? null,
    versionId: res.VersionId ?? null,
    contentLength: res.ContentLength ?? null,
    lastModified: res.LastModified ?? null,
    bytesRead: () => read,
    close: () => body.destroy(),
  };
}

async function* readChunks(
  body: Readable,
  source: AsyncGenerator<Buffer>,
  compression: Compression,
): AsyncGenerator<Uint8Array> {
  try {
    if (compression === 'none') {
      yield* source;
      return;
    }
    // Node's Gunzip reads concatenated members; zstd streams may hold several frames.
    const decoder = compression === 'gzip' ? zlib.createGunzip() : createZstdDecompress!();
    // pipeline() propagates an error either way and destroys both ends.
    pipeline(source, decoder, () => {});
    try {
      yield* decoder;
    } finally {
      decoder.destroy();
    }
  } finally {
    body.destroy();
  }
}
