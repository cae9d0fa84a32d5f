/**
 * Which hours compaction must (re)write, decided from listings alone: the
 * fresh parts (firewall/, firewall_parquet/), the compacted files
 * (firewall_compacted/) and the markers (firewall_compacted_markers/). The
 * same plan drives the local DuckDB compaction and the Athena one.
 *
 * The rule, exactly:
 * - An hour is *finished* when its end plus the grace period is not after
 *   now. Open hours are never touched: they stay fresh.
 * - A compacted hour carries one marker, named by the digest of the fresh
 *   parts it was built from (each part's key and version: the S3 ETag, or a
 *   local file's size and mtime). The marker is written last, after the
 *   compacted output is complete.
 * - A finished hour is up to date when it has exactly one marker and its
 *   name is the digest of the hour's fresh parts as listed now. Anything else
 *   (no marker: never compacted, or a run died before its last step; another
 *   digest: a part arrived late, was replaced or was removed) means the hour
 *   is compacted again from scratch: old markers and old output go first, so
 *   a re-run can never add rows twice.
 * - A finished hour with compacted output or markers but no fresh part left
 *   is removed from the compacted table (its source was re-ingested into
 *   other hours).
 *
 * Digests, not clocks: a late part is noticed whatever its LastModified, and
 * a part that slips in while an hour is being compacted only makes the next
 * run compact that hour once more.
 *
 * With a registry of fresh hours (Athena: firewall_fresh_hours, see
 * core/fresh-hours.ts; given as `registered`), the plan also says which
 * registrations to add and remove:
 * - register: every hour to (re)compact and every open hour with fresh parts
 *   that is not registered. Registering first is step 0 of a (re)compaction
 *   (the view must read the hour fresh before its compacted partition is
 *   touched); for open hours it repairs a registration ingest could not make
 *   (an object parked in the dead-letter queue, parts written before the
 *   registry existed).
 * - deregister: finished hours that are up to date (their compacted partition
 *   holds exactly the parts listed now) yet registered (a run that died after
 *   its marker, a late part that registered an hour and was compacted since),
 *   and finished hours with nothing left at all. The registrations are read
 *   once per run (one GetPartitions call while the registry is small: it
 *   only holds the open hours and those waiting for compaction); removing
 *   every up-to-date hour's registration blindly instead would cost a call per
 *   25 hours of the whole lake on every run.
 * An hour compacted by this run is deregistered by its own last step, and a
 * removed hour (no fresh part left) after its compacted data is gone.
 */
import { createHash } from 'node:crypto';
import {
  COMPACTED_PREFIX,
  FRESH_HOURS_TABLE,
  JSON_PREFIX,
  MARKER_PREFIX,
  PARQUET_PREFIX,
} from './lake-layout.ts';

/** Default grace period after an hour's end before it is compacted. */
export const DEFAULT_GRACE_MS = 15 * 60_000;

/** One listed object: its key under the lake root, a version (ETag, or size:mtime locally) and its size. */
export interface ListedObject {
  key: string;
  version: string;
  size: number;
}

export interface Hour {
  /** yyyy-MM-dd (UTC) */
  dt: string;
  /** 00-23 */
  hour: string;
}

export interface HourPlan extends Hour {
  /** The hour's fresh parts, sorted by key (JSON lines and Parquet). */
  inputs: ListedObject[];
  /** Digest of the inputs: the name of the marker written when the hour is done. */
  digest: string;
  /** Markers of the hour to delete first (none for a never-compacted hour). */
  staleMarkers: string[];
  /** Compacted objects of the hour listed now (replaced, or removed). */
  staleOutputs: string[];
  /** Registered as fresh when listed (always false without a registry). */
  registered: boolean;
}

export interface CompactionPlan {
  /** Finished hours to (re)compact, oldest first. */
  compact: HourPlan[];
  /** Finished hours with compacted data but no fresh parts: their compacted data goes. */
  remove: HourPlan[];
  /** Finished hours already compacted from exactly the parts listed now. */
  upToDate: number;
  /** Hours not finished yet (left fresh). */
  open: number;
  /** Hours to register as fresh before any compaction step (empty without a registry). */
  register: Hour[];
  /** Up-to-date or empty finished hours still registered as fresh: their registration goes. */
  deregister: Hour[];
  /** Listed keys that are not where a part can be, and registered values that are not hours: reported, never guessed at. */
  unrecognised: string[];
}

const HOUR_PATH = /^([^/]+)\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/([^/]+)$/;

/** `{dt, hour, folder, name}` of a key `<folder>/dt=D/hour=HH/<name>`, or null. */
export function hourOfKey(key: string): (Hour & { folder: string; name: string }) | null {
  const m = HOUR_PATH.exec(key);
  if (m === null || !isValidHour({ dt: m[2], hour: m[3] })) return null;
  return { folder: m[1], dt: m[2], hour: m[3], name: m[4] };
}

/** A real UTC day and an hour 00-23: the only values that ever reach SQL text or an object key. */
export function isValidHour(h: Hour): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(h.dt) || !/^(?:[01]\d|2[0-3])$/.test(h.hour)) return false;
  const ms = Date.parse(`${h.dt}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === h.dt;
}

/** Throws unless `h` is a valid hour (see isValidHour). */
export function assertValidHour(h: Hour): void {
  if (!isValidHour(h))
    throw new Error(`not a UTC hour: dt=${JSON.stringify(h.dt)} hour=${JSON.stringify(h.hour)}`);
}

/** Start of the hour, ms since the epoch. */
export function hourStartMs(h: Hour): number {
  return Date.parse(`${h.dt}T${h.hour}:00:00Z`);
}

/** Whether the hour ended at least `graceMs` before `nowMs`. */
export function isFinished(h: Hour, nowMs: number, graceMs: number): boolean {
  return hourStartMs(h) + 3_600_000 + graceMs <= nowMs;
}

/** `dt=D/hour=HH` */
export function hourPath(h: Hour): string {
  return `dt=${h.dt}/hour=${h.hour}`;
}

/** The marker of a compacted hour: `firewall_compacted_markers/dt=D/hour=HH/<digest>.json`. */
export function markerKey(h: Hour, digest: string): string {
  return `${MARKER_PREFIX}/${hourPath(h)}/${digest}.json`;
}

/** sha256 over the sorted `key version` lines, 32 hex digits: the same parts give the same name. */
export function inputsDigest(inputs: readonly ListedObject[]): string {
  const lines = inputs.map((o) => `${o.key}\t${o.version}\n`).sort();
  return createHash('sha256').update(lines.join('')).digest('hex').slice(0, 32);
}

const FRESH_FOLDERS = new Set([JSON_PREFIX, PARQUET_PREFIX]);
const MARKER_NAME = /^([0-9a-f]{32})\.json$/;

export interface PlanInput {
  /** Objects under firewall/ and firewall_parquet/ (parts; hidden temporary files already left out). */
  fresh: readonly ListedObject[];
  /** Objects under firewall_compacted/. */
  compacted: readonly ListedObject[];
  /** Objects under firewall_compacted_markers/. */
  markers: readonly ListedObject[];
  /**
   * The hours registered as fresh now (Athena's registry). Absent where there
   * is no registry (locally): then `register` and `deregister` stay empty.
   */
  registered?: readonly Hour[];
  nowMs: number;
  graceMs?: number;
}

interface HourState extends Hour {
  inputs: ListedObject[];
  outputs: string[];
  markers: string[];
  markerDigests: string[];
  registered: boolean;
}

export function planCompaction(input: PlanInput): CompactionPlan {
  const graceMs = input.graceMs ?? DEFAULT_GRACE_MS;
  const hours = new Map<string, HourState>();
  const unrecognised: string[] = [];
  const stateOf = (h: Hour): HourState => {
    const id = hourPath(h);
    let s = hours.get(id);
    if (s === undefined) {
      s = {
        dt: h.dt,
        hour: h.hour,
        inputs: [],
        outputs: [],
        markers: [],
        markerDigests: [],
        registered: false,
      };
      hours.set(id, s);
    }
    return s;
  };
  for (const o of input.fresh) {
    const h = hourOfKey(o.key);
    if (h === null || !FRESH_FOLDERS.has(h.folder)) unrecognised.push(o.key);
    else stateOf(h).inputs.push(o);
  }
  for (const o of input.compacted) {
    const h = hourOfKey(o.key);
    if (h === null || h.folder !== COMPACTED_PREFIX) unrecognised.push(o.key);
    else stateOf(h).outputs.push(o.key);
  }
  for (const o of input.markers) {
    const h = hourOfKey(o.key);
    const m = h === null ? null : MARKER_NAME.exec(h.name);
    if (h === null || h.folder !== MARKER_PREFIX || m === null) unrecognised.push(o.key);
    else {
      const s = stateOf(h);
      s.markers.push(o.key);
      s.markerDigests.push(m[1]);
    }
  }
  for (const h of input.registered ?? []) {
    if (isValidHour(h)) stateOf(h).registered = true;
    else unrecognised.push(`${FRESH_HOURS_TABLE} partition ${JSON.stringify([h.dt, h.hour])}`);
  }
  const withRegistry = input.registered !== undefined;
  const plan: CompactionPlan = {
    compact: [],
    remove: [],
    upToDate: 0,
    open: 0,
    register: [],
    deregister: [],
    unrecognised,
  };
  const hourOf = (s: HourState): Hour => ({ dt: s.dt, hour: s.hour });
  const ordered = [...hours.values()].sort((a, b) => hourStartMs(a) - hourStartMs(b));
  for (const s of ordered) {
    if (!isFinished(s, input.nowMs, graceMs)) {
      plan.open++;
      if (withRegistry && s.inputs.length > 0 && !s.registered) plan.register.push(hourOf(s));
      continue;
    }
    const inputs = [...s.inputs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const digest = inputsDigest(inputs);
    const entry: HourPlan = {
      dt: s.dt,
      hour: s.hour,
      inputs,
      digest,
      staleMarkers: [...s.markers].sort(),
      staleOutputs: [...s.outputs].sort(),
      registered: s.registered,
    };
    if (inputs.length === 0) {
      if (s.markers.length > 0 || s.outputs.length > 0) plan.remove.push(entry);
      else if (s.registered) plan.deregister.push(hourOf(s)); // nothing left to read either way
    } else if (s.markerDigests.length === 1 && s.markerDigests[0] === digest) {
      plan.upToDate++;
      if (s.registered) plan.deregister.push(hourOf(s));
    } else {
      plan.compact.push(entry);
      if (withRegistry && !s.registered) plan.register.push(hourOf(s));
    }
  }
  return plan;
}
