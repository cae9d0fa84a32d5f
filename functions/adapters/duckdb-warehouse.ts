/**
 * The `firewall` view of a local warehouse on a DuckDB connection, with the
 * schema's column types, over whichever sources it holds: fresh JSON-lines
 * parts, fresh Parquet parts, compacted hours (see core/table-sql.ts,
 * warehouseSources, for the rule that gives every hour exactly once).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { RECORDS_VIEW } from '../core/lake-layout.ts';
import { duckdbCreateView, duckdbWarehouseFilesQuery, warehouseSources } from '../core/table-sql.ts';

/** (Re)creates the `firewall` view over the files the warehouse holds now. */
export async function createWarehouseView(conn: DuckDBConnection, warehouse: string): Promise<void> {
  const rows = (await conn.runAndReadAll(duckdbWarehouseFilesQuery(warehouse))).getRows();
  const sources = warehouseSources(rows.map((r) => String(r[0])));
  await conn.run(duckdbCreateView(sources, RECORDS_VIEW));
}
