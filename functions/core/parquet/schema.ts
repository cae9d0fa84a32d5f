/**
 * The Parquet schema of a records file, generated from the schema's COLUMNS
 * (like the JSON-lines encoder), so a new column cannot be forgotten here.
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
 */
import type { SchemaElement } from 'hyparquet';
import type { Column } from '../schema.ts';
import { COLUMNS } from '../schema.ts';

const STRING: Pick<SchemaElement, 'type' | 'converted_type' | 'logical_type'> = {
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  logical_type: { type: 'STRING' },
};

/** The schema element(s) of one column, in Parquet's flattened depth-first order. */
export function columnElements(c: Column): SchemaElement[] {
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

/** The Parquet schema of a records file. */
export function parquetSchema(): SchemaElement[] {
  return [{ name: 'schema', num_children: COLUMNS.length }, ...COLUMNS.flatMap(columnElements)];
}
