/**
 * Where each kind of record part lives, the same under a local warehouse folder
 * and in the lake bucket, and the table each is read through (Glue table in
 * Athena, view in DuckDB). One place, so the writers, the readers, the Glue
 * tables and the IAM prefixes cannot disagree.
 *
 *   firewall/dt=D/hour=HH/<source>-<n>.json.gz           fresh records, gzip JSON lines  → table firewall_json
 *   firewall_parquet/dt=D/hour=HH/<source>-<n>.parquet   fresh records, Parquet          → table firewall_parquet
 *   firewall_compacted/...                               closed hours rewritten as Parquet by compaction
 *                                                                                         → table firewall_compacted
 *   firewall_compacted_markers/dt=D/hour=HH/<digest>.json  which hours are compacted, from which parts
 *   firewall_fresh_hours/                                nothing, ever: the location of the Glue table
 *                                                        firewall_fresh_hours, whose partitions name the
 *                                                        hours the Athena view reads from the fresh tables
 *   quarantine/<source>-<n>.json.gz                      lines that could not be parsed
 *
 * `firewall`, what every saved query reads, is a view: each hour from the
 * compacted table once that hour is compacted, else from the fresh tables.
 * (In Athena "else" is explicit: the hours registered in firewall_fresh_hours.)
 * (The JSON prefix keeps its first name, `firewall/`, so lakes written before
 * Parquet existed stay readable without moving a byte.)
 */

/** Prefix (folder) of the fresh gzip JSON-lines parts. */
export const JSON_PREFIX = 'firewall';
/** Prefix (folder) of the fresh Parquet parts written by ingest with format parquet. */
export const PARQUET_PREFIX = 'firewall_parquet';
/** Prefix (folder) of the compacted Parquet files. */
export const COMPACTED_PREFIX = 'firewall_compacted';
/**
 * Prefix (folder) of the compaction markers. Outside firewall_compacted/ on
 * purpose: Athena reads every object under a table's location, whatever its
 * name, so a marker there would be read as a (broken) Parquet file.
 */
export const MARKER_PREFIX = `${COMPACTED_PREFIX}_markers`;
/**
 * Location of the table firewall_fresh_hours. Nothing is written there: the
 * table exists for its Glue partitions (one per hour the Athena view reads
 * fresh), which the view reads as `firewall_fresh_hours$partitions`.
 */
export const FRESH_HOURS_PREFIX = 'firewall_fresh_hours';
/** Prefix (folder) of quarantined lines. */
export const QUARANTINE_PREFIX = 'quarantine';

/** Table (Glue) / view (DuckDB) names. */
export const JSON_TABLE = 'firewall_json';
export const PARQUET_TABLE = 'firewall_parquet';
export const COMPACTED_TABLE = 'firewall_compacted';
/** Glue table with no data whose partitions (dt, hour) are the hours the Athena view reads fresh. */
export const FRESH_HOURS_TABLE = 'firewall_fresh_hours';
/** The view every saved query reads. */
export const RECORDS_VIEW = 'firewall';
