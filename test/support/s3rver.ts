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
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

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

// Runs in the child: CommonJS, given s3rver's path, the folder and the buckets on argv.
const CHILD = `
const S3rver = require(process.argv[1]);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: process.argv[2],
  configureBuckets: process.argv.slice(3).map((name) => ({ name })),
});
server.run().then(
  (addr) => process.stdout.write(JSON.stringify({ port: addr.port }) + '\\n'),
  (err) => { console.error(err); process.exit(1); },
);
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
`;

export async function startS3rver(): Promise<S3rverHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'fwlake-s3rver-'));
  const s3rverMain = createRequire(import.meta.url).resolve('s3rver');
  const child = spawn(process.execPath, ['-e', CHILD, s3rverMain, dir, ...BUCKETS], {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const nl = out.indexOf('\n');
        if (nl !== -1) resolve(JSON.parse(out.slice(0, nl)).port);
      });
      child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${stderr}`)));
      child.once('error', reject);
    });
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    async setLastModified(bucket, key, when) {
      const parts = key.split('/');
      const file = `${parts.pop()}._S3rver_object`;
      await utimes(join(dir, bucket, ...parts, file), when, when);
    },
    async stop() {
      client.destroy();
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** An object key as S3 event notifications carry it: URL-encoded, spaces as '+', slashes kept. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%20', '+').replaceAll('%2F', '/');
}
