/**
 * Records as Parquet: the part writer's encoder (column buffers, pages and
 * footer live in functions/core/parquet/), the row-group size, and the codec
 * choice.
 *
 * Why a writer of our own: hyparquet-writer (used first) takes whole records,
 * converts every column to JS arrays and tries a dictionary on every chunk:
 * measured 18 µs a row on our 73 columns, 60x the parser's time, and 570 MB
 * peak for 1M lines. Buffering typed columns as records arrive and encoding
 * them with fixed per-column choices costs ~1-2 µs a row plus compression.
 * hyparquet-writer still serializes the Thrift page headers and footer.
 *
 * Pure: records in, bytes out; the adapters decide where the bytes go.
 */

import { type Codec, parseCodec } from './parquet/codec.ts';
import { RecordColumns } from './parquet/record-columns.ts';
import type { FirewallRecord } from './record.ts';

export { parquetSchema } from './parquet/schema.ts';

/**
 * Rows per row group, and per part file (a part holds one row group). Athena
 * plans splits per row group and skips whole groups by their min/max
 * statistics, so groups should be large enough that the per-group overhead
 * (footer entries, dictionary pages, one read request per column chunk) is
 * small, yet small enough to buffer in a Lambda: 128k rows are ~70 MB of
 * column buffers at most. Compaction merges an hour's parts into bigger files.
 */
export const ROW_GROUP_ROWS = 131_072;

/**
 * The compression of every page: FWLAKE_PARQUET_CODEC (`auto`, `snappy`,
 * `gzip[:level]`, `zstd[:level]`, `none`), default `auto` = zstd level 3 where
 * the runtime has it (Node >= 22.15, Lambda's runtime), else snappy (see codec.ts).
 */
export function defaultCodec(env: Record<string, string | undefined> = process.env): Codec {
  return parseCodec(env.FWLAKE_PARQUET_CODEC ?? 'auto');
}

/** Encodes records (at most a row group's worth: they are buffered in memory) as one Parquet file. */
export function encodeParquet(records: readonly FirewallRecord[], codec: Codec = defaultCodec()): Uint8Array {
  const cols = new RecordColumns();
  for (const r of records) cols.add(r);
  return cols.toParquet({ codec });
}
