/**
 * The `firewall` view of a local warehouse on a DuckDB connection, with the
 * schema's column types, over whichever sources it holds: fresh JSON-lines
 * parts, fresh Parquet parts, compacted hours (see core/table-sql.ts for the
 * rule that gives every hour exactly once).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { RECORDS_VIEW } from '../core/lake-layout.ts';
import { duckdbCreateView, duckdbFormatsQuery } from '../core/table-sql.ts';

/** Creates the `firewall` view over the sources the warehouse holds. */
export async function createWarehouseView(conn: DuckDBConnection, warehouse: string): Promise<void> {
  const found = (await conn.runAndReadAll(duckdbFormatsQuery(warehouse))).getRows()[0];
  const formats = { json: found?.[0] === true, parquet: found?.[1] === true, compacted: found?.[2] === true };
  await conn.run(duckdbCreateView(warehouse, RECORDS_VIEW, formats));
}
