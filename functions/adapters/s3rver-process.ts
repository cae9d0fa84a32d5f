/**
 * A real S3-compatible server on this machine: s3rver (a devDependency) on
 * 127.0.0.1, for `fwlake dev` and the integration tests.
 *
 * It runs in a child process because its ListObjectsV2 continuation tokens use
 * DES, which Node 17+ only offers with `--openssl-legacy-provider` (without it
 * every paginated listing is a 500). The child reports each ObjectCreated event
 * as one JSON line on its stdout. Clients must use `WHEN_REQUIRED` checksums:
 * with the SDK's default, a streamed PutObject is stored with its aws-chunked
 * framing as content.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { S3Client } from '@aws-sdk/client-s3';

export interface S3rverEvent {
  bucket: string;
  /** As s3rver reports it: not URL-encoded (S3's notifications are). */
  key: string;
  eTag?: string;
  size?: number;
}

export interface S3rverProcess {
  endpoint: string;
  client: S3Client;
  stop(): Promise<void>;
}

// Runs in the child: CommonJS, given s3rver's path, port, folder and buckets on argv.
const CHILD = `
const S3rver = require(process.argv[1]);
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(process.argv[2]),
  silent: true,
  directory: process.argv[3],
  configureBuckets: process.argv.slice(4).map((name) => ({ name })),
});
server.on('event', (e) => {
  for (const r of e.Records || []) {
    if (!String(r.eventName).startsWith('ObjectCreated')) continue;
    process.stdout.write(JSON.stringify({ event: { bucket: r.s3.bucket.name, key: r.s3.object.key, eTag: r.s3.object.eTag, size: r.s3.object.size } }) + '\\n');
  }
});
server.run().then(
  (addr) => process.stdout.write(JSON.stringify({ port: addr.port }) + '\\n'),
  (err) => { console.error(String(err)); process.exit(1); },
);
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
`;

export function s3rverClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function startS3rverProcess(opts: {
  dir: string;
  buckets: readonly string[];
  port?: number;
  onObjectCreated?: (e: S3rverEvent) => void;
}): Promise<S3rverProcess> {
  let s3rverMain: string;
  try {
    s3rverMain = createRequire(import.meta.url).resolve('s3rver');
  } catch {
    throw new Error('s3rver is not installed (it is a devDependency: run "npm ci" in the fwlake folder)');
  }
  const child = spawn(
    process.execPath,
    ['-e', CHILD, s3rverMain, String(opts.port ?? 0), opts.dir, ...opts.buckets],
    {
      env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      for (let nl = out.indexOf('\n'); nl !== -1; nl = out.indexOf('\n')) {
        const msg = JSON.parse(out.slice(0, nl));
        out = out.slice(nl + 1);
        if (msg.port !== undefined) resolve(msg.port);
        else if (msg.event !== undefined) opts.onObjectCreated?.(msg.event);
      }
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${stderr.trim()}`)));
    child.once('error', reject);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = s3rverClient(endpoint);
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      await stopChild(child);
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

/** A key as S3 event notifications carry it: URL-encoded, spaces as '+', slashes kept. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%20', '+').replaceAll('%2F', '/');
}
