/**
 * The shipped sample as a local warehouse for the compaction tests: its hours,
 * and what is compared before and after compacting (every saved query's
 * answer, every row of the view column by column).
 */
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../functions/adapters/catalog-files.ts';
import { DuckDbEngine } from '../../functions/adapters/duckdb-engine.ts';
import type { ArgValue } from '../../functions/core/catalog.ts';
import { runSaved } from '../../functions/core/run-saved.ts';
import { queryWarehouse } from './duckdb.ts';

export const SAMPLE = 'events/sample-kern.log';
export const REFERENCE = Date.parse('2026-09-19T00:00:00Z');
/** The sample spans 2026-09-17 21:00 .. 2026-09-18 00:59 UTC: at 01:30 every hour is finished (15 min grace). */
export const AFTER_ALL = Date.parse('2026-09-18T01:30:00Z');
export const SAMPLE_ROWS = 2502;
const WINDOW = { since: '2026-09-17T00:00:00Z', until: '2026-09-19T00:00:00Z' };
const catalog = loadCatalog(['functions/queries']);

/** Every saved query's answer over the warehouse (window over the whole sample, limits lifted). */
export async function allAnswers(warehouse: string): Promise<Map<string, unknown>> {
  const engine = await DuckDbEngine.open(warehouse);
  const out = new Map<string, unknown>();
  try {
    for (const q of catalog.values()) {
      const args: Record<string, ArgValue> = { ...WINDOW };
      if (q.params.some((p) => p.name === 'limit')) args.limit = 100_000;
      if (q.params.some((p) => p.name === 'baseline_since')) args.baseline_since = '2026-09-16T00:00:00Z';
      const { result } = await runSaved(catalog, q.name, args, engine, REFERENCE);
      out.set(q.name, { columns: result.columns, rows: result.rows });
    }
  } finally {
    await engine.close();
  }
  return out;
}

/** Every row of the view, every column, in a stable order. */
export const allRows = (warehouse: string) =>
  queryWarehouse(warehouse, 'SELECT * FROM firewall ORDER BY source_key, line_no');

/** A copy of a warehouse in a new temporary folder. */
export async function copyOf(warehouse: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'fwlake-compact-copy-'));
  await cp(warehouse, copy, { recursive: true });
  return copy;
}
