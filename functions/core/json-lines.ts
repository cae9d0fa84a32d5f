/**
 * The JSON-lines encoder: one object per record, its keys taken from the
 * schema's column list, so a new column cannot be forgotten here.
 *
 * Conventions both Athena's JSON SerDe and DuckDB's read_json accept:
 * - absent (null) fields are omitted, always; readers fill them with NULL;
 * - `ts` as `yyyy-MM-dd HH:mm:ss.SSS` (UTC);
 * - arrays as JSON arrays, numbers as numbers, booleans as booleans.
 */
import type { FirewallRecord } from './record.ts';
import { COLUMNS } from './schema.ts';
import { formatTimestamp } from './timestamp.ts';

const FIELDS = COLUMNS.filter((c) => c.type !== 'timestamp').map((c) => c.name as keyof FirewallRecord);
/** `,"name":` for each field, built once. */
const KEYS = FIELDS.map((name) => `,${JSON.stringify(name)}:`);
const TS = COLUMNS.find((c) => c.type === 'timestamp')!.name as 'ts';

/** One record as one line of JSON (no newline). */
export function encodeJsonLine(r: FirewallRecord): string {
  // A plain loop measured ~4x faster here than a generated function and
  // faster than JSON.stringify with a replacer dropping nulls.
  let o = `{"${TS}":"${formatTimestamp(r[TS])}"`;
  for (let i = 0; i < FIELDS.length; i++) {
    const v = r[FIELDS[i]];
    if (v !== null) o += KEYS[i] + (typeof v === 'string' || typeof v === 'object' ? JSON.stringify(v) : v);
  }
  return `${o}}`;
}
