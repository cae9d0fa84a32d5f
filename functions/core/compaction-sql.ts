/**
 * The statements that compact one finished hour: Athena's (INSERT INTO the
 * Parquet table, DROP PARTITION before a rewrite) and DuckDB's (COPY to one
 * Parquet file). Column lists come from the schema; the hour is bound as
 * execution parameters where Athena allows it (INSERT INTO's WHERE), and is
 * validated (a real yyyy-MM-dd, 00-23) wherever it must be written into the
 * text (DDL takes no parameters).
 */
import {
  assertZstdLevel,
  COMPACTED_ORDER,
  COMPACTED_ROW_GROUP_ROWS,
  COMPACTED_ZSTD_LEVEL,
} from './compaction-format.ts';
import { assertValidHour, type Hour } from './compaction-plan.ts';
import { COMPACTED_TABLE, JSON_TABLE, PARQUET_TABLE } from './lake-layout.ts';
import type { PreparedQuery } from './query-types.ts';
import { COLUMNS } from './schema.ts';
import { athenaSelectList, athenaTableName, duckdbJsonSelect, duckdbParquetSelect } from './table-sql.ts';

const quoteIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * INSERT INTO firewall_compacted the hour's rows from both fresh tables: every
 * schema column, then dt and hour (a partitioned INSERT takes the partition
 * columns last). Four parameters: dt, hour, dt, hour.
 */
export function athenaInsertHour(database: string, h: Hour): PreparedQuery {
  assertValidHour(h);
  const from = (table: string) =>
    `  SELECT ${athenaSelectList()} FROM ${athenaTableName(database, table)} WHERE "dt" = ? AND "hour" = ?`;
  const sql = [
    `INSERT INTO ${athenaTableName(database, COMPACTED_TABLE)}`,
    `SELECT ${athenaSelectList()} FROM (`,
    from(JSON_TABLE),
    '  UNION ALL',
    from(PARQUET_TABLE),
    ')',
    // Only a hint: Athena writes with several writers, each keeping the order it is given at best, and
    // Trino may drop an ORDER BY under INSERT as redundant (trinodb/trino#19916). Where it holds,
    // the files are as small as the local ones; where not, the zstd level still applies.
    `ORDER BY ${orderList()}`,
  ].join('\n');
  const p = (name: string, value: string) => ({ name, type: 'string' as const, value });
  return {
    name: `compact ${h.dt} ${h.hour}`,
    sql,
    params: [p('dt', h.dt), p('hour', h.hour), p('dt', h.dt), p('hour', h.hour)],
  };
}

/**
 * ALTER TABLE ... DROP IF EXISTS PARTITION of one hour (the view reads the
 * fresh tables for it from then on). Hive DDL: backquoted names, and the
 * values written in, after validation, since DDL takes no parameters.
 */
export function athenaDropPartition(database: string, h: Hour): PreparedQuery {
  assertValidHour(h);
  return {
    name: `uncompact ${h.dt} ${h.hour}`,
    sql: `ALTER TABLE \`${database}\`.\`${COMPACTED_TABLE}\` DROP IF EXISTS PARTITION (dt = '${h.dt}', hour = '${h.hour}')`,
    params: [],
  };
}

const orderList = () => COMPACTED_ORDER.map(quoteIdent).join(', ');

/**
 * COPY one hour's fresh parts (explicit files, exactly the ones the plan
 * listed) into one zstd Parquet file at `level`, rows in COMPACTED_ORDER.
 * The schema columns only: dt and hour are in the path. Data pages v1 (DuckDB's
 * default), which every Parquet reader, Athena's included, reads.
 */
export function duckdbCompactHour(
  files: { json: readonly string[]; parquet: readonly string[] },
  outPath: string,
  level: number = COMPACTED_ZSTD_LEVEL,
): string {
  assertZstdLevel(level);
  const sources: string[] = [];
  if (files.json.length > 0) sources.push(duckdbJsonSelect(files.json));
  if (files.parquet.length > 0) sources.push(duckdbParquetSelect(files.parquet));
  if (sources.length === 0) throw new Error('an hour with no fresh parts has nothing to compact');
  const cols = COLUMNS.map((c) => quoteIdent(c.name)).join(', ');
  return [
    `COPY (SELECT ${cols} FROM (`,
    sources.join('\nUNION ALL BY NAME\n'),
    `) ORDER BY ${orderList()})`,
    `TO ${sqlString(outPath)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${level}, ROW_GROUP_SIZE ${COMPACTED_ROW_GROUP_ROWS})`,
  ].join('\n');
}
