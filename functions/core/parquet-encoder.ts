/**
 * The Parquet encoder: a batch of records as one Parquet file, its schema
 * generated from the schema's COLUMNS (like the JSON-lines encoder), so a new
 * column cannot be forgotten here.
 *
 * Column types (every column OPTIONAL: absent is null, as in JSON lines):
 * - string        → BYTE_ARRAY, UTF8 / logical STRING
 * - int           → INT32
 * - bigint        → INT64
 * - double        → DOUBLE
 * - boolean       → BOOLEAN
 * - timestamp     → INT64, logical TIMESTAMP(MILLIS, isAdjustedToUTC=true), plus the
 *                   legacy converted type TIMESTAMP_MILLIS for older readers. Athena
 *                   reads it as `timestamp`; DuckDB as TIMESTAMP WITH TIME ZONE (its view
 *                   turns it back into a UTC TIMESTAMP, see table-sql.ts).
 * - array<string> → the standard three-level LIST: `<name>` (OPTIONAL, LIST) /
 *                   `list` (REPEATED) / `element` (OPTIONAL STRING), the layout
 *                   Athena (Hive and Trino readers) and DuckDB expect.
 *
 * hyparquet-writer writes all of these natively (an explicit schema with
 * logical types and nested LIST groups); nothing needed a fallback encoding.
 * It dictionary-encodes a column chunk whenever that at least halves it (most
 * columns here: host, prefix, action, interfaces, ports, flags), and compresses
 * pages with snappy, Athena's default and cheap to decompress.
 *
 * Pure: records in, bytes out; the adapters decide where the bytes go.
 */

import { gzipSync } from 'node:zlib';
import type { SchemaElement } from 'hyparquet';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import type { FirewallRecord } from './record.ts';
import { COLUMNS, type Column, type ColumnType, SCHEMA_VERSION } from './schema.ts';

/**
 * Rows per row group, and per part file (a part holds one row group). Athena
 * plans splits per row group and skips whole groups by their min/max
 * statistics, so groups should be large enough that the per-group overhead
 * (footer entries, dictionary pages, one read request per column chunk) is
 * small, yet small enough to prune by `ts` within an hour and to encode in
 * bounded memory: the writer is pure JS and holds a whole group of records.
 * 128k rows of firewall records compress to a few MB (~30 bytes a row with
 * snappy), the upper end of what this in-memory writer handles comfortably in
 * a Lambda; compaction can merge them into bigger files later.
 */
export const ROW_GROUP_ROWS = 131_072;

const STRING: Pick<SchemaElement, 'type' | 'converted_type' | 'logical_type'> = {
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  logical_type: { type: 'STRING' },
};

/** The schema element(s) of one column, in Parquet's flattened depth-first order. */
function columnElements(c: Column): SchemaElement[] {
  const name = c.name;
  const repetition_type = 'OPTIONAL';
  switch (c.type) {
    case 'string':
      return [{ name, repetition_type, ...STRING }];
    case 'int':
      return [{ name, repetition_type, type: 'INT32' }];
    case 'bigint':
      return [{ name, repetition_type, type: 'INT64' }];
    case 'double':
      return [{ name, repetition_type, type: 'DOUBLE' }];
    case 'boolean':
      return [{ name, repetition_type, type: 'BOOLEAN' }];
    case 'timestamp':
      return [
        {
          name,
          repetition_type,
          type: 'INT64',
          converted_type: 'TIMESTAMP_MILLIS',
          logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
        },
      ];
    case 'array<string>':
      return [
        { name, repetition_type, num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', repetition_type: 'OPTIONAL', ...STRING },
      ];
  }
}

/** The Parquet schema of a records file, generated from COLUMNS. */
export function parquetSchema(): SchemaElement[] {
  return [{ name: 'schema', num_children: COLUMNS.length }, ...COLUMNS.flatMap(columnElements)];
}

const SCHEMA = parquetSchema();

/** How a record's value becomes a Parquet value of the column's physical type. */
const CONVERT: Record<ColumnType, ((v: unknown) => unknown) | null> = {
  string: null,
  int: null,
  // INT64 values must be bigints; the parser keeps them as (safe-integer) numbers.
  bigint: (v) => (v === null ? null : BigInt(v as number)),
  double: null,
  boolean: null,
  timestamp: null, // epoch ms as a number; the writer converts TIMESTAMP values itself
  'array<string>': null,
};

const KV = [{ key: 'fwlake.schema_version', value: String(SCHEMA_VERSION) }];

/** Encodes records (at most a few row groups' worth: they are held in memory) as one Parquet file. */
export function encodeParquet(records: readonly FirewallRecord[], rowGroupSize = ROW_GROUP_ROWS): Uint8Array {
  const n = records.length;
  const columnData = COLUMNS.map((c) => {
    const key = c.name as keyof FirewallRecord;
    const convert = CONVERT[c.type];
    const data = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const v = records[i][key];
      data[i] = convert === null ? v : convert(v);
    }
    // Free text (the original line) compresses ~2x better with gzip than with snappy; everything
    // else is dictionary-encoded or numeric and stays snappy (fast to read).
    return {
      name: c.name,
      data: data as unknown[] as string[],
      ...(c.name === 'raw' ? { codec: 'GZIP' as const } : {}),
    };
  });
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData,
    schema: SCHEMA,
    codec: 'SNAPPY',
    compressors: { GZIP: (input: Uint8Array) => gzipSync(input, { level: 6 }) },
    rowGroupSize,
    kvMetadata: KV,
    createdBy: 'fwlake (hyparquet-writer)',
  });
  return writer.getBytes();
}
