/**
 * Decompression by magic bytes, not names, for every input (local files,
 * stdin, S3 objects):
 *
 * - gzip (1f 8b), concatenated members included (what `cat a.gz b.gz` and
 *   rotating shippers produce);
 * - zstd (28 b5 2f fd), with Node's zlib zstd decompressor where the runtime
 *   has one (Node 22.15+/23.8+; Lambda's nodejs22.x and 24.x do), a clear
 *   error where it does not;
 * - anything else is plain text.
 *
 * A corrupt or truncated compressed input fails the iteration with zlib's error.
 */
import { pipeline, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];

type ZstdFactory = () => Transform;
/** Present from Node 22.15 / 23.8 on; @types/node 20 does not declare it. */
const createZstdDecompress = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;

export function detectCompression(head: Uint8Array): Compression {
  const starts = (magic: number[]) => head.length >= magic.length && magic.every((b, i) => head[i] === b);
  if (starts(GZIP)) return 'gzip';
  if (starts(ZSTD)) return 'zstd';
  return 'none';
}

export interface Decompressed {
  readonly compression: Compression;
  /** The decompressed bytes. Iterate once. */
  readonly chunks: AsyncGenerator<Uint8Array>;
}

/**
 * Reads the first bytes of `source` (enough for the magic numbers; a chunk may
 * be shorter), picks the decoder, and returns the decompressed stream.
 * `name` appears in the error for a zstd input on a runtime without zstd.
 */
export async function decompressByMagic(
  source: AsyncIterable<Uint8Array>,
  name: string,
): Promise<Decompressed> {
  const it = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headLen = 0;
  let ended = false;
  while (headLen < ZSTD.length) {
    const n = await it.next();
    if (n.done) {
      ended = true;
      break;
    }
    head.push(n.value);
    headLen += n.value.length;
  }
  const first = head.length === 1 ? head[0] : Buffer.concat(head);
  const compression = detectCompression(first);
  if (compression === 'zstd' && createZstdDecompress === undefined) {
    await it.return?.();
    throw new Error(
      `${name} is zstd-compressed: zstd needs Node 22.15 or newer (this is Node ${process.versions.node})`,
    );
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    if (first.length > 0) yield first;
    if (ended) return;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  return { compression, chunks: decode(all(), compression) };
}

async function* decode(
  source: AsyncGenerator<Uint8Array>,
  compression: Compression,
): AsyncGenerator<Uint8Array> {
  if (compression === 'none') {
    yield* source;
    return;
  }
  // Node's Gunzip reads concatenated members; zstd streams may hold several frames.
  const decoder = compression === 'gzip' ? zlib.createGunzip() : createZstdDecompress!();
  // pipeline() propagates an error either way and destroys both ends.
  pipeline(source, decoder, () => {});
  try {
    yield* decoder;
  } finally {
    decoder.destroy();
  }
}
