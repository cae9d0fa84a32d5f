/**
 * What the S3 ingest tests share: SQS records carrying S3 notifications shaped
 * like the shipped sample event, raw uploads with a fixed LastModified, and
 * listing and downloading the lake bucket of an s3rver.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { IngestFailure, IngestMetrics, IngestReport } from '../../functions/adapters/ingest-metrics.ts';
import { encodeEventKey, type S3rverHandle } from './s3rver.ts';

/** Ingest metrics kept in memory, for tests to take and inspect after each batch. */
export class CapturedMetrics implements IngestMetrics {
  reports: IngestReport[] = [];
  failures: IngestFailure[] = [];
  ingested(r: IngestReport) {
    this.reports.push(r);
  }
  failed(f: IngestFailure) {
    this.failures.push(f);
  }
  take() {
    const out = { reports: this.reports, failures: this.failures };
    this.reports = [];
    this.failures = [];
    return out;
  }
}

const TEMPLATE = JSON.parse(readFileSync('events/sqs-s3-object-created.json', 'utf8')) as SQSEvent;

/** Uploads to the raw bucket with LastModified = `when`; returns the ETag. */
export async function putRaw(
  s3: S3rverHandle,
  key: string,
  body: Uint8Array | string,
  when: Date,
): Promise<string> {
  const res = await s3.client.send(new PutObjectCommand({ Bucket: 'raw', Key: key, Body: body }));
  await s3.setLastModified('raw', key, when);
  return res.ETag!;
}

let messageNo = 0;
/** An SQS record carrying an ObjectCreated:Put notification of raw/`key`, shaped like the shipped sample event. */
export function message(key: string, etag: string, messageId = `m-${++messageNo}`): SQSRecord {
  const [tpl] = TEMPLATE.Records;
  const body = JSON.parse(tpl.body);
  const obj = body.Records[0].s3;
  obj.bucket = { ...obj.bucket, name: 'raw', arn: 'arn:aws:s3:::raw' };
  obj.object = { key: encodeEventKey(key), eTag: etag.replaceAll('"', ''), sequencer: obj.object.sequencer };
  return { ...tpl, messageId, body: JSON.stringify(body) };
}

export const sqs = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** Every key of the lake bucket under `prefix`, sorted (paginated in pages of 50, to exercise the tokens). */
export async function listLake(s3: S3rverHandle, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.client.send(
      new ListObjectsV2Command({ Bucket: 'lake', Prefix: prefix, ContinuationToken: token, MaxKeys: 50 }),
    );
    keys.push(...(page.Contents ?? []).map((c) => c.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

/** The lake objects of one source (named `<sourceId>-<n>.…`). */
export async function lakeKeysOf(s3: S3rverHandle, id: string): Promise<string[]> {
  return (await listLake(s3)).filter((k) => k.slice(k.lastIndexOf('/') + 1).startsWith(`${id}-`));
}

export async function getBytes(s3: S3rverHandle, bucket: string, key: string): Promise<Buffer> {
  const res = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

/** Downloads lake keys into `dir` with the same layout (DuckDB has no httpfs here). */
export async function downloadLake(s3: S3rverHandle, keys: string[], dir: string): Promise<void> {
  for (const key of keys) {
    await mkdir(dirname(join(dir, key)), { recursive: true });
    await writeFile(join(dir, key), await getBytes(s3, 'lake', key));
  }
}
