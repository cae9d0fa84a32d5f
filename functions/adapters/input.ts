/**
 * Local input: a file or stdin, plain, gzip or zstd (by its magic bytes,
 * not its name), streamed in chunks, with a SHA-256 of the bytes as read.
 * That hash is the input's identity: the same input always gets the same
 * output object names, so ingesting it again replaces instead of duplicating.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { decompressByMagic } from './decompress.ts';

export interface LocalInput {
  /** Decompressed bytes, in chunks. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Bytes read from the file or stdin (compressed size for .gz). */
  bytesRead(): number;
  /** Total size when known (a file), for progress. */
  readonly size: number | null;
  /** Hex SHA-256 of the bytes read; complete once `chunks` is exhausted. */
  digest(): string;
}

/** Opens FILE, or stdin for '-'. Rejects with a clear message when the file cannot be read. */
export async function openLocalInput(path: string): Promise<LocalInput> {
  let size: number | null = null;
  let source: AsyncIterable<Buffer>;
  if (path === '-') {
    source = process.stdin;
  } else {
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new Error('not a regular file');
      size = st.size;
    } catch (e) {
      throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    source = createReadStream(path, { highWaterMark: 1 << 20 });
  }
  const hash = createHash('sha256');
  let read = 0;
  let hex: string | null = null;
  return {
    size,
    bytesRead: () => read,
    digest: () => {
      hex ??= hash.digest('hex');
      return hex;
    },
    chunks: (
      await decompressByMagic(
        (async function* () {
          for await (const chunk of source) {
            read += chunk.length;
            hash.update(chunk);
            yield chunk;
          }
        })(),
        path === '-' ? 'stdin' : path,
      )
    ).chunks,
  };
}
