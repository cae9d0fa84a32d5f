/**
 * `fwlake compact`: the local warehouse's finished hours rewritten by DuckDB
 * as zstd Parquet under firewall_compacted/ (at COMPACTED_ZSTD_LEVEL unless
 * told otherwise), following the plan of core/compaction-plan.ts: files
 * `compacted-1-of-N.parquet` ..., one or more per direction of the hour, each
 * a range of at most `sliceRows` of its rows in COMPACTED_ORDER
 * (core/compaction-slices.ts), so that a query about one direction skips the
 * other files and no COPY sorts more rows than that, whatever the input (an
 * hour of one direction that fits one file: `compacted.parquet`).
 *
 * Steps for one hour, each safe to die after:
 *   1. COPY the hour's listed parts (each slice) into hidden temporary files
 *      beside the output;
 *   2. delete the hour's old markers (the view reads the fresh parts from now);
 *   3. rename each temporary file over its output name, then delete every
 *      other compacted file of the hour (an earlier run's, or its other
 *      slices);
 *   4. write the new marker (temporary file, renamed): the view reads the
 *      hour's compacted files from now, all of them.
 * A run that dies leaves the hour without a marker, so the view keeps reading
 * the fresh parts (whatever mix of old and new files the folder holds), and
 * the next run compacts the hour again and removes what is not its own;
 * hidden temporary files of a dead run are removed by the next.
 *
 * Memory: every statement runs on this (the main) thread, task by task
 * (runHere), not on libuv's pool; see there why. The rows one COPY sorts are
 * bounded by sliceRows.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBPendingResultState,
  type DuckDBResult,
} from '@duckdb/node-api';
import { assertZstdLevel, COMPACTED_ZSTD_LEVEL } from '../core/compaction-format.ts';
import {
  type CompactionPlan,
  type HourPlan,
  hourPath,
  type ListedObject,
  markerKey,
  planCompaction,
} from '../core/compaction-plan.ts';
import {
  boundaryRanks,
  COMPACTED_SLICE_ROWS,
  compactedFileName,
  firstSliceCount,
  type HourSlicing,
  nextSliceCount,
  SLICE_SAMPLE_ROWS,
  SLICE_TRIES,
  type SliceKey,
  sliceCount,
  slicedRows,
} from '../core/compaction-slices.ts';
import {
  duckdbCompactHour,
  duckdbCountGroups,
  duckdbCountSlices,
  duckdbDropSample,
  duckdbSampleBounds,
  duckdbSampleKeys,
  groupOfRow,
  type HourFiles,
  sliceKeyOfRow,
} from '../core/compaction-sql.ts';
import { DUCKDB_SETTINGS } from '../core/dialect.ts';
import { COMPACTED_PREFIX, JSON_PREFIX, MARKER_PREFIX, PARQUET_PREFIX } from '../core/lake-layout.ts';
import { PARQUET_SUFFIX } from '../core/part-format.ts';

/** The compacted file of an hour written as one file (one of at most COMPACTED_SLICE_ROWS rows). */
export const COMPACTED_FILE = compactedFileName(0, 1);
/** Temporary files of this command start with this (hidden, and not *.parquet: no glob of the view matches them). */
const TMP_PREFIX = '.compact-';

export interface LocalCompactOptions {
  warehouse: string;
  /** "Now" for deciding which hours are finished. */
  nowMs: number;
  /** Grace period after an hour's end, default 15 minutes. */
  graceMs?: number;
  /** zstd level of the compacted files, 1-22; default COMPACTED_ZSTD_LEVEL. */
  level?: number;
  /** Rows at most in one compacted file (a bigger hour is cut into slices); default COMPACTED_SLICE_ROWS. */
  sliceRows?: number;
  /**
   * Called after each compacted file is renamed into place, with its key. What
   * it throws stops the run right there, leaving what a run killed at that
   * moment leaves (tests check the view then, and the next run's repair).
   */
  onRenamed?: (key: string) => void | Promise<void>;
}

export interface HourReport {
  dt: string;
  hour: string;
  action: 'compacted' | 'removed';
  /** Fresh parts read. */
  inputs: number;
  rows: number;
  /** Bytes of the fresh parts read. */
  bytesBefore: number;
  /** Bytes of the compacted files written (0 when removed). */
  bytesAfter: number;
  /** Compacted files written: 1, or the hour's slices (0 when removed). */
  files: number;
}

export interface LocalCompactReport {
  hours: HourReport[];
  /** The zstd level the compacted files of this run were written with. */
  level: number;
  upToDate: number;
  open: number;
  unrecognised: string[];
}

export async function compactLocal(opts: LocalCompactOptions): Promise<LocalCompactReport> {
  const root = opts.warehouse;
  const level = opts.level ?? COMPACTED_ZSTD_LEVEL;
  assertZstdLevel(level); // before anything is touched
  const sliceRows = opts.sliceRows ?? COMPACTED_SLICE_ROWS;
  if (!Number.isSafeInteger(sliceRows) || sliceRows < 1) {
    throw new RangeError(`rows per compacted file: a whole number of at least 1, not ${sliceRows}`);
  }
  const suffixOf: Record<string, string> = { [JSON_PREFIX]: '.json.gz', [PARQUET_PREFIX]: PARQUET_SUFFIX };
  const fresh: ListedObject[] = [];
  const unrecognised: string[] = [];
  for (const folder of [JSON_PREFIX, PARQUET_PREFIX]) {
    for (const o of await listFolder(root, folder)) {
      if (o.key.endsWith(suffixOf[folder])) fresh.push(o);
      else unrecognised.push(o.key);
    }
  }
  await removeTemporaries(join(root, COMPACTED_PREFIX));
  await removeTemporaries(join(root, MARKER_PREFIX));
  const plan: CompactionPlan = planCompaction({
    fresh,
    compacted: await listFolder(root, COMPACTED_PREFIX),
    markers: await listFolder(root, MARKER_PREFIX),
    nowMs: opts.nowMs,
    graceMs: opts.graceMs,
  });
  const report: LocalCompactReport = {
    hours: [],
    level,
    upToDate: plan.upToDate,
    open: plan.open,
    unrecognised: [...unrecognised, ...plan.unrecognised],
  };
  for (const h of plan.remove) {
    await removeAll(root, h.staleMarkers);
    await removeAll(root, h.staleOutputs);
    report.hours.push({
      ...hourOf(h),
      action: 'removed',
      inputs: 0,
      rows: 0,
      bytesBefore: 0,
      bytesAfter: 0,
      files: 0,
    });
  }
  if (plan.compact.length === 0) return report;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    for (const sql of DUCKDB_SETTINGS) await conn.run(sql);
    // One thread: a COPY writes one row group (a slice holds fewer rows than a group), which one
    // thread compresses, so a second sped nothing up (1M lines on two cores: 64 s with one, 70 s with
    // two) and cost memory (+21 MB; +24 MB on hours cut in slices). And DuckDB counts the machine's
    // CPUs, not the ones this process may use: under `taskset -c 0` its two threads shared one CPU.
    await conn.run('SET threads = 1');
    // The external file cache keeps what COPY read of the parts in DuckDB's buffer pool, which is only
    // emptied near memory_limit (80% of the machine): 2.5 MB more per hour of 133,000 rows, for
    // nothing (every part is read once per slice, from the OS's page cache anyway).
    await conn.run('SET enable_external_file_cache = false');
    const run = randomBytes(6).toString('hex');
    for (const h of plan.compact) {
      report.hours.push(await compactHour(conn, root, h, run, level, sliceRows, opts.onRenamed));
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return report;
}

/**
 * Runs one statement with its tasks executed on this thread (with threads = 1
 * DuckDB has no worker of its own: all of them), instead of
 * `conn.run`'s libuv pool thread. Each pool thread that runs a COPY gets its
 * own malloc arena, which keeps the memory the COPY freed: with the pool's
 * four threads taking COPYs in turn, an hour of 133,000 rows on one core
 * peaked at 535 MB in one statement and ~1 GB after 11 of them; on one thread
 * the freed memory is reused by the next statement. The event loop gets a
 * turn now and then (a CLI prints, a test times out).
 */
async function runHere(conn: DuckDBConnection, sql: string): Promise<DuckDBResult> {
  const pending = await conn.start(sql);
  for (let tasks = 1; ; tasks++) {
    const state = pending.runTask();
    if (state === DuckDBPendingResultState.RESULT_READY) break;
    if (state === DuckDBPendingResultState.NO_TASKS_AVAILABLE)
      await sleep(1); // DuckDB's workers have them
    else if (tasks % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return pending.getResult();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How the hour is cut: its groups (one per direction) counted, each one file
 * up to sliceRows rows, else cut by boundaries from a sample of its keys, in
 * more until the counted slices all hold at most sliceRows rows (or, after
 * SLICE_TRIES, the last try: never seen). An hour whose parts hold no row has
 * no group, so no file: its marker lists none, and the view reads nothing for it.
 */
async function sliceHour(conn: DuckDBConnection, files: HourFiles, sliceRows: number): Promise<HourSlicing> {
  const groups = (await (await runHere(conn, duckdbCountGroups(files))).getRows()).map(groupOfRow);
  const sliced = [];
  for (const g of groups) {
    sliced.push({ ...g, bounds: g.rows <= sliceRows ? [] : await groupBounds(conn, files, g, sliceRows) });
  }
  return { groups: sliced };
}

/** Boundaries that cut a group of more than sliceRows rows into slices of at most sliceRows. */
async function groupBounds(
  conn: DuckDBConnection,
  files: HourFiles,
  group: { direction: string | null; rows: number },
  sliceRows: number,
): Promise<SliceKey[]> {
  const sampleRows = Math.min(group.rows, SLICE_SAMPLE_ROWS);
  await runHere(conn, duckdbSampleKeys(files, group.direction, sampleRows));
  try {
    let slices = firstSliceCount(group.rows, sliceRows);
    for (let tries = 1; ; tries++) {
      slices = Math.min(slices, sampleRows);
      const bounds = (
        await (await runHere(conn, duckdbSampleBounds(boundaryRanks(sampleRows, slices)))).getRows()
      ).map(sliceKeyOfRow);
      const counts = (
        await (await runHere(conn, duckdbCountSlices(files, group.direction, bounds))).getRows()
      ).map((r) => Number(r[1]));
      const largest = Math.max(...counts);
      if (largest <= sliceRows || tries >= SLICE_TRIES || slices >= sampleRows) return bounds;
      slices = nextSliceCount(slices, largest, sliceRows);
    }
  } finally {
    await runHere(conn, duckdbDropSample());
  }
}

async function compactHour(
  conn: DuckDBConnection,
  root: string,
  h: HourPlan,
  run: string,
  level: number,
  sliceRows: number,
  onRenamed: LocalCompactOptions['onRenamed'],
): Promise<HourReport> {
  const dir = join(root, COMPACTED_PREFIX, hourPath(h));
  await mkdir(dir, { recursive: true });
  const files: HourFiles = {
    json: h.inputs.filter((o) => o.key.startsWith(`${JSON_PREFIX}/`)).map((o) => join(root, o.key)),
    parquet: h.inputs.filter((o) => o.key.startsWith(`${PARQUET_PREFIX}/`)).map((o) => join(root, o.key)),
  };
  const temps: string[] = [];
  let rows = 0;
  try {
    const slicing = await sliceHour(conn, files, sliceRows);
    const counted = slicedRows(slicing);
    // 1. Every slice to its temporary file before anything of the hour is touched.
    for (let index = 0; index < sliceCount(slicing); index++) {
      const tmp = join(dir, `${TMP_PREFIX}${run}-${index}.tmp`);
      temps.push(tmp);
      rows += (await runHere(conn, duckdbCompactHour(files, tmp, level, { of: slicing, index }))).rowsChanged;
    }
    // The slices' conditions cover every row once; should that ever fail, no hour loses rows for it.
    if (rows !== counted) throw new Error(`the hour has ${counted} rows but its slices ${rows}`);
  } catch (e) {
    for (const tmp of temps) await rm(tmp, { force: true });
    throw new Error(`compacting ${hourPath(h)}: ${(e as Error).message}`);
  }
  // 2. From here until step 4 the hour has no marker: the view reads its fresh parts.
  await removeAll(root, h.staleMarkers);
  // 3. The new files replace the old (a rename each); every other old file goes, stale slices included.
  const names = temps.map((_, index) => compactedFileName(index, temps.length));
  const keyOf = (name: string) => `${COMPACTED_PREFIX}/${hourPath(h)}/${name}`;
  let bytesAfter = 0;
  for (const [index, tmp] of temps.entries()) {
    const out = join(dir, names[index]);
    await rename(tmp, out);
    bytesAfter += (await stat(out)).size;
    await onRenamed?.(keyOf(names[index]));
  }
  const outKeys = new Set(names.map(keyOf));
  await removeAll(
    root,
    h.staleOutputs.filter((k) => !outKeys.has(k)),
  );
  // 4. The marker, last: the view switches the hour to the compacted files.
  const bytesBefore = h.inputs.reduce((n, o) => n + o.size, 0);
  const marker = join(root, markerKey(h, h.digest));
  await mkdir(join(root, MARKER_PREFIX, hourPath(h)), { recursive: true });
  const markerTmp = `${join(root, MARKER_PREFIX, hourPath(h), TMP_PREFIX)}${run}.tmp`;
  const body = {
    digest: h.digest,
    inputs: h.inputs.map((o) => o.key),
    files: names,
    rows,
    bytesBefore,
    bytesAfter,
  };
  await writeFile(markerTmp, `${JSON.stringify(body)}\n`);
  await rename(markerTmp, marker);
  return {
    ...hourOf(h),
    action: 'compacted',
    inputs: h.inputs.length,
    rows,
    bytesBefore,
    bytesAfter,
    files: names.length,
  };
}

const hourOf = (h: HourPlan) => ({ dt: h.dt, hour: h.hour });

/** Every file under `root/folder`, as lake keys (`folder/dt=.../name`) with size and `size:mtime` as version; hidden files left out. */
async function listFolder(root: string, folder: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  const walk = async (rel: string) => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const ent of entries) {
      if (ent.name.startsWith('.')) continue; // temporary files of a run in progress (or a dead one)
      const key = `${rel}/${ent.name}`;
      if (ent.isDirectory()) await walk(key);
      else {
        const s = await stat(join(root, key));
        out.push({ key, size: s.size, version: `${s.size}:${s.mtimeMs}` });
      }
    }
  };
  await walk(folder);
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Deletes this command's temporary files left by a run that died. */
async function removeTemporaries(dir: string): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const ent of entries) {
    if (ent.isFile() && ent.name.startsWith(TMP_PREFIX))
      await rm(join(ent.parentPath, ent.name), { force: true });
  }
}

async function removeAll(root: string, keys: readonly string[]): Promise<void> {
  for (const k of keys) await rm(join(root, k), { force: true });
}
