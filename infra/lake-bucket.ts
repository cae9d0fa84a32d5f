/**
 * The lake bucket: partitioned records under firewall/, quarantined lines
 * under quarantine/. Private, encrypted, TLS only; records move to cheaper
 * storage as they age (they are read rarely after the first weeks).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

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
        {
          id: 'records-to-infrequent-access',
          prefix: 'firewall/',
          transitions: [
            {
              storageClass: StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(props.infrequentAccessAfterDays ?? 30),
            },
          ],
        },
        {
          id: 'quarantine-expiry',
          prefix: 'quarantine/',
          expiration: Duration.days(props.quarantineDays ?? 90),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(2) },
      ],
    });
  }
}
