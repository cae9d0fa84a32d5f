/**
 * Hive partitions by UTC hour: `dt=yyyy-MM-dd/hour=HH`. Athena's partition
 * projection and DuckDB's hive_partitioning both read this layout.
 */

const HOUR_MS = 3_600_000;

let lastHour = Number.NaN;
let lastPath = '';

/** The partition path of an epoch-ms time. Consecutive log lines share an hour, so the last one is cached. */
export function partitionOf(tsMs: number): string {
  const hour = Math.floor(tsMs / HOUR_MS);
  if (hour !== lastHour) {
    const iso = new Date(hour * HOUR_MS).toISOString();
    lastPath = `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
    lastHour = hour;
  }
  return lastPath;
}

/** The inverse, for tests and tools: the first epoch ms of a partition path, or NaN. */
export function partitionStart(path: string): number {
  const m = /^dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})$/.exec(path);
  return m ? Date.parse(`${m[1]}T${m[2]}:00:00Z`) : Number.NaN;
}
