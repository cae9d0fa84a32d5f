/**
 * Bytes DuckDB reads for a saved query: `fwlake query NAME --warehouse W` in a
 * child process, its /proc/self/io `rchar` at exit (every byte passed through
 * read()/pread() by any of its threads, from the page cache or the disk alike,
 * so the figure does not depend on what is cached), minus the same of a child
 * running `fwlake sql "SELECT 1"` on the same warehouse: node's start-up, the
 * bundle, DuckDB's library and opening the `firewall` view (which, for Parquet,
 * reads each file's footer to bind the view) are paid by both and cancel out.
 * What is left is what the query itself reads: the parts it scans.
 */
import { runFwlake } from './fwlake-child.ts';

/** The saved queries the bench measures: the goal's query, a wide scan, and a selective one. */
export const BENCH_QUERIES = ['low-source-ports', 'top-talkers', 'ssh-attempts'] as const;

export interface QueryWindow {
  since: string;
  until: string;
}

export interface QueryBytes {
  name: string;
  /** rchar of the query's process minus the baseline's; null where /proc/self/io is missing. */
  bytesRead: number | null;
  rows: number;
  /** Preload to exit: bundle import, DuckDB start, view, query and output. */
  ms: number;
  peakRssMB: number;
}

export interface WarehouseQueries {
  baseline: { rchar: number | null; ms: number };
  queries: QueryBytes[];
}

const rowsOf = (jsonLines: string) => jsonLines.split('\n').filter((l) => l.trim() !== '').length;

/** The baseline and each of BENCH_QUERIES over the whole window, on one warehouse. */
export async function queryBytes(warehouse: string, window: QueryWindow): Promise<WarehouseQueries> {
  const base = await runFwlake(['sql', 'SELECT 1', '--warehouse', warehouse, '--format', 'json']);
  const queries: QueryBytes[] = [];
  for (const name of BENCH_QUERIES) {
    const run = await runFwlake([
      'query',
      name,
      '--warehouse',
      warehouse,
      '--since',
      window.since,
      '--until',
      window.until,
      '--format',
      'json',
    ]);
    const { rchar, ms, maxRssKiB } = run.report;
    queries.push({
      name,
      bytesRead: rchar === null || base.report.rchar === null ? null : rchar - base.report.rchar,
      rows: rowsOf(run.stdout),
      ms,
      peakRssMB: (maxRssKiB * 1024) / 1e6,
    });
  }
  return { baseline: { rchar: base.report.rchar, ms: base.report.ms }, queries };
}
