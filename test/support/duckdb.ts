/** A throwaway in-memory DuckDB with the `firewall` view over a local warehouse. */
import { DuckDBInstance } from '@duckdb/node-api';
import { createWarehouseView } from '../../functions/adapters/duckdb-warehouse.ts';

export async function queryWarehouse(warehouse: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await createWarehouseView(conn, warehouse);
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
  }
}
