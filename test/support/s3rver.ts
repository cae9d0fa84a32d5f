/**
 * A real S3-compatible server for integration tests: s3rver on 127.0.0.1, an
 * ephemeral port and a temporary folder, with the buckets `raw` and `lake`.
 *
 * It runs in a child process, not in the test process, because its
 * ListObjectsV2 continuation tokens use DES, which Node 17+ only offers with
 * `--openssl-legacy-provider` (without it, every paginated listing is a 500).
 *
 * Other s3rver traps the client below avoids:
 * - a streamed PutObject with the SDK's default checksums is sent with
 *   aws-chunked framing, which s3rver stores as the object's content: hence
 *   `WHEN_REQUIRED` for both checksum settings;
 * - listing deep prefixes with a delimiter is wrong: list with Prefix only;
 * - its event notifications do not URL-encode keys (S3's do): tests build the
 *   events themselves, encoded the way S3 does (see `encodeEventKey`).
 */
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { encodeEventKey, startS3rverProcess } from '../../functions/adapters/s3rver-process.ts';

export const BUCKETS = ['raw', 'lake'] as const;

export interface S3rverHandle {
  endpoint: string;
  client: S3Client;
  /**
   * Sets an object's LastModified (s3rver reports the stored file's mtime), so
   * tests do not depend on today's date: syslog stamps carry no year and are
   * placed near the object's LastModified.
   */
  setLastModified(bucket: string, key: string, when: Date): Promise<void>;
  stop(): Promise<void>;
}

export async function startS3rver(): Promise<S3rverHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'fwlake-s3rver-'));
  let server: Awaited<ReturnType<typeof startS3rverProcess>>;
  try {
    server = await startS3rverProcess({ dir, buckets: BUCKETS });
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    endpoint: server.endpoint,
    client: server.client,
    async setLastModified(bucket, key, when) {
      const parts = key.split('/');
      const file = `${parts.pop()}._S3rver_object`;
      await utimes(join(dir, bucket, ...parts, file), when, when);
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export { encodeEventKey };
