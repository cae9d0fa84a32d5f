/**
 * The ingest Lambda end to end against a real S3-compatible server (s3rver,
 * in a child process): raw objects uploaded, SQS events carrying S3
 * notifications delivered to the real handler, the lake listed, downloaded and
 * queried with DuckDB (which has no httpfs here, so through a temp folder).
 *
 * What it cannot prove: S3's own behaviour where s3rver differs (versioning,
 * event delivery, IAM); the handler is built with createIngestHandler to give
 * it the s3rver client and a capturing metrics sink, the export `handler` is
 * the same function with the default client, Powertools and LAKE_BUCKET.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import * as zlib from 'node:zlib';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PowertoolsIngestMetrics } from '../../functions/adapters/ingest-metrics.ts';
import { ingestS3Object } from '../../functions/adapters/s3-ingest.ts';
import { createIngestHandler, type IngestHandler } from '../../functions/adapters/sqs-ingest.ts';
import { NO_FRESH_HOUR_REGISTRY } from '../../functions/core/fresh-hours.ts';
import { sourceId } from '../../functions/core/object-key.ts';
import { queryWarehouse } from '../support/duckdb.ts';
import {
  CapturedMetrics,
  downloadLake,
  getBytes as getBytesOf,
  lakeKeysOf as lakeKeysIn,
  listLake as listLakeOf,
  message,
  putRaw as putRawTo,
  sqs,
} from '../support/s3-lake.ts';
import { type S3rverHandle, startS3rver } from '../support/s3rver.ts';

const SAMPLE = readFileSync('events/sample-kern.log');
const SAMPLE_LINES = 2518;
const SAMPLE_RECORDS = 2502;
/** LastModified of the uploads: syslog stamps (no year) are placed near it. */
const REF = new Date('2026-09-19T00:00:00Z');

let s3: S3rverHandle;
let tmp: string;
let handler: IngestHandler;
const capture = new CapturedMetrics();
/** No Glue here: what ingest registers is tested in ingest-fresh-hours.test.ts. */
const freshHours = () => NO_FRESH_HOUR_REGISTRY;

before(async () => {
  s3 = await startS3rver();
  tmp = await mkdtemp(join(tmpdir(), 'fwlake-ingest-s3-'));
  handler = createIngestHandler({
    s3: s3.client,
    lakeBucket: 'lake',
    freshHours,
    metrics: capture,
    log: () => {},
  });
});
after(async () => {
  await s3?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Uploads to the raw bucket with LastModified = `when`; returns the ETag. */
const putRaw = (key: string, body: Uint8Array | string, when = REF) => putRawTo(s3, key, body, when);
const listLake = (prefix = '') => listLakeOf(s3, prefix);
const lakeKeysOf = (id: string) => lakeKeysIn(s3, id);
const getBytes = (bucket: string, key: string) => getBytesOf(s3, bucket, key);

let dirNo = 0;
/** Downloads the keys into a fresh folder (same layout) and runs SQL on its `firewall` view. */
async function queryLake(keys: string[], sql: string): Promise<Record<string, unknown>[]> {
  const dir = join(tmp, `wh-${++dirNo}`);
  await downloadLake(s3, keys, dir);
  return queryWarehouse(dir, sql);
}

const idOf = (key: string, etag: string) => sourceId('raw', key, etag);
const sampleGz = gzipSync(SAMPLE);

describe('ingest Lambda on S3 (s3rver)', () => {
  it('ingests the gzipped sample into hourly partitions that DuckDB reads back whole', async () => {
    const key = 'raw/mha.can.local/2026/09/17/sample.log.gz';
    const etag = await putRaw(key, sampleGz);
    const res = await handler(sqs(message(key, etag)));
    assert.deepEqual(res, { batchItemFailures: [] });
    const { reports, failures } = capture.take();
    assert.deepEqual(failures, []);
    assert.equal(reports.length, 1);
    assert.deepEqual(
      [
        reports[0].stats.lines,
        reports[0].stats.records,
        reports[0].stats.skipped,
        reports[0].stats.quarantined,
      ],
      [SAMPLE_LINES, SAMPLE_RECORDS, 16, 0],
    );
    assert.equal(reports[0].compression, 'gzip');
    assert.equal(reports[0].bytesRead, sampleGz.length);

    const id = idOf(key, etag);
    const keys = await lakeKeysOf(id);
    assert.deepEqual(keys, [
      `firewall/dt=2026-09-17/hour=21/${id}-0.json.gz`,
      `firewall/dt=2026-09-17/hour=22/${id}-0.json.gz`,
      `firewall/dt=2026-09-17/hour=23/${id}-0.json.gz`,
      `firewall/dt=2026-09-18/hour=00/${id}-0.json.gz`,
    ]);
    // A .gz object, not a gzip Content-Encoding (which would make downloads come out gunzipped).
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'lake', Key: keys[0] }));
    assert.equal(head.ContentType, 'application/json');
    assert.equal(head.ContentEncoding, undefined);

    const [summary] = await queryLake(
      keys,
      `SELECT count(*) AS n, count(DISTINCT source_key) AS keys, min(source_key) AS source_key,
              count(*) FILTER (WHERE strftime(ts, '%Y-%m-%d') <> dt OR strftime(ts, '%H') <> hour) AS misplaced,
              list(DISTINCT host ORDER BY host) AS hosts
         FROM firewall`,
    );
    assert.deepEqual(summary, {
      n: String(SAMPLE_RECORDS),
      keys: '1',
      source_key: `s3://raw/${key}`,
      misplaced: '0',
      // The syslog header's host wins over the key's (mha.can.local).
      hosts: ['edge1.example.net', 'fw1.example.net', 'mha.can.local'],
    });
    const lowPorts = await queryLake(
      keys,
      `SELECT src, count(*) AS n FROM firewall WHERE spt < 1024 AND direction = 'in' GROUP BY src ORDER BY src`,
    );
    assert.deepEqual(lowPorts, [
      { src: '104.244.43.108', n: '1' },
      { src: '52.84.17.45', n: '1' },
      { src: '64.233.191.155', n: '1' },
      { src: '69.89.31.130', n: '11' },
    ]);
  });

  it('decodes event keys the way S3 encodes them (space as +, + as %2B)', async () => {
    const key = 'raw/mha.can.local/2026/09/17/kern 22:00+1.log.gz';
    const etag = await putRaw(key, sampleGz);
    const msg = message(key, etag);
    assert.match(msg.body, /kern\+22%3A00%2B1\.log\.gz/);
    assert.deepEqual(await handler(sqs(msg)), { batchItemFailures: [] });
    const { reports } = capture.take();
    assert.equal(reports[0].key, key);
    const keys = await lakeKeysOf(idOf(key, etag));
    assert.equal(keys.length, 4);
    const [row] = await queryLake(keys, 'SELECT count(*) AS n, min(source_key) AS k FROM firewall');
    assert.deepEqual(row, { n: String(SAMPLE_RECORDS), k: `s3://raw/${key}` });
  });

  it('is idempotent: redelivery and a duplicate in one batch rewrite the same objects, and stale parts go', async () => {
    const key = 'raw/mha.can.local/2026/09/17/twice.log.gz';
    const etag = await putRaw(key, sampleGz);
    const id = idOf(key, etag);
    assert.deepEqual(await handler(sqs(message(key, etag))), { batchItemFailures: [] });
    const first = await lakeKeysOf(id);
    // An earlier attempt (say, an older parser) that wrote more parts: these must go.
    const stale = [`firewall/dt=2026-09-17/hour=21/${id}-1.json.gz`, `quarantine/${id}-0.json.gz`];
    // Another source's objects in the same partition stay.
    const other = `firewall/dt=2026-09-17/hour=21/${'f'.repeat(20)}-0.json.gz`;
    for (const k of [...stale, other]) {
      await s3.client.send(new PutObjectCommand({ Bucket: 'lake', Key: k, Body: gzipSync('{}\n') }));
    }
    // Redelivery of the same event, plus a batch holding the same record twice.
    assert.deepEqual(await handler(sqs(message(key, etag))), { batchItemFailures: [] });
    assert.deepEqual(await handler(sqs(message(key, etag), message(key, etag))), { batchItemFailures: [] });
    const { reports } = capture.take();
    assert.equal(reports.length, 3, 'one ingest per delivery; the duplicate within a batch is ingested once');
    assert.deepEqual(
      reports.map((r) => r.staleDeleted),
      [0, 2, 0],
    );
    assert.deepEqual(await lakeKeysOf(id), first);
    assert.ok((await listLake()).includes(other));
    const [{ n, distinct }] = await queryLake(
      first,
      'SELECT count(*) AS n, count(DISTINCT line_no) AS distinct FROM firewall',
    );
    assert.deepEqual([n, distinct], [String(SAMPLE_RECORDS), String(SAMPLE_RECORDS)]);
    await s3.client.send(new DeleteObjectCommand({ Bucket: 'lake', Key: other }));
  });

  it("gives header-less lines the host of the key's prefix (plain, not gzip)", async () => {
    const key = 'raw/fw9.example.net/2026/09/17/bare.log';
    const nf = (src: string) =>
      `IN=eth0 OUT= MAC=52:54:00:12:34:56:00:00:5e:00:01:01:08:00 SRC=${src} DST=203.0.113.9 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=1 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 `;
    const body = `${nf('192.0.2.1')}\n${nf('192.0.2.2')}\nSep 17 21:40:00 other.example.net kernel: [UFW BLOCK] ${nf('192.0.2.3')}\n`;
    // No stamp: the lines get the object's LastModified as their time.
    const etag = await putRaw(key, body, new Date('2026-09-17T21:30:00Z'));
    assert.deepEqual(await handler(sqs(message(key, etag))), { batchItemFailures: [] });
    const { reports } = capture.take();
    assert.equal(reports[0].compression, 'none');
    const keys = await lakeKeysOf(idOf(key, etag));
    assert.deepEqual(
      keys.map((k) => k.slice(0, k.lastIndexOf('/'))),
      ['firewall/dt=2026-09-17/hour=21'],
    );
    const rows = await queryLake(
      keys,
      "SELECT src, host, strftime(ts, '%Y-%m-%d %H:%M:%S') AS ts FROM firewall ORDER BY src",
    );
    assert.deepEqual(rows, [
      { src: '192.0.2.1', host: 'fw9.example.net', ts: '2026-09-17 21:30:00' },
      { src: '192.0.2.2', host: 'fw9.example.net', ts: '2026-09-17 21:30:00' },
      { src: '192.0.2.3', host: 'other.example.net', ts: '2026-09-17 21:40:00' },
    ]);
  });

  it('fails only the messages of poison objects; the rest of the batch is ingested', async () => {
    const bad = 'raw/mha.can.local/2026/09/17/truncated.log.gz';
    const badEtag = await putRaw(bad, sampleGz.subarray(0, Math.floor(sampleGz.length / 2)));
    const good = 'raw/mha.can.local/2026/09/17/good.log.gz';
    const goodEtag = await putRaw(good, sampleGz);
    const gone = 'raw/mha.can.local/2026/09/17/deleted.log.gz';
    const empty = 'raw/mha.can.local/2026/09/17/empty.log';
    const emptyEtag = await putRaw(empty, Buffer.alloc(0));
    const notJson = { ...message(good, goodEtag, 'not-json'), body: 'hello' };
    const testEvent = {
      ...message(good, goodEtag, 'test-event'),
      body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'raw' }),
    };
    const res = await handler(
      sqs(
        message(bad, badEtag, 'bad'),
        message(good, goodEtag, 'good'),
        testEvent,
        notJson,
        message(gone, '"0123"', 'gone'),
        message(empty, emptyEtag, 'empty'),
      ),
    );
    assert.deepEqual(res, { batchItemFailures: [{ itemIdentifier: 'bad' }, { itemIdentifier: 'not-json' }] });
    const { reports, failures } = capture.take();
    assert.deepEqual(
      reports.map((r) => [r.key, r.stats.lines, r.stats.records, r.parts]),
      [
        [good, SAMPLE_LINES, SAMPLE_RECORDS, 4],
        [empty, 0, 0, 0],
      ],
    );
    assert.deepEqual(
      failures.map((f) => f.messageId),
      ['bad', 'not-json'],
    );
    assert.match(failures[0].error, /unexpected end of file/);
    assert.deepEqual(await lakeKeysOf(idOf(bad, badEtag)), [], 'a failed object leaves no part');
    const [{ n }] = await queryLake(
      await lakeKeysOf(idOf(good, goodEtag)),
      'SELECT count(*) AS n FROM firewall',
    );
    assert.equal(n, String(SAMPLE_RECORDS));
  });

  it('reads zstd objects where Node has zstd, and says which Node it needs where not', async () => {
    const key = 'raw/mha.can.local/2026/09/17/sample.log.zst';
    const zstdCompressSync = (zlib as unknown as { zstdCompressSync?: (b: Buffer) => Buffer })
      .zstdCompressSync;
    if (zstdCompressSync === undefined) {
      const etag = await putRaw(key, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
      assert.deepEqual(await handler(sqs(message(key, etag, 'zst'))), {
        batchItemFailures: [{ itemIdentifier: 'zst' }],
      });
      assert.match(capture.take().failures[0].error, /zstd needs Node 22\.15 or newer/);
    } else {
      const etag = await putRaw(key, zstdCompressSync(SAMPLE));
      assert.deepEqual(await handler(sqs(message(key, etag, 'zst'))), { batchItemFailures: [] });
      const [r] = capture.take().reports;
      assert.deepEqual([r.compression, r.stats.records], ['zstd', SAMPLE_RECORDS]);
    }
  });

  it('writes unparseable lines under quarantine/ with their reason and source key', async () => {
    const key = 'raw/mha.can.local/2026/09/17/bad-ttl.log';
    const good = SAMPLE.toString('utf8')
      .split('\n')
      .find((l) => l.includes('SPT=993'))!;
    const body = `${good}\n${good.replace('TTL=54', 'TTL=999')}\nhello\n${good.replace('TTL=54', 'TTL=-1')}\n`;
    const etag = await putRaw(key, body);
    assert.deepEqual(await handler(sqs(message(key, etag))), { batchItemFailures: [] });
    const [r] = capture.take().reports;
    assert.deepEqual([r.stats.records, r.stats.skipped, r.stats.quarantined], [1, 1, 2]);
    const id = idOf(key, etag);
    const q = (await lakeKeysOf(id)).filter((k) => k.startsWith('quarantine/'));
    assert.deepEqual(q, [`quarantine/${id}-0.json.gz`]);
    const entries = gunzipSync(await getBytes('lake', q[0]))
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      entries.map((e) => [e.line_no, e.source_key]),
      [
        [2, `s3://raw/${key}`],
        [4, `s3://raw/${key}`],
      ],
    );
    for (const e of entries) assert.match(e.reason, /TTL/);
    assert.equal(entries[0].raw, good.replace('TTL=54', 'TTL=999'));
  });

  it('publishes per-object metrics and a log line equal to the ingest stats', async () => {
    const key = 'raw/mha.can.local/2026/09/17/metrics.log.gz';
    const etag = await putRaw(key, sampleGz);
    // The same object ingested directly: the stats the handler must publish.
    const direct = await ingestS3Object({
      s3: s3.client,
      rawBucket: 'raw',
      key,
      lakeBucket: 'lake',
      freshHours: NO_FRESH_HOUR_REGISTRY,
    });

    const metrics = new Metrics({ namespace: 'fwlake', serviceName: 'ingest' });
    const emf: Record<string, unknown>[] = [];
    mock.method(metrics, 'publishStoredMetrics', function (this: Metrics) {
      emf.push(this.serializeMetrics() as unknown as Record<string, unknown>);
      this.clearMetrics();
      this.clearMetadata();
      return this;
    });
    const logs: string[] = [];
    const sink = new PowertoolsIngestMetrics(metrics, (l) => logs.push(l));
    const h = createIngestHandler({
      s3: s3.client,
      lakeBucket: 'lake',
      freshHours,
      metrics: sink,
      log: () => {},
    });
    assert.deepEqual(await h(sqs(message(key, etag))), { batchItemFailures: [] });

    assert.equal(emf.length, 1);
    const blob = emf[0] as Record<string, unknown> & { _aws: { CloudWatchMetrics: unknown[] } };
    const [directive] = blob._aws.CloudWatchMetrics as {
      Namespace: string;
      Metrics: { Name: string; Unit: string }[];
    }[];
    assert.equal(directive.Namespace, 'fwlake');
    assert.equal(blob.service, 'ingest');
    assert.deepEqual(Object.fromEntries(directive.Metrics.map((m) => [m.Name, [m.Unit, blob[m.Name]]])), {
      Lines: ['Count', direct.stats.lines],
      Records: ['Count', direct.stats.records],
      Skipped: ['Count', direct.stats.skipped],
      Quarantined: ['Count', direct.stats.quarantined],
      BytesRead: ['Bytes', direct.bytesRead],
    });
    assert.equal(logs.length, 1);
    const line = JSON.parse(logs[0]);
    assert.deepEqual(
      [line.msg, line.bucket, line.key, line.sourceId],
      ['ingested', 'raw', key, direct.sourceId],
    );
    for (const k of ['lines', 'records', 'skipped', 'quarantined', 'partitions'] as const) {
      assert.equal(line[k], direct.stats[k], k);
    }
    assert.equal(line.firstTs, new Date(direct.stats.firstTs!).toISOString());
  });

  it('streams a 200k-line object through multipart uploads', async () => {
    const t0 = performance.now();
    const key = 'raw/fw1.example.net/2026/09/17/big.log.gz';
    const body = gzipSync(generateLines(200_000));
    const etag = await putRaw(key, body);
    const res = await handler(sqs(message(key, etag)));
    assert.deepEqual(res, { batchItemFailures: [] });
    const [r] = capture.take().reports;
    assert.deepEqual([r.stats.lines, r.stats.records, r.stats.quarantined], [200_000, 200_000, 0]);
    const id = idOf(key, etag);
    const keys = await lakeKeysOf(id);
    assert.deepEqual(keys, [`firewall/dt=2026-09-17/hour=21/${id}-0.json.gz`]);
    assert.ok(r.uploadParts > 1, `expected a multipart upload, got ${r.uploadParts} parts`);
    const [{ n }] = await queryLake(keys, 'SELECT count(*) AS n FROM firewall');
    assert.equal(n, '200000');
    const ms = performance.now() - t0;
    assert.ok(ms < 20_000, `took ${Math.round(ms)} ms`);
  });
});

/** `n` UFW lines in one hour on fw1, with pseudo-random (seeded) addresses and ports. */
function generateLines(n: number): string {
  let x = 12345;
  const rnd = (m: number) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % m;
  };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = Math.floor((i * 3600) / n);
    const mm = String(Math.floor(s / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    out.push(
      `Sep 17 21:${mm}:${ss} fw1.example.net kernel: [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:00:5e:00:01:01:08:00 SRC=${rnd(223) + 1}.${rnd(256)}.${rnd(256)}.${rnd(256)} DST=203.0.113.10 LEN=${40 + rnd(20)} TOS=0x00 PREC=0x00 TTL=${30 + rnd(200)} ID=${rnd(65536)} PROTO=TCP SPT=${1024 + rnd(64000)} DPT=${rnd(65536)} WINDOW=${rnd(65536)} RES=0x00 SYN URGP=0 `,
    );
  }
  return `${out.join('\n')}\n`;
}
