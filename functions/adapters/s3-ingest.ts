/**
 * One raw S3 object into the lake: wires the S3 input, the core pipeline and
 * the S3 part store together (the S3 twin of local-ingest.ts).
 *
 * - Year inference: syslog stamps carry no year; they are placed near the
 *   object's LastModified (when the shipper wrote it), not the time of ingest.
 * - Host: the syslog header's host wins; lines without one get the host of
 *   the key's per-host prefix (`raw/<host>/...`).
 * - Lineage: every record and quarantine entry carries `s3://bucket/key`.
 * - Format: records go as gzip JSON lines under firewall/ (default) or as
 *   Parquet under firewall_parquet/ (core/lake-layout.ts); quarantined lines
 *   are gzip JSON lines either way. Parquet parts are built in memory by
 *   ParquetPartWriter (at most MAX_BUFFERED_ROWS rows buffered over all hours)
 *   and each goes as one PutObject.
 * - Idempotency: output names derive from bucket, key and the version (or
 *   ETag) actually read, so a retried or duplicated event rewrites the same
 *   objects; after a success, objects of the same source beyond this run's
 *   parts are deleted in every partition this run wrote to, under both
 *   record folders (an attempt before a format switch wrote the other one),
 *   and in quarantine/.
 * - Fresh hours: then every hour the run wrote a record part to is
 *   registered in the fresh-hour registry (Athena's view reads a registered
 *   hour from the fresh tables; see core/fresh-hours.ts), last, so the view
 *   switches such an hour to fresh only once its parts are all there. A
 *   registration that fails fails the object (SQS retries it, and re-ingest
 *   is idempotent): a part of an hour already compacted would otherwise stay
 *   out of the view until the next compaction run.
 *
 * Remaining gaps, by design:
 * - Partitions a previous attempt wrote and this one did not are not scanned
 *   (that would mean listing the whole table). The same object version always
 *   yields the same partitions, so this needs a parser change between attempts
 *   that moves lines to other hours.
 * - A key overwritten with new content (unversioned bucket) is a new source:
 *   the old content's records stay next to the new ones.
 * - A failure aborts the parts still open, but parts completed before it
 *   stay until a successful retry rewrites them: JSON partitions the router
 *   had already closed (only with more than `maxOpen` hours interleaved), and
 *   Parquet parts already written (only for objects with more records than
 *   the writer buffers, MAX_BUFFERED_ROWS).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Hour } from '../core/compaction-plan.ts';
import { type FreshHourRegistry, hoursOfPartitions } from '../core/fresh-hours.ts';
import { type IngestStats, ingestLines } from '../core/ingest.ts';
import { JSON_PREFIX, PARQUET_PREFIX, QUARANTINE_PREFIX } from '../core/lake-layout.ts';
import { splitLines } from '../core/lines.ts';
import { hostFromKey, sourceId as makeSourceId } from '../core/object-key.ts';
import { ParquetPartWriter } from '../core/parquet-parts.ts';
import type { PartFormat } from '../core/part-format.ts';
import { PartitionRouter } from '../core/router.ts';
import { type Compression, openS3Object } from './s3-input.ts';
import { prefixOf, S3_ROUTER_OPTIONS, S3PartStore, type WrittenPart } from './s3-part-store.ts';

export interface S3IngestOptions {
  s3: S3Client;
  rawBucket: string;
  /** The object key itself (already decoded from the event's form). */
  key: string;
  /** Read this version (from the event) when the bucket is versioned. */
  versionId?: string;
  lakeBucket: string;
  /** Where the hours written are registered as fresh (Glue in the Lambda, a no-op locally). */
  freshHours: FreshHourRegistry;
  /** Epoch ms: the reference time when the object has no LastModified. Default Date.now(). */
  now?: number;
  /** How records are stored: gzip JSON lines (default) or Parquet. */
  format?: PartFormat;
  /** Multipart part size, for tests (S3's minimum is 5 MiB). Default 8 MiB. */
  partSize?: number;
}

export interface S3IngestResult {
  sourceId: string;
  stats: IngestStats;
  compression: Compression;
  /** Compressed bytes read from S3. */
  bytesRead: number;
  /** Bytes of overlong lines that were cut. */
  droppedBytes: number;
  referenceMs: number;
  parts: WrittenPart[];
  /** Keys of an earlier attempt's extra parts, deleted. */
  staleDeleted: string[];
  /** The hours written to, registered as fresh. */
  freshHours: Hour[];
}

export async function ingestS3Object(o: S3IngestOptions): Promise<S3IngestResult> {
  const input = await openS3Object(o.s3, o.rawBucket, o.key, { versionId: o.versionId });
  // 'null' is the version of objects written while versioning was off or suspended: not an identity.
  const identity = input.versionId !== null && input.versionId !== 'null' ? input.versionId : input.etag;
  if (identity === null) {
    input.close();
    throw new Error(`s3://${o.rawBucket}/${o.key}: GetObject returned neither a VersionId nor an ETag`);
  }
  const sourceId = makeSourceId(o.rawBucket, o.key, identity);
  const referenceMs = input.lastModified?.getTime() ?? o.now ?? Date.now();
  const store = new S3PartStore({ client: o.s3, bucket: o.lakeBucket, sourceId, partSize: o.partSize });
  const router = new PartitionRouter(store, S3_ROUTER_OPTIONS);
  const records = o.format === 'parquet' ? new ParquetPartWriter(store, PARQUET_PREFIX) : undefined;
  const lineStats = { droppedBytes: 0 };
  let stats: IngestStats;
  try {
    stats = await ingestLines(
      splitLines(input.chunks, lineStats),
      { referenceMs, sourceKey: `s3://${o.rawBucket}/${o.key}`, fallbackHost: hostFromKey(o.key) },
      router,
      { records },
    );
  } catch (e) {
    await store.abort();
    throw e;
  }
  // Every hour this run wrote, in both record folders, plus quarantine/.
  const recordPartitions = store.written.filter((w) => w.partition !== '').map((w) => w.partition);
  const staleDeleted = await store.removeStale([
    ...recordPartitions.flatMap((p) => [prefixOf(JSON_PREFIX, p), prefixOf(PARQUET_PREFIX, p)]),
    prefixOf(QUARANTINE_PREFIX, ''),
  ]);
  const freshHours = hoursOfPartitions(recordPartitions);
  await o.freshHours.register(freshHours);
  return {
    sourceId,
    stats,
    compression: input.compression,
    bytesRead: input.bytesRead(),
    droppedBytes: lineStats.droppedBytes,
    referenceMs,
    parts: [...store.written],
    staleDeleted,
    freshHours,
  };
}
