/**
 * The Athena workgroup saved queries run in: it enforces its own settings
 * (clients cannot override them), writes results encrypted to a bucket of
 * their own that forgets them after a week, and cancels any query that would
 * scan more than a cutoff (a runaway query costs at most that).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface QueryWorkgroupProps {
  name?: string;
  /** Bytes one query may scan before Athena cancels it. Default 10 GB. */
  bytesScannedCutoffPerQuery?: number;
  accessLogs?: IBucket;
}

export class QueryWorkgroup extends Construct {
  readonly name: string;
  readonly results: Bucket;
  readonly workgroup: CfnWorkGroup;

  constructor(scope: Construct, id: string, props: QueryWorkgroupProps = {}) {
    super(scope, id);
    this.name = props.name ?? 'fwlake';
    this.results = new Bucket(this, 'Results', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
      lifecycleRules: [{ id: 'results-expiry', expiration: Duration.days(7) }],
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: props.accessLogs ? 'athena-results/' : undefined,
    });
    this.workgroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.name,
      description: 'fwlake saved queries',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10_000_000_000,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.results.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }

  get arn(): string {
    const s = Stack.of(this);
    return s.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.name });
  }
}
