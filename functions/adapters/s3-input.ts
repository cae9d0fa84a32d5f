/**
 * S3 input: one object, streamed (never buffered whole), decompressed by its
 * magic bytes (see decompress.ts). The HTTP body is destroyed whenever
 * iteration stops, so a failed or abandoned read never leaks the connection.
 */
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Compression, decompressByMagic } from './decompress.ts';

export type { Compression };

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
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      read += chunk.length;
      yield chunk;
    }
  }
  let decompressed: Awaited<ReturnType<typeof decompressByMagic>>;
  try {
    decompressed = await decompressByMagic(counted(), `s3://${bucket}/${key}`);
  } catch (e) {
    body.destroy();
    throw e;
  }
  return {
    chunks: releasing(body, decompressed.chunks),
    compression: decompressed.compression,
    etag: res.ETag ?? null,
    versionId: res.VersionId ?? null,
    contentLength: res.ContentLength ?? null,
    lastModified: res.LastModified ?? null,
    bytesRead: () => read,
    close: () => body.destroy(),
  };
}

/** The chunks, destroying the HTTP body however iteration ends (a failed or abandoned read never leaks it). */
async function* releasing(body: Readable, chunks: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } finally {
    body.destroy();
  }
}
