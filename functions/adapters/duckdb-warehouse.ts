/**
 * DuckDB (embedded) over a local warehouse: the `firewall` view with the
 * schema's column types, for ad-hoc SQL now and the saved queries later.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { RECORDS_TABLE } from '../core/ingest.ts';
import { duckdbCreateView, duckdbFormatsQuery } from '../core/table-sql.ts';

/** Creates the `firewall` view over the part formats (JSON lines, Parquet) the warehouse holds. */
export async function createWarehouseView(conn: DuckDBConnection, warehouse: string): Promise<void> {
  const found = (await conn.runAndReadAll(duckdbFormatsQuery(warehouse))).getRows()[0];
  const formats = { json: found?.[0] === true, parquet: found?.[1] === true };
  await conn.run(duckdbCreateView(warehouse, RECORDS_TABLE, formats));
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** Runs one SQL statement against the warehouse; values come back as JSON-friendly text/numbers. */
export async function queryLocalWarehouse(warehouse: string, sql: string): Promise<QueryResult> {
  if (!existsSync(join(warehouse, RECORDS_TABLE))) {
    throw new Error(
      `no records under ${join(warehouse, RECORDS_TABLE)}: run "fwlake ingest FILE --warehouse ${warehouse}" first`,
    );
  }
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await createWarehouseView(conn, warehouse);
    const reader = await conn.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
  } finally {
    conn.closeSync();
  }
}
