/**
 * The ingest Lambda's batch logic: SQS messages whose bodies are S3 event
 * notifications of the raw bucket in, one lake ingest per created object, and
 * the messages whose objects failed out as `batchItemFailures` (the event
 * source mapping needs ReportBatchItemFailures). SQS retries those alone and
 * finally parks them in the DLQ, so a poison object never blocks the others.
 *
 * Objects are ingested one after another (memory stays that of one object),
 * and an object named by several records of the batch is ingested once.
 * Bodies that are not S3 notifications fail (to the DLQ, where someone sees
 * them); `s3:TestEvent` and non-create events are acknowledged and skipped,
 * and so is an object deleted before its turn (retrying cannot bring it back).
 */
import { type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { FreshHourRegistry } from '../core/fresh-hours.ts';
import type { PartFormat } from '../core/part-format.ts';
import { type ObjectRef, objectsOfMessage } from '../core/s3-event.ts';
import type { IngestMetrics } from './ingest-metrics.ts';
import { ingestS3Object, type S3IngestResult } from './s3-ingest.ts';

export interface IngestHandlerDeps {
  s3: S3Client;
  /** The lake bucket, or a function reading it (the environment, at invocation time). */
  lakeBucket: string | (() => string | undefined);
  metrics: IngestMetrics;
  /**
   * The registry of fresh hours for a lake bucket (GlueFreshHours in the
   * Lambda; NO_FRESH_HOUR_REGISTRY where there is no Glue, as in fwlake dev).
   */
  freshHours: (lakeBucket: string) => FreshHourRegistry;
  /** How records are stored (quarantine is JSON lines either way). Default json. */
  format?: PartFormat;
  /** For tests: multipart part size. */
  partSize?: number;
  /** Where skip notices go. Default console.log. */
  log?: (line: string) => void;
}

export type IngestHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export function createIngestHandler(deps: IngestHandlerDeps): IngestHandler {
  const log = deps.log ?? console.log;
  return async (event) => {
    const lakeBucket = typeof deps.lakeBucket === 'string' ? deps.lakeBucket : deps.lakeBucket();
    if (!lakeBucket) throw new Error('LAKE_BUCKET is not set');
    const freshHours = deps.freshHours(lakeBucket);
    const batchItemFailures: SQSBatchItemFailure[] = [];
    // The same object named twice in one batch (duplicate delivery) is ingested once; both messages share the outcome.
    const outcomes = new Map<string, Promise<S3IngestResult | null>>();
    for (const record of event.Records) {
      let refs: ObjectRef[];
      try {
        refs = objectsOfMessage(record.body);
      } catch (e) {
        deps.metrics.failed({
          bucket: '',
          key: '',
          messageId: record.messageId,
          error: (e as Error).message,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
        continue;
      }
      for (const ref of refs) {
        const id = `${ref.bucket}\n${ref.key}\n${ref.versionId ?? ''}\n${ref.eTag ?? ''}`;
        let outcome = outcomes.get(id);
        if (outcome === undefined) {
          outcome = ingestOne(ref, lakeBucket, freshHours, deps, log);
          outcomes.set(id, outcome);
        }
        try {
          await outcome;
        } catch (e) {
          deps.metrics.failed({
            bucket: ref.bucket,
            key: ref.key,
            messageId: record.messageId,
            error: (e as Error).message,
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
          break; // the message is retried whole: its other objects would be ingested again anyway
        }
      }
    }
    return { batchItemFailures };
  };
}

async function ingestOne(
  ref: ObjectRef,
  lakeBucket: string,
  freshHours: FreshHourRegistry,
  deps: IngestHandlerDeps,
  log: (line: string) => void,
): Promise<S3IngestResult | null> {
  const started = performance.now();
  let res: S3IngestResult;
  try {
    res = await ingestS3Object({
      s3: deps.s3,
      rawBucket: ref.bucket,
      key: ref.key,
      versionId: ref.versionId,
      lakeBucket,
      freshHours,
      now: Date.now(),
      format: deps.format,
      partSize: deps.partSize,
    });
  } catch (e) {
    if (e instanceof S3ServiceException && (e.name === 'NoSuchKey' || e.name === 'NoSuchVersion')) {
      log(
        JSON.stringify({
          msg: 'skipped',
          reason: 'object no longer exists',
          bucket: ref.bucket,
          key: ref.key,
        }),
      );
      return null;
    }
    throw e;
  }
  deps.metrics.ingested({
    bucket: ref.bucket,
    key: ref.key,
    sourceId: res.sourceId,
    bytesRead: res.bytesRead,
    compression: res.compression,
    stats: res.stats,
    parts: res.parts.length,
    uploadParts: res.parts.reduce((n, p) => n + p.uploadParts, 0),
    staleDeleted: res.staleDeleted.length,
    durationMs: Math.round(performance.now() - started),
  });
  return res;
}
