/**
 * How compacted files are written, in one place for both writers (DuckDB's
 * COPY in `fwlake compact`, Athena's INSERT INTO through the Glue table's
 * properties): the zstd level, the row order, the row group size.
 */

/** Rows per row group of a compacted file: large groups read fast in Athena and DuckDB, and an hour seldom fills many. */
export const COMPACTED_ROW_GROUP_ROWS = 131_072;

/**
 * The zstd level of compacted files (DuckDB's COPY in `fwlake compact`, the
 * Glue table's `compression_level` for Athena's INSERT INTO). Compaction runs
 * once per finished hour, off the ingest path, and every later query reads its
 * files, so it buys size with CPU. Measured on the 1M-line benchmark stream
 * (share of its 90.1 MB of gzip JSON, one file an hour before files per
 * direction): level 9 65%, 15 61%, 17 59.3% (53.4 MB, ~47 s of one core per
 * million lines; 59.4% in files per direction), 19 58.4% (twice the time of 17). 17
 * meets the 60% goal where past it each step costs far more than it saves
 * (README, "Compaction").
 */
export const COMPACTED_ZSTD_LEVEL = 17;

/** What zstd accepts (and Athena's `compression_level`): 1 to 22. */
export const ZSTD_LEVELS = { min: 1, max: 22 } as const;

/** Throws unless `level` is a whole number from 1 to 22. */
export function assertZstdLevel(level: number): void {
  if (!Number.isInteger(level) || level < ZSTD_LEVELS.min || level > ZSTD_LEVELS.max) {
    throw new RangeError(
      `a zstd level is a whole number from ${ZSTD_LEVELS.min} to ${ZSTD_LEVELS.max}, not ${level}`,
    );
  }
}

/**
 * The row order of a compacted hour: by direction, then protocol, source
 * address, time, and source and line (unique within an hour, so the order, and
 * the file, are the same whichever order the parts were written in).
 * - Direction first, because most saved queries ask about one direction (six
 *   of them `direction = 'in'`): `fwlake compact` writes each direction of an
 *   hour to files of its own (COMPACTED_GROUP), whose statistics (min = max)
 *   let DuckDB skip the others without reading their columns; Athena's writer
 *   keeps the order, so its row groups can be skipped the same way where an
 *   hour spans several.
 * - Protocol, then source: rows of one source and protocol sit together, so
 *   the `raw` lines of a page repeat each other (same addresses, interfaces,
 *   MACs, prefixes, header layout) and compress much better than in time
 *   order. Measured on three hours of the 1M-line benchmark stream, files per
 *   direction: (src, ts) 2.31 MB, (proto, src, ts) 2.24 MB.
 */
export const COMPACTED_ORDER = ['direction', 'proto', 'src', 'ts', 'source_key', 'line_no'] as const;

/** The column whose values get compacted files of their own (the first of COMPACTED_ORDER). */
export const COMPACTED_GROUP = COMPACTED_ORDER[0];

/** The order within one group's files: COMPACTED_ORDER after the group column (what slice boundaries are keys of). */
export const COMPACTED_SLICE_KEY = ['proto', 'src', 'ts', 'source_key', 'line_no'] as const;
if (COMPACTED_SLICE_KEY.join() !== COMPACTED_ORDER.slice(1).join())
  throw new Error('COMPACTED_SLICE_KEY must be COMPACTED_ORDER after its group column');
