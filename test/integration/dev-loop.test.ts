/**
 * `fwlake dev`'s loop: a real S3-compatible server, an object put under raw/
 * with the SDK as a shipper would, and the real ingest handler filling the lake.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { startDevLoop } from '../../functions/adapters/dev-loop.ts';
import { s3rverClient } from '../../functions/adapters/s3rver-process.ts';

/**
 * Starts the dev loop with `format`, puts the sample under `key` as a shipper would,
 * waits for the handler's line, and returns what it printed and the lake's keys.
 */
async function putThroughDevLoop(key: string, format?: 'json' | 'parquet') {
  const dir = await mkdtemp(join(tmpdir(), 'fwlake-dev-'));
  const printed: string[] = [];
  let ingested: () => void = () => {};
  const done = new Promise<void>((r) => {
    ingested = r;
  });
  const loop = await startDevLoop({
    dir,
    port: 0,
    format,
    print: (l) => {
      printed.push(l);
      if (l.startsWith('ingested') || l.startsWith('FAILED')) ingested();
    },
  });
  const client = s3rverClient(loop.endpoint);
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: 'raw',
        Key: key,
        Body: gzipSync(readFileSync('events/sample-kern.log')),
      }),
    );
    await Promise.race([
      done,
      // unref: a pending timer would keep the test process alive for 20 s after the test.
      new Promise((_, rej) => setTimeout(() => rej(new Error('no ingest in 20 s')), 20_000).unref()),
    ]);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'lake' }));
    return { printed: printed.join('\n'), keys: (listed.Contents ?? []).map((o) => o.Key!) };
  } finally {
    client.destroy();
    await loop.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('fwlake dev', () => {
  it('ingests every object put under raw/ into the lake, with the real handler', async () => {
    const { printed, keys } = await putThroughDevLoop('raw/mha.can.local/2026/09/17/sample 1.log.gz');
    assert.match(
      printed,
      /ingested s3:\/\/raw\/raw\/mha\.can\.local\/2026\/09\/17\/sample 1\.log\.gz: 2518 lines, 2502 records, 16 skipped, 0 quarantined → 4 objects/,
    );
    assert.equal(keys.length, 4);
    assert.ok(
      keys.every((k) => /^firewall\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/[0-9a-f]{20}-0\.json\.gz$/.test(k)),
      keys.join(' '),
    );
  });

  it('hands --format parquet to the real handler: Parquet parts under firewall_parquet/', async () => {
    const { printed, keys } = await putThroughDevLoop('raw/mha.can.local/2026/09/17/s.log.gz', 'parquet');
    assert.match(printed, /2502 records, 16 skipped, 0 quarantined → 4 objects/);
    assert.equal(keys.length, 4);
    assert.ok(
      keys.every((k) => /^firewall_parquet\/dt=[\d-]{10}\/hour=\d\d\/[0-9a-f]{20}-0\.parquet$/.test(k)),
      keys.join(' '),
    );
  });
});
