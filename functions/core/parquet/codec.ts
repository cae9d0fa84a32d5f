/**
 * Page compression. Every codec here is one Athena (Trino) and DuckDB read
 * (Athena lists SNAPPY, GZIP, ZSTD, LZ4, LZO for Parquet; not BROTLI).
 *
 * - ZSTD: the best ratio for its speed, but node:zlib has it only from Node
 *   22.15 (Lambda's nodejs22.x/24.x runtimes have it; Node 20 does not).
 * - SNAPPY: everywhere, by WebAssembly (snappy.ts): the fastest here, the
 *   largest output.
 * - GZIP: everywhere; level 6 costs ~3x the time of level 1 for ~20% less.
 * `auto` picks ZSTD level 3 where the runtime has it, else SNAPPY: ingest parts
 * are the write-optimised form of an hour (compaction rewrites each finished
 * hour grouped by direction, protocol and source at a high zstd level), so
 * ingest takes the fast codec.
 * Page compression of 1M generator lines (~267 MB of pages), one core, CPU
 * seconds over codec `none` (`bench/stages.ts`): Node 20 snappy +0.6 s (110 MB),
 * gzip 1 +1.2 s (79 MB), gzip 6 +3.5 s (65 MB); Node 24 zstd 1 +0.5 s (70 MB).
 */
import * as zlib from 'node:zlib';
import { snappyCompressView } from './snappy.ts';

export type CodecName = 'GZIP' | 'ZSTD' | 'SNAPPY' | 'UNCOMPRESSED';

export interface Codec {
  readonly name: CodecName;
  /** `input` compressed. The result may be a view valid only until the codec's next call: copy it away at once. */
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

export const SNAPPY: Codec = { name: 'SNAPPY', compress: snappyCompressView };

export const UNCOMPRESSED: Codec = { name: 'UNCOMPRESSED', compress: (input) => input };

/** Codec choice as a user writes it: `auto`, `snappy`, `gzip`, `gzip:1`, `zstd`, `zstd:3`, `none`. */
export function parseCodec(spec: string): Codec {
  const [name, levelText] = spec.toLowerCase().split(':');
  const level = levelText === undefined ? undefined : Number(levelText);
  if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 22))
    throw new Error(`bad compression level in "${spec}"`);
  switch (name) {
    case 'auto':
      if (level !== undefined) throw new Error(`"auto" takes no level ("${spec}")`);
      return hasZstd() ? zstdCodec(3) : SNAPPY;
    case 'snappy':
      if (level !== undefined) throw new Error(`snappy has no levels ("${spec}")`);
      return SNAPPY;
    case 'gzip':
      return gzipCodec(level ?? 6);
    case 'zstd':
      return zstdCodec(level ?? 3);
    case 'none':
      return UNCOMPRESSED;
    default:
      throw new Error(
        `unknown Parquet compression "${spec}" (auto, snappy, gzip[:level], zstd[:level], none)`,
      );
  }
}
