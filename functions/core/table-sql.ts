/**
 * The table definitions, generated from the schema: the DuckDB view over a
 * local warehouse and the Athena (Glue) DDL over the lake bucket. Both read
 * the same layout with explicit column types, never by guessing from data.
 */
import { COMPACTED_ZSTD_LEVEL } from './compaction-format.ts';
import { FRESH_HOURS_STORAGE } from './fresh-hours.ts';
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
} from './lake-layout.ts';
import { PARQUET_SUFFIX } from './part-format.ts';
import {
  ATHENA_TYPE,
  COLUMNS,
  type ColumnType,
  DUCKDB_TYPE,
  PARTITION_COLUMNS,
  SCHEMA_VERSION,
} from './schema.ts';

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
/** Quoted identifier: `window` is a reserved word in DuckDB (and Hive), so every name is quoted. */
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** `{ts: 'TIMESTAMP', host: 'VARCHAR', ...}` for DuckDB's read_json. */
export function duckdbColumnsStruct(): string {
  return `{${COLUMNS.map((c) => `${ident(c.name)}: ${sqlString(DUCKDB_TYPE[c.type])}`).join(', ')}}`;
}

const root = (warehouseDir: string) => warehouseDir.replace(/\/+$/, '');

/** The glob of every JSON-lines part of the records table under a warehouse folder. */
export function warehouseGlob(warehouseDir: string): string {
  return `${root(warehouseDir)}/${JSON_PREFIX}/dt=*/hour=*/*.json.gz`;
}

/** The glob of every fresh Parquet part (written by ingest) under a warehouse folder. */
export function warehouseParquetGlob(warehouseDir: string): string {
  return `${root(warehouseDir)}/${PARQUET_PREFIX}/dt=*/hour=*/*${PARQUET_SUFFIX}`;
}

/** The glob of every compacted Parquet file under a warehouse folder. */
export function warehouseCompactedGlob(warehouseDir: string): string {
  return `${root(warehouseDir)}/${COMPACTED_PREFIX}/dt=*/hour=*/*${PARQUET_SUFFIX}`;
}

/** The glob of every compaction marker under a warehouse folder. */
export function warehouseMarkerGlob(warehouseDir: string): string {
  return `${root(warehouseDir)}/${MARKER_PREFIX}/dt=*/hour=*/*.json`;
}

/** `{dt: 'VARCHAR', hour: 'VARCHAR'}`: partition columns typed, never guessed from the path. */
function hiveTypes(): string {
  return `{${PARTITION_COLUMNS.map((c) => `${ident(c.name)}: ${sqlString(DUCKDB_TYPE[c.type])}`).join(', ')}}`;
}

/** A DuckDB file source: one glob, or an explicit list of files. */
function fileSource(files: string | readonly string[]): string {
  return typeof files === 'string' ? sqlString(files) : `[${files.map(sqlString).join(', ')}]`;
}

/** JSON-lines parts with the schema's columns and types, plus `dt` and `hour` from the path. */
export function duckdbJsonSelect(files: string | readonly string[]): string {
  return [
    `SELECT * FROM read_json(${fileSource(files)},`,
    "  format = 'newline_delimited', compression = 'gzip',",
    `  hive_partitioning = true, hive_types = ${hiveTypes()},`,
    `  columns = ${duckdbColumnsStruct()})`,
  ].join('\n');
}

/**
 * Parquet files (fresh parts or compacted files) with the view's columns and
 * types. Parquet carries its own types, but each column is still cast to the
 * schema's DuckDB type so every source unions into one. `ts` may be a
 * UTC-adjusted timestamp in the files, which DuckDB reads as TIMESTAMP WITH
 * TIME ZONE; it becomes a plain (UTC) TIMESTAMP through epoch microseconds,
 * whatever the session's TimeZone.
 */
export function duckdbParquetSelect(files: string | readonly string[]): string {
  const cols = COLUMNS.map((c) =>
    c.type === 'timestamp'
      ? `make_timestamp(epoch_us(${ident(c.name)})) AS ${ident(c.name)}`
      : `CAST(${ident(c.name)} AS ${DUCKDB_TYPE[c.type]}) AS ${ident(c.name)}`,
  );
  const parts = PARTITION_COLUMNS.map((c) => ident(c.name));
  return [
    `SELECT ${[...cols, ...parts].join(', ')}`,
    `FROM read_parquet(${fileSource(files)},`,
    `  hive_partitioning = true, hive_types = ${hiveTypes()}, union_by_name = true)`,
  ].join('\n');
}

/** Every file the `firewall` view may read, and every compaction marker: one `file` column, for warehouseSources. */
export function duckdbWarehouseFilesQuery(warehouseDir: string): string {
  return [
    warehouseGlob(warehouseDir),
    warehouseParquetGlob(warehouseDir),
    warehouseCompactedGlob(warehouseDir),
    warehouseMarkerGlob(warehouseDir),
  ]
    .map((g) => `SELECT file FROM glob(${sqlString(g)})`)
    .join(' UNION ALL ');
}

/** The files the `firewall` view reads, per source. */
export interface WarehouseSources {
  json: string[];
  parquet: string[];
  compacted: string[];
}

/**
 * The rule that gives every hour exactly once, applied to a listing of the
 * warehouse: an hour with a compaction marker is read from its compacted
 * file(s) only, any other hour from its fresh parts (JSON lines and Parquet).
 * Deciding per file, before the query, is what lets a query skip a compacted
 * hour's fresh parts entirely: a filter on the hour inside the view made
 * DuckDB read them and throw the rows away (the compacted lake read 21.4 MB
 * for low-source-ports, 10.0 MB of it needed).
 */
export function warehouseSources(files: readonly string[]): WarehouseSources {
  // The listing comes from the globs of this warehouse: each path ends <folder>/dt=…/hour=…/<name>
  // (matched from the end, so however DuckDB spells the warehouse's own path does not matter).
  const placed = files.flatMap((file) => {
    const m = /(?:^|\/)([^/]+)\/dt=([^/]+)\/hour=([^/]+)\/[^/]+$/.exec(file);
    return m === null ? [] : [{ file, folder: m[1], hour: `${m[2]}/${m[3]}` }];
  });
  const compactedHours = new Set(placed.filter((f) => f.folder === MARKER_PREFIX).map((f) => f.hour));
  const pick = (folder: string, compacted: boolean) =>
    placed
      .filter((f) => f.folder === folder && compactedHours.has(f.hour) === compacted)
      .map((f) => f.file)
      .sort();
  return {
    json: pick(JSON_PREFIX, false),
    parquet: pick(PARQUET_PREFIX, false),
    compacted: pick(COMPACTED_PREFIX, true),
  };
}

/**
 * `CREATE VIEW firewall AS ...` over the files of a local warehouse (see
 * warehouseSources): the same columns and partition columns (`dt`, `hour` as
 * text) Athena sees, from fresh JSON lines, fresh Parquet and compacted
 * Parquet, UNION ALL. The file lists are fixed when the view is made, so the
 * engine makes it again before each query (a new part or a compaction run is
 * seen by the next query).
 */
export function duckdbCreateView(sources: WarehouseSources, view = RECORDS_VIEW): string {
  const selects: string[] = [];
  if (sources.json.length > 0) selects.push(duckdbJsonSelect(sources.json));
  if (sources.parquet.length > 0) selects.push(duckdbParquetSelect(sources.parquet));
  if (sources.compacted.length > 0) selects.push(duckdbParquetSelect(sources.compacted));
  if (selects.length === 0) throw new Error('the warehouse holds no record files');
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

/** An S3 location as a table wants it: ending in a slash. */
const withSlash = (location: string) => (location.endsWith('/') ? location : `${location}/`);

/**
 * Athena DDL for the JSON-lines table with partition projection (no crawler,
 * no MSCK REPAIR): `dt` as a date range up to NOW, `hour` as 00-23. The Hive
 * JSON SerDe reads `ts` as written (`yyyy-MM-dd HH:mm:ss.SSS` is the
 * java.sql.Timestamp form it parses by default) and omitted keys as NULL.
 */
export function athenaCreateTable(o: AthenaTableOptions): string {
  const location = withSlash(o.location);
  return hiveTableDdl({
    database: o.database,
    table: o.table ?? JSON_TABLE,
    comments: true,
    format: {
      serde: 'org.apache.hive.hcatalog.data.JsonSerDe',
      input: 'org.apache.hadoop.mapred.TextInputFormat',
      output: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    },
    location,
    properties: tableProperties(location, o.projectionStart),
  });
}

/** CREATE EXTERNAL TABLE for the schema's columns, partitioned by dt and hour: what differs per table is passed in. */
function hiveTableDdl(o: {
  database: string;
  table: string;
  /** Default: the schema's columns. */
  columns?: readonly { name: string; type: string; doc: string }[];
  comments: boolean;
  format: { serde: string; input: string; output: string };
  location: string;
  properties: Record<string, string>;
}): string {
  const columns = o.columns ?? COLUMNS.map((c) => ({ name: c.name, type: ATHENA_TYPE[c.type], doc: c.doc }));
  const cols = columns
    .map((c) => `  \`${c.name}\` ${c.type}${o.comments ? ` COMMENT ${sqlString(c.doc)}` : ''}`)
    .join(',\n');
  const parts = PARTITION_COLUMNS.map((c) => `\`${c.name}\` ${ATHENA_TYPE[c.type]}`).join(', ');
  const props = Object.entries(o.properties)
    .map(([k, v]) => `  ${sqlString(k)} = ${sqlString(v)}`)
    .join(',\n');
  return `CREATE EXTERNAL TABLE IF NOT EXISTS \`${o.database}\`.\`${o.table}\` (
${cols}
)
PARTITIONED BY (${parts})
ROW FORMAT SERDE ${sqlString(o.format.serde)}
STORED AS INPUTFORMAT ${sqlString(o.format.input)}
OUTPUTFORMAT ${sqlString(o.format.output)}
LOCATION ${sqlString(o.location)}
TBLPROPERTIES (
${props}
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
  const loc = withSlash(location);
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

/** Trino type of each logical type: what a view's stored column list holds. */
const TRINO_TYPE: Record<ColumnType, string> = {
  string: 'varchar',
  int: 'integer',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp(3)',
  'array<string>': 'array(varchar)',
};

/**
 * Table properties of the compacted table: Parquet written by Athena INSERT
 * INTO with zstd at COMPACTED_ZSTD_LEVEL (the level `fwlake compact` writes
 * with); no partition projection.
 */
export function compactedTableProperties(): Record<string, string> {
  return {
    'fwlake.schema_version': String(SCHEMA_VERSION),
    classification: 'parquet',
    // INSERT INTO writes Parquet with the table's codec (GZIP when unset)...
    'parquet.compression': 'ZSTD',
    // ...at the table's zstd level (3 when unset; engine version 3, levels 1-22).
    compression_level: String(COMPACTED_ZSTD_LEVEL),
  };
}

/**
 * Athena DDL of firewall_compacted: Parquet, partitioned by dt and hour, with
 * partitions registered in Glue (no projection): INSERT INTO adds an hour's
 * partition once it has written its files. Which hours the view reads from
 * here is the registry's decision (firewall_fresh_hours, below).
 */
export function athenaCreateCompactedTable(o: { database: string; location: string }): string {
  return hiveTableDdl({
    database: o.database,
    table: COMPACTED_TABLE,
    comments: false,
    format: {
      serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      input: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      output: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    },
    location: withSlash(o.location),
    properties: compactedTableProperties(),
  });
}

/**
 * Athena DDL of firewall_fresh_hours: one unused column, partitioned by dt and
 * hour, partitions registered in Glue (no projection: the partitions ARE the
 * registry of hours the view reads fresh), nothing ever written under the
 * location. For running by hand; the stack defines the same table.
 */
export function athenaCreateFreshHoursTable(o: { database: string; location: string }): string {
  const s = FRESH_HOURS_STORAGE;
  return hiveTableDdl({
    database: o.database,
    table: FRESH_HOURS_TABLE,
    columns: [{ name: s.column.name, type: s.column.type, doc: s.column.comment }],
    comments: true,
    format: { serde: s.serializationLibrary, input: s.inputFormat, output: s.outputFormat },
    location: withSlash(o.location),
    properties: freshHoursTableProperties(),
  });
}

/** Table properties of firewall_fresh_hours: no partition projection (its Glue partitions are the registry). */
export function freshHoursTableProperties(): Record<string, string> {
  return { 'fwlake.schema_version': String(SCHEMA_VERSION), classification: 'json' };
}

/** Every schema column then the partition columns, quoted, optionally qualified: the select list of the view and of INSERT INTO. */
export function athenaSelectList(qualifier?: string): string {
  const q = qualifier === undefined ? '' : `${ident(qualifier)}.`;
  return [...COLUMNS, ...PARTITION_COLUMNS].map((c) => `${q}${ident(c.name)}`).join(', ');
}

/** `"db"."table"` */
export function athenaTableName(database: string, table: string): string {
  return `${ident(database)}.${ident(table)}`;
}

/**
 * The `firewall` view in Athena (Trino SQL): every hour exactly once, either
 * fresh or compacted, decided by the registry of fresh hours (the Glue
 * partitions of firewall_fresh_hours, read as its `$partitions` table; see
 * core/fresh-hours.ts):
 *
 * - a registered hour comes from the fresh tables, each joined (INNER JOIN on
 *   dt and hour) with the registry. An inner join whose build side is small
 *   is what Trino's dynamic filtering turns into dynamic partition pruning on
 *   a Hive table: the fresh partitions of an unregistered (compacted) hour are
 *   never read, so they are neither scanned nor billed. Each fresh table is
 *   joined on its own, so the join's probe side is the table scan itself.
 *   `$partitions` has one row per partition: the join duplicates nothing.
 * - any other hour comes from firewall_compacted. The anti-join (NOT EXISTS)
 *   sits on the compacted side, where it only drops the few hours being
 *   rebuilt or read fresh; the query's own dt/hour filter still prunes it.
 *
 * Ingest registers an hour when it writes a part to it; compaction registers
 * an hour before touching its compacted partition and removes the
 * registration only once that partition is complete, which switches the hour
 * from fresh to compacted in one step.
 */
export function athenaViewSql(database: string): string {
  const registry = athenaTableName(database, `${FRESH_HOURS_TABLE}$partitions`);
  const fresh = (table: string, alias: string) => [
    `SELECT ${athenaSelectList(alias)} FROM ${athenaTableName(database, table)} AS ${ident(alias)}`,
    `INNER JOIN ${registry} AS "r" ON "r"."dt" = ${ident(alias)}."dt" AND "r"."hour" = ${ident(alias)}."hour"`,
  ];
  return [
    `SELECT ${athenaSelectList('c')} FROM ${athenaTableName(database, COMPACTED_TABLE)} AS "c"`,
    `WHERE NOT EXISTS (SELECT 1 FROM ${registry} AS "r" WHERE "r"."dt" = "c"."dt" AND "r"."hour" = "c"."hour")`,
    'UNION ALL',
    ...fresh(JSON_TABLE, 'j'),
    'UNION ALL',
    ...fresh(PARQUET_TABLE, 'p'),
  ].join('\n');
}

/** `CREATE OR REPLACE VIEW` of the same view, for running by hand in the Athena console. */
export function athenaCreateView(database: string): string {
  return `CREATE OR REPLACE VIEW ${athenaTableName(database, RECORDS_VIEW)} AS\n${athenaViewSql(database)}`;
}

/**
 * The Glue `ViewOriginalText` of the view as Athena itself stores it:
 * `/* Presto View: <base64 of {originalSql, catalog, schema, columns}> *\/`,
 * columns with their Trino types. Athena checks the stored columns against
 * what the SQL yields when a query reads the view, so both come from COLUMNS.
 */
export function prestoViewText(database: string, catalog = 'awsdatacatalog'): string {
  const json = {
    originalSql: athenaViewSql(database),
    catalog,
    schema: database,
    columns: [...COLUMNS, ...PARTITION_COLUMNS].map((c) => ({ name: c.name, type: TRINO_TYPE[c.type] })),
  };
  return `/* Presto View: ${Buffer.from(JSON.stringify(json), 'utf8').toString('base64')} */`;
}
