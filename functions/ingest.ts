/**
 * The ingest Lambda: SQS-wrapped S3 ObjectCreated events of the raw bucket in,
 * partitioned records in the lake out, failed messages back as
 * `batchItemFailures`. Thin: the batch logic is adapters/sqs-ingest.ts, the
 * object's ingest adapters/s3-ingest.ts. Environment: LAKE_BUCKET,
 * FWLAKE_DATABASE (default fwlake: the Glue database of firewall_fresh_hours,
 * where the hours written are registered), and FWLAKE_FORMAT = json (default)
 * | parquet, read once: any other value fails the cold start (an init error in
 * the logs) rather than writing a format nobody chose.
 */
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { GlueFreshHours } from './adapters/glue-fresh-hours.ts';
import { PowertoolsIngestMetrics } from './adapters/ingest-metrics.ts';
import { createIngestHandler, type IngestHandler } from './adapters/sqs-ingest.ts';
import { partFormatSetting } from './core/format-setting.ts';

// Once per container.
const s3 = new S3Client({});
const glue = new GlueClient({});

export const handler: IngestHandler = createIngestHandler({
  s3,
  lakeBucket: () => process.env.LAKE_BUCKET,
  freshHours: (lakeBucket) =>
    new GlueFreshHours({ client: glue, database: process.env.FWLAKE_DATABASE ?? 'fwlake', lakeBucket }),
  format: partFormatSetting(process.env.FWLAKE_FORMAT),
  metrics: new PowertoolsIngestMetrics(),
});
