/**
 * How `fwlake compact` cuts an hour into several compacted files ("slices"):
 * one group of files per direction, so that a query about one direction skips
 * the others' files, and within a group, ranges of at most `sliceRows` rows,
 * so that no COPY sorts and buffers more than a bounded number of rows:
 * DuckDB's memory for one COPY grows with the rows it sorts and writes (a
 * file's row group is buffered whole, each column one page), and an hour of a
 * busy firewall has no bound. Local compaction only: Athena's INSERT INTO
 * writes its own files.
 *
 * The rule:
 * - The hour's rows are grouped by COMPACTED_GROUP (direction: forward, in,
 *   out, then rows without one), in that order; each group present is cut
 *   on its own.
 * - A group of at most `sliceRows` rows is one file. A bigger one is cut into
 *   consecutive ranges of COMPACTED_SLICE_KEY (proto, src, ts, source_key,
 *   line_no: unique within an hour, NULLs last): each source's rows
 *   together (a source cut by a boundary, a scanner's or a flood's, goes on
 *   in the next file). Ranges of that order, not a hash of the source:
 *   neighbouring sources (one subnet, one interface) compress together; on
 *   hours of ~133,000 rows cut in 7, a hash of src cost 9.2% more bytes than
 *   one file, ranges 4.7%.
 * - The files are numbered over the whole hour, group after group:
 *   `compacted-1-of-N.parquet` ... one after the other hold the hour's rows in
 *   exactly COMPACTED_ORDER. An hour of one group that fits one file is
 *   `compacted.parquet`.
 * - A big group's boundaries are keys of a sample of the group (at most
 *   SLICE_SAMPLE_ROWS rows, so planning memory does not grow with the hour),
 *   aiming at SLICE_FILL * sliceRows rows a slice; the slices' rows are then
 *   counted exactly, and should one hold more than sliceRows the group is cut
 *   in more (from the same sample).
 */
import { PARQUET_SUFFIX } from './part-format.ts';

/**
 * Rows at most in one compacted file of `fwlake compact` (a bigger hour is cut
 * into slices). Chosen by measuring the whole command on one core (DuckDB on
 * the node main thread, one thread, zstd 17) over the first 1.5M lines of the
 * 10M-line benchmark stream: 11 hours of ~133,000 rows, 68.3 MB as one file
 * an hour. Peak RSS / compacted bytes with this bound: 15,000 235 MB / +5.4%;
 * 20,000 245 MB / +4.6%; 25,000 271 MB / +3.1%; 30,000 291 MB / +1.6% (one
 * file an hour: 535 MB in one statement, and 1.1 GB before statements ran on the main
 * thread). 20,000 keeps ~55 MB under the 300 MB goal for wider rows (an IPv6
 * line is ~100 bytes longer; DuckDB holds ~4 KB a row while it sorts and
 * writes a slice), at under 5% more bytes on such hours. Hours of the 1M-line
 * stream (~13,000 rows) stay one file: their bytes do not change.
 */
export const COMPACTED_SLICE_ROWS = 20_000;

/** Rows of the hour sampled to place the boundaries: enough that a slice's share is known within ~1% for 7 slices. */
export const SLICE_SAMPLE_ROWS = 65_536;

/** Share of sliceRows a slice aims at, the rest being room for the sample's error. */
export const SLICE_FILL = 0.9;

/** How many tries to find boundaries whose slices all hold at most sliceRows rows (each try cuts in more). */
export const SLICE_TRIES = 5;

/** One boundary: the COMPACTED_SLICE_KEY of a row (ts as microseconds since the epoch); the row starts a slice. */
export interface SliceKey {
  proto: string | null;
  src: string | null;
  tsUs: bigint | null;
  sourceKey: string | null;
  lineNo: bigint | null;
}

/** The rows of one direction (COMPACTED_GROUP value, null for rows without one): N - 1 boundaries in key order make N slices. */
export interface SliceGroup {
  direction: string | null;
  /** Rows of the group, counted. */
  rows: number;
  bounds: readonly SliceKey[];
}

/** How an hour is cut: its groups in COMPACTED_ORDER, each in one or more slices. */
export interface HourSlicing {
  groups: readonly SliceGroup[];
}

/** Slices of one group. */
export const groupSlices = (g: SliceGroup) => g.bounds.length + 1;

/** Files of the hour: every group's slices. */
export const sliceCount = (s: HourSlicing) => s.groups.reduce((n, g) => n + groupSlices(g), 0);

/** Rows of the hour: every group's. */
export const slicedRows = (s: HourSlicing) => s.groups.reduce((n, g) => n + g.rows, 0);

/** The group of the hour's slice `index` (0-based over the whole hour) and the slice's index within it. */
export function sliceAt(s: HourSlicing, index: number): { group: SliceGroup; index: number } {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`no slice ${index}`);
  let first = 0;
  for (const group of s.groups) {
    if (index < first + groupSlices(group)) return { group, index: index - first };
    first += groupSlices(group);
  }
  throw new RangeError(`no slice ${index} of ${first}`);
}

/** The first number of slices tried: rows / (SLICE_FILL * sliceRows), at least 2 for an hour over sliceRows. */
export function firstSliceCount(rows: number, sliceRows: number): number {
  return Math.max(2, Math.ceil(rows / (SLICE_FILL * sliceRows)));
}

/** The next number of slices after a try whose largest slice held `largest` rows (more than sliceRows). */
export function nextSliceCount(slices: number, largest: number, sliceRows: number): number {
  return Math.max(slices + 1, Math.ceil((slices * largest) / (SLICE_FILL * sliceRows)));
}

/**
 * The ranks (1-based, in key order) of the sampled rows that start slices 2..N:
 * N - 1 distinct ranks spread evenly over the sample. Needs sampleRows >= slices.
 */
export function boundaryRanks(sampleRows: number, slices: number): number[] {
  if (!Number.isInteger(slices) || slices < 2 || sampleRows < slices) {
    throw new RangeError(`cannot cut ${sampleRows} sampled rows into ${slices} slices`);
  }
  return Array.from({ length: slices - 1 }, (_, j) => Math.floor(((j + 1) * sampleRows) / slices) + 1);
}

/** `compacted.parquet` for an hour in one file, else `compacted-03-of-12.parquet` (1-based, padded to N's width). */
export function compactedFileName(index: number, slices: number): string {
  if (!Number.isInteger(slices) || slices < 1 || !Number.isInteger(index) || index < 0 || index >= slices) {
    throw new RangeError(`no slice ${index} of ${slices}`);
  }
  if (slices === 1) return `compacted${PARQUET_SUFFIX}`;
  const width = String(slices).length;
  return `compacted-${String(index + 1).padStart(width, '0')}-of-${slices}${PARQUET_SUFFIX}`;
}
