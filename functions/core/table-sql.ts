/**
 * The table definitions, generated from the schema: the DuckDB view over a
 * local warehouse and the Athena (Glue) DDL over the lake bucket. Both read
 * the same layout with explicit column types, never by guessing from data.
 */
import { RECORDS_TABLE } from './ingest.ts';
import { PARQUET_SUFFIX } from './part-format.ts';
import { ATHENA_TYPE, COLUMNS, DUCKDB_TYPE, PARTITION_COLUMNS, SCHEMA_VERSION } from './schema.ts';

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
/** Quoted identifier: `window` is a reserved word in DuckDB (and Hive), so every name is quoted. */
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** `{ts: 'TIMESTAMP', host: 'VARCHAR', ...}` for DuckDB's read_json. */
export function duckdbColumnsStruct(): string {
  return `{${COLUMNS.map((c) => `${ident(c.name)}: ${sqlString(DUCKDB_TYPE[c.type])}`).join(', ')}}`;
}

/** The glob of every JSON-lines part of the records table under a warehouse folder. */
export function warehouseGlob(warehouseDir: string): string {
  return `${warehouseDir.replace(/\/+$/, '')}/${RECORDS_TABLE}/dt=*/hour=*/*.json.gz`;
}

/** The glob of every Parquet part of the records table under a warehouse folder. */
export function warehouseParquetGlob(warehouseDir: string): string {
  return `${warehouseDir.replace(/\/+$/, '')}/${RECORDS_TABLE}/dt=*/hour=*/*${PARQUET_SUFFIX}`;
}

/** Which part formats a warehouse holds (DuckDB fails on a glob that matches nothing, so each is read only when present). */
export interface WarehouseFormats {
  json: boolean;
  parquet: boolean;
}

/** A query listing one file of each format, for the adapters to fill WarehouseFormats: columns `json`, `parquet` (booleans). */
export function duckdbFormatsQuery(warehouseDir: string): string {
  const any = (glob: string) => `EXISTS (SELECT 1 FROM glob(${sqlString(glob)}))`;
  return `SELECT ${any(warehouseGlob(warehouseDir))} AS json, ${any(warehouseParquetGlob(warehouseDir))} AS parquet`;
}

/**
 * The Parquet parts with the view's columns and types. Parquet carries its own
 * types, but each column is still cast to the schema's DuckDB type so both
 * formats union into one. `ts` is a UTC-adjusted timestamp in the files, which
 * DuckDB reads as TIMESTAMP WITH TIME ZONE; it becomes a plain (UTC) TIMESTAMP
 * through epoch microseconds, whatever the session's TimeZone.
 */
function duckdbParquetSelect(warehouseDir: string, hiveTypes: string): string {
  const cols = COLUMNS.map((c) =>
    c.type === 'timestamp'
      ? `make_timestamp(epoch_us(${ident(c.name)})) AS ${ident(c.name)}`
      : `CAST(${ident(c.name)} AS ${DUCKDB_TYPE[c.type]}) AS ${ident(c.name)}`,
  );
  const parts = PARTITION_COLUMNS.map((c) => ident(c.name));
  return [
    `SELECT ${[...cols, ...parts].join(', ')}`,
    `FROM read_parquet(${sqlString(warehouseParquetGlob(warehouseDir))},`,
    `  hive_partitioning = true, hive_types = ${hiveTypes}, union_by_name = true)`,
  ].join('\n');
}

/**
 * `CREATE VIEW firewall AS ...` over a local warehouse: the same columns and
 * partition columns (`dt`, `hour` as text) Athena sees, over the JSON-lines
 * parts, the Parquet parts, or both (UNION ALL BY NAME).
 */
export function duckdbCreateView(
  warehouseDir: string,
  view = RECORDS_TABLE,
  formats: WarehouseFormats = { json: true, parquet: false },
): string {
  const hiveTypes = `{${PARTITION_COLUMNS.map((c) => `${ident(c.name)}: ${sqlString(DUCKDB_TYPE[c.type])}`).join(', ')}}`;
  const json = [
    `SELECT * FROM read_json(${sqlString(warehouseGlob(warehouseDir))},`,
    "  format = 'newline_delimited', compression = 'gzip',",
    `  hive_partitioning = true, hive_types = ${hiveTypes},`,
    `  columns = ${duckdbColumnsStruct()})`,
  ].join('\n');
  const selects: string[] = [];
  // With neither format present, the JSON read fails with DuckDB's "no files" error, as before.
  if (formats.json || !formats.parquet) selects.push(json);
  if (formats.parquet) selects.push(duckdbParquetSelect(warehouseDir, hiveTypes));
  return `CREATE OR REPLACE VIEW ${view} AS ${selects.join('\nUNION ALL BY NAME\n')}`;
}

export interface AthenaTableOptions {
  database: string;
  table?: string;
  /** `s3://bucket/firewall/` */
  location: string;
  /** First day partition projection enumerates, yyyy-MM-dd. */
  projectionStart?: string;
}

/**
 * Athena DDL for the JSON-lines table with partition projection (no crawler,
 * no MSCK REPAIR): `dt` as a date range up to NOW, `hour` as 00-23. The Hive
 * JSON SerDe reads `ts` as written (`yyyy-MM-dd HH:mm:ss.SSS` is the
 * java.sql.Timestamp form it parses by default) and omitted keys as NULL.
 */
export function athenaCreateTable(o: AthenaTableOptions): string {
  const table = o.table ?? RECORDS_TABLE;
  const location = o.location.endsWith('/') ? o.location : `${o.location}/`;
  const cols = COLUMNS.map((c) => `  \`${c.name}\` ${ATHENA_TYPE[c.type]} COMMENT ${sqlString(c.doc)}`).join(
    ',\n',
  );
  const parts = PARTITION_COLUMNS.map((c) => `\`${c.name}\` ${ATHENA_TYPE[c.type]}`).join(', ');
  return `CREATE EXTERNAL TABLE IF NOT EXISTS \`${o.database}\`.\`${table}\` (
${cols}
)
PARTITIONED BY (${parts})
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION ${sqlString(location)}
TBLPROPERTIES (
${Object.entries(tableProperties(location, o.projectionStart))
  .map(([k, v]) => `  ${sqlString(k)} = ${sqlString(v)}`)
  .join(',\n')}
)`;
}

/**
 * The table properties Athena's partition projection reads (no crawler, no
 * MSCK REPAIR): `dt` a date range up to NOW, `hour` 00-23, and the path
 * template. Shared by the DDL above and the Glue tables of the CDK stack;
 * `classification` names the parts' format ('json' or 'parquet').
 */
export function tableProperties(
  location: string,
  projectionStart = '2024-01-01',
  classification = 'json',
): Record<string, string> {
  const loc = location.endsWith('/') ? location : `${location}/`;
  return {
    'fwlake.schema_version': String(SCHEMA_VERSION),
    classification,
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy-MM-dd',
    'projection.dt.range': `${projectionStart},NOW`,
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    'projection.hour.type': 'integer',
    'projection.hour.range': '0,23',
    'projection.hour.digits': '2',
    'storage.location.template': `${loc}dt=\${dt}/hour=\${hour}/`,
  };
}
/** The README's column table, so the README cannot drift from the schema (a test compares them). */
export function columnsMarkdown(): string {
  const rows = [...COLUMNS, ...PARTITION_COLUMNS].map((c) => `| \`${c.name}\` | ${c.type} | ${c.doc} |`);
  return ['| column | type | meaning |', '|---|---|---|', ...rows].join('\n');
}
