/**
 * The Glue database and the `firewall` table over the lake, generated from the
 * record schema (functions/core/schema.ts) with Athena partition projection,
 * so new hours are queryable the moment their objects exist: no crawler.
 */
import { Aws } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RECORDS_TABLE } from '../functions/core/ingest.ts';
import { ATHENA_TYPE, COLUMNS, PARTITION_COLUMNS } from '../functions/core/schema.ts';
import { tableProperties } from '../functions/core/table-sql.ts';

export interface LakeCatalogProps {
  bucket: IBucket;
  /** Glue database name. Default `fwlake`. */
  databaseName?: string;
}

export class LakeCatalog extends Construct {
  readonly databaseName: string;
  readonly tableName = RECORDS_TABLE;
  readonly table: CfnTable;

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    this.databaseName = props.databaseName ?? 'fwlake';
    const database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'fwlake: Linux firewall kernel logs' },
    });
    const location = `s3://${props.bucket.bucketName}/${RECORDS_TABLE}/`;
    this.table = new CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: RECORDS_TABLE,
        tableType: 'EXTERNAL_TABLE',
        description: 'One row per netfilter log line (gzip JSON lines), partitioned by UTC day and hour',
        parameters: tableProperties(location),
        partitionKeys: PARTITION_COLUMNS.map((c) => ({
          name: c.name,
          type: ATHENA_TYPE[c.type],
          comment: c.doc,
        })),
        storageDescriptor: {
          location,
          columns: COLUMNS.map((c) => ({
            name: c.name,
            type: ATHENA_TYPE[c.type],
            comment: c.doc.slice(0, 255),
          })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
        },
      },
    });
    this.table.addResourceDependency(database); // the table needs its database first
  }
}
