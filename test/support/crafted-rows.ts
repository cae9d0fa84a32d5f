/**
 * Rows with every schema column, crafted in SQL for the compaction tests: a
 * select list that casts the given expressions to each column's DuckDB type
 * and leaves every other column NULL (of its type, so a Parquet file written
 * from it has the schema of a real part).
 */
import { COLUMNS, DUCKDB_TYPE } from '../../functions/core/schema.ts';

/** `CAST(expr AS type) AS "column", ...` over every schema column, `expr` from `values` or NULL. */
export function craftedColumns(values: Readonly<Record<string, string>>): string {
  return COLUMNS.map(
    (c) => `CAST(${values[c.name] ?? 'NULL'} AS ${DUCKDB_TYPE[c.type]}) AS "${c.name}"`,
  ).join(', ');
}
