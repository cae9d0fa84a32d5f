/**
 * How `fwlake compact` cuts a big hour into several compacted files
 * ("slices") so that no COPY sorts and buffers more than a bounded number of
 * rows: DuckDB's memory for one COPY grows with the rows it sorts and writes
 * (a file's row group is buffered whole, each column one page), and an hour
 * of a busy firewall has no bound. Local compaction only: Athena's INSERT
 * INTO manages its own memory.
 *
 * The rule:
 * - An hour of at most `sliceRows` rows is one file, `compacted.parquet`,
 *   written exactly as before slicing existed.
 * - A bigger hour is cut into N consecutive ranges of its COMPACTED_ORDER
 *   key (src, ts, source_key, line_no: unique within an hour, NULLs last),
 *   `compacted-1-of-N.parquet` ...: the files one after the other hold the
 *   rows in exactly the order of one file, each source's rows together (a
 *   source cut by a boundary, a scanner's or a flood's, goes on in the next
 *   file). Ranges of that order, not a hash of the source: neighbouring
 *   sources (one subnet, one interface) compress together; on hours of
 *   ~133,000 rows cut in 7, a hash of src cost 9.2% more bytes than one file,
 *   ranges 4.7%.
 * - The boundaries are keys of a sample of the hour (at most
 *   SLICE_SAMPLE_ROWS rows, so planning memory does not grow with the hour),
 *   aiming at SLICE_FILL * sliceRows rows a slice; the slices' rows are then
 *   counted exactly, and should one hold more than sliceRows the hour is cut
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

/** One boundary: the COMPACTED_ORDER key of a row (ts as microseconds since the epoch); the row starts a slice. */
export interface SliceKey {
  src: string | null;
  tsUs: bigint | null;
  sourceKey: string | null;
  lineNo: bigint | null;
}

/** How an hour is cut: N - 1 boundaries in key order make N slices (none: one file). */
export interface HourSlicing {
  bounds: readonly SliceKey[];
}

/** The hour as one file. */
export const ONE_FILE: HourSlicing = { bounds: [] };

export const sliceCount = (s: HourSlicing) => s.bounds.length + 1;

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
