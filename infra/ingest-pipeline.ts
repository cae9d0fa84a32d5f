/**
 * The ingest function and its trigger: SQS (fed by the raw bucket) → Lambda
 * with partial batch responses. It may read raw objects and write only the
 * lake's record prefixes (firewall/ for JSON lines, firewall_parquet/ for
 * Parquet) and quarantine/. Both record prefixes whatever the format: a
 * retry after a format switch deletes the source's parts of the other format.
 * And it may add partitions to one Glue table, firewall_fresh_hours: the
 * hours it wrote, which the `firewall` view then reads fresh.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  FRESH_HOURS_TABLE,
  JSON_PREFIX,
  PARQUET_PREFIX,
  QUARANTINE_PREFIX,
} from '../functions/core/lake-layout.ts';
import { RAW_PREFIX } from '../functions/core/object-key.ts';
import type { PartFormat } from '../functions/core/part-format.ts';
import { acknowledge, fwlakeFunction } from './function.ts';

export const INGEST_TIMEOUT = Duration.minutes(10);

export interface IngestPipelineProps {
  raw: IBucket;
  queue: IQueue;
  lake: IBucket;
  /** Glue database of the registry of fresh hours (firewall_fresh_hours). */
  databaseName: string;
  /** Concurrent executions reserved for ingest (also its cap). Default: none reserved. */
  reservedConcurrency?: number;
  /** How records are stored (the function's FWLAKE_FORMAT). Default json. */
  format?: PartFormat;
}

export class IngestPipeline extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: IngestPipelineProps) {
    super(scope, id);
    this.fn = fwlakeFunction(this, 'Function', 'ingest.ts', {
      description: 'fwlake: parse a raw kernel log object into partitioned records',
      memorySize: 512,
      timeout: INGEST_TIMEOUT,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        LAKE_BUCKET: props.lake.bucketName,
        FWLAKE_DATABASE: props.databaseName,
        FWLAKE_FORMAT: props.format ?? 'json',
        POWERTOOLS_METRICS_NAMESPACE: 'fwlake',
      },
    });
    this.fn.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: 5,
        reportBatchItemFailures: true,
        maxBatchingWindow: Duration.seconds(10),
      }),
    );
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [props.raw.arnForObjects(`${RAW_PREFIX}*`)],
      }),
    );
    const prefixes = [JSON_PREFIX, PARQUET_PREFIX, QUARANTINE_PREFIX].map((p) => `${p}/*`);
    const lakeObjects = prefixes.map((p) => props.lake.arnForObjects(p));
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: lakeObjects,
      }),
    );
    // Listing a partition finds parts an earlier, longer attempt left behind (idempotent retries).
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.lake.bucketArn],
        conditions: { StringLike: { 's3:prefix': prefixes } },
      }),
    );
    // Registering the hours written: adding partitions to firewall_fresh_hours, nothing else in Glue.
    // GetTable (read-only, this table only) too: whether BatchCreatePartition reads the table with
    // the caller's rights cannot be checked from here, and without it every ingest would fail.
    const glue = (resource: string, resourceName?: string) =>
      Stack.of(this).formatArn({ service: 'glue', resource, resourceName });
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['glue:BatchCreatePartition', 'glue:GetTable'],
        resources: [
          glue('catalog'),
          glue('database', props.databaseName),
          glue('table', `${props.databaseName}/${FRESH_HOURS_TABLE}`),
        ],
      }),
    );
    acknowledge(this.fn, {
      'AwsSolutions-IAM5[Resource::<RawBucket672A0DBB.Arn>/raw/*]':
        'Ingest reads any object hosts ship, all of which live under raw/.',
      'AwsSolutions-IAM5[Resource::<LakeBucketB1D32E10.Arn>/firewall/*]':
        'Ingest writes partition objects whose names (dt=/hour=/source id) are only known at run time.',
      'AwsSolutions-IAM5[Resource::<LakeBucketB1D32E10.Arn>/firewall_parquet/*]':
        'Ingest writes Parquet partition objects whose names (dt=/hour=/source id) are only known at run time.',
      'AwsSolutions-IAM5[Resource::<LakeBucketB1D32E10.Arn>/quarantine/*]':
        'Ingest writes one quarantine object per source object, named at run time.',
    });
  }
}
