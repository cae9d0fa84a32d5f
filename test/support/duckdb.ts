/** A throwaway in-memory DuckDB with the `firewall` view over a local warehouse. */
import { DuckDBInstance } from '@duckdb/node-api';
import { duckdbCreateView } from '../../functions/core/table-sql.ts';

export async function queryWarehouse(warehouse: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run(duckdbCreateView(warehouse));
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
  }
}
