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
 * (share of its 90.1 MB of gzip JSON): level 9 65%, 15 61%, 17 59.3% (53.4 MB,
 * ~47 s of one core per million lines), 19 58.4% (twice the time of 17). 17
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
 * The row order of a compacted hour: by source address, then time, then
 * source and line (unique within an hour, so the order, and the file, are
 * the same whichever order the parts were written in). Rows of one source sit
 * together, so the `raw` lines of a page repeat each other (same addresses,
 * interfaces, MACs, prefixes) and compress much better than in time order.
 */
export const COMPACTED_ORDER = ['src', 'ts', 'source_key', 'line_no'] as const;
