/**
 * Compaction of the bench's Parquet warehouse: `fwlake compact --warehouse W
 * --now T` in a child process (bench/fwlake-child.ts), T far enough after the
 * last record that every hour is finished, then the bytes of the compacted
 * files it wrote. The warehouse keeps its fresh parts (compaction only derives
 * from them), so the same warehouse is measured before and after.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { COMPACTED_PREFIX } from '../functions/core/lake-layout.ts';
import { PARQUET_SUFFIX } from '../functions/core/part-format.ts';
import { runFwlake } from './fwlake-child.ts';

export interface CompactRun {
  oneCore: boolean;
  /** zstd level, as `fwlake compact` prints it. */
  level: number;
  /** The command's own time, as it prints it (listing, every COPY, markers). */
  secs: number;
  /** Spawn to exit: node's start-up, the bundle's and DuckDB's import included. */
  wallSecs: number;
  peakRssMB: number;
  hours: number;
  rows: number;
  /** Bytes of the fresh parts it read, as it reports them. */
  bytesBefore: number;
  /** Bytes of the compacted files under firewall_compacted/. */
  bytes: number;
  files: number;
  /** Per million input lines (the ingest's line count). */
  bytesPer1MLines: number;
}

// `72 hours compacted (zstd level 17): 959619 rows, 64365724 -> 53439777 bytes; 0 up to date, 0 still open; 46.10 s`
const SUMMARY =
  /^(\d+) hours compacted \(zstd level (\d+)\): (\d+) rows, (\d+) -> (\d+) bytes; .*; ([\d.]+) s$/m;

/** A time after which every hour of the input is finished: a day after its last record (or far ahead with none). */
export function afterEveryHour(lastTs: string | null): string {
  if (lastTs === null) return '2100-01-01T00:00:00Z';
  return new Date(Date.parse(lastTs) + 24 * 3_600_000).toISOString();
}

/** Bytes and count of the compacted files under a warehouse. */
async function compactedBytes(warehouse: string): Promise<{ bytes: number; files: number }> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(warehouse, COMPACTED_PREFIX), { withFileTypes: true, recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { bytes: 0, files: 0 };
    throw e;
  }
  let bytes = 0;
  let files = 0;
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith(PARQUET_SUFFIX)) continue;
    bytes += (await stat(join(e.parentPath, e.name))).size;
    files++;
  }
  return { bytes, files };
}

/** `fwlake compact` on WAREHOUSE with every hour finished by `now`; `lines` is the ingest's input line count. */
export async function compactRun(
  warehouse: string,
  now: string,
  lines: number,
  oneCore: boolean,
): Promise<CompactRun> {
  const run = await runFwlake(['compact', '--warehouse', warehouse, '--now', now], { oneCore });
  const m = SUMMARY.exec(run.stdout);
  if (m === null) {
    throw new Error(
      `cannot read the summary line of fwlake compact; it printed:\n${run.stdout.slice(-2000)}`,
    );
  }
  const out = await compactedBytes(warehouse);
  return {
    oneCore,
    level: Number(m[2]),
    secs: Number(m[6]),
    wallSecs: run.wallSecs,
    peakRssMB: (run.report.maxRssKiB * 1024) / 1e6,
    hours: Number(m[1]),
    rows: Number(m[3]),
    bytesBefore: Number(m[4]),
    bytes: out.bytes,
    files: out.files,
    bytesPer1MLines: (out.bytes / lines) * 1e6,
  };
}
