/**
 * The ingest Lambda: SQS-wrapped S3 ObjectCreated events of the raw bucket in,
 * partitioned records in the lake out, failed messages back as
 * `batchItemFailures`. Thin: the batch logic is adapters/sqs-ingest.ts, the
 * object's ingest adapters/s3-ingest.ts. Environment: LAKE_BUCKET.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { PowertoolsIngestMetrics } from './adapters/ingest-metrics.ts';
import { createIngestHandler, type IngestHandler } from './adapters/sqs-ingest.ts';

// Once per container.
const s3 = new S3Client({});

export const handler: IngestHandler = createIngestHandler({
  s3,
  lakeBucket: () => process.env.LAKE_BUCKET,
  metrics: new PowertoolsIngestMetrics(),
});
