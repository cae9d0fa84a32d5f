/**
 * Ingest registers the hours it wrote in the registry of fresh hours
 * (firewall_fresh_hours, which decides which hours Athena's view reads
 * fresh): a real S3-compatible server (s3rver) for the raw and lake buckets,
 * the real handler (createIngestHandler with GlueFreshHours, as
 * functions/ingest.ts builds it), and Glue mocked at the SDK boundary
 * (aws-sdk-client-mock).
 *
 * What the mock proves: exactly the hours the object's record parts were
 * written to are registered, once each, in one BatchCreatePartition, after
 * every part is in the lake (the mock lists the lake when it is called);
 * nothing is registered for an object without records; "already exists" is
 * success; another entry error or a throttle fails the message (SQS retries
 * it) and the retry writes the same parts and registers them. What it cannot
 * prove: Glue's behaviour itself (error codes, limits, IAM) or that Athena's
 * view then reads those hours; see the view's tests and the README.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  BatchCreatePartitionCommand,
  type BatchCreatePartitionCommandInput,
  GlueClient,
  ThrottlingException,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { GlueFreshHours } from '../../functions/adapters/glue-fresh-hours.ts';
import { createIngestHandler } from '../../functions/adapters/sqs-ingest.ts';
import { sourceId } from '../../functions/core/object-key.ts';
import type { PartFormat } from '../../functions/core/part-format.ts';
import { CapturedMetrics, lakeKeysOf, listLake, message, putRaw, sqs } from '../support/s3-lake.ts';
import { type S3rverHandle, startS3rver } from '../support/s3rver.ts';

const SAMPLE = readFileSync('events/sample-kern.log');
const REF = new Date('2026-09-19T00:00:00Z');
const SAMPLE_HOURS = [
  ['2026-09-17', '21'],
  ['2026-09-17', '22'],
  ['2026-09-17', '23'],
  ['2026-09-18', '00'],
];

const glue = mockClient(GlueClient);
let s3: S3rverHandle;
const capture = new CapturedMetrics();
/** Each BatchCreatePartition: its input, and the lake's record parts at the moment Glue was called. */
let calls: { input: BatchCreatePartitionCommandInput; partsThen: string[] }[];

const handler = (format: PartFormat) =>
  createIngestHandler({
    s3: s3.client,
    lakeBucket: 'lake',
    freshHours: (lakeBucket) =>
      new GlueFreshHours({
        client: new GlueClient({
          region: 'us-east-1',
          credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
        }),
        database: 'fwlake',
        lakeBucket,
      }),
    metrics: capture,
    format,
    log: () => {},
  });

/** Glue answers with these entry errors (none: success). */
function glueAnswers(errors: { values: string[]; code: string }[] = []) {
  glue.on(BatchCreatePartitionCommand).callsFake(async (input: BatchCreatePartitionCommandInput) => {
    const partsThen = (await listLake(s3)).filter((k) => /^firewall(_parquet)?\//.test(k));
    calls.push({ input, partsThen });
    return {
      Errors: errors.map((e) => ({
        PartitionValues: e.values,
        ErrorDetail: { ErrorCode: e.code, ErrorMessage: e.code },
      })),
    };
  });
}
const registered = () => calls.flatMap((c) => (c.input.PartitionInputList ?? []).map((p) => p.Values));
const hoursOfKeys = (keys: string[]) =>
  [...new Set(keys.map((k) => /dt=([^/]+)\/hour=([^/]+)\//.exec(k)!.slice(1, 3).join(' ')))]
    .sort()
    .map((s) => s.split(' '));

before(async () => {
  s3 = await startS3rver();
});
after(async () => {
  await s3?.stop();
  glue.restore();
});
beforeEach(() => {
  glue.reset();
  calls = [];
  capture.take();
});

describe('ingest registers the hours it wrote as fresh (s3rver, Glue mocked)', () => {
  for (const format of ['json', 'parquet'] as const) {
    it(`${format}: one BatchCreatePartition with exactly the hours of its parts, once they are all written`, async () => {
      glueAnswers();
      const key = `raw/mha.can.local/2026/09/17/fresh-${format}.log.gz`;
      const etag = await putRaw(s3, key, gzipSync(SAMPLE), REF);
      assert.deepEqual(await handler(format)(sqs(message(key, etag))), { batchItemFailures: [] });
      const parts = (await lakeKeysOf(s3, sourceId('raw', key, etag))).filter(
        (k) => !k.startsWith('quarantine/'),
      );
      assert.equal(parts.length, 4);
      assert.deepEqual(hoursOfKeys(parts), SAMPLE_HOURS);
      assert.equal(calls.length, 1);
      assert.equal(calls[0].input.DatabaseName, 'fwlake');
      assert.equal(calls[0].input.TableName, 'firewall_fresh_hours');
      assert.deepEqual(registered(), SAMPLE_HOURS);
      for (const p of parts)
        assert.ok(calls[0].partsThen.includes(p), `${p} was written before the registration`);
      assert.deepEqual(capture.take().failures, []);
    });
  }

  it('registers nothing for an object without records (only skipped and quarantined lines)', async () => {
    glueAnswers();
    const key = 'raw/mha.can.local/2026/09/17/no-records.log';
    const etag = await putRaw(s3, key, 'hello\nnot a firewall line\n', REF);
    assert.deepEqual(await handler('json')(sqs(message(key, etag))), { batchItemFailures: [] });
    assert.deepEqual(calls, []);
  });

  it('an hour already registered is success', async () => {
    glueAnswers(SAMPLE_HOURS.map((values) => ({ values, code: 'AlreadyExistsException' })));
    const key = 'raw/mha.can.local/2026/09/17/again.log.gz';
    const etag = await putRaw(s3, key, gzipSync(SAMPLE), REF);
    assert.deepEqual(await handler('json')(sqs(message(key, etag))), { batchItemFailures: [] });
    assert.deepEqual(registered(), SAMPLE_HOURS);
  });

  it('another entry error fails the message; the retry writes the same parts and registers them', async () => {
    glueAnswers([{ values: ['2026-09-17', '22'], code: 'InternalServiceException' }]);
    const key = 'raw/mha.can.local/2026/09/17/glue-error.log.gz';
    const etag = await putRaw(s3, key, gzipSync(SAMPLE), REF);
    const msg = message(key, etag);
    assert.deepEqual(await handler('json')(sqs(msg)), {
      batchItemFailures: [{ itemIdentifier: msg.messageId }],
    });
    const [failure] = capture.take().failures;
    assert.match(failure.error, /BatchCreatePartition .* 2026-09-17\/22: InternalServiceException/);
    const partsAfterFailure = await lakeKeysOf(s3, sourceId('raw', key, etag));

    glue.reset();
    calls = [];
    glueAnswers();
    assert.deepEqual(await handler('json')(sqs(msg)), { batchItemFailures: [] });
    assert.deepEqual(await lakeKeysOf(s3, sourceId('raw', key, etag)), partsAfterFailure, 'the same parts');
    assert.deepEqual(registered(), SAMPLE_HOURS);
  });

  it('a throttled registration fails the message', async () => {
    glue
      .on(BatchCreatePartitionCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    const key = 'raw/mha.can.local/2026/09/17/throttled.log.gz';
    const etag = await putRaw(s3, key, gzipSync(SAMPLE), REF);
    const msg = message(key, etag);
    assert.deepEqual(await handler('parquet')(sqs(msg)), {
      batchItemFailures: [{ itemIdentifier: msg.messageId }],
    });
    assert.match(capture.take().failures[0].error, /Rate exceeded/);
  });
});
