/**
 * `fwlake compact`: the local warehouse's finished hours rewritten by DuckDB
 * as one zstd Parquet file each under firewall_compacted/ (at
 * COMPACTED_ZSTD_LEVEL unless told otherwise), following the plan of
 * core/compaction-plan.ts.
 *
 * Steps for one hour, each safe to die after:
 *   1. COPY the hour's listed parts into a hidden temporary file beside the output;
 *   2. delete the hour's old markers (the view reads the fresh parts from now);
 *   3. rename the temporary file over `compacted.parquet` and delete any other
 *      compacted file of the hour;
 *   4. write the new marker (temporary file, renamed): the view reads the
 *      compacted file from now.
 * A run that dies leaves the hour without a marker, so the view keeps reading
 * the fresh parts and the next run compacts the hour again; hidden temporary
 * files of a dead run are removed by the next.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { assertZstdLevel, COMPACTED_ZSTD_LEVEL } from '../core/compaction-format.ts';
import {
  type CompactionPlan,
  type HourPlan,
  hourPath,
  type ListedObject,
  markerKey,
  planCompaction,
} from '../core/compaction-plan.ts';
import { duckdbCompactHour } from '../core/compaction-sql.ts';
import { DUCKDB_SETTINGS } from '../core/dialect.ts';
import { COMPACTED_PREFIX, JSON_PREFIX, MARKER_PREFIX, PARQUET_PREFIX } from '../core/lake-layout.ts';
import { PARQUET_SUFFIX } from '../core/part-format.ts';

/** The one compacted file of an hour. */
export const COMPACTED_FILE = `compacted${PARQUET_SUFFIX}`;
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
  /** Bytes of the compacted file written (0 when removed). */
  bytesAfter: number;
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
    report.hours.push({ ...hourOf(h), action: 'removed', inputs: 0, rows: 0, bytesBefore: 0, bytesAfter: 0 });
  }
  if (plan.compact.length === 0) return report;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    for (const sql of DUCKDB_SETTINGS) await conn.run(sql);
    // DuckDB counts the machine's CPUs, not the ones this process may use: under `taskset -c 0`
    // its two threads shared one CPU and burnt twice the CPU time (105 s instead of 49 s for 1M lines).
    await conn.run(`SET threads = ${availableParallelism()}`);
    const run = randomBytes(6).toString('hex');
    for (const h of plan.compact) report.hours.push(await compactHour(conn, root, h, run, level));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return report;
}

async function compactHour(
  conn: Awaited<ReturnType<DuckDBInstance['connect']>>,
  root: string,
  h: HourPlan,
  run: string,
  level: number,
): Promise<HourReport> {
  const dir = join(root, COMPACTED_PREFIX, hourPath(h));
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${TMP_PREFIX}${run}.tmp`);
  const files = {
    json: h.inputs.filter((o) => o.key.startsWith(`${JSON_PREFIX}/`)).map((o) => join(root, o.key)),
    parquet: h.inputs.filter((o) => o.key.startsWith(`${PARQUET_PREFIX}/`)).map((o) => join(root, o.key)),
  };
  let rows: number;
  try {
    rows = (await conn.run(duckdbCompactHour(files, tmp, level))).rowsChanged;
  } catch (e) {
    await rm(tmp, { force: true });
    throw new Error(`compacting ${hourPath(h)}: ${(e as Error).message}`);
  }
  // 2. From here until step 4 the hour has no marker: the view reads its fresh parts.
  await removeAll(root, h.staleMarkers);
  // 3. The new file replaces the old in one rename; any other old file goes.
  const out = join(dir, COMPACTED_FILE);
  await rename(tmp, out);
  const outKey = `${COMPACTED_PREFIX}/${hourPath(h)}/${COMPACTED_FILE}`;
  await removeAll(
    root,
    h.staleOutputs.filter((k) => k !== outKey),
  );
  // 4. The marker, last: the view switches the hour to the compacted file.
  const bytesAfter = (await stat(out)).size;
  const bytesBefore = h.inputs.reduce((n, o) => n + o.size, 0);
  const marker = join(root, markerKey(h, h.digest));
  await mkdir(join(root, MARKER_PREFIX, hourPath(h)), { recursive: true });
  const markerTmp = `${join(root, MARKER_PREFIX, hourPath(h), TMP_PREFIX)}${run}.tmp`;
  const body = { digest: h.digest, inputs: h.inputs.map((o) => o.key), rows, bytesBefore, bytesAfter };
  await writeFile(markerTmp, `${JSON.stringify(body)}\n`);
  await rename(markerTmp, marker);
  return { ...hourOf(h), action: 'compacted', inputs: h.inputs.length, rows, bytesBefore, bytesAfter };
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
