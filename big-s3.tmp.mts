// One-off: a 2.4 GB object through ingestS3Object against s3rver, peak RSS of this process.
import { createReadStream, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Upload } from '@aws-sdk/lib-storage';
import { ingestS3Object } from './functions/adapters/s3-ingest.ts';
import { startS3rverProcess } from './functions/adapters/s3rver-process.ts';

const dir = await mkdtemp(join(tmpdir(), 'big-s3-'));
const s = await startS3rverProcess({ dir, buckets: ['raw', 'lake'] });
const file = process.argv[2];
await new Upload({
  client: s.client,
  params: { Bucket: 'raw', Key: 'raw/fw1/2026/11/22/big.log', Body: createReadStream(file) },
  partSize: 64 << 20,
}).done();
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const r = await ingestS3Object({
  s3: s.client,
  rawBucket: 'raw',
  key: 'raw/fw1/2026/11/22/big.log',
  lakeBucket: 'lake',
});
const secs = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    bytes: statSync(file).size,
    lines: r.stats.lines,
    records: r.stats.records,
    parts: r.parts,
    secs: secs.toFixed(1),
    linesPerS: Math.round(r.stats.lines / secs),
    rssBeforeMB: Math.round(rssBefore / 1e6),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
await s.stop();
