/**
 * The registry of fresh hours: which hours the Athena `firewall` view reads
 * from the fresh tables (firewall_json, firewall_parquet) rather than from
 * firewall_compacted. In AWS it is the Glue table firewall_fresh_hours, whose
 * partitions (dt, hour) are the registered hours; it holds no data, the view
 * joins its `$partitions` metadata table (see athenaViewSql).
 *
 * The rule that keeps every hour exactly once:
 * - registering an hour is safe at any moment: the view then reads the hour
 *   from its fresh parts, which are the source of truth and always complete;
 * - only compaction removes a registration, and only once the hour's
 *   compacted partition holds exactly the parts it listed (INSERT INTO done,
 *   marker written).
 * Ingest registers every hour it writes a part to; compaction registers an
 * hour before it touches its compacted partition.
 *
 * Locally there is no registry (the DuckDB view decides per file from the
 * markers), hence NO_FRESH_HOUR_REGISTRY.
 */
import { assertValidHour, type Hour, hourOfKey } from './compaction-plan.ts';

/** What ingest needs: register the hours it wrote parts to (already registered is fine). */
export interface FreshHourRegistry {
  register(hours: readonly Hour[]): Promise<void>;
}

/** What compaction needs besides: the hours registered now, and removing registrations (absent is fine). */
export interface FreshHourCatalog extends FreshHourRegistry {
  list(): Promise<Hour[]>;
  deregister(hours: readonly Hour[]): Promise<void>;
}

/** For the local paths (fwlake dev, local ingest): no Glue, nothing to register. */
export const NO_FRESH_HOUR_REGISTRY: FreshHourRegistry = { register: async () => {} };

/**
 * The hours of partition paths `dt=D/hour=HH` (as the router names them),
 * each once, oldest first. A path that is not a valid hour throws: it would
 * be a writer bug, and registering a wrong hour would hide the right one.
 */
export function hoursOfPartitions(partitions: readonly string[]): Hour[] {
  const byId = new Map<string, Hour>();
  for (const p of partitions) {
    const h = hourOfKey(`x/${p}/x`);
    if (h === null) throw new Error(`not an hour partition: ${JSON.stringify(p)}`);
    byId.set(`${h.dt} ${h.hour}`, { dt: h.dt, hour: h.hour });
  }
  return sortHours([...byId.values()]);
}

/** Hours sorted oldest first (dt and hour are fixed-width, so text order is time order). */
export function sortHours(hours: Hour[]): Hour[] {
  return hours.sort((a, b) => (a.dt === b.dt ? cmp(a.hour, b.hour) : cmp(a.dt, b.dt)));
}
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `items` in consecutive slices of at most `size` (Glue's batch calls take 100 or 25 entries). */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The Glue definition of firewall_fresh_hours, shared by the CDK table and
 * the partitions the adapter creates. One column because a Glue/Hive table
 * wants one; nothing is ever written under the location, so a SELECT from
 * the table itself returns no rows. The JSON SerDe only so that such a
 * SELECT is valid.
 */
export const FRESH_HOURS_STORAGE = {
  column: {
    name: 'unused',
    type: 'string',
    comment: 'Never holds data: the table is read through its partitions ($partitions) only',
  },
  inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe',
} as const;

/** Glue partition values of an hour, in the order of the partition keys (dt, hour); validated. */
export function partitionValues(h: Hour): [string, string] {
  assertValidHour(h);
  return [h.dt, h.hour];
}
