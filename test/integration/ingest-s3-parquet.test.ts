/**
 * The ingest Lambda with FWLAKE_FORMAT=parquet against a real S3-compatible
 * server (s3rver): the real handler (createIngestHandler, as functions/ingest.ts
 * builds it, with the s3rver client and a capturing metrics sink) writes
 * Parquet parts under firewall_parquet/, which are downloaded and read back by
 * a real DuckDB with read_parquet, independent of any view, and compared
 * column by column with the JSON-lines ingest of the same object.
 *
 * What it cannot prove: S3's behaviour where s3rver differs (see ingest-s3.test.ts)
 * and Athena's reading of the files (the Glue table's SerDe is asserted in
 * test/infra/stack.test.ts; the files' types in test/local/parquet.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { createIngestHandler, type IngestHandler } from '../../functions/adapters/sqs-ingest.ts';
import { NO_FRESH_HOUR_REGISTRY } from '../../functions/core/fresh-hours.ts';
import { JSON_PREFIX, PARQUET_PREFIX, QUARANTINE_PREFIX } from '../../functions/core/lake-layout.ts';
import { sourceId } from '../../functions/core/object-key.ts';
import { MAX_BUFFERED_ROWS } from '../../functions/core/parquet-parts.ts';
import { COLUMNS } from '../../functions/core/schema.ts';
import { duckdbColumnsStruct } from '../../functions/core/table-sql.ts';
import {
  CapturedMetrics,
  downloadLake,
  lakeKeysOf,
  listLake,
  message,
  putRaw,
  sqs,
} from '../support/s3-lake.ts';
import { type S3rverHandle, startS3rver } from '../support/s3rver.ts';

const SAMPLE = readFileSync('events/sample-kern.log');
const SAMPLE_RECORDS = 2502;
const REF = new Date('2026-09-19T00:00:00Z');
const sampleGz = gzipSync(SAMPLE);
const HOURS = [
  'dt=2026-09-17/hour=21',
  'dt=2026-09-17/hour=22',
  'dt=2026-09-17/hour=23',
  'dt=2026-09-18/hour=00',
];

let s3: S3rverHandle;
let tmp: string;
let parquet: IngestHandler;
let json: IngestHandler;
const capture = new CapturedMetrics();

before(async () => {
  s3 = await startS3rver();
  tmp = await mkdtemp(join(tmpdir(), 'fwlake-ingest-s3-parquet-'));
  // No Glue here: what ingest registers is tested in ingest-fresh-hours.test.ts.
  const freshHours = () => NO_FRESH_HOUR_REGISTRY;
  const deps = { s3: s3.client, lakeBucket: 'lake', freshHours, metrics: capture, log: () => {} };
  parquet = createIngestHandler({ ...deps, format: 'parquet' });
  json = createIngestHandler({ ...deps, format: 'json' });
});
after(async () => {
  await s3?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const idOf = (key: string, etag: string) => sourceId('raw', key, etag);

let dirNo = 0;
/** Downloads the keys and runs `sql` on a plain DuckDB (UTC session) with `dir` bound to the download folder. */
async function query(keys: string[], sql: (dir: string) => string): Promise<Record<string, unknown>[]> {
  const dir = join(tmp, `dl-${++dirNo}`);
  await downloadLake(s3, keys, dir);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    return (await conn.runAndReadAll(sql(dir))).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
  }
}

/**
 * Every record column plus the file's name (no hive columns: the partition is
 * checked through the name), ts as epoch ms (Parquet's ts is TIMESTAMPTZ,
 * JSON's TIMESTAMP), in line order.
 */
const select = (from: string) => `SELECT * REPLACE (epoch_ms(ts) AS ts) FROM ${from} ORDER BY line_no`;
const readParquet = (dir: string) =>
  select(
    `read_parquet('${dir}/${PARQUET_PREFIX}/*/*/*.parquet', filename = true, hive_partitioning = false)`,
  );
const readJson = (dir: string) =>
  select(
    `read_json('${dir}/${JSON_PREFIX}/*/*/*.json.gz', format = 'newline_delimited', compression = 'gzip', ` +
      `filename = true, hive_partitioning = false, columns = ${duckdbColumnsStruct()})`,
  );

describe('ingest Lambda on S3 with format parquet (s3rver)', () => {
  it('writes the sample as one Parquet part per hour under firewall_parquet/, equal column by column to the JSON ingest', async () => {
    const key = 'raw/mha.can.local/2026/09/17/sample.log.gz';
    const etag = await putRaw(s3, key, sampleGz, REF);
    const id = idOf(key, etag);

    // The same object as JSON lines first: the reference.
    assert.deepEqual(await json(sqs(message(key, etag))), { batchItemFailures: [] });
    const jsonKeys = await lakeKeysOf(s3, id);
    assert.deepEqual(
      jsonKeys,
      HOURS.map((h) => `${JSON_PREFIX}/${h}/${id}-0.json.gz`),
    );
    const fromJson = await query(jsonKeys, readJson);

    // Then as Parquet: the handler path a FWLAKE_FORMAT=parquet function takes.
    assert.deepEqual(await parquet(sqs(message(key, etag))), { batchItemFailures: [] });
    const { reports, failures } = capture.take();
    assert.deepEqual(failures, []);
    assert.deepEqual(
      reports.map((r) => [r.stats.records, r.parts, r.uploadParts]),
      [
        [SAMPLE_RECORDS, 4, 0],
        [SAMPLE_RECORDS, 4, 0],
      ],
    );
    // The switch of format replaced the JSON parts (the view would otherwise count the source twice).
    assert.equal(reports[1].staleDeleted, 4);
    const keys = await lakeKeysOf(s3, id);
    assert.deepEqual(
      keys,
      HOURS.map((h) => `${PARQUET_PREFIX}/${h}/${id}-0.parquet`),
    );
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'lake', Key: keys[0] }));
    assert.equal(head.ContentType, 'application/vnd.apache.parquet');

    const fromParquet = await query(keys, readParquet);
    assert.equal(fromJson.length, SAMPLE_RECORDS);
    assert.equal(fromParquet.length, SAMPLE_RECORDS);
    assert.deepEqual(Object.keys(fromParquet[0]), [...COLUMNS.map((c) => c.name), 'filename']);
    const hourOf = (r: Record<string, unknown>) => String(r.filename).match(/dt=[^/]+\/hour=\d\d/)![0];
    for (let i = 0; i < fromJson.length; i++) {
      const { filename: jf, ...j } = fromJson[i];
      const { filename: pf, ...p } = fromParquet[i];
      assert.deepEqual(p, j, `line ${j.line_no}`);
      assert.equal(hourOf({ filename: pf }), hourOf({ filename: jf }), `line ${j.line_no}: same hour`);
    }
    // Each record is in the partition of its own UTC hour.
    const [{ misplaced }] = await query(
      keys,
      (dir) =>
        `SELECT count(*) FILTER (WHERE filename NOT LIKE '%/dt=' || strftime(ts, '%Y-%m-%d') || '/hour=' || strftime(ts, '%H') || '/%') AS misplaced
           FROM read_parquet('${dir}/${PARQUET_PREFIX}/*/*/*.parquet', filename = true)`,
    );
    assert.equal(misplaced, '0');
  });

  it('is idempotent: redelivery and a duplicate in one batch rewrite the same keys, with no duplicate rows', async () => {
    const key = 'raw/mha.can.local/2026/09/17/twice.log.gz';
    const etag = await putRaw(s3, key, sampleGz, REF);
    const id = idOf(key, etag);
    assert.deepEqual(await parquet(sqs(message(key, etag))), { batchItemFailures: [] });
    const first = await lakeKeysOf(s3, id);
    assert.equal(first.length, 4);
    assert.deepEqual(await parquet(sqs(message(key, etag))), { batchItemFailures: [] });
    assert.deepEqual(await parquet(sqs(message(key, etag), message(key, etag))), { batchItemFailures: [] });
    const { reports } = capture.take();
    assert.deepEqual(
      reports.map((r) => r.staleDeleted),
      [0, 0, 0],
    );
    assert.deepEqual(await lakeKeysOf(s3, id), first);
    const [{ n, distinct }] = await query(
      first,
      (dir) =>
        `SELECT count(*) AS n, count(DISTINCT line_no) AS distinct FROM read_parquet('${dir}/${PARQUET_PREFIX}/*/*/*.parquet')`,
    );
    assert.deepEqual([n, distinct], [String(SAMPLE_RECORDS), String(SAMPLE_RECORDS)]);
  });

  it('a retry after a longer earlier attempt deletes its extra parts, in both record folders and quarantine, and nothing else', async () => {
    const key = 'raw/mha.can.local/2026/09/17/retry.log.gz';
    const etag = await putRaw(s3, key, sampleGz, REF);
    const id = idOf(key, etag);
    const stale = [
      `${PARQUET_PREFIX}/${HOURS[0]}/${id}-1.parquet`,
      `${PARQUET_PREFIX}/${HOURS[3]}/${id}-7.parquet`,
      `${JSON_PREFIX}/${HOURS[1]}/${id}-0.json.gz`,
      `${QUARANTINE_PREFIX}/${id}-0.json.gz`,
    ];
    // Another source's parts in the same hour stay.
    const other = `${PARQUET_PREFIX}/${HOURS[0]}/${'f'.repeat(20)}-1.parquet`;
    for (const k of [...stale, other]) {
      await s3.client.send(
        new PutObjectCommand({ Bucket: 'lake', Key: k, Body: 'left by an earlier attempt' }),
      );
    }
    assert.deepEqual(await parquet(sqs(message(key, etag))), { batchItemFailures: [] });
    const [r] = capture.take().reports;
    assert.equal(r.staleDeleted, stale.length);
    assert.deepEqual(
      await lakeKeysOf(s3, id),
      HOURS.map((h) => `${PARQUET_PREFIX}/${h}/${id}-0.parquet`),
    );
    assert.ok((await listLake(s3)).includes(other));
  });

  it('splits an hour with more records than the writer buffers into several parts (bounded memory)', async () => {
    const key = 'raw/fw1.example.net/2026/09/17/big.log.gz';
    const lines = MAX_BUFFERED_ROWS + 1000;
    const etag = await putRaw(s3, key, gzipSync(generateLines(lines)), REF);
    assert.deepEqual(await parquet(sqs(message(key, etag))), { batchItemFailures: [] });
    const [r] = capture.take().reports;
    assert.deepEqual([r.stats.records, r.parts], [lines, 2]);
    const id = idOf(key, etag);
    const keys = await lakeKeysOf(s3, id);
    assert.deepEqual(keys, [
      `${PARQUET_PREFIX}/${HOURS[0]}/${id}-0.parquet`,
      `${PARQUET_PREFIX}/${HOURS[0]}/${id}-1.parquet`,
    ]);
    const rows = await query(
      keys,
      (dir) =>
        `SELECT count(*) AS n, count(DISTINCT line_no) AS distinct FROM read_parquet('${dir}/${PARQUET_PREFIX}/*/*/*.parquet')`,
    );
    assert.deepEqual(rows, [{ n: String(lines), distinct: String(lines) }]);
  });
});

/** `n` UFW lines in hour 21 on fw1. */
function generateLines(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = Math.floor((i * 3600) / n);
    const mm = String(Math.floor(s / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    out.push(
      `Sep 17 21:${mm}:${ss} fw1.example.net kernel: [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:00:5e:00:01:01:08:00 SRC=198.51.100.${i % 250} DST=203.0.113.10 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=${i % 65536} PROTO=TCP SPT=${1024 + (i % 60000)} DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 `,
    );
  }
  return `${out.join('\n')}\n`;
}
