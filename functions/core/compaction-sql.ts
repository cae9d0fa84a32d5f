/**
 * The statements that compact one finished hour: Athena's (INSERT INTO the
 * Parquet table, DROP PARTITION before a rewrite) and DuckDB's (COPY to one
 * Parquet file per slice of the hour, and the counts and samples that choose
 * the slices: core/compaction-slices.ts). Column lists come from the schema; the hour is bound as
 * execution parameters where Athena allows it (INSERT INTO's WHERE), and is
 * validated (a real yyyy-MM-dd, 00-23) wherever it must be written into the
 * text (DDL takes no parameters).
 */
import {
  assertZstdLevel,
  COMPACTED_GROUP,
  COMPACTED_ORDER,
  COMPACTED_ROW_GROUP_ROWS,
  COMPACTED_SLICE_KEY,
  COMPACTED_ZSTD_LEVEL,
} from './compaction-format.ts';
import { assertValidHour, type Hour } from './compaction-plan.ts';
import { type HourSlicing, type SliceKey, sliceAt, sliceCount } from './compaction-slices.ts';
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
const sliceKeyList = () => COMPACTED_SLICE_KEY.map(quoteIdent).join(', ');

/** An hour's fresh parts, as explicit files (exactly the ones the plan listed). */
export interface HourFiles {
  json: readonly string[];
  parquet: readonly string[];
}

/** Every row of the hour's parts, every schema column plus dt and hour. */
function hourRows(files: HourFiles): string {
  const sources: string[] = [];
  if (files.json.length > 0) sources.push(duckdbJsonSelect(files.json));
  if (files.parquet.length > 0) sources.push(duckdbParquetSelect(files.parquet));
  if (sources.length === 0) throw new Error('an hour with no fresh parts has nothing to compact');
  return sources.join('\nUNION ALL BY NAME\n');
}

/** The group column's test for one group's rows (NULL: rows without a value). */
function groupWhere(direction: string | null): string {
  const col = quoteIdent(COMPACTED_GROUP);
  return direction === null ? `${col} IS NULL` : `${col} = ${sqlString(direction)}`;
}

/**
 * `direction, rows`: the hour's groups (core/compaction-slices.ts) and their rows, in COMPACTED_ORDER
 * (NULL last; read each row with groupOfRow). An hour whose parts hold no row has no group.
 */
export function duckdbCountGroups(files: HourFiles): string {
  const col = quoteIdent(COMPACTED_GROUP);
  return [
    `SELECT ${col}, count(*)::BIGINT AS "rows" FROM (\n${hourRows(files)}\n)`,
    `GROUP BY ${col} ORDER BY ${col} NULLS LAST`,
  ].join('\n');
}

/** A row of duckdbCountGroups' result. */
export function groupOfRow(r: readonly unknown[]): { direction: string | null; rows: number } {
  return { direction: r[0] === null ? null : String(r[0]), rows: Number(r[1]) };
}

/** A group's rows: the hour's, where the group column has the group's value. */
const groupRows = (files: HourFiles, direction: string | null) =>
  `SELECT * FROM (\n${hourRows(files)}\n) WHERE ${groupWhere(direction)}`;

/** The COMPACTED_SLICE_KEY of a row, as a DuckDB row value: compared field by field, NULL after every value. */
const keyRow = () => `row(${sliceKeyList()})`;

// SliceKey, keyLiteral, duckdbSampleBounds and sliceKeyOfRow hold COMPACTED_SLICE_KEY's columns in its order.
if (COMPACTED_SLICE_KEY.join() !== 'proto,src,ts,source_key,line_no')
  throw new Error('SliceKey no longer matches COMPACTED_SLICE_KEY');

/** A boundary as a row value of the same types (typed NULLs, ts from its microseconds: exact). */
function keyLiteral(k: SliceKey): string {
  const big = (v: bigint | null) => (v === null ? 'NULL::BIGINT' : `${v}::BIGINT`);
  const text = (v: string | null) => (v === null ? 'NULL::VARCHAR' : sqlString(v));
  const ts = k.tsUs === null ? 'NULL::TIMESTAMP' : `make_timestamp(${big(k.tsUs)})`;
  return `row(${text(k.proto)}, ${text(k.src)}, ${ts}, ${text(k.sourceKey)}, ${big(k.lineNo)})`;
}

/** The table `fwlake compact` keeps an hour's sampled keys in while it places the boundaries (a temporary table of its own session). */
export const SLICE_SAMPLE_TABLE = 'fwlake_slice_sample';

/**
 * CREATE the sample table: the COMPACTED_SLICE_KEY columns of at most
 * `sampleRows` rows of one group of the hour (a reservoir sample: its memory
 * is that many rows, whatever the hour; all the group's rows when it has no more). Seeded, so a
 * single-threaded run samples the same rows each time; the boundaries need
 * not be reproducible, only the slices' counts checked, which they are.
 */
export function duckdbSampleKeys(files: HourFiles, direction: string | null, sampleRows: number): string {
  if (!Number.isSafeInteger(sampleRows) || sampleRows < 1)
    throw new RangeError(`sample of ${sampleRows} rows`);
  return [
    `CREATE OR REPLACE TEMP TABLE ${quoteIdent(SLICE_SAMPLE_TABLE)} AS`,
    `SELECT ${sliceKeyList()} FROM (\n${groupRows(files, direction)}\n)`,
    `USING SAMPLE reservoir(${sampleRows} ROWS) REPEATABLE (1)`,
  ].join('\n');
}

/** DROP the sample table. */
export const duckdbDropSample = () => `DROP TABLE IF EXISTS ${quoteIdent(SLICE_SAMPLE_TABLE)}`;

/**
 * `proto, src, ts_us, source_key, line_no` of the sampled rows at the given ranks (1-based, in key
 * order), in key order: the boundaries (read each row with sliceKeyOfRow). ts as microseconds since
 * the epoch, an exact number.
 */
export function duckdbSampleBounds(ranks: readonly number[]): string {
  if (ranks.length === 0 || ranks.some((r) => !Number.isSafeInteger(r) || r < 1)) {
    throw new RangeError(`not ranks: ${ranks.join(', ')}`);
  }
  const nullsLast = COMPACTED_SLICE_KEY.map((c) => `${quoteIdent(c)} NULLS LAST`).join(', ');
  return [
    'SELECT "proto", "src", epoch_us("ts") AS "ts_us", "source_key", "line_no" FROM (',
    `  SELECT ${sliceKeyList()}, row_number() OVER (ORDER BY ${nullsLast}) AS "rank" FROM ${quoteIdent(SLICE_SAMPLE_TABLE)}`,
    `) WHERE "rank" IN (${ranks.join(', ')}) ORDER BY "rank"`,
  ].join('\n');
}

/** A row of duckdbSampleBounds' result: one boundary. */
export function sliceKeyOfRow(r: readonly unknown[]): SliceKey {
  const text = (v: unknown) => (v === null ? null : String(v));
  const big = (v: unknown) => (v === null ? null : BigInt(v as bigint));
  return { proto: text(r[0]), src: text(r[1]), tsUs: big(r[2]), sourceKey: text(r[3]), lineNo: big(r[4]) };
}

/**
 * Which slice (0-based) a row is in, found by bisecting the boundaries: as
 * many comparisons a row as log2 of the slices, not one per boundary.
 */
function sliceOf(bounds: readonly SliceKey[], first = 0, last = bounds.length): string {
  if (first === last) return String(first);
  const mid = Math.ceil((first + last) / 2); // slices mid.. start at bounds[mid - 1]
  return `CASE WHEN ${keyRow()} >= ${keyLiteral(bounds[mid - 1])} THEN ${sliceOf(bounds, mid, last)} ELSE ${sliceOf(bounds, first, mid - 1)} END`;
}

/** `slice, rows`: a group's rows per slice (0-based within the group) with these boundaries, counted exactly. */
export function duckdbCountSlices(
  files: HourFiles,
  direction: string | null,
  bounds: readonly SliceKey[],
): string {
  if (bounds.length === 0) throw new RangeError('one slice: nothing to count');
  return [
    `SELECT ${sliceOf(bounds)} AS "slice", count(*)::BIGINT AS "rows" FROM (\n${groupRows(files, direction)}\n)`,
    'GROUP BY "slice" ORDER BY "slice"',
  ].join('\n');
}

/**
 * The rows of a group's slice `index`: key at or after its first boundary,
 * before the next. Written as a difference of two tests: DuckDB's optimizer
 * makes `k >= a AND k < b` a BETWEEN, which it cannot run on row values.
 */
function rangeWhere(bounds: readonly SliceKey[], index: number): string {
  const atOrAfter = (b: SliceKey) => `${keyRow()} >= ${keyLiteral(b)}`;
  if (index === 0) return `${keyRow()} < ${keyLiteral(bounds[0])}`;
  if (index === bounds.length) return atOrAfter(bounds[index - 1]);
  return `(${atOrAfter(bounds[index - 1])})::INTEGER - (${atOrAfter(bounds[index])})::INTEGER = 1`;
}

/**
 * COPY one hour's fresh parts (explicit files, exactly the ones the plan
 * listed), or one slice of them, into one zstd Parquet file at `level`, rows
 * in COMPACTED_ORDER. A slice is a group's rows whose key lies from its
 * boundary to the next (core/compaction-slices.ts). The schema columns only:
 * dt and hour are in the path. Data pages v1 (DuckDB's default), which every
 * Parquet reader, Athena's included, reads. No Bloom filters: DuckDB writes
 * them for its dictionary columns by default (2.6% of a compacted hour of the
 * 1M-line stream), where the dictionary already holds every value, and
 * Athena's writer writes none, so both compactions write the same kind of file.
 */
export function duckdbCompactHour(
  files: HourFiles,
  outPath: string,
  level: number = COMPACTED_ZSTD_LEVEL,
  slice?: { of: HourSlicing; index: number },
): string {
  assertZstdLevel(level);
  const cols = COLUMNS.map((c) => quoteIdent(c.name)).join(', ');
  let where = '';
  if (slice !== undefined && sliceCount(slice.of) > 1) {
    const at = sliceAt(slice.of, slice.index);
    const tests = slice.of.groups.length > 1 ? [groupWhere(at.group.direction)] : [];
    if (at.group.bounds.length > 0) tests.push(rangeWhere(at.group.bounds, at.index));
    where = `\nWHERE ${tests.join(' AND ')}`;
  } else if (slice !== undefined && slice.index !== 0) {
    throw new RangeError(`no slice ${slice.index} of 1`);
  }
  return [
    `COPY (SELECT ${cols} FROM (`,
    hourRows(files),
    `)${where} ORDER BY ${orderList()})`,
    `TO ${sqlString(outPath)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${level}, ROW_GROUP_SIZE ${COMPACTED_ROW_GROUP_ROWS}, WRITE_BLOOM_FILTER false)`,
  ].join('\n');
}
