/**
 * The raw bucket hosts ship to (`raw/<host>/yyyy/mm/dd/...`), and the queue
 * its ObjectCreated events go to: the ingest function reads them from there,
 * and an object that keeps failing is parked in the dead-letter queue after a
 * few tries instead of blocking the others.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RAW_PREFIX } from '../functions/core/object-key.ts';

export interface RawBucketProps {
  /** Days raw objects are kept after ingest (the lake has the records). Default 30. */
  retentionDays?: number;
  /** Receives before a message goes to the dead-letter queue. Default 3. */
  maxReceiveCount?: number;
  /** Visibility timeout: at least the ingest function's timeout. */
  visibilityTimeout: Duration;
  accessLogs?: IBucket;
}

export class RawBucket extends Construct {
  readonly bucket: Bucket;
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: RawBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'raw-expiry', prefix: RAW_PREFIX, expiration: Duration.days(props.retentionDays ?? 30) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(2) },
      ],
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: props.accessLogs ? 'raw/' : undefined,
    });
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: props.maxReceiveCount ?? 3 },
    });
    this.bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue), {
      prefix: RAW_PREFIX,
    });
  }
}
