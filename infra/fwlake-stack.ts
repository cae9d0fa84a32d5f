/**
 * The fwlake stack: hosts ship to the raw bucket; its events queue up for the
 * ingest function, which writes the lake; the Glue table and the Athena
 * workgroup answer saved queries, from the query function and on a schedule
 * from the alarm function; one dashboard shows it all.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { partFormatSetting } from '../functions/core/format-setting.ts';
import type { PartFormat } from '../functions/core/part-format.ts';
import { accessLogsBucket } from './access-logs.ts';
import { Compaction } from './compaction.ts';
import { FwlakeDashboard } from './dashboard.ts';
import { acknowledge, fwlakeFunction } from './function.ts';
import { INGEST_TIMEOUT, IngestPipeline } from './ingest-pipeline.ts';
import { LakeBucket } from './lake-bucket.ts';
import { LakeCatalog } from './lake-catalog.ts';
import { grantSavedQueries } from './query-access.ts';
import { QueryWorkgroup } from './query-workgroup.ts';
import { RawBucket } from './raw-bucket.ts';
import { DEFAULT_ALARMS, ScheduledAlarms, type ScheduledQueryAlarm } from './scheduled-alarms.ts';
import { ShippingAccess } from './shipping-access.ts';

export interface FwlakeStackProps extends StackProps {
  /** Days raw objects are kept. Default 30. */
  rawRetentionDays?: number;
  /** Write S3 server access logs of the buckets to a bucket of their own. Default true. */
  accessLogging?: boolean;
  /** Concurrency reserved for (and capping) the ingest function. Default none. */
  ingestReservedConcurrency?: number;
  /** Bytes one Athena query may scan. Default 10 GB. */
  bytesScannedCutoffPerQuery?: number;
  /** Saved queries run on a schedule as alarms. Default DEFAULT_ALARMS. */
  alarms?: readonly ScheduledQueryAlarm[];
  /**
   * How ingest stores records: gzip JSON lines under firewall/ (table
   * firewall_json) or Parquet under firewall_parquet/ (table firewall_parquet).
   * Default: the cdk context `fwlake:format`, else json.
   */
  format?: PartFormat;
}

export class FwlakeStack extends Stack {
  readonly lake: LakeBucket;
  readonly raw: RawBucket;
  readonly catalog: LakeCatalog;
  readonly ingest: IngestPipeline;
  readonly workgroup: QueryWorkgroup;
  readonly alarms: ScheduledAlarms;
  readonly shipping: ShippingAccess;
  readonly compaction: Compaction;

  constructor(scope: Construct, id: string, props: FwlakeStackProps = {}) {
    super(scope, id, props);
    const accessLogs = props.accessLogging === false ? undefined : accessLogsBucket(this);
    this.lake = new LakeBucket(this, 'Lake', { accessLogs });
    // The queue holds a message at least as long as the function may work on it (AWS recommends 6x).
    this.raw = new RawBucket(this, 'Raw', {
      retentionDays: props.rawRetentionDays,
      visibilityTimeout: Duration.seconds(INGEST_TIMEOUT.toSeconds() * 6),
      accessLogs,
    });
    this.catalog = new LakeCatalog(this, 'Catalog', { bucket: this.lake.bucket });
    this.ingest = new IngestPipeline(this, 'Ingest', {
      raw: this.raw.bucket,
      queue: this.raw.queue,
      lake: this.lake.bucket,
      databaseName: this.catalog.databaseName,
      reservedConcurrency: props.ingestReservedConcurrency,
      // An invalid context value fails the synth with the setting's name, not a silent json.
      format:
        props.format ?? partFormatSetting(this.node.tryGetContext('fwlake:format'), 'context fwlake:format'),
    });
    this.workgroup = new QueryWorkgroup(this, 'Athena', {
      bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
      accessLogs,
    });
    const env = { FWLAKE_WORKGROUP: this.workgroup.name, FWLAKE_DATABASE: this.catalog.databaseName };
    const query = fwlakeFunction(this, 'QueryFunction', 'query.ts', {
      description: 'fwlake: run a saved query in Athena',
      timeout: Duration.minutes(5),
      environment: env,
    });
    const queryAccess = { workgroup: this.workgroup, catalog: this.catalog, lake: this.lake.bucket };
    grantSavedQueries(query, queryAccess);
    this.alarms = new ScheduledAlarms(this, 'Alarms', {
      alarms: props.alarms ?? DEFAULT_ALARMS,
      workgroupName: this.workgroup.name,
      databaseName: this.catalog.databaseName,
    });
    grantSavedQueries(this.alarms.fn, queryAccess);
    // Hourly compaction into firewall_compacted, and the `firewall` view the saved queries read.
    this.compaction = new Compaction(this, 'Compaction', {
      lake: this.lake.bucket,
      catalog: this.catalog,
      workgroup: this.workgroup,
    });
    this.shipping = new ShippingAccess(this, 'Shipping', { raw: this.raw.bucket, accountId: this.account });
    // The S3 notifications custom resource is CDK's own singleton (Python, basic execution role).
    const notifications = this.node.tryFindChild(
      'BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
    );
    if (notifications !== undefined) {
      acknowledge(notifications, {
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
          "CDK's bucket-notifications custom resource: only writes its own logs.",
        'AwsSolutions-L1': "CDK's bucket-notifications custom resource picks its own (Python) runtime.",
      });
    }
    new FwlakeDashboard(this, 'Dashboard', {
      functions: { ingest: this.ingest.fn, query, alarm: this.alarms.fn },
      deadLetters: this.raw.deadLetters,
      alarmMetrics: this.alarms.metrics,
    });
  }
}
