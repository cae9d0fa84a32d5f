/**
 * `fwlake dev`: the AWS flow on a laptop. An S3-compatible server with the
 * buckets `raw` and `lake`; every object put under raw/ is delivered to the
 * real ingest handler as the SQS-wrapped S3 event AWS would send (key
 * URL-encoded, as S3 does), and the lake fills with partitioned records.
 */
import { mkdir } from 'node:fs/promises';
import type { SQSEvent } from 'aws-lambda';
import { NO_FRESH_HOUR_REGISTRY } from '../core/fresh-hours.ts';
import { RAW_PREFIX } from '../core/object-key.ts';
import type { PartFormat } from '../core/part-format.ts';
import type { IngestFailure, IngestMetrics, IngestReport } from './ingest-metrics.ts';
import { encodeEventKey, type S3rverEvent, startS3rverProcess } from './s3rver-process.ts';
import { createIngestHandler } from './sqs-ingest.ts';

export const DEV_BUCKETS = ['raw', 'lake'] as const;

export interface DevLoop {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startDevLoop(opts: {
  dir: string;
  port: number;
  print: (line: string) => void;
  /** What the handler writes, as FWLAKE_FORMAT does for the Lambda. Default json. */
  format?: PartFormat;
}): Promise<DevLoop> {
  await mkdir(opts.dir, { recursive: true });
  // Events are handled one at a time, in arrival order, as one SQS batch each.
  let queue: Promise<void> = Promise.resolve();
  let deliver: (e: S3rverEvent) => Promise<void> = async () => {};
  const server = await startS3rverProcess({
    dir: opts.dir,
    buckets: DEV_BUCKETS,
    port: opts.port,
    onObjectCreated: (e) => {
      if (e.bucket !== 'raw' || !e.key.startsWith(RAW_PREFIX)) return;
      queue = queue
        .then(() => deliver(e))
        .catch((err) => opts.print(`ingest error: ${(err as Error).message}`));
    },
  });
  const metrics: IngestMetrics = {
    ingested: (r: IngestReport) =>
      opts.print(
        `ingested s3://${r.bucket}/${r.key}: ${r.stats.lines} lines, ${r.stats.records} records, ` +
          `${r.stats.skipped} skipped, ${r.stats.quarantined} quarantined → ${r.parts} objects in s3://lake/`,
      ),
    failed: (f: IngestFailure) => opts.print(`FAILED s3://${f.bucket}/${f.key}: ${f.error}`),
  };
  const handler = createIngestHandler({
    s3: server.client,
    lakeBucket: 'lake',
    // No Glue here: the local (DuckDB) view picks each hour's files from the markers.
    freshHours: () => NO_FRESH_HOUR_REGISTRY,
    metrics,
    format: opts.format,
    log: () => {},
  });
  let n = 0;
  deliver = async (e) => {
    n++;
    const event: SQSEvent = {
      Records: [
        {
          messageId: `dev-${n}`,
          receiptHandle: `dev-${n}`,
          body: JSON.stringify({
            Records: [
              {
                eventSource: 'aws:s3',
                eventName: 'ObjectCreated:Put',
                s3: {
                  bucket: { name: e.bucket },
                  object: { key: encodeEventKey(e.key), eTag: e.eTag, size: e.size },
                },
              },
            ],
          }),
          attributes: {} as SQSEvent['Records'][0]['attributes'],
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:local:000000000000:fwlake-dev',
          awsRegion: 'local',
        },
      ],
    };
    const res = await handler(event);
    if (res.batchItemFailures.length > 0)
      opts.print(`s3://${e.bucket}/${e.key} would be retried by SQS, then parked`);
  };
  return {
    endpoint: server.endpoint,
    async stop() {
      await queue;
      await server.stop();
    },
  };
}
