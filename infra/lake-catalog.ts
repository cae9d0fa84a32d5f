/**
 * The Glue database and a table per part format over the lake, generated from
 * the record schema (functions/core/schema.ts) with Athena partition
 * projection, so new hours are queryable the moment their objects exist: no
 * crawler. Where each format lives is core/lake-layout.ts:
 *
 *   firewall_json     s3://lake/firewall/          gzip JSON lines (Hive JSON SerDe)
 *   firewall_parquet  s3://lake/firewall_parquet/  Parquet (Parquet Hive SerDe)
 *
 * A table per format because a Glue table has one SerDe for all its
 * partitions; both have the same columns, so the `firewall` view (what the
 * saved queries read) unions them.
 *
 * And the registry of fresh hours, firewall_fresh_hours: a table with no data
 * and no partition projection, whose Glue partitions (dt, hour) are the hours
 * the view reads from the two tables above (ingest registers the hours it
 * writes, compaction removes an hour once it is compacted; see
 * functions/core/fresh-hours.ts). Its location, firewall_fresh_hours/, stays
 * empty.
 */
import { Aws } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FRESH_HOURS_STORAGE } from '../functions/core/fresh-hours.ts';
import {
  FRESH_HOURS_PREFIX,
  FRESH_HOURS_TABLE,
  JSON_PREFIX,
  JSON_TABLE,
  PARQUET_PREFIX,
  PARQUET_TABLE,
  RECORDS_VIEW,
} from '../functions/core/lake-layout.ts';
import { ATHENA_TYPE, COLUMNS, PARTITION_COLUMNS } from '../functions/core/schema.ts';
import { freshHoursTableProperties, tableProperties } from '../functions/core/table-sql.ts';

export interface LakeCatalogProps {
  bucket: IBucket;
  /** Glue database name. Default `fwlake`. */
  databaseName?: string;
}

/** How each format's parts are read: the Glue storage descriptor's format classes and SerDe. */
const STORAGE = {
  json: {
    classification: 'json',
    inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    serdeInfo: { serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
  },
  parquet: {
    classification: 'parquet',
    inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    serdeInfo: {
      serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      parameters: { 'serialization.format': '1' },
    },
  },
} as const;

export class LakeCatalog extends Construct {
  readonly databaseName: string;
  /** What saved queries read: the `firewall` view over the tables below. */
  readonly tableName = RECORDS_VIEW;
  /** Names of the Glue tables of fresh records, one per part format (for grants). */
  readonly recordTableNames: readonly string[] = [JSON_TABLE, PARQUET_TABLE];
  /** The Glue tables of fresh records, one per part format. */
  readonly jsonTable: CfnTable;
  readonly parquetTable: CfnTable;
  /** The registry of hours the view reads fresh (its partitions; no data). */
  readonly freshHoursTable: CfnTable;
  readonly freshHoursTableName = FRESH_HOURS_TABLE;
  private readonly database: CfnDatabase;

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    this.databaseName = props.databaseName ?? 'fwlake';
    this.database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'fwlake: Linux firewall kernel logs' },
    });
    // 'Table' keeps the logical id of the JSON table (named `firewall` before the view took that name).
    this.jsonTable = this.recordsTable('Table', props.bucket, JSON_TABLE, JSON_PREFIX, 'json');
    this.parquetTable = this.recordsTable(
      'ParquetTable',
      props.bucket,
      PARQUET_TABLE,
      PARQUET_PREFIX,
      'parquet',
    );
    this.freshHoursTable = this.freshHours(props.bucket);
  }

  private freshHours(bucket: IBucket): CfnTable {
    const s = FRESH_HOURS_STORAGE;
    const table = new CfnTable(this, 'FreshHoursTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: FRESH_HOURS_TABLE,
        tableType: 'EXTERNAL_TABLE',
        description:
          'No data: its partitions (dt, hour) are the hours the firewall view reads from the fresh tables',
        parameters: freshHoursTableProperties(),
        partitionKeys: PARTITION_COLUMNS.map((c) => ({
          name: c.name,
          type: ATHENA_TYPE[c.type],
          comment: c.doc,
        })),
        storageDescriptor: {
          location: `s3://${bucket.bucketName}/${FRESH_HOURS_PREFIX}/`,
          columns: [{ name: s.column.name, type: s.column.type, comment: s.column.comment }],
          inputFormat: s.inputFormat,
          outputFormat: s.outputFormat,
          serdeInfo: { serializationLibrary: s.serializationLibrary },
        },
      },
    });
    table.addResourceDependency(this.database);
    return table;
  }

  private recordsTable(
    id: string,
    bucket: IBucket,
    name: string,
    prefix: string,
    format: keyof typeof STORAGE,
  ): CfnTable {
    const { classification, ...storage } = STORAGE[format];
    const location = `s3://${bucket.bucketName}/${prefix}/`;
    const table = new CfnTable(this, id, {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name,
        tableType: 'EXTERNAL_TABLE',
        description: `One row per netfilter log line (${format === 'json' ? 'gzip JSON lines' : 'Parquet'}), partitioned by UTC day and hour`,
        parameters: tableProperties(location, undefined, classification),
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
          ...storage,
        },
      },
    });
    table.addResourceDependency(this.database); // the table needs its database first
    return table;
  }
}
