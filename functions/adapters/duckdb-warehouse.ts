/**
 * The `firewall` view of a local warehouse on a DuckDB connection, with the
 * schema's column types, over whichever part formats it holds.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { RECORDS_TABLE } from '../core/ingest.ts';
import { duckdbCreateView, duckdbFormatsQuery } from '../core/table-sql.ts';

/** Creates the `firewall` view over the part formats (JSON lines, Parquet) the warehouse holds. */
export async function createWarehouseView(conn: DuckDBConnection, warehouse: string): Promise<void> {
  const found = (await conn.runAndReadAll(duckdbFormatsQuery(warehouse))).getRows()[0];
  const formats = { json: found?.[0] === true, parquet: found?.[1] === true };
  await conn.run(duckdbCreateView(warehouse, RECORDS_TABLE, formats));
}
