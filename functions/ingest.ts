/**
 * The ingest Lambda: SQS-wrapped S3 ObjectCreated events of the raw bucket in,
 * partitioned records in the lake out, failed messages back as
 * `batchItemFailures`. Thin: the batch logic is adapters/sqs-ingest.ts, the
 * object's ingest adapters/s3-ingest.ts. Environment: LAKE_BUCKET, and
 * FWLAKE_FORMAT = json (default) | parquet, read once: any other value fails
 * the cold start (an init error in the logs) rather than writing a format
 * nobody chose.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { PowertoolsIngestMetrics } from './adapters/ingest-metrics.ts';
import { createIngestHandler, type IngestHandler } from './adapters/sqs-ingest.ts';
import { partFormatSetting } from './core/format-setting.ts';

// Once per container.
const s3 = new S3Client({});

export const handler: IngestHandler = createIngestHandler({
  s3,
  lakeBucket: () => process.env.LAKE_BUCKET,
  format: partFormatSetting(process.env.FWLAKE_FORMAT),
  metrics: new PowertoolsIngestMetrics(),
});
