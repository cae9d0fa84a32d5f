/**
 * The lake bucket: partitioned records under their format's prefix
 * (functions/core/lake-layout.ts), quarantined lines under quarantine/.
 * Private, encrypted, TLS only; records of every format move to cheaper
 * storage as they age (they are read rarely after the first weeks).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  COMPACTED_PREFIX,
  JSON_PREFIX,
  PARQUET_PREFIX,
  QUARANTINE_PREFIX,
} from '../functions/core/lake-layout.ts';

export interface LakeBucketProps {
  /** Days before records move to S3 Standard-IA (at least 30). Default 30. */
  infrequentAccessAfterDays?: number;
  /** Days before quarantined lines expire. Default 90. */
  quarantineDays?: number;
  /** Where S3 server access logs go; none when undefined. */
  accessLogs?: IBucket;
}

export class LakeBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: LakeBucketProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      // Logs are evidence: keep them if the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: props.accessLogs ? 'lake/' : undefined,
      lifecycleRules: [
        ...[JSON_PREFIX, PARQUET_PREFIX, COMPACTED_PREFIX].map((prefix) => ({
          // The first rule keeps its id, so an existing stack updates it in place.
          id: prefix === JSON_PREFIX ? 'records-to-infrequent-access' : `${prefix}-to-infrequent-access`,
          prefix: `${prefix}/`,
          transitions: [
            {
              storageClass: StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(props.infrequentAccessAfterDays ?? 30),
            },
          ],
        })),
        {
          id: 'quarantine-expiry',
          prefix: `${QUARANTINE_PREFIX}/`,
          expiration: Duration.days(props.quarantineDays ?? 90),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(2) },
      ],
    });
  }
}
