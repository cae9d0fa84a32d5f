/**
 * Compaction in the stack: the Glue table firewall_compacted (Parquet,
 * partitions registered in Glue by INSERT INTO), the `firewall` view every
 * saved query reads (a Glue VIRTUAL_VIEW), and the compaction function that
 * EventBridge runs every hour at :20.
 *
 * Why the view is in the template rather than created by the function: it
 * exists, and is right, from the moment the stack is deployed (the first
 * compaction run may be an hour away), it changes with the schema in the same
 * deployment as the tables, and no function needs the right to create or
 * change tables.
 *
 * Why firewall_compacted has no partition projection: INSERT INTO adds an
 * hour's partition once its files are written, and compaction drops it before
 * rewriting the hour. Which hours the view reads from it is decided by the
 * registry of fresh hours (the partitions of firewall_fresh_hours, in
 * LakeCatalog): every hour not registered. Compaction registers an hour
 * before it touches its compacted partition and removes the registration
 * once the partition is complete, so the view never reads an hour twice or
 * not at all.
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  COMPACTED_PREFIX,
  COMPACTED_TABLE,
  FRESH_HOURS_TABLE,
  JSON_PREFIX,
  JSON_TABLE,
  MARKER_PREFIX,
  PARQUET_PREFIX,
  PARQUET_TABLE,
  RECORDS_VIEW,
} from '../functions/core/lake-layout.ts';
import { ATHENA_TYPE, COLUMNS, PARTITION_COLUMNS } from '../functions/core/schema.ts';
import { compactedTableProperties, prestoViewText } from '../functions/core/table-sql.ts';
import { acknowledge, fwlakeFunction } from './function.ts';
import type { LakeCatalog } from './lake-catalog.ts';
import { athenaReadStatements } from './query-access.ts';
import type { QueryWorkgroup } from './query-workgroup.ts';

export interface CompactionProps {
  lake: IBucket;
  catalog: LakeCatalog;
  workgroup: QueryWorkgroup;
  /** Minutes after an hour's end before it is compacted. Default 15. */
  graceMinutes?: number;
  /** When compaction runs. Default every hour at :20 (UTC), after the 15 minutes of grace. */
  schedule?: Schedule;
}

export class Compaction extends Construct {
  readonly table: CfnTable;
  readonly view: CfnTable;
  readonly fn: NodejsFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: CompactionProps) {
    super(scope, id);
    const database = props.catalog.databaseName;
    const glueColumns = (withComments: boolean) =>
      COLUMNS.map((c) => ({
        name: c.name,
        type: ATHENA_TYPE[c.type],
        ...(withComments ? { comment: c.doc.slice(0, 255) } : {}),
      }));
    const partitionKeys = PARTITION_COLUMNS.map((c) => ({
      name: c.name,
      type: ATHENA_TYPE[c.type],
      comment: c.doc,
    }));
    const location = `s3://${props.lake.bucketName}/${COMPACTED_PREFIX}/`;
    this.table = new CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: database,
      tableInput: {
        name: COMPACTED_TABLE,
        tableType: 'EXTERNAL_TABLE',
        description:
          'Closed hours of records rewritten as Parquet by compaction, partitioned by UTC day and hour',
        parameters: compactedTableProperties(),
        partitionKeys,
        storageDescriptor: {
          location,
          columns: glueColumns(true),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
    // The view as Athena stores one it created: Presto view text, columns typed as in the tables.
    this.view = new CfnTable(this, 'View', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: database,
      tableInput: {
        name: RECORDS_VIEW,
        tableType: 'VIRTUAL_VIEW',
        description:
          'What saved queries read: each hour once, compacted when compacted, else fresh (JSON and Parquet)',
        parameters: { presto_view: 'true', comment: 'Presto View' },
        viewOriginalText: prestoViewText(database),
        viewExpandedText: '/* Presto View */',
        partitionKeys: [],
        storageDescriptor: {
          columns: [
            ...glueColumns(false),
            ...PARTITION_COLUMNS.map((c) => ({ name: c.name, type: ATHENA_TYPE[c.type] })),
          ],
          serdeInfo: {},
        },
      },
    });
    const db = props.catalog.node.tryFindChild('Database');
    if (db instanceof CfnDatabase) {
      this.table.addResourceDependency(db);
      this.view.addResourceDependency(db);
    }
    // The view reads the registry's $partitions: the table exists before the view does.
    this.view.addResourceDependency(props.catalog.freshHoursTable);
    const graceMinutes = props.graceMinutes ?? 15;
    this.fn = fwlakeFunction(this, 'Function', 'compact.ts', {
      description: 'fwlake: compact finished hours of the lake into Parquet with Athena',
      timeout: Duration.minutes(15),
      // One run at a time: two runs must never work on the same hour.
      reservedConcurrentExecutions: 1,
      environment: {
        LAKE_BUCKET: props.lake.bucketName,
        FWLAKE_WORKGROUP: props.workgroup.name,
        FWLAKE_DATABASE: database,
        FWLAKE_COMPACT_GRACE_MINUTES: String(graceMinutes),
      },
    });
    this.grant(props, database);
    this.rule = new Rule(this, 'Schedule', {
      description: 'fwlake: compact the hours that finished (with their grace period) since the last run',
      schedule: props.schedule ?? Schedule.cron({ minute: '20' }),
      targets: [
        new LambdaFunction(this.fn, {
          // The function takes no input; the event only says who called it.
          event: RuleTargetInput.fromObject({ source: 'fwlake.compaction-schedule' }),
          retryAttempts: 2,
        }),
      ],
    });
  }

  /** Athena in the workgroup; reading the fresh tables; writing firewall_compacted and its partitions; the registry; the markers. */
  private grant(props: CompactionProps, database: string): void {
    const stack = Stack.of(this);
    const glue = (resource: string, resourceName?: string) =>
      stack.formatArn({ service: 'glue', resource, resourceName });
    const add = (s: PolicyStatement) => this.fn.addToRolePolicy(s);
    const { lake, workgroup } = props;
    // What a saved query needs, over the tables compaction reads (not the view).
    for (const st of athenaReadStatements({
      workgroup,
      database,
      tables: [JSON_TABLE, PARQUET_TABLE, COMPACTED_TABLE],
      lake,
      prefixes: [JSON_PREFIX, PARQUET_PREFIX, COMPACTED_PREFIX],
    }))
      add(st);
    // INSERT INTO adds the hour's partition; DROP PARTITION removes it. Only on the compacted table.
    add(
      new PolicyStatement({
        actions: [
          'glue:CreatePartition',
          'glue:BatchCreatePartition',
          'glue:UpdatePartition',
          'glue:DeletePartition',
          'glue:BatchDeletePartition',
        ],
        resources: [
          glue('catalog'),
          glue('database', database),
          glue('table', `${database}/${COMPACTED_TABLE}`),
        ],
      }),
    );
    // The registry of fresh hours: read once a run, an hour added before it is rewritten and removed after
    // (GetTable as for ingest: in case the batch calls read the table with the caller's rights).
    add(
      new PolicyStatement({
        actions: [
          'glue:GetPartitions',
          'glue:GetTable',
          'glue:BatchCreatePartition',
          'glue:BatchDeletePartition',
        ],
        resources: [
          glue('catalog'),
          glue('database', database),
          glue('table', `${database}/${FRESH_HOURS_TABLE}`),
        ],
      }),
    );
    add(
      new PolicyStatement({
        actions: [
          's3:PutObject',
          's3:DeleteObject',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        resources: [COMPACTED_PREFIX, MARKER_PREFIX].map((p) => lake.arnForObjects(`${p}/*`)),
      }),
    );
    const lakeId = stack.getLogicalId(lake.node.defaultChild as never);
    const resultsId = stack.getLogicalId(workgroup.results.node.defaultChild as never);
    acknowledge(this.fn, {
      [`AwsSolutions-IAM5[Resource::<${lakeId}.Arn>/${JSON_PREFIX}/*]`]:
        'Compaction reads the fresh JSON parts of the hour it compacts, any under firewall/.',
      [`AwsSolutions-IAM5[Resource::<${lakeId}.Arn>/${PARQUET_PREFIX}/*]`]:
        'Compaction reads the fresh Parquet parts of the hour it compacts, any under firewall_parquet/.',
      [`AwsSolutions-IAM5[Resource::<${lakeId}.Arn>/${COMPACTED_PREFIX}/*]`]:
        'Athena writes (and compaction deletes) the compacted files of an hour under firewall_compacted/, names Athena chooses.',
      [`AwsSolutions-IAM5[Resource::<${lakeId}.Arn>/${MARKER_PREFIX}/*]`]:
        'One marker per compacted hour under firewall_compacted_markers/, named by the digest of its inputs.',
      [`AwsSolutions-IAM5[Resource::<${resultsId}.Arn>/results/*]`]:
        'Athena writes each statement result under results/ with a name it chooses.',
    });
  }
}
