/**
 * Page compression. Every codec here is one Athena (Trino) and DuckDB read
 * (Athena lists SNAPPY, GZIP, ZSTD, LZ4, LZO for Parquet; not BROTLI).
 *
 * - ZSTD: the best ratio for its speed, but node:zlib has it only from Node
 *   22.15 (Lambda's nodejs22.x/24.x runtimes have it; Node 20 does not).
 * - GZIP: everywhere; level 6 costs ~3x the time of level 1 for ~20% less.
 * `auto` picks ZSTD level 3 where the runtime has it, else GZIP level 1: ingest
 * parts are the write-optimised form of an hour (compaction rewrites each
 * finished hour grouped by source at a high zstd level), so ingest takes the
 * fast level. Measured on 1M generator lines, Node 20, one core: gzip 1 →
 * 79 MB in 5.4 s, gzip 6 → 65 MB in 8.1 s (codec `none`: 3.8 s).
 */
import * as zlib from 'node:zlib';

export type CodecName = 'GZIP' | 'ZSTD' | 'UNCOMPRESSED';

export interface Codec {
  readonly name: CodecName;
  compress(input: Uint8Array): Uint8Array;
}

type ZstdSync = (input: Uint8Array, opts?: { params?: Record<number, number> }) => Buffer;
const zstdSync = (zlib as unknown as { zstdCompressSync?: ZstdSync }).zstdCompressSync;
const ZSTD_LEVEL_PARAM = (zlib.constants as unknown as Record<string, number>).ZSTD_c_compressionLevel;

export const hasZstd = (): boolean => typeof zstdSync === 'function';

export function gzipCodec(level: number): Codec {
  return { name: 'GZIP', compress: (input) => zlib.gzipSync(input, { level }) };
}

export function zstdCodec(level: number): Codec {
  const z = zstdSync;
  if (z === undefined) throw new Error(`zstd needs Node >= 22.15 (this is ${process.version})`);
  return { name: 'ZSTD', compress: (input) => z(input, { params: { [ZSTD_LEVEL_PARAM]: level } }) };
}

export const UNCOMPRESSED: Codec = { name: 'UNCOMPRESSED', compress: (input) => input };

/** Codec choice as a user writes it: `auto`, `gzip`, `gzip:1`, `zstd`, `zstd:3`, `none`. */
export function parseCodec(spec: string): Codec {
  const [name, levelText] = spec.toLowerCase().split(':');
  const level = levelText === undefined ? undefined : Number(levelText);
  if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 22))
    throw new Error(`bad compression level in "${spec}"`);
  switch (name) {
    case 'auto':
      return hasZstd() ? zstdCodec(level ?? 3) : gzipCodec(level ?? 1);
    case 'gzip':
      return gzipCodec(level ?? 6);
    case 'zstd':
      return zstdCodec(level ?? 3);
    case 'none':
      return UNCOMPRESSED;
    default:
      throw new Error(`unknown Parquet compression "${spec}" (auto, gzip[:level], zstd[:level], none)`);
  }
}
