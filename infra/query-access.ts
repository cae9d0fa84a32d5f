/**
 * What running saved queries needs, and nothing more: the workgroup's Athena
 * actions, reading the Glue table's definition, reading the lake's records,
 * and writing results to the workgroup's results bucket.
 */
import { Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  COMPACTED_PREFIX,
  COMPACTED_TABLE,
  FRESH_HOURS_TABLE,
  JSON_PREFIX,
  JSON_TABLE,
  PARQUET_PREFIX,
  PARQUET_TABLE,
  RECORDS_VIEW,
} from '../functions/core/lake-layout.ts';
import { acknowledge } from './function.ts';
import type { LakeCatalog } from './lake-catalog.ts';
import type { QueryWorkgroup } from './query-workgroup.ts';

export interface AthenaReadScope {
  workgroup: QueryWorkgroup;
  database: string;
  /** Glue tables (and views) the statements read. */
  tables: readonly string[];
  lake: IBucket;
  /** Lake prefixes Athena reads objects under. */
  prefixes: readonly string[];
}

/**
 * Running statements in the workgroup over some tables: the Athena actions, the
 * Glue reads (Athena checks each table a query touches with the caller's rights),
 * the lake's objects under the given prefixes, and the workgroup's results.
 * Shared by the saved-query functions and compaction.
 */
export function athenaReadStatements(scope: AthenaReadScope): PolicyStatement[] {
  const { workgroup, database, lake } = scope;
  const stack = Stack.of(workgroup);
  const glue = (resource: string, resourceName?: string) =>
    stack.formatArn({ service: 'glue', resource, resourceName });
  return [
    new PolicyStatement({
      actions: [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
        'athena:GetWorkGroup',
      ],
      resources: [workgroup.arn],
    }),
    new PolicyStatement({
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions'],
      resources: [
        glue('catalog'),
        glue('database', database),
        ...scope.tables.map((t) => glue('table', `${database}/${t}`)),
      ],
    }),
    new PolicyStatement({
      actions: ['s3:GetObject'],
      resources: scope.prefixes.map((p) => lake.arnForObjects(`${p}/*`)),
    }),
    new PolicyStatement({
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [lake.bucketArn],
    }),
    new PolicyStatement({
      actions: [
        's3:GetObject',
        's3:PutObject',
        's3:AbortMultipartUpload',
        's3:ListBucket',
        's3:GetBucketLocation',
        's3:ListMultipartUploadParts',
      ],
      resources: [workgroup.results.bucketArn, workgroup.results.arnForObjects('results/*')],
    }),
  ];
}

export function grantSavedQueries(
  grantee: IGrantable,
  { workgroup, catalog, lake }: { workgroup: QueryWorkgroup; catalog: LakeCatalog; lake: IBucket },
): void {
  const statements = athenaReadStatements({
    workgroup,
    database: catalog.databaseName,
    // The view, and every table it reads (the registry of fresh hours through its $partitions).
    tables: [RECORDS_VIEW, JSON_TABLE, PARQUET_TABLE, COMPACTED_TABLE, FRESH_HOURS_TABLE],
    lake,
    prefixes: [JSON_PREFIX, PARQUET_PREFIX, COMPACTED_PREFIX],
  });
  for (const s of statements) grantee.grantPrincipal.addToPrincipalPolicy(s);
  if (grantee instanceof Construct) {
    acknowledge(grantee, {
      'AwsSolutions-IAM5[Resource::<LakeBucketB1D32E10.Arn>/firewall/*]':
        'Athena reads the partitions a query names, any of the records under firewall/.',
      [`AwsSolutions-IAM5[Resource::<LakeBucketB1D32E10.Arn>/${PARQUET_PREFIX}/*]`]:
        'Athena reads the partitions a query names, any of the Parquet records under firewall_parquet/.',
      [`AwsSolutions-IAM5[Resource::<LakeBucketB1D32E10.Arn>/${COMPACTED_PREFIX}/*]`]:
        'Athena reads the compacted hours a query names, any under firewall_compacted/.',
      'AwsSolutions-IAM5[Resource::<AthenaResults4E169281.Arn>/results/*]':
        'Athena writes each query result under results/ with a name it chooses.',
    });
  }
}
